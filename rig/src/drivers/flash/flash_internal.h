/*
 * flash_internal.h — the flashers behind rig_flash: benchd's slots
 * (flash_sim.c) and OpenOCD over SWD (flash_openocd.c).
 */
#ifndef RIG_FLASH_INTERNAL_H
#define RIG_FLASH_INTERNAL_H

struct rig_simctl;

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

#endif
