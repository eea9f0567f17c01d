/*
 * energy_day.c — `make bench`'s energy_day_error_ratio: how far a calibrated
 * unit's energy register is from the reference standard after a simulated
 * day of varying load, power factor and harmonics.
 *
 * Every position of the bench is calibrated by the EOL procedure
 * (rig_eol_calibrate), then the source plays the day below hour by hour;
 * at the end each unit's Total import active energy register (its increase
 * over the day) is compared with the source's reference energy
 * (MEAS:ENER?, the exact integral of what it applied). The figure is the
 * worst unit's |register - reference| / reference divided by the class C
 * limit at Iref PF 1 (0.5 %, EN 50470-3 Table 6); the mean goes to stderr.
 *
 *   energy_day [--bench FILE]      (default fixtures/benches/sim.ini)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rig/rig.h"

#define DEFAULT_BENCH "fixtures/benches/sim.ini"
#define MAX_POS 64
#define CLASS_C_LIMIT_IREF_PF1 0.005
#define HOUR_S 3600.0

/* One hour of the day: rms current, lag (deg), and the current's 3rd and 5th
 * harmonics and the voltage's 3rd, % of the fundamental. A household's day:
 * night base load, a morning peak with a motor, an inverter-fed afternoon,
 * an evening peak with electronics (harmonics), a capacitive hour. */
struct hour {
    double amps, lag_deg, i3_pct, i5_pct, v3_pct;
};
static const struct hour day[24] = {
    {0.30, 0.0, 0, 0, 1},    {0.25, 0.0, 0, 0, 1},    {0.25, 10.0, 0, 0, 1},
    {0.40, 0.0, 0, 0, 1},    {0.50, 25.0, 0, 0, 1},   {1.5, 30.0, 10, 5, 2},
    {8.0, 36.87, 10, 5, 2},  {15.0, 60.0, 5, 0, 2},   {5.0, 0.0, 0, 0, 2},
    {3.0, -36.87, 0, 0, 2},  {2.0, -20.0, 0, 0, 2},   {4.0, 0.0, 20, 10, 3},
    {6.0, 15.0, 20, 10, 3},  {10.0, 0.0, 0, 0, 3},    {25.0, 5.0, 0, 0, 3},
    {40.0, 10.0, 0, 0, 3},   {12.0, 30.0, 10, 5, 3},  {20.0, 20.0, 30, 15, 3},
    {30.0, 25.0, 30, 15, 4}, {18.0, 20.0, 25, 12, 4}, {9.0, 10.0, 15, 8, 3},
    {4.0, 5.0, 10, 5, 2},    {1.0, 0.0, 0, 0, 1},     {0.5, 0.0, 0, 0, 1},
};

static struct rig_bench *bench;

static int fail(const char *what)
{
    fprintf(stderr, "energy_day: %s: %s\n", what, rig_last_error());
    rig_bench_close(bench);
    return 1;
}

static int play_hour(struct rig_source *src, const struct hour *h)
{
    int rc;
    if ((rc = rig_source_clear_harmonics(src)) < 0 ||
        (rc = rig_source_set(src, 230.0, h->amps, h->lag_deg, 50.0)) < 0)
        return rc;
    if (h->i3_pct > 0 && (rc = rig_source_set_harmonic(src, true, 3, h->i3_pct, 0.0)) < 0)
        return rc;
    if (h->i5_pct > 0 && (rc = rig_source_set_harmonic(src, true, 5, h->i5_pct, 0.0)) < 0)
        return rc;
    if (h->v3_pct > 0 && (rc = rig_source_set_harmonic(src, false, 3, h->v3_pct, 0.0)) < 0)
        return rc;
    return rig_sleep(bench, HOUR_S);
}

int main(int argc, char **argv)
{
    const char *file = argc > 2 && strcmp(argv[1], "--bench") == 0 ? argv[2] : DEFAULT_BENCH;
    if (rig_bench_open(file, &bench) < 0)
        return fail(file);
    unsigned n = rig_bench_position_count(bench);
    if (n > MAX_POS)
        n = MAX_POS;
    static struct rig_eol_result cal[MAX_POS];
    if (rig_eol_calibrate(bench, cal) < 0)
        return fail("calibrating");
    for (unsigned p = 0; p < n; p++)
        if (!cal[p].calibrated) {
            fprintf(stderr, "energy_day: position %u not calibrated: %s\n", p + 1, cal[p].reason);
            rig_bench_close(bench);
            return 1;
        }
    double before[MAX_POS], ref_wh = 0.0;
    for (unsigned p = 0; p < n; p++)
        if (rig_meter_read_reg(rig_bench_meter(bench, p + 1), MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY,
                               &before[p]) < 0)
            return fail("reading the energy register");
    struct rig_source *src = rig_bench_source(bench);
    if (!src || rig_source_energy_reset(src) < 0 || rig_source_output(src, true) < 0)
        return fail("starting the day");
    for (unsigned h = 0; h < 24; h++)
        if (play_hour(src, &day[h]) < 0)
            return fail("playing the day");
    if (rig_source_output(src, false) < 0 || rig_source_energy(src, &ref_wh) < 0)
        return fail("reading the reference energy");
    double worst = 0.0, sum = 0.0;
    for (unsigned p = 0; p < n; p++) {
        double after;
        if (rig_meter_read_reg(rig_bench_meter(bench, p + 1), MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY,
                               &after) < 0)
            return fail("reading the energy register");
        double ratio = fabs((after - before[p]) - ref_wh) / ref_wh / CLASS_C_LIMIT_IREF_PF1;
        fprintf(stderr, "energy_day: position %u: register %+.3f Wh, reference %.3f Wh, "
                        "error %+.4f %%, ratio %.3f\n",
                p + 1, after - before[p], ref_wh, ((after - before[p]) / ref_wh - 1.0) * 100.0,
                ratio);
        worst = fmax(worst, ratio);
        sum += ratio;
    }
    rig_bench_close(bench);
    fprintf(stderr, "energy_day: mean ratio over %u units %.3f\n", n, sum / n);
    printf("BENCH energy_day_error_ratio %.3f ratio_of_class_c_limit\n", worst);
    return 0;
}
