/*
 * test_gpiod_lines.c — the rig's GPIO line drivers on the libgpiod double
 * (gpiod_double.h), built twice: once with the v1 backend against the v1 API
 * surface (test_gpiod_v1), once with the v2 backend against the v2 surface
 * (test_gpiod_v2). What the kernel would see of each request is read back
 * from the double's model.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "drivers/lines/gpio_output.h"
#include "drivers/lines/gpiod_backend.h"
#include "gpiod_double.h"
#include "rig/error.h"

static void chips(void)
{
    gpiod_double_reset();
    cr_assert_eq(gpiod_double_add_chip("pinctrl-bcm2711", 58), 0);
    cr_assert_eq(gpiod_double_add_chip("pca9535-relays", 16), 1);
}

static struct gpiod_double_line line(unsigned chip, unsigned offset)
{
    struct gpiod_double_line st;
    cr_assert_eq(gpiod_double_line(chip, offset, &st), 0);
    return st;
}

TestSuite(gpiod, .init = chips, .fini = gpiod_double_reset);

Test(gpiod, backend_matches_the_api_linked)
{
    cr_expect_str_eq(rig_gpiod_api(), gpiod_double_api());
}

Test(gpiod, output_opens_inactive_and_follows_set)
{
    struct rig_gpio_output *o = NULL;
    cr_assert_eq(rig_gpio_output_open("gpiochip0:22", false, "rig pos1 supply", &o), 0,
                 "%s", rig_last_error());
    struct gpiod_double_line st = line(0, 22);
    cr_expect(st.requested && st.output && !st.edge_events && !st.active_low);
    cr_expect_str_eq(st.consumer, "rig pos1 supply");
    cr_expect_eq(st.physical, 0, "opening must not switch the relay");

    cr_assert_eq(rig_gpio_output_set(o, true), 0);
    cr_expect_eq(line(0, 22).physical, 1);
    cr_assert_eq(rig_gpio_output_set(o, false), 0);
    cr_expect_eq(line(0, 22).physical, 0);
    rig_gpio_output_close(o);
    cr_expect(!line(0, 22).requested);
}

Test(gpiod, active_low_output_inverts_the_pin)
{
    struct rig_gpio_output *o = NULL;
    cr_assert_eq(rig_gpio_output_open("1:3", true, "rig pos2 button", &o), 0, "%s",
                 rig_last_error());
    cr_expect(line(1, 3).active_low);
    cr_expect_eq(line(1, 3).physical, 1, "inactive is a high pin when active-low");
    cr_assert_eq(rig_gpio_output_set(o, true), 0);
    cr_expect_eq(line(1, 3).physical, 0);
    rig_gpio_output_close(o); /* leaves it released and off */
    struct gpiod_double_line st = line(1, 3);
    cr_expect(!st.requested);
    cr_expect_eq(st.physical, 1, "released while pressed: the relay must end up off");
}

Test(gpiod, chip_by_label_and_path)
{
    struct rig_gpio_output *o = NULL;
    cr_assert_eq(rig_gpio_output_open("pca9535-relays:5", false, "rig", &o), 0, "%s",
                 rig_last_error());
    cr_expect(line(1, 5).requested);
    rig_gpio_output_close(o);
    cr_assert_eq(rig_gpio_output_open("/dev/gpiochip1:6", false, "rig", &o), 0, "%s",
                 rig_last_error());
    cr_expect(line(1, 6).requested);
    rig_gpio_output_close(o);
    rig_gpio_output_close(NULL);
}

Test(gpiod, output_errors_name_the_line)
{
    struct rig_gpio_output *o = NULL;
    cr_expect_eq(rig_gpio_output_open("gpiochip7:1", false, "rig", &o), -ENODEV);
    cr_expect_null(o);
    cr_expect(strstr(rig_last_error(), "relay output gpiochip7:1: no GPIO chip 'gpiochip7'"), "%s",
              rig_last_error());
    cr_expect_eq(rig_gpio_output_open("gpiochip1:16", false, "rig", &o), -ENODEV);
    cr_expect(strstr(rig_last_error(), "has no line 16 (it has 16 lines)"), "%s", rig_last_error());
    cr_expect_eq(rig_gpio_output_open("gpiochip1", false, "rig", &o), -EINVAL);
    cr_expect(strstr(rig_last_error(), "expected CHIP:LINE"), "%s", rig_last_error());

    gpiod_double_hold(0, 4, "other-daemon");
    cr_expect_eq(rig_gpio_output_open("gpiochip0:4", false, "rig", &o), -EBUSY);
    cr_expect(strstr(rig_last_error(), "relay output gpiochip0:4: cannot request the line") &&
                  strstr(rig_last_error(), "gpioinfo"),
              "%s", rig_last_error());
    cr_expect_null(o);
}

Test(gpiod, output_twice_is_busy)
{
    struct rig_gpio_output *a = NULL, *b = NULL;
    cr_assert_eq(rig_gpio_output_open("gpiochip0:9", false, "rig a", &a), 0);
    cr_expect_eq(rig_gpio_output_open("gpiochip0:9", false, "rig b", &b), -EBUSY);
    rig_gpio_output_close(a);
    cr_expect_eq(rig_gpio_output_open("gpiochip0:9", false, "rig b", &b), 0, "%s",
                 rig_last_error());
    cr_expect_eq(line(0, 9).requests, 2);
    rig_gpio_output_close(b);
}
