/*
 * supply_gpiod.c — the supply relay of a real bench (drivers/relays/supply.h)
 * on the libgpiod double (rig/tests/gpiod_double), line API v2: the line is
 * requested with the unit powered (relay released), a cut energises it, the
 * supply back releases it, closing leaves the unit powered; a line another
 * program holds is a one-line error naming the position and the line.
 * Built as test_supply_gpiod (rig/rig.mk), not by the generic test rule.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "drivers/relays/supply.h"
#include "gpiod_double.h"
#include "rig/error.h"

static void chips(void)
{
    gpiod_double_reset();
    cr_assert_eq(gpiod_double_add_chip("pinctrl-bcm2711", 58), 0);
}

static int pin(unsigned offset, bool *requested)
{
    struct gpiod_double_line st;
    cr_assert_eq(gpiod_double_line(0, offset, &st), 0);
    *requested = st.requested;
    return st.physical;
}

TestSuite(supply, .init = chips, .fini = gpiod_double_reset);

Test(supply, released_is_powered_energised_is_cut)
{
    struct rig_supply_relay *r = NULL;
    bool req;
    cr_assert_eq(rig_supply_relay_open("gpiochip0:5", 1, &r), 0, "%s", rig_last_error());
    cr_assert_eq(pin(5, &req), 0, "opening does not cut the supply");
    cr_assert(req);
    cr_assert_eq(rig_supply_relay_set(r, false), 0, "%s", rig_last_error());
    cr_assert_eq(pin(5, &req), 1, "off: the relay is energised, its NC contact open");
    cr_assert_eq(rig_supply_relay_set(r, true), 0, "%s", rig_last_error());
    cr_assert_eq(pin(5, &req), 0);
    cr_assert_eq(rig_supply_relay_set(r, false), 0, "%s", rig_last_error());
    rig_supply_relay_close(r);
    cr_assert_eq(pin(5, &req), 0, "closed: released, the unit powered again");
    cr_assert(!req);
}

Test(supply, a_held_line_is_a_clear_error)
{
    gpiod_double_hold(0, 6, "someone-else");
    struct rig_supply_relay *r = NULL;
    cr_assert_lt(rig_supply_relay_open("gpiochip0:6", 2, &r), 0);
    cr_assert_null(r);
    const char *msg = rig_last_error();
    cr_assert(strstr(msg, "position 2") != NULL && strstr(msg, "supply relay") != NULL, "%s", msg);
    cr_assert(strchr(msg, '\n') == NULL, "one line: %s", msg);
    cr_assert_lt(rig_supply_relay_open("nochip:1", 3, &r), 0);
}
