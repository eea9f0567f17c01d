/*
 * flash_sim.c — flashing a simulated unit: benchd copies the image into the
 * position's slot, checks the copy's hash and restarts the unit from it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/error_internal.h"
#include "drivers/flash/flash_internal.h"
#include "rig/sim/simctl.h"

int rig_flash_sim(struct rig_simctl *ctl, unsigned position, const char *image_path,
                  char *hash, unsigned long hash_len)
{
    char reply[128];
    if (image_path[0] != '/')
        return rig_error_set(-EINVAL, "position %u: image path %s must be absolute (benchd has its "
                                      "own working directory)",
                             position, image_path);
    int rc = rig_simctl_request(ctl, RIG_SIMCTL_FLASH_TIMEOUT_MS, reply, sizeof reply,
                                "FLASH %u %s", position, image_path);
    if (rc < 0)
        return rig_error_prefix(rc == -EREMOTEIO ? -EIO : rc, "position %u: flashing %s",
                                position, image_path);
    if (hash && hash_len)
        snprintf(hash, hash_len, "%s", reply);
    return 0;
}
