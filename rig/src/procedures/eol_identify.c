/*
 * eol_identify.c — identity and clock of the units that passed calibration
 * and verification: serial (from the bench file), hardware version and
 * calibration date into the factory block, the clock set, all saved and read
 * back, the calibration read back too.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/bench.h"
#include "rig/modbus.h"

#define EOL_HW_VERSION 1u
#define EOL_SERIAL_MAX 99999999ul /* eight digits, the factory block's serial */

struct ident_arg {
    struct tm now;
    uint32_t date; /* YYYYMMDD */
};

static int set_clock(struct eol_unit *u, const struct tm *now)
{
    int rc;
    if ((rc = rig_meter_unlock(u->m, NULL)) < 0 || (rc = rig_meter_set_clock(u->m, now)) < 0 ||
        (rc = rig_meter_save(u->m)) < 0)
        return rig_error_prefix(rc, "setting the clock");
    double day, month;
    if ((rc = rig_meter_read_reg(u->m, MED2_REG_DAY, &day)) < 0 ||
        (rc = rig_meter_read_reg(u->m, MED2_REG_MONTH, &month)) < 0)
        return rig_error_prefix(rc, "reading the clock back");
    if ((int)day != now->tm_mday || (int)month != now->tm_mon + 1)
        return rig_error_set(-EIO, "position %u: clock reads %02d.%02d after setting %02d.%02d",
                             u->position, (int)day, (int)month, now->tm_mday, now->tm_mon + 1);
    return 0;
}

/* What was written must read back: identity exactly, calibration as floats. */
static int check_read_back(struct eol_unit *u)
{
    int rc;
    if ((rc = rig_factory_read_identity(u->m, &u->id_read)) < 0 ||
        (rc = rig_factory_read_cal(u->m, &u->cal_read)) < 0)
        return rc;
    if (memcmp(&u->id_read, &u->id_written, sizeof u->id_read) != 0)
        return rig_error_set(-EIO,
                             "position %u: identity reads back as serial %u hw %u date %u, "
                             "written %u %u %u",
                             u->position, u->id_read.serial, u->id_read.hw_version,
                             u->id_read.cal_date, u->id_written.serial, u->id_written.hw_version,
                             u->id_written.cal_date);
    const struct rig_factory_cal *cw = &u->cal, *cr = &u->cal_read;
    const double w[] = {cw->v_gain,   cw->i_gain,   cw->phase_deg,    cw->v_offset,
                        cw->i_offset, cw->p_offset, cw->i_gain_slope, cw->phase_slope};
    const double r[] = {cr->v_gain,   cr->i_gain,   cr->phase_deg,    cr->v_offset,
                        cr->i_offset, cr->p_offset, cr->i_gain_slope, cr->phase_slope};
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
        if ((float)w[k] != (float)r[k])
            return rig_error_set(-EIO, "position %u: calibration value %zu reads back %g, written %g",
                                 u->position, k, r[k], w[k]);
    return 0;
}

static int identify(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c;
    const struct ident_arg *ia = arg;
    char *end;
    unsigned long serial = strtoul(u->pos->serial ? u->pos->serial : "", &end, 10);
    if (!u->pos->serial || *end || serial < 1 || serial > EOL_SERIAL_MAX)
        return rig_error_set(-EINVAL, "position %u: serial '%s' in the bench file is not 1..%lu",
                             u->position, u->pos->serial ? u->pos->serial : "", EOL_SERIAL_MAX);
    u->id_written = (struct rig_factory_identity){(uint32_t)serial, EOL_HW_VERSION, ia->date};
    int rc;
    if ((rc = rig_factory_unlock(u->m)) < 0 ||
        (rc = rig_factory_write_identity(u->m, &u->id_written)) < 0 ||
        (rc = rig_factory_save(u->m)) < 0)
        return rc;
    if (u->has_clock && (rc = set_clock(u, &ia->now)) < 0)
        return rc;
    if ((rc = check_read_back(u)) < 0)
        return rc;
    u->res->identified = true;
    return 0;
}

void eol_identify_units(struct eol_ctx *c)
{
    struct ident_arg ia;
    time_t now = time(NULL);
    localtime_r(&now, &ia.now);
    ia.date = (uint32_t)((ia.now.tm_year + 1900) * 10000 + (ia.now.tm_mon + 1) * 100 +
                         ia.now.tm_mday);
    eol_for_units(c, eol_pick_passing, identify, &ia, "identity", NULL);
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (u->res->identified) {
            eol_record(c, u, "eol.identity.serial", u->id_read.serial, "", NAN, NAN, "PASS");
            eol_record(c, u, "eol.identity.cal_date", u->id_read.cal_date, "", NAN, NAN, "PASS");
        }
    }
}
