/*
 * suites/demand — demand and maximum demand by each method (manual §3.2,
 * docs/modbus.md's resolutions), against expectations this file computes
 * itself from a stepped load profile.
 *
 * The profile's steps are what the meter itself measured (its P, Q, I and S
 * registers read in the middle of each step), so an uncalibrated unit's
 * gain error does not enter; what is checked is the demand arithmetic:
 * block lengths, windows, alignment to the clock, sub-intervals that do and
 * do not divide the period, and the maximum. The meter's 200 ms measurement
 * window makes each step take effect up to ~0.4 s late; the tolerance
 * covers that and nothing more.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "rig/rig.h"

#define VOLTS 230.0
#define MAX_STEPS 16

static struct rig_bench *bench;

static void open_bench(void)
{
    cr_assert_eq(rig_bench_open("fixtures/benches/tariff.ini", &bench), 0, "%s", rig_last_error());
}

static void close_bench(void)
{
    rig_bench_close(bench);
    bench = NULL;
}

/* What the meter measured during one step of the profile. */
struct step {
    double from_s, to_s; /* seconds after midnight */
    double i, p, q, s;
};

struct profile {
    struct step step[MAX_STEPS];
    unsigned n;
};

/* Mean of one quantity over [a, b): steps outside the profile are zero. */
static double mean_over(const struct profile *pr, int which, double a, double b)
{
    double sum = 0.0;
    for (unsigned k = 0; k < pr->n; k++) {
        const struct step *st = &pr->step[k];
        double lo = fmax(a, st->from_s), hi = fmin(b, st->to_s);
        if (hi > lo) {
            const double v[] = {st->i, fmax(st->p, 0), fmax(-st->p, 0), fmax(st->q, 0),
                                fmax(-st->q, 0), st->s};
            sum += v[which] * (hi - lo);
        }
    }
    return sum / (b - a);
}

/* Demand at time t: the window of `blocks` blocks of block_s ending at the
 * last block boundary at or before t (blocks before midnight are zero). */
static double expected(const struct profile *pr, int which, double block_s, unsigned blocks,
                       double t)
{
    double end = floor(t / block_s) * block_s;
    double sum = 0.0;
    for (unsigned b = 0; b < blocks; b++) {
        double hi = end - b * block_s, lo = hi - block_s;
        if (lo >= 0.0) {
            sum += mean_over(pr, which, lo, hi);
        }
    }
    return sum / blocks;
}

static const enum med2_reg_id demand_regs[12] = {
    MED2_REG_CURRENT_DEMAND,           MED2_REG_IMPORT_ACTIVE_POWER_DEMAND,
    MED2_REG_EXPORT_ACTIVE_POWER_DEMAND, MED2_REG_IMPORT_REACTIVE_POWER_DEMAND,
    MED2_REG_EXPORT_REACTIVE_POWER_DEMAND, MED2_REG_APPARENT_POWER_DEMAND,
    MED2_REG_MAX_CURRENT_DEMAND,       MED2_REG_MAX_IMPORT_ACTIVE_POWER_DEMAND,
    MED2_REG_MAX_EXPORT_ACTIVE_POWER_DEMAND, MED2_REG_MAX_IMPORT_REACTIVE_POWER_DEMAND,
    MED2_REG_MAX_EXPORT_REACTIVE_POWER_DEMAND, MED2_REG_MAX_APPARENT_POWER_DEMAND,
};
static const char *names[6] = {"current", "import P", "export P", "import Q", "export Q", "S"};

static void set_clock_midnight(struct rig_meter *m)
{
    struct tm t = {.tm_year = 126, .tm_mon = 2, .tm_mday = 2}; /* 2026-03-02 00:00:00 */
    cr_assert_eq(rig_meter_set_clock(m, &t), 0, "%s", rig_last_error());
}

static struct rig_meter *setup(unsigned method, unsigned period, unsigned sub)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    struct rig_setting s[] = {
        {MED2_REG_DEMAND_METHOD, method},
        {MED2_REG_DEMAND_PERIOD, period},
        {MED2_REG_SUB_INTERVAL, sub},
    };
    cr_assert_eq(rig_meter_configure(m, NULL, s, 3, true, NULL), 0, "%s", rig_last_error());
    set_clock_midnight(m);
    return m;
}

/* Apply the steps (amps, degrees), each `step_s` long, from midnight. The
 * meter's own readings of each step are taken 1 s into it; demand and max
 * demand are checked 0.5 s after every `check_s` boundary. */
