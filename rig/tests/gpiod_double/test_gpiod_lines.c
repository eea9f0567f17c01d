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

/* ---- pulse inputs: edges from virtual time ---- */

#include <time.h>

#include "drivers/lines/lines_internal.h"

#define MS 1000000ull
#define US 1000ull

/* take edges until want of them arrived (the reading thread runs apart) */
static size_t take(struct rig_pulse_input *in, struct rig_line_edge *e, size_t max, size_t want,
                   uint64_t *dropped)
{
    size_t got = 0;
    uint64_t lost = 0;
    for (int tries = 0; tries < 400 && got < want; tries++) {
        size_t n = 0;
        uint64_t d = 0;
        cr_assert_eq(rig_pulse_input_edges(in, e + got, max - got, &n, &d), 0, "%s",
                     rig_last_error());
        got += n;
        lost += d;
        if (got < want)
            nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    if (dropped)
        *dropped = lost;
    return got;
}

/* A meter's pulse train: 30 ms pulses every 100 ms from t0, each leading
 * edge bouncing (3 transitions 20 us apart) when bounce is set. */
static uint64_t pulse_train(unsigned chip, unsigned offset, unsigned pulses, uint64_t t0,
                            bool bounce, int active)
{
    uint64_t t = t0;
    for (unsigned k = 0; k < pulses; k++) {
        t = t0 + k * 100 * MS;
        if (bounce) {
            gpiod_double_drive(chip, offset, active, t);
            gpiod_double_drive(chip, offset, !active, t + 20 * US);
            gpiod_double_drive(chip, offset, active, t + 40 * US);
        } else {
            gpiod_double_drive(chip, offset, active, t);
        }
        gpiod_double_drive(chip, offset, !active, t + 30 * MS);
    }
    gpiod_double_advance(t + 100 * MS);
    return t;
}

Test(gpiod, input_keeps_timestamps_of_both_edges)
{
    struct rig_line_config cfg = {.spec = "gpiochip0:17", .bias = RIG_GPIOD_BIAS_PULL_DOWN};
    struct rig_pulse_input *in = NULL;
    cr_assert_eq(rig_pulse_input_open_line("pulse input", &cfg, "rig pos1 pulse1", &in), 0, "%s",
                 rig_last_error());
    struct gpiod_double_line st = line(0, 17);
    cr_expect(st.requested && st.edge_events && !st.output);
    cr_expect_eq(st.bias, 3, "pull-down requested");
    cr_expect_eq(st.debounce_us, 0);

    pulse_train(0, 17, 10, 1000 * MS, false, 1);
    struct rig_line_edge e[64];
    cr_assert_eq(take(in, e, 64, 20, NULL), 20);
    for (unsigned k = 0; k < 10; k++) {
        cr_expect_eq(e[2 * k].t_ns, 1000 * MS + k * 100 * MS, "rise %u", k);
        cr_expect_eq(e[2 * k].level, 1);
        cr_expect_eq(e[2 * k + 1].t_ns, 1030 * MS + k * 100 * MS, "fall %u", k);
        cr_expect_eq(e[2 * k + 1].level, 0);
    }
    uint64_t count;
    cr_assert_eq(rig_pulse_input_count(in, &count), 0);
    cr_expect_eq(count, 10);
    bool level = true;
    cr_assert_eq(rig_pulse_input_level(in, &level), 0);
    cr_expect(!level);
    rig_pulse_input_close(in);
    cr_expect(!line(0, 17).requested);
}

Test(gpiod, active_low_input_counts_low_pulses)
{
    gpiod_double_drive(0, 18, 1, 0); /* idle high: open collector into a pull-up */
    struct rig_line_config cfg = {.spec = "gpiochip0:18", .bias = RIG_GPIOD_BIAS_PULL_UP,
                                  .active_low = true};
    struct rig_pulse_input *in = NULL;
    cr_assert_eq(rig_pulse_input_open_line("pulse input", &cfg, "rig", &in), 0, "%s",
                 rig_last_error());
    cr_expect(line(0, 18).active_low);
    cr_expect_eq(line(0, 18).bias, 2, "pull-up requested");
    pulse_train(0, 18, 5, 10 * MS, false, 0);
    struct rig_line_edge e[16];
    cr_assert_eq(take(in, e, 16, 10, NULL), 10);
    cr_expect_eq(e[0].level, 1, "the pin going low is the pulse's start");
    cr_expect_eq(e[0].t_ns, 10 * MS);
    uint64_t count;
    cr_assert_eq(rig_pulse_input_count(in, &count), 0);
    cr_expect_eq(count, 5);
    rig_pulse_input_close(in);
}

Test(gpiod, debounce_drops_contact_bounce)
{
    struct rig_line_config cfg = {.spec = "gpiochip0:20", .debounce_us = 500};
    struct rig_pulse_input *in = NULL;
    cr_assert_eq(rig_pulse_input_open_line("pulse input", &cfg, "rig", &in), 0, "%s",
                 rig_last_error());
    bool kernel = strcmp(gpiod_double_api(), "v2") == 0;
    /* v2: the kernel debounces (asked through the API); v1: the driver does */
    cr_expect_eq(line(0, 20).debounce_us, kernel ? 500 : 0);

    pulse_train(0, 20, 8, 2000 * MS, true, 1);
    /* a 100 us glitch between pulses is no pulse */
    gpiod_double_drive(0, 20, 1, 2900 * MS);
    gpiod_double_drive(0, 20, 0, 2900 * MS + 100 * US);
    gpiod_double_advance(3000 * MS);
    struct rig_line_edge e[64];
    size_t n = take(in, e, 64, 16, NULL);
    nanosleep(&(struct timespec){0, 20000000}, NULL);
    size_t more = take(in, e + n, 64 - n, 0, NULL);
    cr_assert_eq(n + more, 16, "8 pulses, bounce and glitch dropped: %zu edges", n + more);
    for (unsigned k = 0; k < 8; k++) {
        /* the rise settles at its last transition (+40 us); the kernel
         * reports it when the period ends */
        uint64_t rise = 2000 * MS + k * 100 * MS + 40 * US + (kernel ? 500 * US : 0);
        cr_expect_eq(e[2 * k].t_ns, rise, "rise %u at %llu", k, (unsigned long long)e[2 * k].t_ns);
        cr_expect_eq(e[2 * k].level, 1);
        cr_expect_eq(e[2 * k + 1].level, 0);
    }
    uint64_t count;
    cr_assert_eq(rig_pulse_input_count(in, &count), 0);
    cr_expect_eq(count, 8);
    rig_pulse_input_close(in);
}

Test(gpiod, queue_overflow_is_reported)
{
    struct rig_line_config cfg = {.spec = "gpiochip0:21", .queue = 8};
    struct rig_pulse_input *in = NULL;
    cr_assert_eq(rig_pulse_input_open_line("reference line", &cfg, "rig", &in), 0, "%s",
                 rig_last_error());
    pulse_train(0, 21, 10, 0, false, 1);
    /* the line's thread reads the events when it is scheduled: wait for
     * all 20 to be taken (the count), then look at the queue */
    uint64_t counted = 0;
    for (int tries = 0; counted < 10 && tries < 400; tries++) {
        nanosleep(&(struct timespec){0, 5000000}, NULL);
        cr_assert_eq(rig_pulse_input_count(in, &counted), 0);
    }
    struct rig_line_edge e[32];
    uint64_t dropped = 0;
    size_t n = take(in, e, 32, 8, &dropped);
    cr_expect_eq(n, 8);
    cr_expect_eq(dropped, 12, "20 edges into a queue of 8");
    uint64_t count;
    cr_assert_eq(rig_pulse_input_count(in, &count), 0);
    cr_expect_eq(count, 10, "the count stays exact");
    rig_pulse_input_close(in);
}

Test(gpiod, input_errors_name_the_line)
{
    struct rig_pulse_input *in = NULL;
    struct rig_line_config cfg = {.spec = "gpiochip3:1"};
    cr_expect_eq(rig_pulse_input_open_line("reference line", &cfg, "rig", &in), -ENODEV);
    cr_expect(strstr(rig_last_error(), "reference line gpiochip3:1: no GPIO chip"), "%s",
              rig_last_error());
    cr_expect_null(in);
    gpiod_double_hold(0, 2, "other");
    cr_expect_eq(rig_pulse_input_open_gpiod("gpiochip0:2", "rig", &in), -EBUSY);
    cr_expect(strstr(rig_last_error(), "pulse input gpiochip0:2"), "%s", rig_last_error());
    cr_expect_eq(rig_pulse_input_open_gpiod("gpiochip0:x", "rig", &in), -EINVAL);
}
