/*
 * suites/mid/reactive.c — reactive energy, IEC 62053-23 class 2 (manual
 * §6), 8.1: percentage error limits at sin phi = 1 and 0.5, inductive and
 * capacitive, at the points of fixtures/loadpoints/iec62053-23.ini.
 *
 * Measured on pulse output 2 set to 1 varh per pulse: import reactive
 * (register 726 source 3) for the inductive points, where the current
 * lags and Q > 0, export reactive (source 4) for the capacitive ones
 * (docs/metering.md: four quadrants).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "mid.h"


static struct rig_bench *bench;
static struct mid_table table;
static struct mid_point pts[MID_MAX_POSITIONS][MID_MAX_POINTS];
static size_t npts[MID_MAX_POSITIONS];

static void close_bench(void)
{
    mid_close(bench);
    bench = NULL;
}

static void reactive_half(bool capacitive, const char *title)
{
    unsigned n = rig_bench_position_count(bench);
    mid_set_pulse2(bench, capacitive ? MED2_PULSE2_EXPORT_REACTIVE : MED2_PULSE2_IMPORT_REACTIVE);
    for (unsigned p = 1; p <= n; p++) {
        npts[p - 1] = mid_points(rig_bench_position(bench, p)->model, RIG_ENERGY_REACTIVE,
                                 capacitive, pts[p - 1], MID_MAX_POINTS);
    }
    table.title = title;
    mid_run_table(bench, &table, RIG_ENERGY_REACTIVE, pts, npts);
    mid_print_table(bench, &table);
    for (unsigned p = 1; p <= n; p++) {
        for (size_t row = 0; row < table.npoints; row++) {
            const struct rig_error *e = &table.err[row][p - 1];
            cr_expect(e->measured, "position %u, %s: no pulses on output 2", p,
                      table.point[row].label);
            if (e->measured) {
                cr_expect_leq(fabs(e->error * 100.0), table.limit[row][p - 1],
                              "position %u (%s), %s: reactive error %+.3f %% beyond +-%.2f %%", p,
                              rig_bench_position(bench, p)->model, table.point[row].label,
                              e->error * 100.0, table.limit[row][p - 1]);
            }
        }
    }
}

static void reactive(const char *bench_file, const char *what)
{
    bench = mid_open(bench_file);
    mid_calibrate(bench);
    char title[128];
    snprintf(title, sizeof(title),
             "IEC 62053-23 8.1 reactive class 2, %s, inductive (output 2 import varh)", what);
    reactive_half(false, title);
    snprintf(title, sizeof(title),
             "IEC 62053-23 8.1 reactive class 2, %s, capacitive (output 2 export varh)", what);
    reactive_half(true, title);
}

Test(mid, reactive_class_2_direct, .fini = close_bench)
{
    reactive("fixtures/benches/mid-c.ini", "direct");
}

Test(mid, reactive_class_2_ct, .fini = close_bench)
{
    reactive("fixtures/benches/mid-ct.ini", "CT");
}
