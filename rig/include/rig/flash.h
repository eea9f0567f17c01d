/*
 * rig/flash.h — putting a firmware image on a position's meter.
 *
 * Simulated bench: benchd copies the image into the position's slot,
 * verifies its hash and restarts the unit; NV memory survives.
 * Real bench: OpenOCD over the position's SWD probe
 * ("program IMAGE verify reset exit").
 */
#ifndef RIG_FLASH_H
#define RIG_FLASH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;

/*
 * rig_flash — flash image_path into position and restart it. The meter's
 * Modbus client is reopened on next use.
 * Returns 0, -ENOENT (image or openocd missing), -EINVAL (no such position,
 * no swd in the bench file), -EIO (flashing or verification failed; the
 * message quotes the tool).
 */
int rig_flash(struct rig_bench *bench, unsigned position, const char *image_path);

/*
 * rig_flash_default_image — the image this bench's units run when none is
 * named: on a simulated bench the host build ($RIG_FIRMWARE_IMAGE, or
 * <dir of this executable>/../firmware/native/med2-native), absolute, in buf.
 * Returns 0, -ENOENT (not built: the message says where it looked),
 * -ENOTSUP (a real bench: name the MCU image explicitly).
 */
int rig_flash_default_image(struct rig_bench *bench, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* RIG_FLASH_H */
