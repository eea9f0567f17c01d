/*
 * suites/mid/noload.c — EN 50470-3 8.3.2 (no-load condition, creep): with
 * 115 % of Un on the voltage circuit and no current, the test output of a
 * calibrated meter gives at most one pulse over the test period Δt.
 * The reactive output is held to the same (IEC 62053-23 8.3.2).
 *
 * Δt (minutes) comes from the meter constant k (imp/kWh), the number of
 * measuring elements m, Un and the current rating. The IEC 62053-21/-22
 * form is Δt >= C x 10^6 / (k m Un Imax), C = 600 for class 1 (~ class B)
 * and 900 for class 0.5S (~ class C); EN 50470-3 and IEC 62052-11:2020
 * express it through the starting current Ist instead. We run the longer
 * of the Imax form and ten output periods at Ist (10 x 60 x 10^3 /
 * (k m Un Ist)), so the run is at least as long as either asks:
 *   direct, Imax 80 A, Ist 20 mA:  C 49 min / B 33 min vs 130 min -> 130 min
 *   CT, Imax 6 A, Ist 10 mA:       C 652 min / B 435 min vs 261 min -> 652 min
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "mid.h"

#define NOLOAD_VOLTAGE_OF_UN 1.15
#define NOLOAD_MAX_PULSES 1u
#define NOLOAD_ELEMENTS 1.0 /* single phase */
#define NOLOAD_IMAX_FORM_CLASS_B 600e6
#define NOLOAD_IMAX_FORM_CLASS_C 900e6
#define NOLOAD_PERIODS_AT_IST 10.0

static struct rig_bench *bench;

static void close_bench(void)
{
    mid_close(bench);
    bench = NULL;
}

/* Δt in seconds for a rating (see the header comment). */
static double noload_time_s(const struct mid_rating *rt)
{
    double c = rt->cls == 'C' ? NOLOAD_IMAX_FORM_CLASS_C : NOLOAD_IMAX_FORM_CLASS_B;
    double imax_form_min = c / (MID_K_IMP_PER_KWH * NOLOAD_ELEMENTS * rt->un * rt->imax);
    double ist_form_min =
        NOLOAD_PERIODS_AT_IST * 60e3 / (MID_K_IMP_PER_KWH * NOLOAD_ELEMENTS * rt->un * rt->ist);
    return 60.0 * fmax(imax_form_min, ist_form_min);
}

static void no_creep(const char *bench_file)
{
    bench = mid_open(bench_file);
    mid_calibrate(bench);
    unsigned n = rig_bench_position_count(bench);
    double dt = 0.0;
    struct mid_rating rt = mid_rating(rig_bench_position(bench, 1)->model);
    for (unsigned p = 1; p <= n; p++) {
        struct mid_rating pr = mid_rating(rig_bench_position(bench, p)->model);
        dt = fmax(dt, noload_time_s(&pr)); /* the longest any position needs */
    }
    static const enum med2_reg_id regs[] = {
        MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY, MED2_REG_TOTAL_EXPORT_ACTIVE_ENERGY,
        MED2_REG_TOTAL_IMPORT_REACTIVE_ENERGY, MED2_REG_TOTAL_EXPORT_REACTIVE_ENERGY};
    uint64_t c0[MID_MAX_POSITIONS][2], c1[MID_MAX_POSITIONS][2];
    double r0[MID_MAX_POSITIONS][4], r1[MID_MAX_POSITIONS][4];
    for (unsigned p = 1; p <= n; p++) {
        for (unsigned o = 1; o <= 2; o++) {
            cr_assert_eq(rig_pulse_count(bench, p, o, &c0[p - 1][o - 1]), 0, "%s",
                         rig_last_error());
        }
        for (unsigned k = 0; k < 4; k++) {
            r0[p - 1][k] = mid_reg(bench, p, regs[k]);
        }
    }
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_eq(rig_source_set(src, NOLOAD_VOLTAGE_OF_UN * rt.un, 0.0, 0.0, rt.fn), 0,
                 "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, dt), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 1.0), 0, "%s", rig_last_error());

    char text[2048];
    size_t len = (size_t)snprintf(text, sizeof(text),
                                  "\nEN 50470-3 8.3.2 no-load — bench %s: %.1f V, 0 A for %.0f s "
                                  "(%.1f min); at most %u pulse per output\n",
                                  rig_bench_name(bench), NOLOAD_VOLTAGE_OF_UN * rt.un, dt,
                                  dt / 60.0, NOLOAD_MAX_PULSES);
    for (unsigned p = 1; p <= n; p++) {
        for (unsigned o = 1; o <= 2; o++) {
            cr_assert_eq(rig_pulse_count(bench, p, o, &c1[p - 1][o - 1]), 0, "%s",
                         rig_last_error());
        }
        for (unsigned k = 0; k < 4; k++) {
            r1[p - 1][k] = mid_reg(bench, p, regs[k]);
        }
        const struct rig_position *pos = rig_bench_position(bench, p);
        uint64_t out1 = c1[p - 1][0] - c0[p - 1][0], out2 = c1[p - 1][1] - c0[p - 1][1];
        if (len < sizeof(text)) {
            len += (size_t)snprintf(
                text + len, sizeof(text) - len,
                "  pos %u %-11s %s  output 1: %llu  output 2: %llu pulses  registers "
                "+%.3f Wh imp, +%.3f Wh exp, +%.3f varh imp, +%.3f varh exp\n",
                p, pos->model, pos->serial, (unsigned long long)out1, (unsigned long long)out2,
                r1[p - 1][0] - r0[p - 1][0], r1[p - 1][1] - r0[p - 1][1],
                r1[p - 1][2] - r0[p - 1][2], r1[p - 1][3] - r0[p - 1][3]);
        }
        cr_expect_leq(out1, NOLOAD_MAX_PULSES, "position %u: %llu pulses on output 1 at no load", p,
                      (unsigned long long)out1);
        cr_expect_leq(out2, NOLOAD_MAX_PULSES, "position %u: %llu pulses on output 2 at no load", p,
                      (unsigned long long)out2);
    }
    mid_print(text);
}

Test(mid, direct_no_load_no_creep, .fini = close_bench)
{
    no_creep("fixtures/benches/mid-c.ini");
}

Test(mid, ct_no_load_no_creep, .fini = close_bench)
{
    no_creep("fixtures/benches/mid-ct.ini");
}
