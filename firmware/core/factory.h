/*
 * factory.h — the private factory register block (9000..9027, defined in
 * med2_regmap.h, documented in docs/factory.md): the factory key, status,
 * commands, identity (serial, hardware version, calibration date) and the
 * calibration coefficients, with their NV record.
 *
 * Rules (docs/factory.md has them with examples):
 *   - Always big-endian; reads always allowed (write-only KEY and COMMAND
 *     and the gap at 9005 read as exception 02, as in the public map).
 *   - Writes: addresses and access first (02), then the state (01), then
 *     the values (03). KEY can be written while unsealed; the right value
 *     unlocks, any other locks. Everything else needs the block unlocked
 *     before the request. A sealed unit, and a unit whose record is
 *     corrupt (it may have been sealed: damaging NV must not unseal it),
 *     refuse every write, KEY included, with 01.
 *   - Values apply at once; COMMAND 1 saves them (CRC-protected NV record,
 *     read back: a mismatch answers 04 and sets the NV fault bit),
 *     2 seals (only with a saved record and no change since: else 01),
 *     3 locks, 4 starts the RTC test on pulse output 1 and 5 ends it
 *     (meter.c drives the output; a restart ends it too), 6 starts it on
 *     pulse output 2 (two-output models only, else 03). A refused
 *     request changes nothing.
 *   - PULSE1_CONSTANT: 1000 (legal) or 100000 (test) imp/kWh, any other
 *     value 03; not part of the record. Locking (COMMAND 3 or a wrong
 *     key), sealing and a restart put the legal constant back.
 * The caller owns `struct factory` (no heap) and applies the calibration
 * and the serial where they are used (meter.c).
 */
#ifndef MED2_FACTORY_H
#define MED2_FACTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_regmap.h"
#include "metrology.h"
#include "modbus_slave.h"
#include "nvstore.h"

#define FACTORY_FIRST_ADDR MED2_ADDR_FACTORY_KEY
#define FACTORY_END_ADDR (MED2_ADDR_FACTORY_PULSE1_CONSTANT + 2u) /* exclusive */
/* The sealed flag in the record: a pattern, not a bit, so a flipped bit
 * cannot seal or unseal (and the record's CRC covers it anyway). */
#define FACTORY_SEALED_PATTERN 0x5EA1ED01u

/* The NV record (nvstore kind NVSTORE_FACTORY). Its length tells its
 * layout: a record of the first layout (before the current slopes,
 * struct factory_record_v1) is read as it was with slopes 0, and the next
 * save writes the current one. */
struct factory_record {
    uint32_t serial;     /* the unit's serial number */
    uint32_t hw_version;
    uint32_t cal_date;   /* YYYYMMDD, 0 = never written */
    struct metrology_cal cal;
    uint32_t sealed;     /* 0 or FACTORY_SEALED_PATTERN */
};

struct metrology_cal_v1 {
    float v_gain, i_gain, i_phase_deg, v_rms_offset, i_rms_offset, p_offset_w;
};
struct factory_record_v1 {
    uint32_t serial, hw_version, cal_date;
    struct metrology_cal_v1 cal;
    uint32_t sealed;
};

struct factory {
    struct factory_record rec; /* what runs: written values apply at once */
    uint32_t board_serial;     /* the serial the board gives (before any record) */
    uint32_t saved_serial;     /* the serial of the valid record, else the board's */
    bool unlocked;
    bool saved;                /* a valid record is in NV */
    bool corrupt;              /* the record failed its CRC or its ranges */
    bool dirty;                /* values written since the last save */
    bool rtc_test;             /* COMMAND 4 until 5 or a restart: pulse output 1 ticks seconds */
    /* COMMAND 6 until 5 or a restart: pulse output 2 ticks seconds (rtc_test stays false) */
    bool rtc_test_pulse2;
    bool has_pulse2;           /* the model has output 2 (COMMAND 6 is 03 without it) */
    /* pulse output 1's constant, imp/kWh: the legal one, or the test one
     * while unsealed and unlocked; never in the record (pulse_test.h) */
    uint32_t pulse1_imp_per_kwh;
    /* the request being handled */
    struct factory_record scratch;
    bool touched;              /* scratch holds new values */
    bool key_written;
    bool key_ok;
    uint16_t command;
    uint32_t pulse1_scratch;   /* 0: not written in this request */
};

/* Identity calibration, the board's serial, locked, nothing saved. */
void factory_init(struct factory *f, uint32_t board_serial);

/* Load the record from NV: valid -> its values; blank -> identity;
 * corrupt (or out of range) -> identity, corrupt flagged, writes refused. */
void factory_load(struct factory *f, struct nvstore *nv);

bool factory_sealed(const struct factory *f);

/* FACTORY_STATUS bits (med2_regmap.h); `extra` is or-ed in (pulse 2 overflow, NV fault). */
uint32_t factory_status(const struct factory *f, uint32_t extra);

/* Whether [start, start + quantity) begins in the block. */
static inline bool factory_owns(uint32_t start)
{
    return start >= FACTORY_FIRST_ADDR && start < FACTORY_END_ADDR;
}

/* Function 03 on the block: canonical big-endian words of the covered
 * registers into `words`. 02 on gaps, write-only values or past the block. */
enum mb_status factory_read(const struct factory *f, uint32_t start, uint32_t quantity,
                            uint32_t extra_status, uint16_t *words);

/* Functions 06/10 on the block, all or nothing. On MB_OK the caller applies
 * f->rec.cal to the metrology and factory_reported serial where shown. */
enum mb_status factory_write(struct factory *f, struct nvstore *nv, uint32_t start,
                             uint32_t quantity, const uint16_t *words);

#endif /* MED2_FACTORY_H */
