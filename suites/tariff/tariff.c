/*
 * suites/tariff — which tariff register counts, over whole virtual days.
 *
 * The manual's 10-entry schedule (§4) is written over Modbus, the clock set
 * to midnight, a constant load applied, and the day walked through: in the
 * middle of every slot the suite reads all import-active registers twice,
 * a minute apart, and checks that only the slot's sub-tariff (and T1, and
 * Total) moved, by exactly the same mWh. At the end of the day each
 * sub-tariff holds its share of the day's energy, T1 = sum of T1-x and
 * Total = T1 + T2 to the mWh. T2 is switched in mid-day by command 220; the
 * 2-tariff model switches T1/T2 the same way.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "rig/rig.h"

#define VOLTS 230.0
#define AMPS 10.0
#define DAY_S 86400.0
#define MINUTE_S 60.0
/* A register reads as a double in Wh with mWh resolution. */
#define MWH(wh) llround((wh) * 1000.0)

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

/* The manual's example, settings #1..#10: {sub-tariff, hour, minute}. */
static const unsigned schedule[10][3] = {
    {1, 0, 0}, {2, 2, 0}, {3, 4, 0},  {4, 5, 0},   {2, 8, 30},
    {4, 9, 0}, {1, 11, 0}, {2, 15, 0}, {4, 19, 30}, {3, 22, 0},
};

/* Slot k runs from entry k's start to entry k+1's (entries are in time order). */
static double slot_start_s(unsigned k)
{
    return k < 10 ? schedule[k][1] * 3600.0 + schedule[k][2] * 60.0 : DAY_S;
}

static const enum med2_reg_id import_regs[] = {
    MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY, MED2_REG_T1_IMPORT_ACTIVE_ENERGY,
    MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY,  MED2_REG_T1_2_IMPORT_ACTIVE_ENERGY,
    MED2_REG_T1_3_IMPORT_ACTIVE_ENERGY,  MED2_REG_T1_4_IMPORT_ACTIVE_ENERGY,
    MED2_REG_T2_IMPORT_ACTIVE_ENERGY,
};
enum { R_TOTAL, R_T1, R_T1_1, R_T1_2, R_T1_3, R_T1_4, R_T2, R_COUNT };

static void read_import(struct rig_meter *m, long long mwh[R_COUNT], size_t n)
{
    double v[R_COUNT];
    cr_assert_eq(rig_meter_read_regs(m, import_regs, n, v), 0, "%s", rig_last_error());
    for (size_t k = 0; k < n; k++) {
        mwh[k] = MWH(v[k]);
    }
}

static void set_clock(struct rig_meter *m, unsigned y, unsigned mo, unsigned d, unsigned h,
                      unsigned mi, unsigned s)
{
    struct tm t = {.tm_year = (int)y - 1900, .tm_mon = (int)mo - 1, .tm_mday = (int)d,
                   .tm_hour = (int)h, .tm_min = (int)mi, .tm_sec = (int)s};
    cr_assert_eq(rig_meter_set_clock(m, &t), 0, "%s", rig_last_error());
}

static struct rig_meter *prepare_c80(void)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    struct rig_setting s[30];
    for (unsigned k = 0; k < 10; k++) {
        s[3 * k] = (struct rig_setting){MED2_REG_TARIFF_1 + 3 * k, schedule[k][0]};
        s[3 * k + 1] = (struct rig_setting){MED2_REG_HOUR_1 + 3 * k, schedule[k][1]};
        s[3 * k + 2] = (struct rig_setting){MED2_REG_MINUTE_1 + 3 * k, schedule[k][2]};
    }
    cr_assert_eq(rig_meter_configure(m, NULL, s, 30, true, NULL), 0, "%s", rig_last_error());
    set_clock(m, 2026, 3, 2, 0, 0, 0);
    return m;
}

