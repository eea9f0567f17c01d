/*
 * field_common.c — a replay on a fresh private bench for the field suite.
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_suite.h"
#include "rig/bench.h"
#include "rig/eol.h"

#define TRACE_EVERY_S 30.0

struct rig_bench *field_bench(bool calibrate)
{
    struct rig_bench *bench;
    cr_assert_eq(rig_bench_open(FIELD_BENCH, &bench), 0, "%s", rig_last_error());
    if (calibrate) {
        struct rig_eol_result res[2];
        memset(res, 0, sizeof res);
        cr_assert_eq(rig_eol_calibrate(bench, res), 0, "%s", rig_last_error());
        cr_assert(res[0].calibrated && res[1].calibrated, "%s / %s", res[0].reason,
                  res[1].reason);
    }
    return bench;
}

void field_replay(const char *profile, bool calibrate, struct field_run *run)
{
    struct rig_bench *bench = field_bench(calibrate);
    field_replay_on(bench, profile, run);
    rig_bench_close(bench);
}

void field_replay_on(struct rig_bench *bench, const char *profile, struct field_run *run)
{
    memset(run, 0, sizeof *run);
    struct rig_profile *p;
    cr_assert_eq(rig_profile_load(profile, &p), 0, "%s", rig_last_error());
    FILE *trace = open_memstream(&run->trace, &run->trace_len);
    cr_assert_not_null(trace);
    static const unsigned both[] = {1, 2};
    struct rig_replay_options o = {.positions = both, .n_positions = 2, .trace = trace,
                                   .trace_every_s = TRACE_EVERY_S};
    int rc = rig_replay_run(bench, p, &o, &run->result);
    fclose(trace);
    rig_profile_free(p);
    cr_assert_eq(rc, 0, "%s: %s", profile, rig_last_error());
}

void field_run_free(struct field_run *run)
{
    rig_replay_result_free(&run->result);
    free(run->trace);
}

void field_rig_binary(char *buf, size_t len)
{
    const char *benchd = getenv("RIG_BENCHD");
    cr_assert_not_null(benchd, "RIG_BENCHD is not set (make check sets it)");
    char copy[512];
    snprintf(copy, sizeof copy, "%s", benchd);
    /* absolute: a test runs it from inside a clone of the repository too */
    char abs[PATH_MAX];
    const char *dir = dirname(copy);
    snprintf(buf, len, "%s/rig", realpath(dir, abs) ? abs : dir);
}