static void run_profile(struct rig_meter *m, const double (*load)[2], unsigned n, double step_s,
                        double block_s, unsigned blocks, double check_s)
{
    enum { START, MEASURE, CHECK };
    struct event {
        double t;
        int what;
        unsigned k;
    } ev[3 * MAX_STEPS + 64];
    unsigned n_ev = 0;
    for (unsigned k = 0; k < n; k++) {
        ev[n_ev++] = (struct event){k * step_s, START, k};
        ev[n_ev++] = (struct event){k * step_s + 1.0, MEASURE, k};
    }
    for (double t = check_s; t + 0.5 <= n * step_s && n_ev < sizeof(ev) / sizeof(ev[0]); t += check_s) {
        ev[n_ev++] = (struct event){t + 0.5, CHECK, 0};
    }
    /* insertion sort: a few dozen events, by time then kind */
    for (unsigned a = 1; a < n_ev; a++) {
        for (unsigned b = a; b > 0 && (ev[b].t < ev[b - 1].t ||
                                       (ev[b].t == ev[b - 1].t && ev[b].what < ev[b - 1].what));
             b--) {
            struct event tmp = ev[b];
            ev[b] = ev[b - 1];
            ev[b - 1] = tmp;
        }
    }

    struct rig_source *src = rig_bench_source(bench);
    struct profile pr = {.n = 0};
    double now = 0.0, scale = 0.0, max_expected[6] = {0};
    unsigned checks = 0;
    for (unsigned e = 0; e < n_ev; e++) {
        cr_assert_eq(rig_sleep(bench, ev[e].t - now), 0, "%s", rig_last_error());
        now = ev[e].t;
        if (ev[e].what == START) {
            cr_assert_eq(rig_source_set(src, VOLTS, load[ev[e].k][0], load[ev[e].k][1], 50.0), 0,
                         "%s", rig_last_error());
            cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
        } else if (ev[e].what == MEASURE) {
            struct rig_runtime rt;
            cr_assert_eq(rig_meter_read_runtime(m, &rt), 0, "%s", rig_last_error());
            pr.step[pr.n++] = (struct step){ev[e].k * step_s, (ev[e].k + 1) * step_s, rt.current,
                                            rt.active_power, rt.reactive_power, rt.apparent_power};
            scale = fmax(scale, rt.apparent_power);
        } else {
            cr_assert_geq(pr.n * step_s, floor(now / block_s) * block_s,
                          "check at %.1f s before its blocks were measured", now);
            double v[12];
            cr_assert_eq(rig_meter_read_regs(m, demand_regs, 12, v), 0, "%s", rig_last_error());
            for (int q = 0; q < 6; q++) {
                double want = expected(&pr, q, block_s, blocks, now);
                double tol = (q == 0 ? scale / VOLTS : scale) * 0.005 + 0.01;
                /* the maximum over every block end so far, not only the checks */
                for (double b = block_s; b <= now; b += block_s) {
                    max_expected[q] = fmax(max_expected[q], expected(&pr, q, block_s, blocks, b));
                }
                cr_expect(fabs(v[q] - want) <= tol, "t=%.1f s: %s demand %.3f, expected %.3f",
                          now, names[q], v[q], want);
                cr_expect(fabs(v[6 + q] - max_expected[q]) <= tol,
                          "t=%.1f s: max %s demand %.3f, expected %.3f", now, names[q], v[6 + q],
                          max_expected[q]);
            }
            checks++;
        }
    }
    cr_expect_geq(checks, 4u, "only %u demand checks in the profile", checks);
    cr_expect_gt(max_expected[1], 100.0, "the profile never made import demand");
    cr_expect_gt(max_expected[2], 100.0, "the profile never made export demand");
}

/* Current in A and phase in degrees: import, lagging, leading, export. */
static const double load[8][2] = {
    {5.0, 0.0}, {10.0, 36.87}, {2.0, -60.0}, {8.0, 180.0},
    {15.0, 0.0}, {1.0, 0.0},   {12.0, 150.0}, {6.0, 30.0},
};

/* One timeout for every test of the binary: Criterion 2.4's runner leaks
 * under LeakSanitizer when tests of one binary differ in timeout. */
TestSuite(demand, .timeout = 180);

Test(demand, fixed_block_of_2_minutes, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = setup(0, 2, 1);
    /* steps of 75 s straddle the 120 s blocks */
    run_profile(m, load, 8, 75.0, 120.0, 1, 120.0);
}

Test(demand, sliding_window_of_3_minutes_in_3_s_blocks, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = setup(1, 3, 1);
    run_profile(m, load, 8, 50.0, 3.0, 60, 30.0);
}

Test(demand, rolling_sub_interval_that_divides, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = setup(2, 6, 2); /* 3 blocks of 2 minutes */
    run_profile(m, load, 8, 100.0, 120.0, 3, 120.0);
}

Test(demand, rolling_sub_interval_that_does_not_divide_is_1_minute, .init = open_bench,
     .fini = close_bench)
{
    struct rig_meter *m = setup(2, 5, 2); /* 2 does not divide 5: 5 blocks of 1 minute */
    run_profile(m, load, 8, 70.0, 60.0, 5, 60.0);
}

Test(demand, out_of_range_settings_are_refused, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    const struct {
        uint16_t address;
        uint32_t value;
    } bad[] = {{MED2_ADDR_DEMAND_METHOD, 3}, {MED2_ADDR_DEMAND_PERIOD, 0},
               {MED2_ADDR_DEMAND_PERIOD, 61}, {MED2_ADDR_SUB_INTERVAL, 0},
               {MED2_ADDR_SUB_INTERVAL, 61}};
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        uint16_t words[2];
        cr_assert_eq(rig_encode_value(MED2_T_U32, bad[k].value, rig_meter_endian(m), words), 2);
        cr_expect_lt(rig_meter_write_registers(m, bad[k].address, 2, words), 0);
        cr_expect_eq(rig_meter_last_exception(m), 3, "%u <- %u: exception %d, want 03",
                     bad[k].address, bad[k].value, rig_meter_last_exception(m));
    }
    double period;
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_DEMAND_PERIOD, &period), 0, "%s", rig_last_error());
    cr_expect_eq(period, 15.0, "a refused write changed the period");
}
