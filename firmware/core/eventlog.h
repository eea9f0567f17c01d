/*
 * eventlog.h — the audit trail (WELMEC 7.2, docs/power.md "The event log"):
 * what changed the meter after it left the factory, with the time and a
 * sequence number that never resets, in a ring in NV, readable over Modbus
 * in the extension block at MED2_EVENTLOG_FIRST_ADDR (med2_regmap.h).
 *
 * NV: EVENTLOG_NV_OFFSET.. EVENTLOG_NV_OFFSET + EVENTLOG_CAPACITY x 32
 * bytes (nvstore.h's layout). Event n lives in slot n % EVENTLOG_CAPACITY;
 * each entry carries its own CRC-32, so an entry a cut tore is simply not
 * there (and the oldest entry it overwrote is gone), every other one is
 * intact, and the sequence continues from the newest valid entry. Writing
 * an event is one NV write of 32 bytes.
 *
 * The caller owns `struct eventlog` (no heap).
 */
#ifndef MED2_EVENTLOG_H
#define MED2_EVENTLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_regmap.h"
#include "modbus_slave.h"

#define EVENTLOG_NV_OFFSET 4096u
#define EVENTLOG_ENTRY_SIZE 32u
#define EVENTLOG_CAPACITY 128u

struct eventlog_entry {
    uint32_t seq;       /* 1, 2, ... since manufacture; 0 = no entry */
    uint32_t time;      /* hal_rtc_get() when it happened */
    uint16_t kind;      /* enum med2_event_kind */
    uint16_t item;      /* which (kind-specific, med2_regmap.h) */
    uint32_t old_value;
    uint32_t new_value;
};

struct eventlog {
    uint32_t last_seq; /* the newest valid entry's sequence number, 0 if none */
    uint32_t select;   /* EVENT_SELECT: which event the block shows, 0 = the newest */
};

/* Find the newest entry in NV (power-up). */
void eventlog_init(struct eventlog *log);

/* Record an event now; 0 or the NV write's negative error (the event is
 * then lost; no entry carries its number, so after a power-up the next
 * event may take it: numbers seen in the trail are never reused). */
int eventlog_record(struct eventlog *log, enum med2_event_kind kind, uint16_t item,
                    uint32_t old_value, uint32_t new_value);

/* Events recorded since manufacture. */
uint32_t eventlog_count(const struct eventlog *log);

/* Event `seq` (0: the newest) if it is still in the ring and valid. */
bool eventlog_get(const struct eventlog *log, uint32_t seq, struct eventlog_entry *out);

/* The newest event of `kind` still in the ring; false if none. */
bool eventlog_find_last(const struct eventlog *log, enum med2_event_kind kind, struct eventlog_entry *out);

/* The Modbus block [MED2_EVENTLOG_FIRST_ADDR, MED2_EVENTLOG_END_ADDR):
 * big-endian words; swid_version / swid_crc are shown at 9520 / 9522. */
enum mb_status eventlog_block_read(const struct eventlog *log, uint32_t swid_version, uint32_t swid_crc,
                                   uint32_t start, uint32_t quantity, uint16_t *words);
/* Only EVENT_SELECT is writable. */
enum mb_status eventlog_block_write(struct eventlog *log, uint32_t start, uint32_t quantity,
                                    const uint16_t *words);

#endif /* MED2_EVENTLOG_H */
