/*
 * test_measure.c — pulse-gated error measurement on the simulated bench:
 * both positions gated at once, output 1 and output 2 agree, the result
 * agrees with the energy registers, a silent output times out, and bad
 * gates are refused before anything is applied.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "rig/lines.h"
#include "rig/loadpoints.h"
#include "rig/measure.h"
#include "rig/rig.h"
#include "sim_env.h"

static struct rig_bench *bench;

static void open_sim(void)
{
    require_sim();
    cr_assert_eq(rig_bench_open("fixtures/benches/sim.ini", &bench), 0, "%s", rig_last_error());
}

static void close_sim(void)
{
    rig_bench_close(bench);
    bench = NULL;
}

TestSuite(measure, .init = open_sim, .fini = close_sim, .timeout = 120);

static const struct rig_point iref_pf1 = {230.0, 5.0, 0.0, 50.0};

static struct rig_gate gate1(unsigned pulses)
{
    return (struct rig_gate){.kind = RIG_ENERGY_ACTIVE, .output = 1, .wh_per_pulse = 1.0,
                             .pulses = pulses, .settle_s = 1.0, .timeout_s = 120.0};
}

Test(measure, output_1_on_both_positions_agrees_with_the_registers)
{
    struct rig_gate g[2] = {gate1(10), gate1(10)};
    struct rig_error e[2];
    double wh0[2], wh1[2], ref0, ref1;
    struct rig_source *src = rig_bench_source(bench);
    /* Energised and steady first: a unit counts nothing until its first
     * measurement window closes after power-up. */
    cr_assert_eq(rig_source_set(src, 230.0, 5.0, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 2.0), 0);
    for (unsigned p = 0; p < 2; p++)
        cr_assert_eq(rig_meter_read_import_energy(rig_bench_meter(bench, p + 1), &wh0[p]), 0, "%s",
                     rig_last_error());
    cr_assert_eq(rig_source_energy(src, &ref0), 0);
    cr_assert_eq(rig_measure_point(bench, &iref_pf1, g, e), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_energy(src, &ref1), 0);
    for (unsigned p = 0; p < 2; p++) {
        cr_assert(e[p].measured, "position %u", p + 1);
        cr_expect_eq(e[p].pulses, 10);
        cr_expect_float_eq(e[p].meter_wh, 10.0, 1e-12);
        /* 10 Wh at 1150 W: 31.3 s, give or take the unit's error */
        cr_expect(fabs(e[p].gate_s - 31.3) < 3.5, "gate %g s", e[p].gate_s);
        cr_expect(fabs(e[p].error) < 0.11, "an uncalibrated unit: %g", e[p].error);
        cr_assert_eq(rig_meter_read_import_energy(rig_bench_meter(bench, p + 1), &wh1[p]), 0);
        double reg_error = (wh1[p] - wh0[p]) / (ref1 - ref0) - 1.0;
        /* The register counted the settle time and the wait for the first
         * edge as well: the same unit, a longer window. */
        cr_expect(fabs(reg_error - e[p].error) < 1e-3, "position %u: gated %g, registers %g",
                  p + 1, e[p].error, reg_error);
    }
}

Test(measure, output_2_at_a_finer_constant_agrees_with_output_1)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    struct rig_setting s[] = {
        {MED2_REG_PULSE2_SOURCE, 1}, {MED2_REG_PULSE2_ENERGY, 5},
        {MED2_REG_PULSE2_MULTIPLIER, 1}, {MED2_REG_PULSE2_DURATION, 50}};
    cr_assert_eq(rig_meter_configure(m, NULL, s, 4, true, NULL), 0, "%s", rig_last_error());
    struct rig_gate g[2] = {gate1(10), gate1(10)};
    g[0].output = 2;
    g[0].wh_per_pulse = 0.05; /* 5 x 1/100 Wh */
    g[0].pulses = 400;
    struct rig_error e[2];
    cr_assert_eq(rig_measure_point(bench, &iref_pf1, g, e), 0, "%s", rig_last_error());
    cr_assert(e[0].measured && e[1].measured, "%s / %s", e[0].why, e[1].why);
    cr_expect_eq(e[0].pulses, 400);
    struct rig_gate g1[2] = {gate1(10), gate1(0)};
    struct rig_error e1[2];
    cr_assert_eq(rig_measure_point(bench, &iref_pf1, g1, e1), 0, "%s", rig_last_error());
    cr_assert(e1[0].measured);
    cr_expect(!e1[1].measured, "a position with 0 pulses is not measured");
    cr_expect(fabs(e1[0].error - e[0].error) < 2e-4, "output 1 %g, output 2 %g", e1[0].error,
              e[0].error);
}

