/*
 * health_bench.c — `make bench`'s health_plan_s: the bench time rig health
 * takes on a 20-position rack (fixtures/benches/eol-20.ini), what the check
 * costs before every CI job on a real bench (goal <= 30 s).
 *
 *   health_bench [--bench FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig/health.h"
#include "rig/rig.h"

int main(int argc, char **argv)
{
    const char *file = argc > 2 && strcmp(argv[1], "--bench") == 0 ? argv[2]
                                                                    : "fixtures/benches/eol-20.ini";
    struct rig_bench *bench;
    if (rig_bench_open(file, &bench) < 0) {
        fprintf(stderr, "health_bench: %s\n", rig_last_error());
        return 1;
    }
    unsigned n = rig_bench_position_count(bench);
    struct rig_health h;
    struct rig_health_position *pos = calloc(n, sizeof *pos);
    int rc = rig_health_check(bench, &h, pos);
    rig_bench_close(bench);
    free(pos);
    if (rc < 0 || !h.pass) {
        fprintf(stderr, "health_bench: the bench is not fit: %s\n", h.why);
        return 1;
    }
    printf("BENCH health_plan_s %.1f s_for_%u_positions\n", h.bench_s, n);
    return 0;
}
