/*
 * test_button_relay.c — a button pressed through its relay's GPIO output
 * line (drivers/relays/buttons_gpio.c), against the libgpiod double: the
 * line is taken for the press only and left inactive and released.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "drivers/relays/buttons_internal.h"
#include "gpiod_double.h"
#include "rig/error.h"

static void chips(void)
{
    gpiod_double_reset();
    cr_assert_eq(gpiod_double_add_chip("pinctrl-bcm2711", 58), 0);
}

Test(button_relay, a_press_takes_the_line_and_leaves_it_inactive, .init = chips)
{
    struct gpiod_double_line st;
    cr_assert_eq(rig_button_relay_press("gpiochip0:12", false, "rig pos1 next", 1), 0, "%s",
                 rig_last_error());
    cr_assert_eq(gpiod_double_line(0, 12, &st), 0);
    cr_expect_eq(st.requests, 1ul, "requested for the press");
    cr_expect(!st.requested, "released after it");
    cr_expect_eq(st.physical, 0, "left inactive");
}

Test(button_relay, an_active_low_relay_rests_high, .init = chips)
{
    struct gpiod_double_line st;
    cr_assert_eq(rig_button_relay_press("gpiochip0:13", true, "rig pos1 enter", 1), 0, "%s",
                 rig_last_error());
    cr_assert_eq(gpiod_double_line(0, 13, &st), 0);
    cr_expect_eq(st.physical, 1, "inactive is a high pin");
}

Test(button_relay, a_held_or_missing_line_is_named, .init = chips)
{
    gpiod_double_hold(0, 14, "another program");
    cr_expect_eq(rig_button_relay_press("gpiochip0:14", false, "rig", 1), -EBUSY);
    cr_expect(strstr(rig_last_error(), "14"), "%s", rig_last_error());
    cr_expect_eq(rig_button_relay_press("gpiochip5:1", false, "rig", 1), -ENODEV);
    cr_expect(strstr(rig_last_error(), "gpiochip5"), "%s", rig_last_error());
}
