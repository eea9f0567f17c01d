/*
 * rig/perf/accuracy.c — the accuracy figures of `make bench`:
 *
 *   max_error_ratio           max |error| / limit over the class C active
 *                             load points (fixtures/loadpoints/en50470-3.ini,
 *                             the table suites/mid verifies) on 20
 *                             calibrated simulated C80-1M-V3 units (with the
 *                             simulated AFE's realistic imperfections,
 *                             firmware/boards/native/afe_model.h); target
 *                             <= 0.3
 *   mean_error_ratio          the mean of |error| / limit over the same
 *                             points and units: where a typical good unit
 *                             lands (a real one: ~0.05..0.3)
 *   max_reactive_error_ratio  the same over the IEC 62053-23 class 2
 *                             reactive points (iec62053-23.ini), on pulse
 *                             output 2 (import varh for inductive points,
 *                             export varh for capacitive); target <= 0.25
 *
 * The units are those of fixtures/benches/mid-20.ini, calibrated by the
 * EOL procedure (rig_eol_calibrate), measured with rig_measure_point. The
 * per-point spread (worst, mean and standard deviation of the error over
 * the units, and the worst unit) goes to stderr, so a figure that misses
 * its target shows which points limit it: a mean far from zero points at
 * the firmware's metrology, a wide spread at calibration.
 *
 *   accuracy [--bench FILE]      (default fixtures/benches/mid-20.ini)
 *
 * Exit 0 with both figures printed; 1 with one line on stderr if the bench
 * or a measurement failed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig/eol.h"
#include "rig/gate.h"
#include "rig/loadpoints.h"
#include "rig/measure.h"
#include "rig/rig.h"

#define DEFAULT_BENCH "fixtures/benches/mid-20.ini"
#define MAX_POS 64
/* Output 1: 1 Wh per pulse (manual §2.3.3); output 2 set to 1 varh. */
#define PULSE_UNIT 1.0

static struct rig_bench *bench;

static void die(const char *what)
{
    fprintf(stderr, "accuracy: %s: %s\n", what, rig_last_error());
    rig_bench_close(bench);
    exit(1);
}

static struct rig_gate gate_for(enum rig_energy_kind kind, double power)
{
    const struct rig_gate_need need = {.kind = kind,
                                       .output = kind == RIG_ENERGY_ACTIVE ? 1 : 2,
                                       .wh_per_pulse = PULSE_UNIT,
                                       .power = power,
                                       .min_gate_s = RIG_GATE_LAB_MIN_S,
                                       .min_pulses = RIG_GATE_LAB_MIN_PULSES,
                                       .settle_s = RIG_GATE_LAB_SETTLE_S};
    return rig_gate_plan(&need);
}

static void set_pulse2(unsigned positions, unsigned source)
{
    const struct rig_setting s[] = {
        {MED2_REG_PULSE2_SOURCE, source},
        {MED2_REG_PULSE2_ENERGY, 1},
        {MED2_REG_PULSE2_MULTIPLIER, 3}, /* 1 x 10^(3-3) = 1 varh per pulse */
        {MED2_REG_PULSE2_DURATION, 100},
    };
    for (unsigned p = 1; p <= positions; p++) {
        struct rig_meter *m = rig_bench_meter(bench, p);
        if (m == NULL || rig_meter_configure(m, NULL, s, 4, true, NULL) != 0) {
            die("setting pulse output 2");
        }
    }
}

/* Measure every point of table on every position; returns the worst
 * |error| / MPE (and the mean in *mean_ratio) and prints each point's
 * spread to stderr. */
