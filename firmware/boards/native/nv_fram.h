/*
 * nv_fram.h — the native board's NV memory, emulated as the part the MCU
 * board carries: an SPI FRAM like the Fujitsu/RAMXEED MB85RS64V (64 Kbit,
 * 8 KiB = HAL_NV_SIZE), docs/power.md "The NV part".
 *
 * What the part does, and so what this emulation does:
 *   - no erase: any byte is overwritten in place (erase unit: none, the
 *     erased state of a fresh part is 0xFF here as in nvstore's idea of
 *     "never written");
 *   - write granularity one byte: each byte is stored in the array when its
 *     8th bit has been clocked in, there is no page buffer and no write
 *     cycle to wait for;
 *   - timing on the SPI bus: WREN (1 byte), then WRITE or READ with a
 *     2-byte address, then the data, at NV_FRAM_SPI_HZ; plus the core's
 *     own work per byte (CRC-32, copies), NV_FRAM_CPU_NS_PER_BYTE;
 *   - a power cut while a write is on the bus: the bytes clocked in before
 *     the cut are new, the byte being clocked is torn (some bits old, some
 *     new), the rest keep their old content;
 *   - endurance: 10^12 accesses per byte (reads are destructive in FRAM and
 *     count too); every access is counted per byte, in a file beside the
 *     memory, so the count survives restarts; a byte past its endurance
 *     keeps its old content (a worn-out cell).
 *
 * Time: the board tells the NV when the current core call started in
 * virtual time (nv_fram_begin); accesses within that call follow each other
 * on the bus. A cut armed at an instant (nv_fram_arm_cut) stops the CPU
 * there: the write on the bus tears, later accesses do nothing.
 */
#ifndef NV_FRAM_H
#define NV_FRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define NV_FRAM_SPI_HZ 10000000ull       /* SPI clock the board drives the FRAM at */
#define NV_FRAM_NS_PER_BYTE (8ull * 1000000000ull / NV_FRAM_SPI_HZ) /* 800 ns */
#define NV_FRAM_CMD_BYTES 4u             /* WREN + opcode + 2 address bytes (READ: 3, see .c) */
#define NV_FRAM_CS_NS 1000ull            /* chip-select setup/hold and the driver's call */
#define NV_FRAM_CPU_NS_PER_BYTE 100ull   /* CRC-32 + copy, ~8 cycles/byte at 80 MHz */
#define NV_FRAM_ENDURANCE 1000000000000ull /* MB85RS64V: 10^12 accesses per byte */
#define NV_FRAM_NO_CUT UINT64_MAX

struct nv_fram_stats {
    uint64_t writes;     /* hal_nv_write calls that reached the part */
    uint64_t reads;
    uint64_t torn;       /* writes a cut tore */
    uint64_t max_wear;   /* the most accessed byte's count */
};

/* Open the memory: `path` (NULL: RAM only, blank) holds HAL_NV_SIZE bytes
 * then `extra` bytes of the board's battery-backed domain (returned in
 * *extra_mem, mapped, survives a kill); `path`.wear the access counts.
 * Returns 0 or -errno. */
int nv_fram_open(const char *path, size_t extra, void **extra_mem);

/* A core call starts at virtual instant t_ns: the bus is free from then
 * on (or from when the previous call's accesses end, if later). */
void nv_fram_begin(uint64_t t_ns);

/* Where the bus time has got to (>= the last nv_fram_begin). */
uint64_t nv_fram_now(void);

/* Stop the CPU at t_ns (NV_FRAM_NO_CUT: no cut armed): a write on the bus
 * then tears and nothing later reaches the part. */
void nv_fram_arm_cut(uint64_t t_ns);

/* The armed cut's instant, NV_FRAM_NO_CUT if none (or armed in a write). */
uint64_t nv_fram_armed_cut(void);

/* Cut in the n-th next write (n >= 1), `ppm` millionths into its bus time. */
void nv_fram_arm_cut_in_write(uint32_t n, uint32_t ppm);

/* Did an armed cut happen (the CPU stopped)? Cleared by nv_fram_power_up. */
bool nv_fram_cut_happened(void);
/* The instant it happened. */
uint64_t nv_fram_cut_time(void);

/* Power is back: no cut armed, the CPU runs. */
void nv_fram_power_up(void);

/* Read / write as hal.h says, in virtual time. 0 or -EINVAL/-EIO. */
int nv_fram_read(uint32_t offset, void *buf, size_t len);
int nv_fram_write(uint32_t offset, const void *buf, size_t len);

/* The last torn write: its offset and the bytes that were fully new. */
void nv_fram_last_tear(uint32_t *offset, uint32_t *good_bytes);

const struct nv_fram_stats *nv_fram_stats(void);

#endif /* NV_FRAM_H */
