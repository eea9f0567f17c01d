/*
 * suites/power/events.c — the audit trail over Modbus (docs/power.md "The
 * event log"): every kind the bench can cause, recorded in order, with
 * sequence numbers that go on across warned and hard cuts; and the
 * software id readable at 9520.
 */
#include <criterion/criterion.h>
#include <time.h>

#include "rig/rig.h"

static struct rig_bench *bench;

static void open_bench(void)
{
    cr_assert_eq(rig_bench_open("fixtures/benches/power.ini", &bench), 0, "%s", rig_last_error());
}

static void close_bench(void)
{
    rig_bench_close(bench);
}

TestSuite(events, .init = open_bench, .fini = close_bench, .timeout = 120);

static uint32_t u32(const uint16_t *w)
{
    return (uint32_t)w[0] << 16 | w[1];
}

struct event {
    uint32_t seq, time, kind, item, old_value, new_value;
};

/* Event `seq` (0: the newest) through EVENT_SELECT. */
static struct event read_event(struct rig_meter *m, uint32_t seq)
{
    uint16_t sel[2] = {(uint16_t)(seq >> 16), (uint16_t)seq};
    cr_assert_eq(rig_meter_write_registers(m, MED2_EVENT_SELECT_ADDR, 2, sel), 0, "%s", rig_last_error());
    uint16_t w[10];
    cr_assert_eq(rig_meter_read_registers(m, MED2_EVENT_SEQ_ADDR, 10, w), 0, "%s", rig_last_error());
    return (struct event){u32(&w[0]), u32(&w[2]), w[4], w[5], u32(&w[6]), u32(&w[8])};
}

static uint32_t count(struct rig_meter *m)
{
    uint16_t w[2];
    cr_assert_eq(rig_meter_read_registers(m, MED2_EVENT_COUNT_ADDR, 2, w), 0, "%s", rig_last_error());
    return u32(w);
}

Test(events, each_kind_in_order_across_cuts)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    uint32_t first = count(m) + 1u;
    cr_assert_geq(first, 2u, "the first power-up is recorded");

    struct rig_setting s = {MED2_REG_DEMAND_PERIOD, 30};
    cr_assert_eq(rig_meter_configure(m, NULL, &s, 1, true, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_write_reg(m, MED2_REG_COUNTER_COMMAND, 200), 0, "%s", rig_last_error());
    struct tm t = {.tm_year = 126, .tm_mon = 5, .tm_mday = 1, .tm_hour = 12};
    cr_assert_eq(rig_meter_set_clock(m, &t), 0, "%s", rig_last_error());
    struct rig_meter *f = rig_bench_factory(bench, 1);
    cr_assert_eq(rig_factory_unlock(f), 0, "%s", rig_last_error());
    cr_assert_eq(rig_factory_write(f, MED2_FACTORY_HW_VERSION, 7), 0, "%s", rig_last_error());
    cr_assert_eq(rig_factory_save(f), 0, "%s", rig_last_error());
    cr_assert_eq(rig_factory_seal(f), 0, "%s", rig_last_error());
    cr_assert_eq(rig_power_set(bench, 1, false, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 5.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_power_set(bench, 1, true, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_power_hard_cut(bench, 1, 0.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_power_set(bench, 1, true, NULL), 0, "%s", rig_last_error());

    const uint32_t want[] = {MED2_EVENT_SETTING,  MED2_EVENT_CLEAR,      MED2_EVENT_TIME_SET,
                             MED2_EVENT_CALIBRATION, MED2_EVENT_SEAL,    MED2_EVENT_POWER_DOWN,
                             MED2_EVENT_POWER_UP, MED2_EVENT_POWER_UP};
    const unsigned n = sizeof(want) / sizeof(want[0]);
    cr_assert_eq(count(m), first + n - 1u, "events since manufacture");
    uint32_t last_time = 0;
    for (unsigned k = 0; k < n; k++) {
        struct event e = read_event(m, first + k);
        cr_assert_eq(e.seq, first + k);
        cr_assert_eq(e.kind, want[k], "event %u: kind %u, want %u", e.seq, e.kind, want[k]);
        if (k >= 2u) {
            cr_assert_geq(e.time, last_time, "event %u goes back in time", e.seq);
        }
        last_time = e.time;
    }
    struct event setting = read_event(m, first);
    cr_assert_eq(setting.item, MED2_ADDR_DEMAND_PERIOD);
    cr_assert_eq(setting.old_value, 15u);
    cr_assert_eq(setting.new_value, 30u);
    struct event clear = read_event(m, first + 1u);
    cr_assert_eq(clear.item, 200u, "the partial reset");

    uint16_t w[4];
    cr_assert_eq(rig_meter_read_registers(m, MED2_SWID_VERSION_ADDR, 4, w), 0, "%s", rig_last_error());
    cr_assert_eq(u32(&w[0]), 0x00010000u, "legal software 1.0");
    struct event up = read_event(m, 0);
    cr_assert_eq(up.kind, MED2_EVENT_POWER_UP);
    cr_assert_eq(up.new_value, u32(&w[2]), "the power-up carries the software id the unit shows");
    cr_assert_neq(u32(&w[2]), 0u);
}
