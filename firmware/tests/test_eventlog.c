/*
 * test_eventlog.c — the audit trail (eventlog.h): sequence numbers that
 * continue across power-ups, a ring that keeps the newest
 * EVENTLOG_CAPACITY events, a torn entry lost alone, the Modbus block; and
 * the meter recording each kind where it happens (meter_events.h).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "eventlog.h"
#include "hal_record.h"
#include "mb_codec.h"
#include "meter.h"
#include "swid.h"

static struct eventlog log_;

static void setup(void)
{
    hal_record_reset();
    eventlog_init(&log_);
}

TestSuite(eventlog, .init = setup);

Test(eventlog, numbers_continue_across_power_ups)
{
    cr_assert_eq(eventlog_count(&log_), 0u);
    hal_rec.rtc = 1000;
    cr_assert_eq(eventlog_record(&log_, MED2_EVENT_SETTING, 712, 15, 30), 0);
    cr_assert_eq(eventlog_record(&log_, MED2_EVENT_PASSWORD, 0, 0, 0), 0);
    eventlog_init(&log_); /* power-up: only NV is kept */
    cr_assert_eq(eventlog_count(&log_), 2u);
    struct eventlog_entry e;
    cr_assert(eventlog_get(&log_, 1, &e));
    cr_assert_eq(e.kind, MED2_EVENT_SETTING);
    cr_assert_eq(e.item, 712);
    cr_assert_eq(e.old_value, 15u);
    cr_assert_eq(e.new_value, 30u);
    cr_assert_eq(e.time, 1000u);
    cr_assert(eventlog_get(&log_, 0, &e), "0 is the newest");
    cr_assert_eq(e.seq, 2u);
    cr_assert_eq(e.kind, MED2_EVENT_PASSWORD);
}

Test(eventlog, the_ring_keeps_the_newest_and_never_reuses_a_number)
{
    for (uint32_t k = 1; k <= EVENTLOG_CAPACITY + 10u; k++) {
        cr_assert_eq(eventlog_record(&log_, MED2_EVENT_CLEAR, 200, k, k), 0);
    }
    eventlog_init(&log_);
    cr_assert_eq(eventlog_count(&log_), EVENTLOG_CAPACITY + 10u);
    struct eventlog_entry e;
    cr_assert_not(eventlog_get(&log_, 10, &e), "overwritten");
    cr_assert(eventlog_get(&log_, 11, &e));
    cr_assert_eq(e.old_value, 11u);
    cr_assert(eventlog_get(&log_, EVENTLOG_CAPACITY + 10u, &e));
}

Test(eventlog, a_torn_entry_is_lost_alone)
{
    for (uint32_t k = 1; k <= 5u; k++) {
        eventlog_record(&log_, MED2_EVENT_TIME_SET, 0, k, k);
    }
    hal_rec.nv_tear_after = 9; /* the cut falls inside the 6th entry */
    eventlog_record(&log_, MED2_EVENT_TIME_SET, 0, 6, 6);
    hal_rec.nv_tear_after = -1;
    eventlog_init(&log_);
    cr_assert_eq(eventlog_count(&log_), 5u, "the torn 6th is not there");
    struct eventlog_entry e;
    for (uint32_t k = 1; k <= 5u; k++) {
        cr_assert(eventlog_get(&log_, k, &e), "event %u intact", k);
    }
    eventlog_record(&log_, MED2_EVENT_TIME_SET, 0, 7, 7);
    cr_assert_eq(eventlog_count(&log_), 6u);
}

Test(eventlog, modbus_block_select_and_read)
{
    eventlog_record(&log_, MED2_EVENT_SETTING, 712, 15, 30);
    eventlog_record(&log_, MED2_EVENT_SEAL, 0, 0, 0);
    uint16_t w[MED2_EVENTLOG_END_ADDR - MED2_EVENTLOG_FIRST_ADDR];
    uint16_t sel[2] = {0, 1};
    cr_assert_eq(eventlog_block_write(&log_, MED2_EVENT_SELECT_ADDR, 2, sel), MB_OK);
    cr_assert_eq(eventlog_block_read(&log_, SWID_VERSION, 0x12345678u, MED2_EVENTLOG_FIRST_ADDR,
                                     sizeof(w) / sizeof(w[0]), w), MB_OK);
#define AT(addr) ((addr) - MED2_EVENTLOG_FIRST_ADDR)
    cr_assert_eq(mb_words_to_u32(&w[AT(MED2_EVENT_COUNT_ADDR)]), 2u);
    cr_assert_eq(mb_words_to_u32(&w[AT(MED2_EVENT_SEQ_ADDR)]), 1u);
    cr_assert_eq(w[AT(MED2_EVENT_KIND_ADDR)], MED2_EVENT_SETTING);
    cr_assert_eq(w[AT(MED2_EVENT_ITEM_ADDR)], 712);
    cr_assert_eq(mb_words_to_u32(&w[AT(MED2_EVENT_NEW_ADDR)]), 30u);
    cr_assert_eq(mb_words_to_u32(&w[AT(MED2_SWID_CRC_ADDR)]), 0x12345678u);
    cr_assert_eq(eventlog_block_write(&log_, MED2_EVENT_SEQ_ADDR, 2, sel), MB_EX_ILLEGAL_FUNCTION,
                 "the trail cannot be edited");
}