static double run_table(const struct rig_load_table *table, unsigned positions, double *mean_ratio)
{
    double ratio_sum = 0.0;
    unsigned ratio_n = 0;
    double worst = 0.0;
    const double deg = M_PI / 180.0;
    fprintf(stderr, "accuracy: %s, %u units, error %% over the units:\n", table->standard,
            positions);
    fprintf(stderr, "  %-24s %7s %8s %8s %8s %7s  %s\n", "point", "MPE %", "mean", "sd", "worst",
            "ratio", "worst unit");
    unsigned current_source = 0;
    for (unsigned k = 0; k < table->count; k++) {
        const struct rig_load_point *lp = &table->points[k];
        if (lp->kind == RIG_ENERGY_REACTIVE) {
            unsigned source =
                lp->pt.phase_deg < 0 ? MED2_PULSE2_EXPORT_REACTIVE : MED2_PULSE2_IMPORT_REACTIVE;
            if (source != current_source) {
                set_pulse2(positions, source);
                current_source = source;
            }
        }
        double power = lp->pt.volts * lp->pt.amps *
                       (lp->kind == RIG_ENERGY_ACTIVE ? cos(lp->pt.phase_deg * deg)
                                                      : sin(lp->pt.phase_deg * deg));
        struct rig_gate gates[MAX_POS];
        struct rig_error res[MAX_POS];
        for (unsigned p = 0; p < positions; p++) {
            gates[p] = gate_for(lp->kind, power);
        }
        if (rig_measure_point(bench, &lp->pt, gates, res) != 0) {
            die(lp->name);
        }
        double sum = 0.0, sum2 = 0.0, worst_err = 0.0;
        unsigned worst_pos = 0, measured = 0;
        for (unsigned p = 0; p < positions; p++) {
            if (!res[p].measured) {
                worst_err = INFINITY;
                worst_pos = p + 1;
                continue;
            }
            double e = res[p].error;
            ratio_sum += fabs(e) / lp->mpe;
            ratio_n++;
            sum += e;
            sum2 += e * e;
            measured++;
            if (fabs(e) > fabs(worst_err)) {
                worst_err = e;
                worst_pos = p + 1;
            }
        }
        double mean = measured ? sum / measured : 0.0;
        double sd = measured > 1 ? sqrt(fmax(0.0, (sum2 - measured * mean * mean) / (measured - 1)))
                                 : 0.0;
        double ratio = fabs(worst_err) / lp->mpe;
        worst = fmax(worst, ratio);
        const struct rig_position *wp = rig_bench_position(bench, worst_pos ? worst_pos : 1);
        fprintf(stderr, "  %-24s %7.2f %+8.4f %8.4f %+8.4f %7.3f  pos %u (%s)%s\n", lp->name,
                lp->mpe * 100.0, mean * 100.0, sd * 100.0, worst_err * 100.0, ratio, worst_pos,
                wp->serial, measured < positions ? "  SOME UNMEASURED" : "");
    }
    *mean_ratio = ratio_n ? ratio_sum / ratio_n : 0.0;
    return worst;
}

int main(int argc, char **argv)
{
    const char *bench_file = DEFAULT_BENCH;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--bench") == 0 && k + 1 < argc) {
            bench_file = argv[++k];
        } else {
            fprintf(stderr, "usage: accuracy [--bench FILE]\n");
            return 2;
        }
    }
    if (rig_bench_open(bench_file, &bench) != 0) {
        die(bench_file);
    }
    unsigned n = rig_bench_position_count(bench);
    if (n == 0 || n > MAX_POS) {
        fprintf(stderr, "accuracy: %s: %u positions (1..%d)\n", bench_file, n, MAX_POS);
        rig_bench_close(bench);
        return 1;
    }
    const char *model = rig_bench_position(bench, 1)->model;
    for (unsigned p = 2; p <= n; p++) {
        if (strcmp(rig_bench_position(bench, p)->model, model) != 0) {
            fprintf(stderr, "accuracy: %s: every position must be one model\n", bench_file);
            rig_bench_close(bench);
            return 1;
        }
    }

    static struct rig_eol_result cal[MAX_POS];
    if (rig_eol_calibrate(bench, cal) < 0) {
        die("calibration");
    }
    for (unsigned p = 0; p < n; p++) {
        if (!cal[p].calibrated) {
            fprintf(stderr, "accuracy: position %u not calibrated: %s\n", p + 1, cal[p].reason);
            rig_bench_close(bench);
            return 1;
        }
    }

    static struct rig_load_table active, reactive;
    if (rig_loadpoints_active(model, &active) != 0 ||
        rig_loadpoints_reactive(model, &reactive) != 0) {
        die(model);
    }
    double active_mean, reactive_mean;
    double active_ratio = run_table(&active, n, &active_mean);
    double reactive_ratio = run_table(&reactive, n, &reactive_mean);
    rig_bench_close(bench);

    /* the ratio is of the class limit (class C active, class 2 reactive
     * for these units), over n calibrated units */
    fprintf(stderr, "accuracy: ratios of the class %c (active) and class %c (reactive) limits, %u units\n",
            active.model.active_class, reactive.model.reactive_class, n);
    printf("BENCH max_error_ratio %.3f ratio\n", active_ratio);
    printf("BENCH mean_error_ratio %.3f ratio\n", active_mean);
    printf("BENCH max_reactive_error_ratio %.3f ratio\n", reactive_ratio);
    printf("BENCH mean_reactive_error_ratio %.3f ratio\n", reactive_mean);
    return 0;
}
