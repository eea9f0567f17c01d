/*
 * test_replay.c — field profiles (rig/replay.h): the CSV parser's refusals
 * name file and line; the reference integral against a hand calculation; a
 * generated COMTRADE recording as a profile; a bad profile applies nothing
 * to a bench.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rig/bench.h"
#include "rig/comtrade.h"
#include "rig/error.h"
#include "rig/replay.h"
#include "rig/source.h"
#include "sim_env.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test-replay-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(replay, .init = setup, .fini = teardown);

static const char *write_profile(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

#define HEADER "t_s,v_rms,i_rms,phase_deg,freq_hz,harmonics,event\n"

static void expect_refused(const char *text, const char *want)
{
    const char *path = write_profile("bad.csv", text);
    struct rig_profile *p = (void *)1;
    cr_expect_eq(rig_profile_load(path, &p), -EINVAL, "%s", rig_last_error());
    cr_expect_null(p);
    cr_expect(strstr(rig_last_error(), want) != NULL, "'%s' lacks '%s'", rig_last_error(), want);
    cr_expect(strstr(rig_last_error(), "bad.csv") != NULL, "%s", rig_last_error());
}

Test(replay, missing_column_names_it)
{
    expect_refused("t_s,v_rms,i_rms,phase_deg,freq_hz,event\n0,230,5,0,50,\n",
                   "bad.csv:1: the header has no column 'harmonics'");
}

Test(replay, bad_cell_names_line)
{
    expect_refused(HEADER "0,230,5,0,50,,\n10,230,five,0,50,,\n", "bad.csv:3: i_rms");
}

Test(replay, times_out_of_order)
{
    expect_refused(HEADER "0,230,5,0,50,,\n20,,,,,,mark\n10,,,,,,mark\n",
                   "bad.csv:4: rows must be in time order");
}

Test(replay, partial_conditions)
{
    expect_refused(HEADER "0,230,5,0,50,,\n10,230,,0,50,,\n", "bad.csv:3: give all of");
}

Test(replay, unknown_event_and_register)
{
    expect_refused(HEADER "0,230,5,0,50,,explode\n", "bad.csv:2: unknown event");
    expect_refused(HEADER "0,230,5,0,50,,write no_such_reg 1\n", "no register named 'no_such_reg'");
    expect_refused(HEADER "0,230,5,0,50,,write voltage 1\n", "not a writable register");
}

Test(replay, bad_harmonic_and_clock)
{
    expect_refused(HEADER "0,230,5,0,50,V1:5:0,\n", "bad.csv:2: a harmonic is");
    expect_refused(HEADER "0,230,5,0,50,,clock 2026-13-01T00:00:00\n", "bad.csv:2: clock wants");
}

Test(replay, first_row_sets_conditions)
{
    expect_refused(HEADER "0,,,,,,mark\n", "the first row (t_s 0) must set");
}

Test(replay, reference_integral_by_hand)
{
    /* 0..100 s: 230 V 10 A at 60 deg = 1150 W; 100..200 s: 230 V 5 A PF 1
     * with a 3rd harmonic pair 10 % V, 20 % I in phase = 1150 + 23 * 1 W;
     * supply off 150..180 s */
    const char *path = write_profile("ok.csv", HEADER "# a comment\n"
                                                      "0,230,10,60,50,,\n"
                                                      "100,230,5,0,50,V3:10:0 I3:20:0,\n"
                                                      "150,,,,,,supply off\n"
                                                      "180,,,,,,supply on\n"
                                                      "200,,,,,,mark\n");
    struct rig_profile *p;
    cr_assert_eq(rig_profile_load(path, &p), 0, "%s", rig_last_error());
    cr_expect_eq(p->n_steps, 2u);
    cr_expect_eq(p->n_events, 3u);
    cr_expect_float_eq(p->end_s, 200, 1e-12);
    double want = (1150.0 * 100 + (1150.0 + 23.0) * (100 - 30)) / 3600;
    cr_expect_float_eq(rig_profile_reference_wh(p, 200), want, 1e-9, "%.6f",
                       rig_profile_reference_wh(p, 200));
    cr_expect_float_eq(rig_profile_reference_wh(p, 50), 1150.0 * 50 / 3600, 1e-9);
    rig_profile_free(p);
}

