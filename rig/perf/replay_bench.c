/*
 * replay_bench.c — the field replay's figures for `make bench`:
 *
 *   replay_day_wall_s            (scripts/bench.sh) wall seconds to replay a 24-hour CSV profile at
 *                                1 s resolution (a load changing every second) on
 *                                one simulated position
 *   comtrade_energy_error_ratio  |register - integral of the recorded waveform| /
 *                                integral, over a 120 s COMTRADE recording with
 *                                harmonics fed to a calibrated unit's AFE, as a
 *                                fraction of the Class C limit (0.5 %, EN 50470-3
 *                                Table 6 at PF 1) — the reference is the recording,
 *                                not anything the rig or the meter computed
 *   ab_same_revision_diffs       differences between two replays of the same
 *                                firmware (this build's image in both positions of a
 *                                bench of twin units, and a second bench's replay
 *                                compared byte for byte): goal 0
 *
 *   replay_bench --bench fixtures/benches/sim.ini     the last two figures
 *   replay_bench --day-profile FILE                   write the day's profile; scripts/bench.sh
 *                                                     times `rig replay` of it on a
 *                                                     `rig sim up` bench of one unit
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig/bench.h"
#include "rig/comtrade.h"
#include "rig/eol.h"
#include "rig/error.h"
#include "rig/replay.h"

#define CLASS_C_LIMIT 0.005
#define TWIN_SERIAL "24110001"

static int fail(const char *what)
{
    fprintf(stderr, "replay_bench: %s: %s\n", what, rig_last_error());
    return 1;
}

/* A day of 1-s steps: a load wandering between 1 and 20 A, PF 0.8..1. */
static int day_profile(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "t_s,v_rms,i_rms,phase_deg,freq_hz,harmonics,event\n");
    unsigned x = 12345;
    for (unsigned t = 0; t < 86400; t++) {
        x = x * 1103515245u + 12345u;
        double amps = 1 + 19 * ((x >> 8) & 0xffff) / 65535.0;
        double deg = 37 * ((x >> 4) & 0xf) / 15.0;
        fprintf(f, "%u,230,%.3f,%.2f,50,,\n", t, amps, deg);
    }
    fprintf(f, "86400,,,,,,\n");
    return fclose(f);
}

static int replay(struct rig_bench *bench, const char *path, const unsigned *pos, size_t n,
                  FILE *trace, struct rig_replay_result *r)
{
    struct rig_profile *p;
    if (rig_profile_load(path, &p) < 0)
        return -1;
    struct rig_replay_options o = {.positions = pos, .n_positions = n, .trace = trace,
                                   .trace_every_s = 600, .limit_pct = 100};
    int rc = rig_replay_run(bench, p, &o, r);
    rig_profile_free(p);
    return rc;
}

static int figure_comtrade(const char *bench_file)
{
    enum { RATE = 5000, SECONDS = 120, N = RATE * SECONDS };
    double *v = malloc(N * sizeof *v), *i = malloc(N * sizeof *i);
    if (!v || !i)
        return 1;
    for (int k = 0; k < N; k++) {
        double w = 2 * M_PI * 50 * k / (double)RATE, phi = 25 * M_PI / 180;
        v[k] = M_SQRT2 * (230 * sin(w) + 11.5 * sin(3 * w + 0.3) + 6.9 * sin(5 * w));
        i[k] = M_SQRT2 * (10 * sin(w - phi) + 3 * sin(3 * (w - phi) + 0.5) + 1.5 * sin(5 * (w - phi)));
    }
    char dir[] = "/tmp/replay-ct-XXXXXX", base[64], cfg[80];
    if (!mkdtemp(dir))
        return 1;
    snprintf(base, sizeof base, "%s/rec", dir);
    snprintf(cfg, sizeof cfg, "%s.cfg", base);
    struct rig_comtrade_spec s = {.rev_year = 2013, .format = RIG_COMTRADE_FLOAT32,
                                  .rate_hz = RATE, .n_samples = N, .v = v, .i = i,
                                  .v_full_scale = 1, .i_full_scale = 1};
    int rc = rig_comtrade_write(base, &s);
    free(v);
    free(i);
    if (rc < 0)
        return fail("writing the recording");
    struct rig_bench *bench;
    if (rig_bench_open(bench_file, &bench) < 0)
        return fail(bench_file);
    struct rig_eol_result res[8];
    memset(res, 0, sizeof res);
    static const unsigned one[] = {1};
    struct rig_replay_result r;
    rc = rig_eol_calibrate(bench, res) < 0 ? -1 : replay(bench, cfg, one, 1, NULL, &r);
    rig_bench_close(bench);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "replay_bench: %s left behind\n", dir);
    if (rc < 0)
        return fail("the recording's replay");
    const struct rig_replay_check *c = &r.checks[r.n_checks - 1];
    printf("BENCH comtrade_energy_error_ratio %.3f of_class_C_limit\n",
           fabs(c->meter_wh - c->reference_wh) / c->reference_wh / CLASS_C_LIMIT);
    rig_replay_result_free(&r);
    return 0;
}

static int figure_ab(const char *bench_file)
{
    const char *profile = "fixtures/profiles/field/clock_midnight.csv";
    static const unsigned both[] = {1, 2};
    char *text[2] = {NULL, NULL};
    size_t len[2] = {0, 0};
    long diffs = 0;
    setenv("MED2_SIM_TWIN_SERIAL", TWIN_SERIAL, 1);
    for (int run = 0; run < 2; run++) {
        struct rig_bench *bench;
        if (rig_bench_open(bench_file, &bench) < 0)
            return fail(bench_file);
        FILE *trace = open_memstream(&text[run], &len[run]);
        struct rig_replay_result r;
        int rc = trace ? replay(bench, profile, both, 2, trace, &r) : -1;
        if (trace)
            fclose(trace);
        rig_bench_close(bench);
        if (rc < 0)
            return fail(profile);
        struct rig_replay_diff d;
        if (rig_replay_diff(&r, 1, 2, &d) < 0)
            return fail("comparing the positions");
        diffs += (long)(d.values_differing + d.events_differing) + (d.pulses_a != d.pulses_b);
        rig_replay_result_free(&r);
    }
    unsetenv("MED2_SIM_TWIN_SERIAL");
    diffs += len[0] != len[1] || memcmp(text[0], text[1], len[0]) != 0;
    free(text[0]);
    free(text[1]);
    printf("BENCH ab_same_revision_diffs %ld differences\n", diffs);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--day-profile") == 0)
        return day_profile(argv[2]) < 0 ? fail(argv[2]) : 0;
    if (argc != 3 || strcmp(argv[1], "--bench") != 0) {
        fprintf(stderr, "usage: replay_bench --bench FILE | --day-profile FILE\n");
        return 2;
    }
    int rc = figure_ab(argv[2]);
    rc |= figure_comtrade(argv[2]);
    return rc;
}
