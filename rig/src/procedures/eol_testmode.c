/*
 * eol_testmode.c — pulse output 1 at the factory test constant for the
 * measuring phases, and back to the legal constant before the unit is
 * identified and sealed (FACTORY_PULSE1_CONSTANT, docs/factory.md).
 *
 * At the legal 1 Wh a pulse a unit without RS485 (output 1 only) gives one
 * pulse a minute at Imin; at 100 000 imp/kWh it gives one a second there
 * and a gate of 1.5 s resolves a thirtieth of the class C limit.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/error.h"
#include "rig/factory.h"

static bool pick_unsealed(const struct eol_unit *u)
{
    return u->usable && !u->sealed_before;
}

static bool pick_test(const struct eol_unit *u)
{
    return u->usable && u->test_constant;
}

/* Write the constant and read it back: the unit's word, not ours. */
static int set_constant(struct eol_unit *u, unsigned imp_per_kwh)
{
    double back = 0.0;
    int rc = rig_factory_unlock(u->m);
    if (rc == 0)
        rc = rig_factory_write(u->m, MED2_FACTORY_PULSE1_CONSTANT, imp_per_kwh);
    if (rc == 0)
        rc = rig_factory_read(u->m, MED2_FACTORY_PULSE1_CONSTANT, &back);
    if (rc == 0 && lround(back) != (long)imp_per_kwh)
        rc = rig_error_set(-EIO, "pulse output 1's constant reads %.0f imp/kWh after writing %u",
                           back, imp_per_kwh);
    return rc;
}

static int test_on(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)arg;
    int rc = set_constant(u, EOL_TEST_IMP_PER_KWH);
    u->test_constant = rc == 0;
    u->res->pulse1_imp_per_kwh = rc == 0 ? EOL_TEST_IMP_PER_KWH : MED2_PULSE1_LEGAL_IMP_PER_KWH;
    if (rc < 0) /* older firmware: it gates at the legal constant, slowly */
        fprintf(stderr, "eol: position %u: no test constant (%s): gating at %u imp/kWh\n",
                u->position, rig_last_error(), MED2_PULSE1_LEGAL_IMP_PER_KWH);
    eol_record(c, u, "eol.pulse1.test_constant", u->res->pulse1_imp_per_kwh, "imp/kWh", NAN,
               NAN, "INFO");
    return 0;
}

static int test_off(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    int rc = set_constant(u, MED2_PULSE1_LEGAL_IMP_PER_KWH);
    if (rc == 0)
        u->test_constant = false;
    return rc;
}

void eol_test_constant_on(struct eol_ctx *c)
{
    eol_for_units(c, pick_unsealed, test_on, NULL, NULL, NULL);
}

void eol_test_constant_off(struct eol_ctx *c)
{
    eol_for_units(c, pick_test, test_off, NULL, "pulse output 1 back to 1000 imp/kWh", NULL);
}
