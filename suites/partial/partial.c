/*
 * suites/partial — the partial counters (manual §3.1) driven by command
 * 3000 (210 start/stop, 200 reset), and the balance registers, with import
 * and export loads on a 4-tariff and a 2-tariff unit.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "rig/rig.h"

#define VOLTS 230.0
#define AMPS 5.0
#define HOUR_S 3600.0
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

enum { IMP, EXP, IMP_PARTIAL, EXP_PARTIAL, IMPQ_PARTIAL, EXPQ_PARTIAL, BAL, BALQ, IMPQ, EXPQ, N };
static const enum med2_reg_id regs[N] = {
    MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY,    MED2_REG_TOTAL_EXPORT_ACTIVE_ENERGY,
    MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY,  MED2_REG_PARTIAL_EXPORT_ACTIVE_ENERGY,
    MED2_REG_PARTIAL_IMPORT_REACTIVE_ENERGY, MED2_REG_PARTIAL_EXPORT_REACTIVE_ENERGY,
    MED2_REG_BALANCE_ACTIVE_ENERGY,         MED2_REG_BALANCE_REACTIVE_ENERGY,
    MED2_REG_TOTAL_IMPORT_REACTIVE_ENERGY,  MED2_REG_TOTAL_EXPORT_REACTIVE_ENERGY,
};

static void snapshot(struct rig_meter *m, long long out[N])
{
    double v[N];
    cr_assert_eq(rig_meter_read_regs(m, regs, N, v), 0, "%s", rig_last_error());
    for (int k = 0; k < N; k++) {
        out[k] = MWH(v[k]);
    }
}

static void command(struct rig_meter *m, unsigned value)
{
    cr_assert_eq(rig_meter_write_reg(m, MED2_REG_COUNTER_COMMAND, value), 0, "command %u: %s",
                 value, rig_last_error());
}

/* One hour at phase `deg` (0 import, 180 export, 60 import + reactive). */
static void hour_at(double deg)
{
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_eq(rig_source_set(src, VOLTS, AMPS, deg, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, HOUR_S), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 1.0), 0, "%s", rig_last_error()); /* last window closes */
}

static void start_stop_resume_reset(unsigned position)
{
    struct rig_meter *m = rig_bench_meter(bench, position);
    cr_assert_not_null(m, "%s", rig_last_error());
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    long long s0[N], s1[N], s2[N], s3[N], s4[N], s5[N];

    snapshot(m, s0);
    hour_at(0.0); /* not started: partial stays */
    snapshot(m, s1);
    cr_expect_eq(s1[IMP_PARTIAL], s0[IMP_PARTIAL], "partial counted before it was started");
    cr_expect_gt(s1[IMP] - s0[IMP], 1000000, "the import hour counted %lld mWh", s1[IMP] - s0[IMP]);

    command(m, 210); /* start */
    hour_at(0.0);
    snapshot(m, s2);
    cr_expect_eq(s2[IMP_PARTIAL] - s1[IMP_PARTIAL], s2[IMP] - s1[IMP],
                 "running partial moved %lld, total %lld", s2[IMP_PARTIAL] - s1[IMP_PARTIAL],
                 s2[IMP] - s1[IMP]);

    command(m, 210); /* stop */
    hour_at(0.0);
    snapshot(m, s3);
    cr_expect_eq(s3[IMP_PARTIAL], s2[IMP_PARTIAL], "stopped partial counted");

    command(m, 210); /* resume: continues from where it stopped */
    hour_at(180.0);  /* export */
    hour_at(60.0);   /* import with import reactive */
    hour_at(-120.0); /* export with export reactive (current leads by 120 deg) */
    snapshot(m, s4);
    /* each partial = its total's growth while running: [s1, s2] and [s3, s4]
     * (the phase-0 hours carry a little reactive energy too: the unit's
     * current-sensor phase error) */
    static const int partial_of[][2] = {{IMP_PARTIAL, IMP}, {EXP_PARTIAL, EXP},
                                        {IMPQ_PARTIAL, IMPQ}, {EXPQ_PARTIAL, EXPQ}};
    for (unsigned k = 0; k < 4; k++) {
        int p = partial_of[k][0], t = partial_of[k][1];
        long long want = (s2[t] - s1[t]) + (s4[t] - s3[t]);
        cr_expect_eq(s4[p] - s1[p], want, "partial register %d moved %lld mWh, want %lld", p,
                     s4[p] - s1[p], want);
    }
    cr_expect_gt(s4[EXP] - s3[EXP], 1000000, "the export hours counted %lld mWh", s4[EXP] - s3[EXP]);
    cr_expect_gt(s4[IMPQ] - s3[IMPQ], 500000, "no import reactive energy counted");
    cr_expect_gt(s4[EXPQ] - s3[EXPQ], 500000, "no export reactive energy counted");
    /* balance = |import| - |export| (manual §3.1); registers round to the
     * mWh independently, so allow one mWh */
    cr_expect(llabs(s4[BAL] - (s4[IMP] - s4[EXP])) <= 1, "active balance %lld, import-export %lld",
              s4[BAL], s4[IMP] - s4[EXP]);
    cr_expect(llabs(s4[BALQ] - (s4[IMPQ] - s4[EXPQ])) <= 1, "reactive balance %lld vs %lld",
              s4[BALQ], s4[IMPQ] - s4[EXPQ]);
    cr_expect_lt(s4[BAL], s0[BAL] + (s4[IMP] - s0[IMP]), "export did not lower the balance");

    command(m, 200); /* reset */
    snapshot(m, s5);
    for (int k = IMP_PARTIAL; k <= EXPQ_PARTIAL; k++) {
        cr_expect_eq(s5[k], 0, "partial register %d not reset: %lld", k, s5[k]);
    }
    cr_expect_eq(s5[IMP], s4[IMP], "reset touched the import total");
    cr_expect_eq(s5[EXP], s4[EXP], "reset touched the export total");
}

/* One timeout for every test of the binary: Criterion 2.4's runner leaks
 * under LeakSanitizer when tests of one binary differ in timeout. */
TestSuite(partial, .timeout = 180);

Test(partial, four_tariff_model, .init = open_bench, .fini = close_bench)
{
    start_stop_resume_reset(1);
}

Test(partial, two_tariff_model, .init = open_bench, .fini = close_bench)
{
    start_stop_resume_reset(2);
}

Test(partial, commands_need_the_password, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    cr_expect_lt(rig_meter_write_reg(m, MED2_REG_COUNTER_COMMAND, 210), 0);
    cr_expect_eq(rig_meter_last_exception(m), 1, "locked command: exception %d, want 01",
                 rig_meter_last_exception(m));
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    cr_expect_lt(rig_meter_write_register(m, MED2_ADDR_COUNTER_COMMAND, 205), 0);
    cr_expect_eq(rig_meter_last_exception(m), 3, "unknown command: exception %d, want 03",
                 rig_meter_last_exception(m));
}
