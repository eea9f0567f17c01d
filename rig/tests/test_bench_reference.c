/*
 * test_bench_reference.c — the bench file's [reference], [lines] and
 * [source] driver keys: pi-rack.ini's reference line, bad values named by
 * file:line, a reference line without its constant, a sim bench's own wire.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench_config.h"
#include "rig/error.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/rig-test-ref-XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/bench.ini", dir);
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

TestSuite(bench_reference, .init = setup, .fini = teardown);

#define HW_HEAD                                                                            \
    "[bench]\nkind = hw\n[source]\nport = /dev/ttyUSB0\n"                                  \
    "[position 1]\nmodel = C80-1M-V3\nrs485 = /dev/ttyUSB1\n"

static int load(const char *text, struct rig_bench_config **cfg)
{
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return rig_bench_config_load(path, cfg);
}

Test(bench_reference, pi_rack_names_its_reference_and_line_options)
{
    struct rig_bench_config *cfg;
    cr_assert_eq(rig_bench_config_load("fixtures/benches/pi-rack.ini", &cfg), 0, "%s",
                 rig_last_error());
    cr_expect_str_eq(cfg->reference_line[1], "gpiochip0:26");
    cr_expect_float_eq(cfg->reference_constant[1], 100000.0, 1e-9);
    cr_expect_null(cfg->reference_line[2]);
    cr_expect_eq(cfg->reference_opts.bias, 2, "pull-up");
    cr_expect(cfg->reference_opts.active_low);
    cr_expect_eq(cfg->pulse_opts.debounce_us, 50);
    cr_expect(cfg->pulse_opts.active_low);
    cr_expect_eq(cfg->source_dialect, RIG_SOURCE_SCPI);
    rig_bench_config_free(cfg);
}

Test(bench_reference, fluke_driver_and_reactive_line)
{
    struct rig_bench_config *cfg;
    cr_assert_eq(load(HW_HEAD "[reference]\nline = gpiochip0:26\nconstant = 200000\n"
                              "reactive_line = gpiochip0:16\nreactive_constant = 50000\n"
                              "bias = pull-down\n",
                      &cfg),
                 0, "%s", rig_last_error());
    cr_expect_str_eq(cfg->reference_line[2], "gpiochip0:16");
    cr_expect_float_eq(cfg->reference_constant[2], 50000.0, 1e-9);
    cr_expect_eq(cfg->reference_opts.bias, 3, "pull-down");
    rig_bench_config_free(cfg);
    cr_assert_eq(load("[bench]\nkind = sim\n[source]\nport = sim\ndriver = fluke6105\n"
                      "[reference]\nconstant = 500000\n"
                      "[position 1]\nmodel = C80-1M-V3\nserial = 1\n",
                      &cfg),
                 0, "%s", rig_last_error());
    cr_expect_eq(cfg->source_dialect, RIG_SOURCE_FLUKE6105);
    rig_bench_config_free(cfg);
}

Test(bench_reference, bad_values_name_file_line_and_key)
{
    struct rig_bench_config *cfg = NULL;
    cr_expect_eq(load(HW_HEAD "[reference]\nline = gpiochip0:26\n", &cfg), -EINVAL);
    cr_expect(strstr(rig_last_error(), ":8: [reference] line needs constant"), "%s",
              rig_last_error());
    cr_expect_eq(load(HW_HEAD "[lines]\nbias = sideways\n", &cfg), -EINVAL);
    cr_expect(strstr(rig_last_error(), ":9: [lines] bias = 'sideways' — expected as-is"), "%s",
              rig_last_error());
    cr_expect_eq(load(HW_HEAD "[lines]\ndebounce_us = -3\n", &cfg), -EINVAL);
    cr_expect(strstr(rig_last_error(), "[lines] debounce_us = '-3'"), "%s", rig_last_error());
    cr_expect_eq(load(HW_HEAD "[reference]\nline = 26\nconstant = 1\n", &cfg), -EINVAL);
    cr_expect(strstr(rig_last_error(), "[reference] line = '26' — expected CHIP:LINE"), "%s",
              rig_last_error());
    cr_expect_eq(load(HW_HEAD "[reference]\nconstant = lots\n", &cfg), -EINVAL);
    cr_expect(strstr(rig_last_error(), "[reference] constant = 'lots' is not a pulse constant"),
              "%s", rig_last_error());
    cr_expect_eq(load(HW_HEAD "[source]\ndriver = hp6834\n", &cfg), -EINVAL);
    cr_expect_eq(load(HW_HEAD "[reference]\nactive_low = maybe\n", &cfg), -EINVAL);
    cr_expect(strstr(rig_last_error(), "active_low = 'maybe' — expected yes or no"), "%s",
              rig_last_error());
    cr_expect_eq(load("[bench]\nkind = sim\n[source]\nport = sim\n[reference]\n"
                      "line = gpiochip0:26\nconstant = 1000\n"
                      "[position 1]\nmodel = C80-1M-V3\nserial = 1\n",
                      &cfg),
                 -EINVAL);
    cr_expect(strstr(rig_last_error(), "[reference] line is for a real bench"), "%s",
              rig_last_error());
    cr_expect_null(cfg);
}