Test(replay, comtrade_recording_as_profile)
{
    /* 2 s at 5000 samples/s: 230 V + 5 % 3rd, 8 A lagging 30 deg + 10 % 3rd */
    enum { N = 10000 };
    static double v[N], i[N];
    for (int k = 0; k < N; k++) {
        double w = 2 * M_PI * 50 * k / 5000.0, phi = M_PI / 6;
        v[k] = 230 * M_SQRT2 * (sin(w) + 0.05 * sin(3 * w));
        i[k] = 8 * M_SQRT2 * (sin(w - phi) + 0.1 * sin(3 * (w - phi)));
    }
    char base[128], cfg[160];
    snprintf(base, sizeof base, "%s/rec", dir);
    struct rig_comtrade_spec s = {.rev_year = 2013, .format = RIG_COMTRADE_FLOAT32,
                                  .rate_hz = 5000, .n_samples = N, .v = v, .i = i,
                                  .v_full_scale = 400, .i_full_scale = 20};
    cr_assert_eq(rig_comtrade_write(base, &s), 0, "%s", rig_last_error());
    snprintf(cfg, sizeof cfg, "%s.cfg", base);
    struct rig_profile *p;
    cr_assert_eq(rig_profile_load(cfg, &p), 0, "%s", rig_last_error());
    cr_expect_float_eq(p->end_s, 2.0, 1e-9);
    cr_expect_eq(p->n_wave, 8000u); /* 4000 samples/s */
    cr_expect_eq(p->n_steps, 100u);  /* cycles */
    const struct rig_replay_step *st = &p->steps[50];
    cr_expect_float_eq(st->v_rms, 230, 0.05);
    cr_expect_float_eq(st->i_rms, 8, 0.005);
    cr_expect_float_eq(st->phase_deg, 30, 0.05);
    cr_expect_eq(st->harm[0].order, 3u);
    cr_expect_float_eq(st->harm[0].pct, 5, 0.01);
    cr_expect(st->harm[1].current);
    cr_expect_float_eq(st->harm[1].pct, 10, 0.01);
    cr_expect_float_eq(st->harm[1].phase_deg, 0, 0.1); /* referred to its own fundamental */
    /* the recording's integral: P = 230 * 8 cos 30 + 11.5 * 0.8 cos 90 */
    double want = 230 * 8 * cos(M_PI / 6) * 2 / 3600;
    cr_expect_float_eq(p->recorded_wh, want, want * 1e-4, "%.6f vs %.6f", p->recorded_wh, want);
    /* the resampled wave at 4000/s is the generator's signal */
    double t = 1234 / 4000.0, w = 2 * M_PI * 50 * t;
    cr_expect_float_eq(p->wave[2 * 1234], 230 * M_SQRT2 * (sin(w) + 0.05 * sin(3 * w)), 0.5);
    rig_profile_free(p);
}

Test(replay, bad_profile_applies_nothing)
{
    /* position 2 of tariff.ini is a B80 without a clock: the clock event
     * is refused before the source or the clock is touched */
    require_sim();
    const char *path = write_profile("clock.csv", HEADER "0,230,5,0,50,,\n"
                                                         "10,,,,,,clock 2026-12-01T00:00:00\n"
                                                         "20,,,,,,\n");
    struct rig_profile *p;
    cr_assert_eq(rig_profile_load(path, &p), 0, "%s", rig_last_error());
    struct rig_bench *bench;
    cr_assert_eq(rig_bench_open("fixtures/benches/tariff.ini", &bench), 0, "%s",
                 rig_last_error());
    double t0, t1;
    cr_assert_eq(rig_bench_time(bench, &t0), 0);
    static const unsigned both[] = {1, 2};
    struct rig_replay_options o = {.positions = both, .n_positions = 2};
    struct rig_replay_result r;
    cr_expect_eq(rig_replay_run(bench, p, &o, &r), -EINVAL);
    cr_expect(strstr(rig_last_error(), "clock.csv:3: position 2 (B80-1M-V2) has no register for "
                                       "a clock") != NULL, "%s", rig_last_error());
    cr_assert_eq(rig_bench_time(bench, &t1), 0);
    cr_expect_eq(t0, t1, "the clock moved: %g -> %g", t0, t1);
    char reply[32];
    cr_assert_eq(rig_source_query(rig_bench_source(bench), "OUTP?", reply, sizeof reply), 0);
    cr_expect_eq(atoi(reply), 0, "the source was switched on: %s", reply);
    rig_bench_close(bench);
    rig_profile_free(p);
}

Test(replay, cli_refuses_bad_profile_before_the_bench)
{
    /* the bench directory does not exist: the profile is refused first */
    require_sim();
    const char *path = write_profile("nocol.csv", "t_s,v_rms,i_rms,phase_deg,freq_hz,event\n"
                                                  "0,230,5,0,50,\n");
    char rig[512], cmd[1024], out[1024];
    snprintf(rig, sizeof rig, "%s", getenv("RIG_BENCHD"));
    char *slash = strrchr(rig, '/');
    cr_assert_not_null(slash);
    snprintf(slash, sizeof rig - (size_t)(slash - rig), "/rig");
    snprintf(cmd, sizeof cmd, "'%s' replay --dir %s/no-bench '%s' 2>&1", rig, dir, path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_expect_eq(WEXITSTATUS(st), 1, "%s", out);
    cr_expect(strstr(out, "nocol.csv:1: the header has no column 'harmonics'") != NULL, "%s", out);
}
