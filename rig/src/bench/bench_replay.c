/*
 * bench_replay.c — what a field replay needs of a bench beyond the source
 * (rig/replay.h): a recording on a unit's AFE and noise on its RS485 line,
 * through the bench's driver (benchd on a simulated bench; a real bench
 * cannot do either, and says so).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"
#include "rig/replay.h"

int rig_bench_waveform(struct rig_bench *bench, unsigned position, const float *vi, size_t n)
{
    int rc = rig_bench_check_position(bench, position);
    if (rc < 0)
        return rc;
    if (!bench->drv->waveform || !rig_bench_dir(bench))
        return rig_error_set(-ENOTSUP, "bench %s cannot put a recording on a unit's AFE (a real "
                             "bench replays a recording through its source)", rig_bench_name(bench));
    char dir[PATH_MAX], path[PATH_MAX + 64];
    if (!realpath(rig_bench_dir(bench), dir))
        return rig_error_set(-errno, "%s: cannot resolve the bench's directory", rig_bench_dir(bench));
    snprintf(path, sizeof path, "%s/replay-wave-%ld.f32", dir, (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return rig_error_set(-errno, "%s: cannot write the recording", path);
    size_t put = fwrite(vi, 2 * sizeof(float), n, f);
    if (fclose(f) != 0 || put != n) {
        unlink(path);
        return rig_error_set(-EIO, "%s: cannot write the recording", path);
    }
    rc = bench->drv->waveform(bench, position, path);
    unlink(path);
    return rc;
}

int rig_bench_line_noise(struct rig_bench *bench, unsigned position, double ber)
{
    int rc = rig_bench_check_position(bench, position);
    if (rc < 0)
        return rc;
    if (!(ber >= 0 && ber <= 0.5))
        return rig_error_set(-EINVAL, "position %u: a bit error rate is 0..0.5, not %g", position,
                             ber);
    if (!bench->drv->line_noise)
        return rig_error_set(-ENOTSUP, "bench %s cannot put noise on an RS485 line (do it by hand: "
                             "a noise source near the line)", rig_bench_name(bench));
    return bench->drv->line_noise(bench, position, ber);
}
