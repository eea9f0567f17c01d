/*
 * rig/flash.h — putting a firmware image on a position's meter.
 *
 * sim (flash_sim.c): benchd copies the image into the position's slot,
 * verifies its hash and restarts the unit; NV memory survives.
 * hw (flash_openocd.c): openocd -f <swd cfgs> -c "program IMAGE verify reset exit".
 */
#ifndef RIG_FLASH_H
#define RIG_FLASH_H

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;
struct rig_simctl;

/*
 * rig_flash — flash image_path into position and restart it. The meter's
 * Modbus client is reopened on next use.
 * Returns 0, -ENOENT (image or openocd missing), -EINVAL (no such position,
 * no swd in the bench file), -EIO (flashing or verification failed; the
 * message quotes the tool).
 */
int rig_flash(struct rig_bench *bench, unsigned position, const char *image_path);

/*
 * rig_flash_sim — FLASH over benchd's control socket. image_path must be
 * absolute. hash (may be NULL) receives the verified hash, hex.
 * Returns 0, -EIO.
 */
int rig_flash_sim(struct rig_simctl *ctl, unsigned position, const char *image_path,
                  char *hash, unsigned long hash_len);

/*
 * rig_flash_openocd — run OpenOCD ($RIG_OPENOCD or openocd from PATH) with
 * -f for each comma-separated entry of swd, `adapter serial` if
 * adapter_serial is not NULL, and "program IMAGE verify reset exit".
 * position only names the unit in messages.
 * Returns 0, -ENOENT (openocd or image missing), -EINVAL (empty swd),
 * -EIO (openocd failed: the message quotes its last line).
 */
int rig_flash_openocd(unsigned position, const char *swd, const char *adapter_serial,
                      const char *image_path);

#ifdef __cplusplus
}
#endif

#endif /* RIG_FLASH_H */
