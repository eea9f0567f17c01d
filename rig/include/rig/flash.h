/*
 * rig/flash.h — putting a firmware image on a position's meter.
 *
 * Simulated bench: benchd copies the image into the position's slot,
 * verifies its hash and restarts the unit; NV memory survives. On a bench
 * of QEMU positions (board = qemu) the ARM image is loaded through the
 * unit's gdb stub with gdb-multiarch (load, compare-sections, build-id read
 * back), as through OpenOCD's gdb server, before the slot keeps it.
 * Real bench: OpenOCD over the position's SWD probe
 * ("program IMAGE verify reset exit"), only an MCU (ARM) image: the host
 * build is refused (rig_flash_check_mcu_image); the default image is
 * rig_flash_arm_image. The EOL flashes a rack in parallel, one OpenOCD
 * per probe.
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
 * <dir of this executable>/../firmware/native/med2-native), absolute, in
 * buf — with QEMU positions the mps2-an386 ELF ($RIG_QEMU_IMAGE, or
 * ../firmware/mps2/med2-mps2.elf); on a real bench the MCU image (rig_flash_arm_image).
 * Returns 0, -ENOENT (not built: the message says where it looked). On a
 * real bench: rig_flash_arm_image.
 */
int rig_flash_default_image(struct rig_bench *bench, char *buf, size_t len);

/*
 * rig_flash_arm_image — the MCU image a real bench flashes:
 * $RIG_FIRMWARE_ARM_IMAGE, or <dir of this executable>/../firmware/cm4f/
 * med2.elf (make cm4-link), into buf. Never the host build.
 * Returns 0 or -ENOENT (the message says where it looked).
 */
int rig_flash_arm_image(char *buf, size_t len);

/*
 * rig_flash_check_mcu_image — refuse what a real unit cannot run: an ELF
 * for another machine than ARM (the host build). Intel HEX and raw
 * binaries pass (OpenOCD places them). Returns 0, -ENOENT, -EINVAL.
 */
int rig_flash_check_mcu_image(const char *image);

/*
 * rig_flash_image_bytes — the bytes flashing image writes: an ELF's
 * loadable segments (PT_LOAD), another file's size. Returns 0 or -ENOENT/-EIO.
 */
int rig_flash_image_bytes(const char *image, size_t *bytes);

/*
 * rig_flash_seconds — how long an SWD probe takes to flash and verify
 * bytes, the speed the EOL plan counts: OpenOCD's start, target examine,
 * reset and mass erase (RIG_FLASH_START_S), then the write at an ST-LINK/V2
 * class probe's 4 MHz SWD clock with OpenOCD's STM32 flash loader, bounded
 * by the STM32G4 flash's own programming time (~30 KiB/s), and the verify
 * read-back (~100 KiB/s). Positions have a probe each and are flashed at
 * once, so a rack takes the time of one.
 */
#define RIG_FLASH_START_S 1.0
#define RIG_FLASH_WRITE_BYTES_PER_S (30.0 * 1024.0)
#define RIG_FLASH_VERIFY_BYTES_PER_S (100.0 * 1024.0)
double rig_flash_seconds(size_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* RIG_FLASH_H */
