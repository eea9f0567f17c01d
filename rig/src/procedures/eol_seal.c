/*
 * eol_seal.c — the last step of an EOL run: seal the units that passed
 * everything (one way: a sealed unit's calibration can never be written
 * again) and prove it, lock the factory block of the rest.
 */
#include <errno.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/modbus.h"

/* A sealed RS485 unit says so and still reads back what it was sealed with. */
static int check_sealed_rs485(struct eol_unit *u)
{
    uint32_t st = 0;
    int rc = rig_factory_status(u->m, &st);
    if (rc < 0)
        return rc;
    if (!(st & MED2_FACTORY_SEALED))
        return rig_error_set(-EIO, "position %u: status 0x%02x after sealing: not sealed",
                             u->position, st);
    struct rig_factory_identity id;
    struct rig_factory_cal cal;
    if ((rc = rig_factory_read_identity(u->m, &id)) < 0 ||
        (rc = rig_factory_read_cal(u->m, &cal)) < 0)
        return rc;
    if (id.serial != u->id_written.serial || (float)cal.i_gain != (float)u->cal.i_gain)
        return rig_error_set(-EIO, "position %u: the sealed unit reads back serial %u",
                             u->position, id.serial);
    return 0;
}

/* Without RS485 the factory port closes when sealed: silence is the proof. */
static int check_sealed_silent(struct eol_unit *u)
{
    rig_meter_set_timeout(u->m, EOL_PROBE_TIMEOUT_MS);
    uint32_t st;
    int rc = rig_factory_status(u->m, &st);
    rig_meter_set_timeout(u->m, 0);
    if (rc != -ETIMEDOUT)
        return rig_error_set(-EIO, "position %u: the factory port still answers after sealing",
                             u->position);
    return 0;
}

static int seal_unit(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)arg;
    int rc;
    if ((rc = rig_factory_unlock(u->m)) < 0 || (rc = rig_factory_seal(u->m)) < 0)
        return rc;
    rc = u->model.rs485 ? check_sealed_rs485(u) : check_sealed_silent(u);
    if (rc < 0)
        return rc;
    u->res->sealed = true;
    eol_record(c, u, "eol.seal", 1, "", 1, 1, "PASS"); /* when it happens: the operator page */
    return 0;
}

static int lock_unit(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    return u->res->sealed ? 0 : rig_factory_lock(u->m);
}

void eol_seal_units(struct eol_ctx *c, bool seal)
{
    if (seal) {
        for (unsigned i = 0; i < c->n; i++)
            c->u[i].cal_active = eol_pick_passing(&c->u[i]) && c->u[i].res->identified;
        eol_for_units(c, eol_pick_active, seal_unit, NULL, "sealing", NULL);
    }
    for (unsigned i = 0; i < c->n; i++)
        c->u[i].cal_active = c->u[i].usable && !c->u[i].sealed_before && !c->u[i].res->sealed;
    eol_for_units(c, eol_pick_active, lock_unit, NULL, NULL, NULL);
}