/* ---- what the meter records ---- */

static struct meter m;

static void kinds_since(uint32_t from, enum med2_event_kind *out, unsigned *n)
{
    *n = 0;
    struct eventlog_entry e;
    for (uint32_t s = from; s <= eventlog_count(&m.log); s++) {
        if (eventlog_get(&m.log, s, &e)) {
            out[(*n)++] = (enum med2_event_kind)e.kind;
        }
    }
}

Test(eventlog, the_meter_records_power_settings_password_clear_time)
{
    struct meter_identity id = {.model = MED2_MODEL_C80_1M_V3, .serial = 1};
    meter_init(&m, &id);
    uint32_t first = eventlog_count(&m.log);
    cr_assert_geq(first, 1u, "power-up recorded");
    struct settings s = m.staged;
    settings_set(&s, MED2_REG_DEMAND_PERIOD, 30);
    memcpy(s.password, "1234567", 8);
    m.staged = s;
    cr_assert_eq(meter_save_configuration(&m), 0);
    meter_on_power_fail(&m);
    meter_init(&m, &id);
    enum med2_event_kind k[16];
    unsigned n;
    kinds_since(first, k, &n);
    enum med2_event_kind want[] = {MED2_EVENT_POWER_UP, MED2_EVENT_SETTING, MED2_EVENT_PASSWORD,
                                   MED2_EVENT_POWER_DOWN, MED2_EVENT_POWER_UP};
    cr_assert_eq(n, 5u);
    cr_assert_arr_eq(k, want, sizeof(want));
    struct eventlog_entry e;
    cr_assert(eventlog_get(&m.log, first + 1u, &e));
    cr_assert_eq(e.item, 712);
    cr_assert_eq(e.old_value, 15u);
    cr_assert_eq(e.new_value, 30u);
    cr_assert(eventlog_get(&m.log, 0, &e));
    cr_assert_eq(e.new_value, swid_crc(), "a power-up carries the legal software's id");
}

Test(eventlog, a_new_legal_software_is_a_firmware_event)
{
    struct meter_identity id = {.model = MED2_MODEL_C80_1M_V3, .serial = 1};
    /* an older image's power-up with another id */
    eventlog_record(&log_, MED2_EVENT_POWER_UP, 0, 0, swid_crc() ^ 0x5A5A5A5Au);
    meter_init(&m, &id);
    struct eventlog_entry e;
    cr_assert(eventlog_get(&m.log, 2, &e));
    cr_assert_eq(e.kind, MED2_EVENT_FIRMWARE);
    cr_assert_eq(e.old_value, swid_crc() ^ 0x5A5A5A5Au);
    cr_assert_eq(e.new_value, swid_crc());
    meter_init(&m, &id);
    cr_assert(eventlog_get(&m.log, 0, &e));
    cr_assert_eq(e.kind, MED2_EVENT_POWER_UP, "the same image again: no firmware event");
    cr_assert(eventlog_get(&m.log, e.seq - 1u, &e));
    cr_assert_eq(e.kind, MED2_EVENT_POWER_UP);
}

Test(eventlog, ct_vt_entry_is_its_own_kind)
{
    struct meter_identity id = {.model = MED2_MODEL_C80_1M_V3CT, .serial = 1};
    meter_init(&m, &id);
    struct settings s = m.staged;
    uint32_t before = settings_get(&s, MED2_REG_CT_SECONDARY);
    settings_set(&s, MED2_REG_CT_SECONDARY, before ^ 1u);
    m.staged = s;
    cr_assert_eq(meter_save_configuration(&m), 0);
    struct eventlog_entry e;
    cr_assert(eventlog_get(&m.log, 0, &e));
    cr_assert_eq(e.kind, MED2_EVENT_CTVT);
    cr_assert_eq(e.item, 826);
    cr_assert_eq(e.old_value, before);
    cr_assert_eq(e.new_value, before ^ 1u);
}
