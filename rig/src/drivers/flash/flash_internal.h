/*
 * flash_internal.h — the flashers behind rig_flash: benchd's slots
 * (flash_sim.c), OpenOCD over SWD (flash_openocd.c) and gdb through a gdb
 * remote stub (flash_gdb.c).
 */
#ifndef RIG_FLASH_INTERNAL_H
#define RIG_FLASH_INTERNAL_H

#include <stddef.h>

struct rig_simctl;

/*
 * rig_flash_find_tool — the program a flasher runs: $env_var if set (it
 * must be executable), else name found in PATH, into buf. The Debian
 * package is named like the program. Returns 0 or -ENOENT (the message
 * says to install it or set env_var).
 */
int rig_flash_find_tool(const char *env_var, const char *name, char *buf, size_t len);

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

/*
 * rig_gdb_stub — what serves the gdb endpoint, which says how the unit is
 * reset after flashing (the remote protocol has no reset of its own; each
 * stub takes one through gdb's "monitor"):
 *   RIG_GDB_STUB_QEMU     QEMU's -gdb: "monitor system_reset" (its HMP
 *                         monitor, there even with -monitor none);
 *   RIG_GDB_STUB_OPENOCD  OpenOCD's gdb server: "monitor reset run".
 */
enum rig_gdb_stub {
    RIG_GDB_STUB_QEMU,
    RIG_GDB_STUB_OPENOCD,
};

/* rig_flash_gdb's whole run when the caller gives no timeout: a real probe
 * writes a 512 KiB flash in under 20 s (rig/flash.h: ~30 KiB/s). */
#define RIG_FLASH_GDB_TIMEOUT_MS 60000u
/* The longest build-id rig_flash_gdb returns, hex and NUL (64 bytes; GNU
 * ld's sha1 is 20, 41 characters). */
#define RIG_FLASH_GDB_ID_MAX 129u

/*
 * rig_flash_gdb — flash the ARM ELF image_path through the gdb remote stub
 * at endpoint, with $RIG_GDB or gdb-multiarch from PATH (-nx -batch: no
 * gdbinit, no auto-loaded scripts), and start it:
 *   1. "load", then "compare-sections": a section whose bytes on the unit
 *      differ from the file's is an error naming the section;
 *   2. the image's GNU build-id note (-Wl,--build-id), read back from the
 *      unit's memory at its load address, must be the file's: it proves
 *      what the unit holds is what was meant;
 *   3. only then the stub's reset (enum rig_gdb_stub), so the unit starts
 *      from its vector table, and detach, leaving it running.
 * A unit that fails 1 or 2 is left halted, not started (after a failure
 * inside gdb, e.g. a write refused, as the stub leaves it when gdb goes).
 * endpoint: "host:port" or "tcp:host:port" (OpenOCD's gdb_port, QEMU's
 * -gdb tcp::PORT); "unix:PATH" or PATH of a unix-domain socket (QEMU's
 * -gdb unix:PATH,server=on,wait=off; gdb >= 9); anything else gdb's
 * "target remote" takes is passed to it as it is. A refused connection
 * fails at once (gdb's retries are off).
 * The image is checked before gdb runs: a 32-bit little-endian ARM ELF with
 * a build-id note in a loaded segment.
 * timeout_ms bounds the whole run (0: RIG_FLASH_GDB_TIMEOUT_MS); gdb, and
 * what it started, is killed when it runs out.
 * build_id (may be NULL) receives the build-id read from the unit, hex;
 * build_id_len must hold it (RIG_FLASH_GDB_ID_MAX always does).
 * position only names the unit in messages.
 * Returns 0, -ENOENT (gdb or the image missing), -EINVAL (not an ARM ELF,
 * no build-id note, no endpoint, build_id too short), -EIO (no stub
 * answers, gdb failed, a section or the build-id does not match: the
 * message names it and quotes gdb's last line), -ETIMEDOUT (gdb killed at
 * the timeout; the message says at which step and quotes gdb).
 */
int rig_flash_gdb(unsigned position, const char *endpoint, enum rig_gdb_stub stub,
                  const char *image_path, unsigned timeout_ms, char *build_id,
                  size_t build_id_len);

#endif
