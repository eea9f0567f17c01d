/*
 * eol_bench.c — figures of the EOL procedure on a simulated rack:
 *   BENCH eol_wall_s_<N>pos   wall seconds of rig_eol_run (bench start excluded)
 *   BENCH eol_plan_virtual_s  bench (virtual) seconds the plan took: what the
 *                             same plan takes on a real bench — the source's
 *                             settling, the gates, every Modbus transaction at
 *                             its line's baud and flashing at the probe's
 *                             speed are all on the bench clock (rig/eol.h)
 *
 *   eol_bench [--bench FILE] [--profile routine|full] [--report DIR]
 *             [--records DB] [--no-seal]
 * Default bench: fixtures/benches/eol-20.ini, profile routine. Prints the
 * per-position summary on stderr; exit 0 when every position passed. A
 * rack where a position failed is not the plan being measured: no figure
 * is printed then, only why.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rig/rig.h"

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *file = "fixtures/benches/eol-20.ini";
    struct rig_eol_options opt = {.seal = true};
    static const struct option longopts[] = {{"bench", required_argument, NULL, 'b'},
                                              {"report", required_argument, NULL, 'r'},
                                              {"records", required_argument, NULL, 'd'},
                                              {"no-seal", no_argument, NULL, 'n'},
                                              {"profile", required_argument, NULL, 'p'},
                                              {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'b': file = optarg; break;
        case 'r': opt.report_dir = optarg; break;
        case 'd': opt.records_db = optarg; break;
        case 'n': opt.seal = false; break;
        case 'p': opt.profile = optarg; break;
        default:
            fprintf(stderr, "usage: eol_bench [--bench FILE] [--report DIR] [--records DB] "
                            "[--no-seal] [--profile routine|full]\n");
            return 2;
        }
    }
    struct rig_bench *bench;
    if (rig_bench_open(file, &bench) < 0) {
        fprintf(stderr, "eol_bench: %s\n", rig_last_error());
        return 1;
    }
    unsigned n = rig_bench_position_count(bench);
    struct rig_eol_result *res = calloc(n, sizeof *res);
    double t0v = 0, t1v = 0;
    rig_bench_time(bench, &t0v);
    double t0 = wall_s();
    int rc = rig_eol_run(bench, &opt, res);
    double t1 = wall_s();
    rig_bench_time(bench, &t1v);
    if (rc < 0)
        fprintf(stderr, "eol_bench: %s\n", rig_last_error());
    for (unsigned i = 0; i < n; i++)
        fprintf(stderr, "position %2u %-10s %s ratio %.3f %s %s\n", i + 1,
                rig_bench_position(bench, i + 1)->serial, res[i].pass ? "PASS" : "FAIL",
                res[i].worst_error_ratio, res[i].sealed ? "sealed" : "not sealed", res[i].reason);
    rig_bench_close(bench);
    free(res);
    if (rc != 0) {
        fprintf(stderr, "eol_bench: %s: no figures\n",
                rc < 0 ? "the rack was aborted" : "a position failed (above)");
        return 1;
    }
    printf("BENCH eol_wall_s_%upos %.1f s\n", n, t1 - t0);
    printf("BENCH eol_plan_virtual_s %.0f s\n", t1v - t0v);
    return 0;
}
