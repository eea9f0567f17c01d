/*
 * suites/mid/constant.c — EN 50470-3 8.4 (meter constant): the relation
 * between the test output and the register is the marked constant,
 * 1000 imp/kWh on output 1 (manual §2.3.3). Over a long run at Imax the
 * pulses counted on the bench and the whole Wh the register passed agree
 * to one pulse (the one in progress at the end), i.e. the constant is
 * 1000 imp/kWh to better than one part in the run's pulse count (10 000+).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "mid.h"

/* Energy of the run: at least this many pulses, so one pulse of
 * uncertainty is 0.01 %. */
#define CONSTANT_MIN_PULSES 10000.0
#define CONSTANT_TOLERANCE_PULSES 1.0

static struct rig_bench *bench;

static void close_bench(void)
{
    mid_close(bench);
    bench = NULL;
}

static void meter_constant(const char *bench_file)
{
    bench = mid_open(bench_file);
    mid_calibrate(bench);
    unsigned n = rig_bench_position_count(bench);
    const struct mid_rating rt = mid_rating(rig_bench_position(bench, 1)->model);
    double power = rt.un * rt.imax;
    double run_s = ceil(CONSTANT_MIN_PULSES * MID_PULSE1_WH * 3600.0 / power / 60.0) * 60.0;

    uint64_t c0[MID_MAX_POSITIONS], c1[MID_MAX_POSITIONS];
    double e0[MID_MAX_POSITIONS], ref0, ref1;
    struct rig_source *src = rig_bench_source(bench);
    for (unsigned p = 1; p <= n; p++) {
        cr_assert_eq(rig_pulse_count(bench, p, 1, &c0[p - 1]), 0, "%s", rig_last_error());
        e0[p - 1] = mid_reg(bench, p, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    }
    cr_assert_eq(rig_source_energy(src, &ref0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_set(src, rt.un, rt.imax, 0.0, rt.fn), 0, "%s",
                 rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, run_s), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_energy(src, &ref1), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 3.0), 0, "%s", rig_last_error()); /* the last pulse ends */

    char text[2048];
    size_t len = (size_t)snprintf(text, sizeof(text),
                                  "\nEN 50470-3 8.4 meter constant — bench %s: %.0f V x %.1f A "
                                  "for %.0f s (reference %.3f Wh); marked 1000 imp/kWh\n",
                                  rig_bench_name(bench), rt.un, rt.imax, run_s, ref1 - ref0);
    for (unsigned p = 1; p <= n; p++) {
        cr_assert_eq(rig_pulse_count(bench, p, 1, &c1[p - 1]), 0, "%s", rig_last_error());
        double e1 = mid_reg(bench, p, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
        double reg_wh = e1 - e0[p - 1];
        /* a pulse for each whole Wh the register passes (the register
         * carries mWh, output 1 the legal 1 Wh: docs/metering.md) */
        double whole_wh = floor(e1 / MID_PULSE1_WH) - floor(e0[p - 1] / MID_PULSE1_WH);
        double pulses = (double)(c1[p - 1] - c0[p - 1]);
        const struct rig_position *pos = rig_bench_position(bench, p);
        if (len < sizeof(text)) {
            len += (size_t)snprintf(text + len, sizeof(text) - len,
                                    "  pos %u %-11s %s  pulses %.0f  register %+.3f Wh (%.0f whole "
                                    "Wh)  constant %.3f imp/kWh  register vs reference %+.3f %%\n",
                                    p, pos->model, pos->serial, pulses, reg_wh, whole_wh,
                                    pulses / (whole_wh / 1000.0),
                                    (reg_wh - (ref1 - ref0)) / (ref1 - ref0) * 100.0);
        }
        cr_expect_geq(pulses, CONSTANT_MIN_PULSES * 0.9, "position %u: only %.0f pulses", p,
                      pulses);
        cr_expect_leq(fabs(pulses - whole_wh), CONSTANT_TOLERANCE_PULSES,
                      "position %u: %.0f pulses for %.0f whole Wh of register (%.3f Wh)", p,
                      pulses, whole_wh, reg_wh);
    }
    mid_print(text);
}

Test(mid, direct_meter_constant_1000_imp_per_kwh, .fini = close_bench)
{
    meter_constant("fixtures/benches/mid-c.ini");
}

Test(mid, ct_meter_constant_1000_imp_per_kwh, .fini = close_bench)
{
    meter_constant("fixtures/benches/mid-ct.ini");
}