static void load_on(void)
{
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_eq(rig_source_set(src, VOLTS, AMPS, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
}

/* Advance to `t` seconds after the clock was set to midnight. */
static double advance_to(double now, double t)
{
    cr_assert_eq(rig_sleep(bench, t - now), 0, "%s", rig_last_error());
    return t;
}

/* One timeout for every test of the binary: Criterion 2.4's runner leaks
 * under LeakSanitizer when tests of one binary differ in timeout. A day
 * takes seconds on the native board and about 7 minutes with QEMU
 * positions (make test-qemu; Criterion's --timeout can only shorten it). */
TestSuite(tariff, .timeout = 1800);

Test(tariff, manual_schedule_over_a_day, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = prepare_c80();
    long long start[R_COUNT], a[R_COUNT], b[R_COUNT];
    read_import(m, start, R_COUNT);
    load_on();
    double now = 0.0;
    for (unsigned k = 0; k < 10; k++) {
        double mid = (slot_start_s(k) + slot_start_s(k + 1)) / 2.0;
        unsigned sub = schedule[k][0];
        now = advance_to(now, mid - MINUTE_S / 2);
        read_import(m, a, R_COUNT);
        now = advance_to(now, mid + MINUTE_S / 2);
        read_import(m, b, R_COUNT);
        long long total = b[R_TOTAL] - a[R_TOTAL];
        cr_expect_gt(total, 30000, "slot %u: only %lld mWh in a minute", k + 1, total);
        cr_expect_eq(b[R_T1] - a[R_T1], total, "slot %u: T1 moved %lld of %lld mWh", k + 1,
                     b[R_T1] - a[R_T1], total);
        for (unsigned x = 1; x <= 4; x++) {
            long long d = b[R_T1_1 + x - 1] - a[R_T1_1 + x - 1];
            cr_expect_eq(d, x == sub ? total : 0,
                         "slot %u (%02u:%02u, T1-%u): T1-%u moved %lld mWh of %lld", k + 1,
                         schedule[k][1], schedule[k][2], sub, x, d, total);
        }
        cr_expect_eq(b[R_T2], a[R_T2], "slot %u: T2 counted", k + 1);
    }
    now = advance_to(now, DAY_S);
    cr_assert_eq(rig_source_output(rig_bench_source(bench), false), 0, "%s", rig_last_error());
    rig_sleep(bench, 1.0);
    read_import(m, b, R_COUNT);
    long long day[R_COUNT];
    for (unsigned r = 0; r < R_COUNT; r++) {
        day[r] = b[r] - start[r];
    }
    cr_expect_eq(day[R_T1], day[R_T1_1] + day[R_T1_2] + day[R_T1_3] + day[R_T1_4],
                 "T1 %lld != sum of T1-x", day[R_T1]);
    cr_expect_eq(day[R_TOTAL], day[R_T1] + day[R_T2], "Total %lld != T1 + T2", day[R_TOTAL]);
    /* each sub-tariff's share of the day is its share of the time */
    double hours[5] = {0};
    for (unsigned k = 0; k < 10; k++) {
        hours[schedule[k][0]] += (slot_start_s(k + 1) - slot_start_s(k)) / 3600.0;
    }
    for (unsigned x = 1; x <= 4; x++) {
        double share = (double)day[R_T1_1 + x - 1] / (double)day[R_TOTAL];
        cr_expect(fabs(share - hours[x] / 24.0) < 1e-4, "T1-%u holds %.6f of the day, want %.6f",
                  x, share, hours[x] / 24.0);
    }
}

Test(tariff, t2_switched_in_mid_day, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = prepare_c80();
    long long a[R_COUNT], b[R_COUNT], c[R_COUNT];
    load_on();
    double now = advance_to(0.0, 12 * 3600.0);
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_write_reg(m, MED2_REG_COUNTER_COMMAND, 220), 0, "%s", rig_last_error());
    read_import(m, a, R_COUNT);
    now = advance_to(now, 18 * 3600.0); /* T2 through 15:00, where the schedule moves on */
    read_import(m, b, R_COUNT);
    cr_expect_gt(b[R_T2] - a[R_T2], 0, "T2 did not count");
    cr_expect_eq(b[R_T2] - a[R_T2], b[R_TOTAL] - a[R_TOTAL], "T2 moved less than Total");
    for (unsigned r = R_T1; r <= R_T1_4; r++) {
        cr_expect_eq(b[r], a[r], "register %u of T1 counted while T2 was active", r);
    }
    cr_assert_eq(rig_meter_write_reg(m, MED2_REG_COUNTER_COMMAND, 220), 0, "%s", rig_last_error());
    now = advance_to(now, 19 * 3600.0); /* back on T1: 18:00-19:00 is T1-2 */
    read_import(m, c, R_COUNT);
    cr_expect_eq(c[R_T2], b[R_T2], "T2 still counting after switching back");
    cr_expect_eq(c[R_T1_2] - b[R_T1_2], c[R_TOTAL] - b[R_TOTAL], "T1-2 did not take over");
}

Test(tariff, two_tariff_model_switches_by_command, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = rig_bench_meter(bench, 2);
    cr_assert_not_null(m, "%s", rig_last_error());
    long long a[3], b[3], c[3];
    /* on the B80 map: Total, T1, T2 (no sub-tariffs) */
    static const enum med2_reg_id regs[3] = {MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY,
                                             MED2_REG_T1_IMPORT_ACTIVE_ENERGY,
                                             MED2_REG_T2_IMPORT_ACTIVE_ENERGY};
    double v[3];
    double sub_tariff;
    cr_expect_eq(rig_meter_read_reg(m, MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY, &sub_tariff), -ENOENT,
                 "a 2-tariff map has T1-1");
    load_on();
    cr_assert_eq(rig_sleep(bench, 3600.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_regs(m, regs, 3, v), 0, "%s", rig_last_error());
    for (int k = 0; k < 3; k++) a[k] = MWH(v[k]);
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_write_reg(m, MED2_REG_COUNTER_COMMAND, 220), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 3600.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_regs(m, regs, 3, v), 0, "%s", rig_last_error());
    for (int k = 0; k < 3; k++) b[k] = MWH(v[k]);
    cr_assert_eq(rig_source_output(rig_bench_source(bench), false), 0, "%s", rig_last_error());
    rig_sleep(bench, 1.0);
    cr_assert_eq(rig_meter_read_regs(m, regs, 3, v), 0, "%s", rig_last_error());
    for (int k = 0; k < 3; k++) c[k] = MWH(v[k]);
    cr_expect_gt(a[1], 2000000, "T1 counted only %lld mWh in the first hour", a[1]);
    cr_expect_eq(a[0], a[1] + a[2], "Total != T1 + T2 after the first hour");
    cr_expect_eq(b[1], a[1], "T1 counted while T2 was active");
    cr_expect_eq(c[0], c[1] + c[2], "Total != T1 + T2 at the end");
    cr_expect_gt(c[2], 2000000, "T2 counted only %lld mWh", c[2]);
}

/* docs/metering.md: a clock set across a schedule boundary selects the new
 * time's sub-tariff at once, forwards and backwards. */
Test(tariff, clock_set_across_a_boundary_switches_at_once, .init = open_bench,
     .fini = close_bench)
{
    struct rig_meter *m = prepare_c80(); /* the manual's schedule, clock at 00:00 */
    long long a[R_COUNT], b[R_COUNT];
    load_on();
    const struct {
        unsigned h, mi, sub;
    } jumps[] = {{1, 30, 1}, {4, 30, 3}, {9, 30, 4}, {2, 30, 2}, {23, 0, 3}, {0, 30, 1}};
    for (unsigned k = 0; k < sizeof(jumps) / sizeof(jumps[0]); k++) {
        cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
        set_clock(m, 2026, 3, 2, jumps[k].h, jumps[k].mi, 0);
        cr_assert_eq(rig_sleep(bench, 5.0), 0, "%s", rig_last_error()); /* the next tick */
        read_import(m, a, R_COUNT);
        cr_assert_eq(rig_sleep(bench, 60.0), 0, "%s", rig_last_error());
        read_import(m, b, R_COUNT);
        unsigned x = jumps[k].sub;
        cr_expect_eq(b[R_T1_1 + x - 1] - a[R_T1_1 + x - 1], b[R_TOTAL] - a[R_TOTAL],
                     "clock set to %02u:%02u: T1-%u moved %lld of %lld mWh", jumps[k].h,
                     jumps[k].mi, x, b[R_T1_1 + x - 1] - a[R_T1_1 + x - 1], b[R_TOTAL] - a[R_TOTAL]);
    }
}
