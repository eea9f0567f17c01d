/*
 * suites/field — reproducing field faults (rig replay, rig ab): the shipped
 * example faults of fixtures/profiles/field replayed on calibrated simulated
 * units, a generated COMTRADE recording on the units' AFEs, the determinism
 * of a replay, and A/B comparisons of firmware revisions built from git.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "field_suite.h"
#include "rig/bench.h"
#include "rig/comtrade.h"
#include "rig/regmap.h"

/* A replay of a day's faults and two firmware builds take minutes on a
 * loaded machine, seconds on an idle one. */
TestSuite(field, .timeout = 600);

/* The value of register id in the first row at or after t of position pos. */
static double value_at(const struct rig_replay_result *r, unsigned pos, double t, int id)
{
    for (size_t k = 0; k < r->n_rows; k++) {
        if (r->rows[k].position != pos || r->rows[k].t_s < t - 1e-9)
            continue;
        for (size_t i = 0; i < r->n_regs; i++)
            if (r->regs[i] == id)
                return r->rows[k].values[i];
    }
    return NAN;
}

static void expect_checks_pass(const struct rig_replay_result *r)
{
    cr_expect_gt(r->n_checks, 0u);
    for (size_t k = 0; k < r->n_checks; k++) {
        const struct rig_replay_check *c = &r->checks[k];
        cr_expect(c->pass, "position %u, check '%s' at %.0f s: meter %.4f Wh, reference %.4f Wh, "
                           "%.3f %% (limit %.2f %%)", c->position, c->label, c->t_s, c->meter_wh,
                  c->reference_wh, c->error_pct, c->limit_pct);
    }
}

static void clock_set_across_midnight(const struct field_run *run)
{
    const struct rig_replay_result *r = &run->result;
    expect_checks_pass(r);
    const int t11 = MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY, t12 = MED2_REG_T1_2_IMPORT_ACTIVE_ENERGY;
    for (unsigned pos = 1; pos <= 2; pos++) {
        /* 23:58..23:59: T1-2 (from 22:00) counts, T1-1 does not */
        cr_expect_gt(value_at(r, pos, 61, t12) - value_at(r, pos, 1, t12), 15);
        cr_expect_lt(value_at(r, pos, 61, t11) - value_at(r, pos, 1, t11), 0.02);
        /* set to 00:00:30: T1-1 counts at once, T1-2 stops */
        cr_expect_gt(value_at(r, pos, 180, t11) - value_at(r, pos, 62, t11), 35);
        cr_expect_lt(value_at(r, pos, 180, t12) - value_at(r, pos, 62, t12), 0.02);
        cr_expect_eq(value_at(r, pos, 180, MED2_REG_DAY), 2);
    }
}

static void tariff_boundary_crossed_while_supply_off(const struct field_run *run)
{
    const struct rig_replay_result *r = &run->result;
    expect_checks_pass(r);
    const int tot = MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY, t11 = MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY,
              t12 = MED2_REG_T1_2_IMPORT_ACTIVE_ENERGY;
    for (unsigned pos = 1; pos <= 2; pos++) {
        /* off at 16:58 (t 180), on at 17:05 (t 600): nothing counted while
         * off, nothing in T1-2 before, everything in T1-2 after */
        double total_before = value_at(r, pos, 120, tot), t11_before = value_at(r, pos, 120, t11);
        cr_expect(isnan(value_at(r, pos, 180, tot)), "an unpowered unit was read");
        cr_expect_lt(value_at(r, pos, 120, t12), 0.001);
        double total_on = value_at(r, pos, 600, tot);
        cr_expect_lt(total_on - total_before, 60 * 2300.0 / 3600 + 0.05,
                     "counted while the supply was off: %.3f Wh", total_on - total_before);
        cr_expect_float_eq(value_at(r, pos, 1200, t11), value_at(r, pos, 600, t11), 0.0015);
        cr_expect_gt(value_at(r, pos, 1200, t12), 600 * 2300.0 / 3600 * 0.99);
        cr_expect_gt(t11_before, 0);
    }
}

static void brown_out_sequence(const struct field_run *run)
{
    expect_checks_pass(&run->result);
    cr_expect(strstr(run->trace, "supply off") && strstr(run->trace, "supply on"));
}

