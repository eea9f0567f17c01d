/*
 * bench_reference.c — the bench's reference standard pulses (rig/lines.h),
 * dispatched to the bench's driver.
 */
#include <errno.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"

static int check_wire(unsigned wire)
{
    if (wire != RIG_REFERENCE_ACTIVE && wire != RIG_REFERENCE_REACTIVE)
        return rig_error_set(-EINVAL, "reference wire %u — 1 (active) or 2 (reactive)", wire);
    return 0;
}

int rig_reference_constant(struct rig_bench *bench, unsigned wire, double *imp_per_kwh)
{
    int rc = check_wire(wire);
    return rc < 0 ? rc : bench->drv->reference_constant(bench, wire, imp_per_kwh);
}

int rig_reference_edges(struct rig_bench *bench, unsigned wire, struct rig_pulse_edge *edges,
                        size_t max, size_t *n, uint64_t *dropped)
{
    uint64_t lost = 0;
    *n = 0;
    int rc = check_wire(wire);
    if (rc == 0)
        rc = bench->drv->reference_edges(bench, wire, edges, max, n, &lost);
    if (dropped)
        *dropped = lost;
    return rc;
}

const char *rig_reference_name(struct rig_bench *bench, unsigned wire)
{
    if (check_wire(wire) < 0)
        return "(no such reference wire)";
    if (bench->cfg->kind == RIG_BENCH_SIM)
        return wire == 1 ? "benchd's reference wire 1 (active)"
                         : "benchd's reference wire 2 (reactive)";
    return bench->cfg->reference_line[wire] ? bench->cfg->reference_line[wire] : "(not wired)";
}
