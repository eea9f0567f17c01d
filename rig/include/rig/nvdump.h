/*
 * rig/nvdump.h — start from the field state: a field unit's register dump
 * (`rig read all` output, fixtures/profiles/README.md "Register dumps")
 * into a simulated unit's NV.
 */
#ifndef RIG_NVDUMP_H
#define RIG_NVDUMP_H

struct rig_bench;

/*
 * rig_bench_load_dump — the unit at position is stopped, its own image
 * writes the dump's energy registers and settings into its NV records, and
 * it starts again from them; the rig's Modbus client of the position then
 * talks on the dump's line settings (slave id, baud, parity, stop bits).
 * Returns 0, -EINVAL (no such position),
 * -ENOTSUP (a real bench: its units' NV is the units' own), -ENOENT (no
 * such file), -EREMOTEIO (a bad dump: the message names file:line; the NV
 * is unchanged and the unit runs on it), or as the bench's driver.
 */
int rig_bench_load_dump(struct rig_bench *bench, unsigned position, const char *dump);

#endif /* RIG_NVDUMP_H */
