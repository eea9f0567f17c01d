/*
 * nv_dump.h — a field unit's register dump written into this board's NV,
 * as the firmware itself writes its records (fixtures/profiles/README.md,
 * "Register dumps"):
 *
 *   med2-native --nv-from-dump DUMP NVFILE
 */
#ifndef NV_DUMP_H
#define NV_DUMP_H

/*
 * Parse DUMP (the `rig read all` format: `NAME VALUE [UNIT]` lines) and save
 * its energy registers and settings into the NV file NVFILE through the
 * core's nvstore, on top of what NVFILE already holds (or the defaults).
 * Any bad line (unknown register, malformed, out of range, a read-only
 * setting given another value) prints `DUMP:LINE: why` on stderr and
 * nothing is written. Returns the process exit code: 0, 1 bad input, 2 I/O.
 */
int nv_dump_main(const char *dump_path, const char *nv_path);

#endif /* NV_DUMP_H */
