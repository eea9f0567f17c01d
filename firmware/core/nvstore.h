/*
 * nvstore.h — records in non-volatile memory that survive any power cut
 * (docs/modbus.md, "Non-volatile storage").
 *
 * Each record (settings, energy counters, factory calibration and identity)
 * has two copies in NV. A save
 * writes the copy that does not hold the newest valid data, with the next
 * sequence number and a CRC-32 over header and payload, in one
 * hal_nv_write. A power cut during it tears at most that copy; the load
 * finds the torn copy by its CRC and uses the other, older one. So a save
 * either happened completely or not at all.
 *
 * Layout in the HAL_NV_SIZE bytes (offsets in bytes):
 *   0     settings copy A     512   settings copy B
 *   1024  energy copy A       1536  energy copy B
 *   2048  factory copy A      2560  factory copy B   (factory.h: calibration,
 *                                                    serial, seal)
 *   3072  demand copy A        3584  demand copy B    (demand_nv.h)
 *   4096..8191 the event log (eventlog.h)
 *
 * Every save is read back (NVSTORE_VERIFY_CHUNK bytes at a time) and
 * compared with what was written: a part that acknowledges a write it did
 * not keep (a worn or failed EEPROM cell array) fails the save with -EIO
 * and sets `fault` until the next power-up (FACTORY_STATUS NV fault bit).
 *
 * The caller owns `struct nvstore` (no heap); its buffer holds one copy
 * while it is checked.
 */
#ifndef MED2_NVSTORE_H
#define MED2_NVSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define NVSTORE_SLOT_SIZE 512u
#define NVSTORE_HEADER_SIZE 16u
#define NVSTORE_MAX_PAYLOAD (NVSTORE_SLOT_SIZE - NVSTORE_HEADER_SIZE)
#define NVSTORE_COPIES 2u
/* Read-back granularity of the verify: a stack buffer, bounded. */
#define NVSTORE_VERIFY_CHUNK 32u

enum nvstore_record {
    NVSTORE_SETTINGS = 0,
    NVSTORE_ENERGY = 1,
    NVSTORE_FACTORY = 2,
    NVSTORE_DEMAND = 3, /* demand and maximum demand (demand_nv.h) */
    NVSTORE_RECORD_COUNT
};

_Static_assert(NVSTORE_RECORD_COUNT * NVSTORE_COPIES * NVSTORE_SLOT_SIZE <= HAL_NV_SIZE,
               "NV records must fit the board's NV memory");

/* What a load found. The data is usable for NVSTORE_OK and NVSTORE_RECOVERED;
 * for the others the caller uses its defaults. Kept per record so the
 * factory block (and the rig) can report it later. */
enum nvstore_status {
    NVSTORE_OK = 0,        /* newest copy valid (the other valid or never written) */
    NVSTORE_RECOVERED = 1, /* one copy torn or corrupt: the other, valid one used */
    NVSTORE_BLANK = 2,     /* never written (erased): defaults */
    NVSTORE_CORRUPT = 3,   /* both copies bad: defaults */
    NVSTORE_IO_ERROR = 4,  /* hal_nv_read failed: defaults */
};

struct nvstore {
    uint32_t seq[NVSTORE_RECORD_COUNT];     /* sequence number of the newest valid copy */
    uint8_t next_copy[NVSTORE_RECORD_COUNT]; /* the copy the next save writes */
    enum nvstore_status status[NVSTORE_RECORD_COUNT]; /* of the last load */
    bool fault;                              /* a save read back wrong since init */
    uint8_t buf[NVSTORE_SLOT_SIZE];
};

void nvstore_init(struct nvstore *nv);

/*
 * Load record `r` of exactly `len` bytes into `data`. Returns the status;
 * `data` is written only for NVSTORE_OK / NVSTORE_RECOVERED. A copy of
 * another length (an older firmware's layout) counts as corrupt.
 */
enum nvstore_status nvstore_load(struct nvstore *nv, enum nvstore_record r, void *data, size_t len);

/* Save record `r`; 0, or a negative error (len too big, hal_nv_write
 * failed, -EIO: the copy read back differs). Call nvstore_load for `r`
 * first, so the newest copy is known. */
int nvstore_save(struct nvstore *nv, enum nvstore_record r, const void *data, size_t len);

/* Byte offset of copy `copy` of record `r` (for tests that tear it). */
static inline uint32_t nvstore_slot_offset(enum nvstore_record r, unsigned copy)
{
    return ((uint32_t)r * NVSTORE_COPIES + copy) * NVSTORE_SLOT_SIZE;
}

#endif /* MED2_NVSTORE_H */
