/*
 * test_source_fluke.c — the Fluke 6100B/6105A driver (driver = fluke6105)
 * against benchd's virtual source speaking that dialect: settings, the
 * power query, harmonics, the output, instrument errors from SYST:ERR?, and
 * the energy pulse output — set up in the documented order it pulses on
 * benchd's reference wire at its constant; out of order the instrument
 * resets its energy function and the driver says so.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rig/rig.h"
#include "rig/sim/simctl.h"
#include "sim_env.h"

static char dir[64];
static pid_t benchd;
static struct rig_source *src;
static struct rig_simctl *ctl;

static void up(void)
{
    struct rig_sim_unit unit = {"C80-1M-V3", "24110071", 1, 38400, NULL};
    benchd = sim_dir_up(dir, "rig-fluke", &unit, 1);
    struct rig_bench *b = NULL;
    cr_assert_eq(rig_bench_attach(dir, &b), 0, "%s", rig_last_error());
    char port[128];
    snprintf(port, sizeof port, "%s", rig_source_port(rig_bench_source(b)));
    rig_bench_close(b);
    cr_assert_eq(rig_source_open_dialect(port, 115200, RIG_TRANSPORT_TERMIOS,
                                         RIG_SOURCE_FLUKE6105, &src),
                 0, "%s", rig_last_error());
    char sock[96];
    snprintf(sock, sizeof sock, "%s/control.sock", dir);
    cr_assert_eq(rig_simctl_open(sock, &ctl), 0, "%s", rig_last_error());
}

static void down(void)
{
    rig_source_close(src);
    rig_simctl_close(ctl);
    sim_dir_down(dir, benchd);
}

TestSuite(fluke, .init = up, .fini = down, .timeout = 60);

/* rising edges on reference wire 1 over seconds of virtual time */
static size_t reference_pulses(double seconds)
{
    static struct rig_sim_edge e[65536];
    size_t n = 0, rising = 0;
    cr_assert_eq(rig_simctl_refedges(ctl, 1, e, 65536, &n, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_simctl_advance(ctl, seconds, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_simctl_refedges(ctl, 1, e, 65536, &n, NULL), 0, "%s", rig_last_error());
    for (size_t k = 0; k < n; k++)
        rising += e[k].level;
    return rising;
}

Test(fluke, sets_the_terminals_and_reads_the_power)
{
    cr_assert_eq(rig_source_dialect(src), RIG_SOURCE_FLUKE6105);
    cr_assert_eq(rig_source_set(src, 230.0, 5.0, 60.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    double w = 0;
    cr_assert_eq(rig_source_measure(src, "MEAS:POW?", &w), 0, "%s", rig_last_error());
    cr_expect(fabs(w - 575.0) < 1e-3, "PF 0.5 inductive: %g W", w);
    char reply[64];
    cr_assert_eq(rig_source_query(src, "SOUR:PHAS1:CURR:MHAR:HARM1?", reply, sizeof reply), 0);
    cr_expect(strncmp(reply, "5.000000,-60.000000", 19) == 0, "the current lags: '%s'", reply);
    cr_assert_eq(rig_source_set_harmonic(src, true, 3, 10.0, 0.0), 0, "%s", rig_last_error());
    cr_expect_eq(rig_source_set_harmonic(src, true, 101, 10.0, 0.0), -EINVAL);
    cr_assert_eq(rig_source_clear_harmonics(src), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_query(src, "OUTP:STAT?", reply, sizeof reply), 0);
    cr_expect_str_eq(reply, "0");
    cr_assert_eq(rig_source_measure(src, "MEAS:POW?", &w), 0);
    cr_expect_eq(w, 0.0);
}

Test(fluke, instrument_errors_are_failures)
{
    cr_expect_eq(rig_source_set(src, 1000.0, 5.0, 0.0, 50.0), -ERANGE);
    cr_expect(strstr(rig_last_error(), "-222") &&
                  strstr(rig_last_error(), "after 'SOUR:PHAS1:VOLT:MHAR:HARM1 1000,0'"),
              "%s", rig_last_error());
    cr_expect_eq(rig_source_query(src, "ENER:OUTP:CONS:UNIT FURLONGS", NULL, 0), -EREMOTEIO);
    double wh;
    cr_expect_eq(rig_source_energy(src, &wh), -ENOTSUP);
    cr_expect(strstr(rig_last_error(), "as pulses"), "%s", rig_last_error());
}

Test(fluke, energy_pulse_output_pulses_at_its_constant)
{
    cr_assert_eq(rig_source_set(src, 230.0, 5.0, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_pulse_output(src, 360000.0), 0, "%s", rig_last_error());
    double k = 0;
    cr_assert_eq(rig_simctl_refconst(ctl, 1, 0.0, &k), 0);
    cr_expect_float_eq(k, 360000.0, 1e-6, "ENER:OUTP:CONS drives the reference wire");
    /* 1150 W at 360000 imp/kWh: 115 pulses a second */
    size_t n = reference_pulses(2.0);
    cr_expect(n >= 229 && n <= 231, "%zu pulses in 2 s", n);
    char reply[64];
    cr_assert_eq(rig_source_query(src, "ENER:MUT:TEST:PSOU?", reply, sizeof reply), 0);
    cr_expect_str_eq(reply, "PHAS1");
}

Test(fluke, energy_function_out_of_order_is_reset)
{
    char reply[64];
    cr_assert_eq(rig_source_set(src, 230.0, 5.0, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    /* the reference source before the MUT source: the instrument resets */
    cr_assert_eq(rig_source_query(src, "ENER:REF:SOUR MAIN", reply, sizeof reply), 0);
    cr_assert_eq(rig_source_query(src, "ENER:REF:SOUR?", reply, sizeof reply), 0);
    cr_expect_str_eq(reply, "NONE");
    cr_assert_eq(rig_source_query(src, "ENER:OUTP:CONS 100000", reply, sizeof reply), 0);
    cr_expect_eq(reference_pulses(2.0), 0, "no energy function, no pulses");
    /* the driver's order works, and ENER:ABOR stops the pulses again */
    cr_assert_eq(rig_source_pulse_output(src, 100000.0), 0, "%s", rig_last_error());
    size_t n = reference_pulses(2.0);
    cr_expect(n >= 63 && n <= 65, "%zu pulses in 2 s at 100000 imp/kWh", n);
    cr_assert_eq(rig_source_query(src, "ENER:ABOR", reply, sizeof reply), 0);
    cr_expect_eq(reference_pulses(2.0), 0);
}
