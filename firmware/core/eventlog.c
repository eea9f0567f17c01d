/*
 * eventlog.c — the audit trail in NV; see eventlog.h.
 */
#include "eventlog.h"

#include <stddef.h>
#include <string.h>

#include "crc32.h"
#include "hal.h"
#include "nvstore.h"

#define ENTRY_MAGIC 0x4556u /* "EV" */

/* The entry as stored: the public fields, then a magic and the CRC-32 of
 * everything before the CRC. */
struct stored {
    uint32_t seq;
    uint32_t time;
    uint16_t kind;
    uint16_t item;
    uint32_t old_value;
    uint32_t new_value;
    uint16_t magic;
    uint16_t reserved;
    uint32_t reserved2;
    uint32_t crc;
};
_Static_assert(sizeof(struct stored) == EVENTLOG_ENTRY_SIZE, "event entry layout");
_Static_assert(EVENTLOG_NV_OFFSET >= NVSTORE_RECORD_COUNT * NVSTORE_COPIES * NVSTORE_SLOT_SIZE,
               "the event log lies after nvstore's records");
_Static_assert(EVENTLOG_NV_OFFSET + EVENTLOG_CAPACITY * EVENTLOG_ENTRY_SIZE <= HAL_NV_SIZE,
               "the event log must fit the board's NV memory");

static uint32_t slot_offset(uint32_t seq)
{
    return EVENTLOG_NV_OFFSET + (seq % EVENTLOG_CAPACITY) * EVENTLOG_ENTRY_SIZE;
}

static uint32_t entry_crc(const struct stored *s)
{
    return crc32_final(crc32_update(CRC32_INIT, s, offsetof(struct stored, crc)));
}

/* Read slot k; true if it holds a valid entry. */
static bool read_slot(uint32_t k, struct stored *s)
{
    if (hal_nv_read(EVENTLOG_NV_OFFSET + k * EVENTLOG_ENTRY_SIZE, s, sizeof(*s)) != 0) {
        return false;
    }
    return s->magic == ENTRY_MAGIC && s->seq != 0u && s->seq % EVENTLOG_CAPACITY == k &&
           s->crc == entry_crc(s);
}

void eventlog_init(struct eventlog *log)
{
    memset(log, 0, sizeof(*log));
    struct stored s;
    for (uint32_t k = 0; k < EVENTLOG_CAPACITY; k++) {
        if (read_slot(k, &s) && s.seq > log->last_seq) {
            log->last_seq = s.seq;
        }
    }
}

int eventlog_record(struct eventlog *log, enum med2_event_kind kind, uint16_t item,
                    uint32_t old_value, uint32_t new_value)
{
    struct stored s = {
        .seq = log->last_seq + 1u,
        .time = hal_rtc_get(),
        .kind = (uint16_t)kind,
        .item = item,
        .old_value = old_value,
        .new_value = new_value,
        .magic = ENTRY_MAGIC,
    };
    s.crc = entry_crc(&s);
    log->last_seq = s.seq; /* used even if the write fails: never reissued */
    return hal_nv_write(slot_offset(s.seq), &s, sizeof(s));
}

uint32_t eventlog_count(const struct eventlog *log)
{
    return log->last_seq;
}

bool eventlog_get(const struct eventlog *log, uint32_t seq, struct eventlog_entry *out)
{
    if (seq == 0u) {
        seq = log->last_seq;
    }
    struct stored s;
    if (seq == 0u || seq > log->last_seq || log->last_seq - seq >= EVENTLOG_CAPACITY ||
        !read_slot(seq % EVENTLOG_CAPACITY, &s) || s.seq != seq) {
        return false;
    }
    *out = (struct eventlog_entry){s.seq, s.time, s.kind, s.item, s.old_value, s.new_value};
    return true;
}

bool eventlog_find_last(const struct eventlog *log, enum med2_event_kind kind, struct eventlog_entry *out)
{
    for (uint32_t n = 0; n < EVENTLOG_CAPACITY && n < log->last_seq; n++) {
        if (eventlog_get(log, log->last_seq - n, out) && out->kind == (uint16_t)kind) {
            return true;
        }
    }
    return false;
}

static void put_u32(uint16_t *w, uint32_t v)
{
    w[0] = (uint16_t)(v >> 16);
    w[1] = (uint16_t)v;
}

enum mb_status eventlog_block_read(const struct eventlog *log, uint32_t swid_version, uint32_t swid_crc,
                                   uint32_t start, uint32_t quantity, uint16_t *words)
{
    uint16_t all[MED2_EVENTLOG_END_ADDR - MED2_EVENTLOG_FIRST_ADDR];
    if (start < MED2_EVENTLOG_FIRST_ADDR || start + quantity > MED2_EVENTLOG_END_ADDR) {
        return MB_EX_ILLEGAL_ADDRESS;
    }
    memset(all, 0, sizeof(all));
    struct eventlog_entry e;
    if (!eventlog_get(log, log->select, &e)) {
        memset(&e, 0, sizeof(e)); /* gone from the ring, or never recorded: all zero */
    }
#define AT(addr) ((addr) - MED2_EVENTLOG_FIRST_ADDR)
    put_u32(&all[AT(MED2_EVENT_COUNT_ADDR)], log->last_seq);
    put_u32(&all[AT(MED2_EVENT_CAPACITY_ADDR)], EVENTLOG_CAPACITY);
    put_u32(&all[AT(MED2_EVENT_SELECT_ADDR)], log->select);
    put_u32(&all[AT(MED2_EVENT_SEQ_ADDR)], e.seq);
    put_u32(&all[AT(MED2_EVENT_TIME_ADDR)], e.time);
    all[AT(MED2_EVENT_KIND_ADDR)] = e.kind;
    all[AT(MED2_EVENT_ITEM_ADDR)] = e.item;
    put_u32(&all[AT(MED2_EVENT_OLD_ADDR)], e.old_value);
    put_u32(&all[AT(MED2_EVENT_NEW_ADDR)], e.new_value);
    put_u32(&all[AT(MED2_SWID_VERSION_ADDR)], swid_version);
    put_u32(&all[AT(MED2_SWID_CRC_ADDR)], swid_crc);
#undef AT
    memcpy(words, &all[start - MED2_EVENTLOG_FIRST_ADDR], quantity * sizeof(uint16_t));
    return MB_OK;
}

enum mb_status eventlog_block_write(struct eventlog *log, uint32_t start, uint32_t quantity,
                                    const uint16_t *words)
{
    if (start != MED2_EVENT_SELECT_ADDR || quantity != 2u) {
        return start >= MED2_EVENTLOG_FIRST_ADDR && start + quantity <= MED2_EVENTLOG_END_ADDR
                   ? MB_EX_ILLEGAL_FUNCTION /* read-only: the trail cannot be edited */
                   : MB_EX_ILLEGAL_ADDRESS;
    }
    log->select = (uint32_t)words[0] << 16 | words[1];
    return MB_OK;
}
