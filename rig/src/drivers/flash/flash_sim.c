/*
 * flash_sim.c — flashing a simulated unit.
 *
 * A native position has no debug port: benchd copies the image into the
 * position's slot, checks the copy's hash and restarts the unit from it.
 * A QEMU position (board = qemu) has one: benchd halts the unit on its gdb
 * stub (DEBUG), the image is loaded and verified there with gdb-multiarch
 * exactly as through OpenOCD's gdb server on a real probe (rig_flash_gdb),
 * and FLASH then tells benchd to keep it in the slot and take the unit in.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/error_internal.h"
#include "drivers/flash/flash_internal.h"
#include "rig/flash.h"
#include "rig/sim/simctl.h"

/* The debug port's endpoint into endpoint, or "" when the position has
 * none. An image its MCU cannot run is refused before the unit is halted. */
static int halt_for_debug(struct rig_simctl *ctl, unsigned position, const char *image,
                          char *endpoint, size_t len)
{
    char reply[256];
    int rc = rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "BOARD");
    if (rc < 0)
        return rig_error_prefix(rc, "position %u: asking benchd what it runs", position);
    if (strcmp(reply, "qemu") == 0 && (rc = rig_flash_check_mcu_image(image)) < 0)
        return rig_error_prefix(rc, "position %u (QEMU)", position);
    rc = rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "DEBUG %u", position);
    if (rc < 0)
        return rig_error_prefix(rc == -EREMOTEIO ? -EIO : rc,
                                "position %u: halting the unit on its debug port", position);
    snprintf(endpoint, len, "%s", strcmp(reply, "none") == 0 ? "" : reply);
    return 0;
}

int rig_flash_sim(struct rig_simctl *ctl, unsigned position, const char *image_path,
                  char *hash, unsigned long hash_len)
{
    char reply[128], endpoint[256];
    if (image_path[0] != '/')
        return rig_error_set(-EINVAL, "position %u: image path %s must be absolute (benchd has its "
                                      "own working directory)",
                             position, image_path);
    int rc = halt_for_debug(ctl, position, image_path, endpoint, sizeof endpoint);
    if (rc < 0)
        return rc;
    /* A load that fails leaves the unit halted, as a real part with a
     * broken flash; benchd gives up on it after a while (STATUS says so). */
    if (endpoint[0] != '\0' &&
        (rc = rig_flash_gdb(position, endpoint, RIG_GDB_STUB_QEMU, image_path, 0, NULL, 0)) < 0)
        return rc;
    rc = rig_simctl_request(ctl, RIG_SIMCTL_FLASH_TIMEOUT_MS, reply, sizeof reply, "FLASH %u %s",
                            position, image_path);
    if (rc < 0)
        return rig_error_prefix(rc == -EREMOTEIO ? -EIO : rc, "position %u: flashing %s",
                                position, image_path);
    if (hash && hash_len)
        snprintf(hash, hash_len, "%s", reply);
    return 0;
}