static void rs485_noise_during_settings_save(const struct field_run *run)
{
    const struct rig_replay_result *r = &run->result;
    expect_checks_pass(r);
    /* the line is clean again: the write after the noise took, on both */
    cr_expect(strstr(run->trace, "write tariff_3 2 hour_3 12 minute_3 0: failed") == NULL, "%s",
              run->trace);
    for (unsigned pos = 1; pos <= 2; pos++)
        cr_expect(!isnan(value_at(r, pos, 240, MED2_REG_VOLTAGE)));
}

/* The shipped faults, one after another on one calibrated bench (one
 * calibration instead of four); each profile writes the schedule it needs,
 * in an order where none leaves an entry the next one would cross. */
Test(field, shipped_faults)
{
    static const struct {
        const char *profile;
        void (*check)(const struct field_run *run);
    } faults[] = {
        {"fixtures/profiles/field/tariff_supply_off.csv", tariff_boundary_crossed_while_supply_off},
        {"fixtures/profiles/field/clock_midnight.csv", clock_set_across_midnight},
        {"fixtures/profiles/field/brownout.csv", brown_out_sequence},
        {"fixtures/profiles/field/noise_save.csv", rs485_noise_during_settings_save},
    };
    struct rig_bench *bench = field_bench(true);
    for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++) {
        struct field_run run;
        field_replay_on(bench, faults[k].profile, &run);
        faults[k].check(&run);
        field_run_free(&run);
    }
    rig_bench_close(bench);
}

Test(field, comtrade_waveform_on_the_afe)
{
    /* 60 s of a load with harmonics, made here and written as BINARY */
    enum { RATE = 6400, SECONDS = 60, N = RATE * SECONDS };
    double *v = malloc(N * sizeof *v), *i = malloc(N * sizeof *i);
    cr_assert(v && i);
    for (int k = 0; k < N; k++) {
        double w = 2 * M_PI * 50 * k / (double)RATE, phi = M_PI / 9;
        v[k] = M_SQRT2 * (230 * sin(w) + 9.2 * sin(3 * w) + 4.6 * sin(5 * w));
        i[k] = M_SQRT2 * (12 * sin(w - phi) + 3.6 * sin(3 * (w - phi)) + 1.2 * sin(5 * (w - phi)));
    }
    char dir[] = "/tmp/field-comtrade-XXXXXX", base[64], cfg[80];
    cr_assert(mkdtemp(dir));
    snprintf(base, sizeof base, "%s/rec", dir);
    struct rig_comtrade_spec s = {.rev_year = 1999, .format = RIG_COMTRADE_BINARY,
                                  .rate_hz = RATE, .n_samples = N, .v = v, .i = i,
                                  .v_full_scale = 400, .i_full_scale = 30};
    cr_assert_eq(rig_comtrade_write(base, &s), 0, "%s", rig_last_error());
    snprintf(cfg, sizeof cfg, "%s.cfg", base);
    struct field_run run;
    field_replay(cfg, true, &run);
    expect_checks_pass(&run.result);
    /* the meter saw the recording: its rms, with the harmonics */
    double vr = sqrt(230 * 230 + 9.2 * 9.2 + 4.6 * 4.6), ir = sqrt(144 + 3.6 * 3.6 + 1.2 * 1.2);
    for (unsigned pos = 1; pos <= 2; pos++) {
        cr_expect_float_eq(value_at(&run.result, pos, 30, MED2_REG_VOLTAGE), vr, vr * 0.005);
        cr_expect_float_eq(value_at(&run.result, pos, 30, MED2_REG_CURRENT), ir, ir * 0.005);
    }
    field_run_free(&run);
    free(v);
    free(i);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

Test(field, replay_is_deterministic)
{
    /* two fresh benches, the same units and firmware: the same trace */
    struct field_run a, b;
    field_replay("fixtures/profiles/field/clock_midnight.csv", false, &a);
    field_replay("fixtures/profiles/field/clock_midnight.csv", false, &b);
    cr_expect_eq(a.trace_len, b.trace_len);
    cr_expect(a.trace_len == b.trace_len && memcmp(a.trace, b.trace, a.trace_len) == 0,
              "traces differ:\n%s\n---\n%s", a.trace, b.trace);
    field_run_free(&a);
    field_run_free(&b);
}
