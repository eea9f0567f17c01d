/*
 * rig/perf/error_calc.c — the error calculator's figure of `make bench`:
 *
 *   error_calc_agreement  max |error from the error calculator - exact
 *                         error| over the class C active load points
 *                         (fixtures/loadpoints/en50470-3.ini) and the
 *                         bench's positions, in percent of the point's
 *                         class C limit (its MPE); goal <= 0.02
 *
 * The error calculator (rig_measure_point) counts the reference standard's
 * pulses (benchd's reference wire at the bench's constant) over each gate
 * and interpolates them at both ends. The exact error uses the simulated
 * reference's exact integral over the same gate instead: the conditions are
 * constant during a point, so it is V x I x cos(phase) — computed here from
 * the load point, not by the code under test — times the gate's time.
 * Each point's worst difference goes to stderr.
 *
 *   error_calc [--bench FILE]     (default fixtures/benches/sim.ini)
 *
 * Exit 0 with the figure printed; 1 with one line on stderr if the bench
 * or a measurement failed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig/gate.h"
#include "rig/loadpoints.h"
#include "rig/measure.h"
#include "rig/rig.h"

#define DEFAULT_BENCH "fixtures/benches/sim.ini"
#define MAX_POS 64

static struct rig_bench *bench;

static void die(const char *what)
{
    fprintf(stderr, "error_calc: %s: %s\n", what, rig_last_error());
    rig_bench_close(bench);
    exit(1);
}

int main(int argc, char **argv)
{
    const char *file = argc == 3 && strcmp(argv[1], "--bench") == 0 ? argv[2] : DEFAULT_BENCH;
    if (argc != 1 && argc != 3) {
        fprintf(stderr, "usage: error_calc [--bench FILE]\n");
        return 2;
    }
    if (rig_bench_open(file, &bench) < 0)
        die(file);
    unsigned n = rig_bench_position_count(bench);
    if (n > MAX_POS)
        n = MAX_POS;
    static struct rig_load_table table;
    if (rig_loadpoints_active(rig_bench_position(bench, 1)->model, &table) < 0)
        die("load points");
    double worst = 0.0;
    for (unsigned k = 0; k < table.count; k++) {
        const struct rig_load_point *lp = &table.points[k];
        double watts = lp->pt.volts * lp->pt.amps * cos(lp->pt.phase_deg * M_PI / 180.0);
        struct rig_gate_need need = {.kind = RIG_ENERGY_ACTIVE, .output = 1,
                                     .wh_per_pulse = RIG_PULSE1_WH, .power = watts,
                                     .resolution = 1e-4, .min_pulses = 2,
                                     .settle_s = RIG_GATE_LAB_SETTLE_S};
        struct rig_gate gates[MAX_POS];
        struct rig_error e[MAX_POS];
        for (unsigned i = 0; i < n; i++)
            gates[i] = rig_gate_plan(&need);
        if (rig_measure_point(bench, &lp->pt, gates, e) < 0)
            die(lp->name);
        double point_worst = 0.0;
        for (unsigned i = 0; i < n; i++) {
            if (!e[i].measured) {
                fprintf(stderr, "error_calc: %s: %s\n", lp->name, e[i].why);
                rig_bench_close(bench);
                return 1;
            }
            double exact_wh = fabs(watts) * e[i].gate_s / 3600.0;
            double exact = e[i].meter_wh / exact_wh - 1.0;
            point_worst = fmax(point_worst, fabs(e[i].error - exact) / lp->mpe * 100.0);
        }
        fprintf(stderr, "error_calc: %-16s MPE %.2f %%  worst difference %.3g %% of it\n", lp->name,
                lp->mpe * 100.0, point_worst);
        worst = fmax(worst, point_worst);
    }
    rig_bench_close(bench);
    printf("BENCH error_calc_agreement %.3g pct_of_class_c_limit\n", worst);
    return 0;
}