Test(measure, no_pulses_times_out_per_position)
{
    struct rig_gate g[2] = {gate1(1), gate1(1)};
    g[0].timeout_s = 5.0;
    g[1].timeout_s = 5.0;
    struct rig_point none = {230.0, 0.0, 0.0, 50.0};
    struct rig_error e[2];
    double t0, t1;
    cr_assert_eq(rig_bench_time(bench, &t0), 0);
    cr_assert_eq(rig_measure_point(bench, &none, g, e), 0, "%s", rig_last_error());
    cr_assert_eq(rig_bench_time(bench, &t1), 0);
    cr_expect(!e[0].measured && !e[1].measured);
    cr_expect_eq(e[0].pulses, 0);
    cr_expect(t1 - t0 < 7.0, "gave up after the timeout: %g s", t1 - t0);
}

Test(measure, bad_gates_are_refused)
{
    struct rig_gate g[2] = {gate1(1), gate1(1)};
    struct rig_error e[2];
    g[1].output = 3;
    cr_expect_eq(rig_measure_point(bench, &iref_pf1, g, e), -EINVAL);
    cr_expect(strstr(rig_last_error(), "position 2"), "%s", rig_last_error());
    g[1] = gate1(1);
    g[0].wh_per_pulse = 0.0;
    cr_expect_eq(rig_measure_point(bench, &iref_pf1, g, e), -EINVAL);
}

Test(measure, an_instrument_error_fails_the_point_and_switches_off)
{
    struct rig_gate g[2] = {gate1(2), gate1(2)};
    struct rig_point bad = {1000.0, 5.0, 0.0, 50.0}; /* beyond the source's 480 V */
    struct rig_error e[2];
    cr_expect_eq(rig_measure_point(bench, &bad, g, e), -ERANGE);
    cr_expect(strstr(rig_last_error(), "-222") && strstr(rig_last_error(), "SOUR:VOLT 1000"), "%s",
              rig_last_error());
    for (unsigned p = 0; p < 2; p++) {
        cr_expect(!e[p].measured);
        cr_expect(strstr(e[p].why, "position") && strstr(e[p].why, "-222"), "%s", e[p].why);
    }
    char reply[16];
    cr_assert_eq(rig_source_query(rig_bench_source(bench), "OUTP?", reply, sizeof reply), 0);
    cr_expect_str_eq(reply, "0", "the source is off");
}

Test(measure, reference_pulses_match_the_gate)
{
    struct rig_gate g[2] = {gate1(5), gate1(0)};
    struct rig_error e[2];
    double k = 0;
    cr_assert_eq(rig_reference_constant(bench, RIG_REFERENCE_ACTIVE, &k), 0, "%s",
                 rig_last_error());
    cr_assert_eq(rig_measure_point(bench, &iref_pf1, g, e), 0, "%s", rig_last_error());
    cr_assert(e[0].measured, "%s", e[0].why);
    /* the reference energy is the pulses counted over the gate, and the
     * source's exact power over the gate's time (the conditions are constant) */
    cr_expect(fabs(e[0].reference_wh - e[0].reference_pulses / k * 1000.0) < 1e-12);
    cr_expect(fabs(e[0].reference_wh - 1150.0 * e[0].gate_s / 3600.0) < 1e-6 * e[0].reference_wh,
              "%.9f Wh from pulses, %.9f Wh exact", e[0].reference_wh, 1150.0 * e[0].gate_s / 3600.0);
}

Test(measure, a_fluke_bench_measures_on_its_energy_pulse_output)
{
    struct rig_bench *fb = NULL;
    cr_assert_eq(rig_bench_open("fixtures/benches/fluke-sim.ini", &fb), 0, "%s", rig_last_error());
    double k = 0;
    cr_assert_eq(rig_reference_constant(fb, RIG_REFERENCE_ACTIVE, &k), 0, "%s", rig_last_error());
    cr_expect_float_eq(k, 500000.0, 1e-6, "the bench file's [reference] constant");
    struct rig_gate g = gate1(4);
    struct rig_error e;
    int rc = rig_measure_point(fb, &iref_pf1, &g, &e);
    char reply[16] = "";
    rig_source_query(rig_bench_source(fb), "ENER:MUT:TEST:PSOU?", reply, sizeof reply);
    rig_bench_close(fb);
    cr_assert_eq(rc, 0, "%s", rig_last_error());
    cr_assert(e.measured, "%s", e.why);
    cr_expect(fabs(e.error) < 0.11, "an uncalibrated unit: %g", e.error);
    cr_expect(fabs(e.reference_wh - 1150.0 * e.gate_s / 3600.0) < 1e-6 * e.reference_wh);
    cr_expect_str_eq(reply, "PHAS1", "the driver set up the energy function");
}
