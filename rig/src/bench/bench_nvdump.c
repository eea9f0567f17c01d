/*
 * bench_nvdump.c — a field unit's register dump into a unit's NV
 * (rig/nvdump.h), through the bench's driver (benchd's LOADNV).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"
#include "rig/nvdump.h"

int rig_bench_load_dump(struct rig_bench *bench, unsigned position, const char *dump)
{
    unsigned n = rig_bench_position_count(bench);
    if (position < 1 || position > n)
        return rig_error_set(-EINVAL, "bench %s has no position %u (it has 1..%u)",
                             rig_bench_name(bench), position, n);
    if (!bench->drv->load_nv)
        return rig_error_set(-ENOTSUP, "bench %s cannot write a unit's NV (a real unit's NV "
                             "is its own: program the field state over Modbus)",
                             rig_bench_name(bench));
    /* benchd runs elsewhere: it wants the absolute path */
    char path[PATH_MAX];
    if (!realpath(dump, path))
        return rig_error_set(-errno, "%s: cannot open the register dump", dump);
    return bench->drv->load_nv(bench, position, path);
}
