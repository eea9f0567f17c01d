/*
 * test_lines_gpiod.c — GPIO pulse inputs fail cleanly where there is no such
 * chip or line (this machine has no GPIO hardware; on the Pi, gpio-sim
 * would let these count real edges).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "rig/error.h"
#include "drivers/lines/lines_internal.h"

Test(lines_gpiod, nonexistent_chip)
{
    struct rig_pulse_input *in = NULL;
    cr_assert_eq(rig_pulse_input_open_gpiod("gpiochip42:17", "rig-test", &in), -ENODEV);
    cr_expect_null(in);
    cr_expect(strstr(rig_last_error(), "pulse input gpiochip42:17: no GPIO chip 'gpiochip42'"),
              "%s", rig_last_error());
}

Test(lines_gpiod, bad_spec)
{
    struct rig_pulse_input *in = NULL;
    cr_expect_eq(rig_pulse_input_open_gpiod("gpiochip0", "rig-test", &in), -EINVAL);
    cr_expect(strstr(rig_last_error(), "expected CHIP:LINE"), "%s", rig_last_error());
    cr_expect_eq(rig_pulse_input_open_gpiod("gpiochip0:x", "rig-test", &in), -EINVAL);
    cr_expect_eq(rig_pulse_input_open_gpiod(":3", "rig-test", &in), -EINVAL);
}
