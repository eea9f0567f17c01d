/*
 * flash.c — rig_flash: the bench's flasher for a position (sim or OpenOCD).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bench_internal.h"
#include "error_internal.h"
#include "rig/flash.h"

int rig_flash(struct rig_bench *bench, unsigned position, const char *image_path)
{
    const struct rig_position *pos = rig_bench_position(bench, position);
    char image[PATH_MAX];
    int rc;

    if (!pos)
        return rig_error_set(-EINVAL, "no position %u on bench %s (it has %u)", position,
                             rig_bench_name(bench), rig_bench_position_count(bench));
    if (!image_path || !realpath(image_path, image))
        return rig_error_set(-ENOENT, "position %u: image %s not found — build it (make firmware) "
                                      "or check the path",
                             position, image_path ? image_path : "(none)");
    /* The unit restarts: its Modbus client starts afresh afterwards. */
    rig_bench_forget_meter(bench, position);
    if (bench->ctl)
        rc = rig_flash_sim(bench->ctl, position, image, NULL, 0);
    else
        rc = rig_flash_openocd(position, pos->swd, pos->swd_serial, image);
    return rc;
}
