/*
 * bench_power.c — rig/power.h: the supply of each position, through the
 * bench's driver (a relay on a real bench, benchd's SUPPLY on a simulated
 * one); hard cuts and the supply's counters exist only on the simulated
 * bench.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"
#include "rig/power.h"
#include "rig/sim/simctl.h"

static int sim_only(struct rig_bench *bench, unsigned position, const char *what)
{
    int rc = rig_bench_check_position(bench, position);
    if (rc < 0) {
        return rc;
    }
    if (!rig_bench_is_simulated(bench)) {
        return rig_error_set(-ENOTSUP, "position %u: %s needs the simulated bench — a real bench's "
                                       "supply relay only makes warned cuts",
                             position, what);
    }
    return 0;
}

int rig_power_set(struct rig_bench *bench, unsigned position, bool on, double *holdup_used_s)
{
    int rc = rig_bench_check_position(bench, position);
    return rc < 0 ? rc : bench->drv->supply(bench, position, on, holdup_used_s);
}

int rig_power_hard_cut(struct rig_bench *bench, unsigned position, double after_s)
{
    int rc = sim_only(bench, position, "a hard cut");
    if (rc < 0) {
        return rc;
    }
    if (!isfinite(after_s) || after_s < 0.0) {
        return rig_error_set(-EINVAL, "position %u: a hard cut wants a time >= 0 s from now, got %g",
                             position, after_s);
    }
    char reply[128];
    rc = rig_simctl_request(bench->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof(reply),
                            "SUPPLY %u OFF HARD AT %.9f", position, after_s);
    return rc < 0 ? rig_error_prefix(rc, "position %u: hard cut", position) : 0;
}

int rig_power_hard_cut_in_write(struct rig_bench *bench, unsigned position, unsigned n,
                                double fraction)
{
    int rc = sim_only(bench, position, "a hard cut in an NV write");
    if (rc < 0) {
        return rc;
    }
    if (n < 1 || !(fraction >= 0.0 && fraction < 1.0)) {
        return rig_error_set(-EINVAL, "position %u: a cut in a write wants write n >= 1 and a "
                                      "fraction in [0, 1), got %u and %g",
                             position, n, fraction);
    }
    char reply[128];
    rc = rig_simctl_request(bench->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof(reply),
                            "SUPPLY %u OFF HARD WRITE %u %.6f", position, n, fraction);
    return rc < 0 ? rig_error_prefix(rc, "position %u: hard cut in an NV write", position) : 0;
}

int rig_power_status(struct rig_bench *bench, unsigned position, struct rig_power_status *st)
{
    int rc = sim_only(bench, position, "the supply's counters");
    if (rc < 0) {
        return rc;
    }
    char reply[256], state[16];
    rc = rig_simctl_request(bench->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof(reply), "POWER? %u",
                            position);
    if (rc < 0) {
        return rig_error_prefix(rc, "position %u: supply status", position);
    }
    uint64_t last_used, max_used, holdup, last_down;
    memset(st, 0, sizeof(*st));
    if (sscanf(reply, "%15s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
                      " %" SCNu64 " %" SCNu64,
               state, &st->warned_cuts, &st->hard_cuts, &st->nv_torn, &st->power_ups, &last_used,
               &max_used, &holdup, &last_down) != 9) {
        return rig_error_set(-EPROTO, "position %u: benchd's POWER? reply '%s' is not understood — "
                                      "is benchd from this build?",
                             position, reply);
    }
    st->on = strcmp(state, "on") == 0;
    st->armed = strcmp(state, "armed") == 0;
    st->last_holdup_used_s = (double)last_used * 1e-9;
    st->max_holdup_used_s = (double)max_used * 1e-9;
    st->holdup_s = (double)holdup * 1e-9;
    st->last_down_s = (double)last_down * 1e-9;
    return 0;
}
