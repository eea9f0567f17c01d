/*
 * meter_regs.c — the meter's register values behind the Modbus slave:
 * what each address of the map reads, what a write of it does, the
 * commands, and the password (manual §5; docs/modbus.md "Manual ambiguities").
 *
 * Rules (docs/modbus.md lists them with the manual's wording):
 *   - Every write needs the password entered first at 6000..6003, except
 *     the password registers themselves: else exception 01. It stays
 *     entered until a restart, a power cut, or a wrong password is written.
 *     Reads of 6000..6003 return zeros, never the password.
 *   - Settings writes are validated (the map's ranges; an out-of-range
 *     value is exception 03) and staged: reads return the staged value;
 *     2000 <- 100 persists and applies them, 120 restarts (unsaved changes
 *     are lost), 110 returns to the defaults (not energy, not CT/VT).
 *   - Date/time writes set the clock at once when the resulting date and
 *     time are valid: a clock runs, so it cannot wait for "save"; a write
 *     that would make 31 February is exception 03.
 *   - Commands a model does not have (partial counter, tariffs) are 01.
 * Nothing changes on a refused request: write_value only fills scratch,
 * write_commit checks what spans values and then applies everything.
 */
#include <math.h>
#include <string.h>

#include "hal.h"
#include "mb_codec.h"
#include "meter.h"
#include "meter_events.h"
#include "regmap.h"

/* Manual §5, command registers 2000 and 3000. */
#define CMD_SAVE_CONFIGURATION 100u
#define CMD_RETURN_TO_DEFAULTS 110u
#define CMD_RESTART 120u
#define CMD_RESET_PARTIAL 200u
#define CMD_START_STOP_PARTIAL 210u
#define CMD_CHANGE_TARIFF 220u
#define YEAR_IN_REGISTER(y) ((y) - CALENDAR_BASE_YEAR) /* register 604: 00..99 */

/* The energy registers are in enum energy_kind x enum energy_slot order
 * (manual §5: per kind Total, T1, T1-1..T1-4, T2, Partial), so a register's
 * id says its kind and slot. */
#define ENERGY_FIRST_ID MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY
_Static_assert(MED2_REG_PARTIAL_EXPORT_REACTIVE_ENERGY ==
                   ENERGY_FIRST_ID + ENERGY_KIND_COUNT * ENERGY_SLOT_COUNT - 1,
               "energy registers are kinds x slots");
_Static_assert(MED2_REG_T2_EXPORT_ACTIVE_ENERGY ==
                   ENERGY_FIRST_ID + ENERGY_EXPORT_ACTIVE * ENERGY_SLOT_COUNT + ENERGY_T2,
               "energy slot order matches the map");
_Static_assert(MED2_REG_T1_3_IMPORT_REACTIVE_ENERGY ==
                   ENERGY_FIRST_ID + ENERGY_IMPORT_REACTIVE * ENERGY_SLOT_COUNT + ENERGY_T1_3,
               "energy slot order matches the map");
_Static_assert(MED2_REG_SECOND == MED2_REG_DAY + 5 && MED2_REG_YEAR == MED2_REG_DAY + 2,
               "date/time registers are day, month, year, hour, minute, second");

static bool in_range(enum med2_reg_id first, enum med2_reg_id id, enum med2_reg_id last)
{
    return id >= first && id <= last;
}

/*
 * Demand and maximum demand, registers 500..523. Served as 0.0 until the
 * demand module (demand.c) lands; it replaces this body and nothing else.
 */
/* Demand and maximum demand (500..522): the six quantities in register
 * order, demand then maximum (manual §5). */
static float meter_demand_register(const struct meter *m, enum med2_reg_id id)
{
    unsigned k = (unsigned)(id - MED2_REG_CURRENT_DEMAND);
    if (k < DEMAND_QUANTITY_COUNT) {
        return demand_value(&m->demand, (enum demand_quantity)k);
    }
    return demand_max(&m->demand, (enum demand_quantity)(k - DEMAND_QUANTITY_COUNT));
}

static float runtime_value(const struct meter *m, enum med2_reg_id id)
{
    const struct metrology_values *v = metrology_values(&m->metrology);
    switch (id) {
    case MED2_REG_VOLTAGE: return v->v_rms;
    case MED2_REG_CURRENT: return v->i_rms;
    case MED2_REG_ACTIVE_POWER: return v->p_w;
    case MED2_REG_REACTIVE_POWER: return v->q_var;
    case MED2_REG_APPARENT_POWER: return v->s_va;
    case MED2_REG_POWER_FACTOR: return v->pf;
    case MED2_REG_FREQUENCY: return v->freq_hz;
    /* THD from the fundamental's DFT bin over whole cycles (metrology.h) */
    case MED2_REG_THDV: return v->thd_v_pct;
    case MED2_REG_THDI: return v->thd_i_pct;
    /* "∅" (docs/modbus.md): the angle by which the current lags the voltage,
     * degrees, atan2(Q, P), so it is zero at no load. */
    default: return v->phase_deg;
    }
}

float meter_measurement(const struct meter *m, enum med2_reg_id id)
{
    if (in_range(MED2_REG_CURRENT_DEMAND, id, MED2_REG_MAX_APPARENT_POWER_DEMAND)) {
        return meter_demand_register(m, id);
    }
    return runtime_value(m, id);
}

static uint32_t clock_field(const struct calendar_time *t, enum med2_reg_id id)
{
    switch (id) {
    case MED2_REG_DAY: return t->day;
    case MED2_REG_MONTH: return t->month;
    case MED2_REG_YEAR: return YEAR_IN_REGISTER(t->year) % CALENDAR_YEARS;
    case MED2_REG_HOUR: return t->hour;
    case MED2_REG_MINUTE: return t->minute;
    default: return t->second;
    }
}

static void set_clock_field(struct calendar_time *t, enum med2_reg_id id, uint32_t v)
{
    switch (id) {
    case MED2_REG_DAY: t->day = (uint8_t)v; break;
    case MED2_REG_MONTH: t->month = (uint8_t)v; break;
    case MED2_REG_YEAR: t->year = (uint16_t)(CALENDAR_BASE_YEAR + v); break;
    case MED2_REG_HOUR: t->hour = (uint8_t)v; break;
    case MED2_REG_MINUTE: t->minute = (uint8_t)v; break;
    default: t->second = (uint8_t)v; break;
    }
}

/* The manual's example: "1234567" -> 6000 = 0x0037, 6001 = 0x3635,
 * 6002 = 0x3433, 6003 = 0x3231: a NUL, then the digits last to first. */
static void password_bytes(const char *digits, uint8_t out[METER_PASSWORD_BYTES])
{
    out[0] = 0;
    for (unsigned k = 0; k < SETTINGS_PASSWORD_DIGITS; k++) {
        out[1u + k] = (uint8_t)digits[SETTINGS_PASSWORD_DIGITS - 1u - k];
    }
}

static void regs_begin(void *ctx)
{
    struct meter *m = ctx;
    struct meter_session *s = &m->session;
    calendar_from_seconds(hal_rtc_get(), &s->now);
    s->touched_settings = s->touched_clock = s->touched_password = false;
    s->system_command = s->counter_command = 0;
}

static enum mb_status regs_read(void *ctx, enum med2_reg_id id, uint16_t *words)
{
    const struct meter *m = ctx;
    if (in_range(MED2_REG_VOLTAGE, id, MED2_REG_PHASE_ANGLE)) {
        mb_words_from_float(runtime_value(m, id), words);
    } else if (in_range(ENERGY_FIRST_ID, id, MED2_REG_PARTIAL_EXPORT_REACTIVE_ENERGY)) {
        unsigned k = (unsigned)(id - ENERGY_FIRST_ID);
        uint64_t mwh = energy_register_mwh(&m->energy, (enum energy_kind)(k / ENERGY_SLOT_COUNT),
                                           (enum energy_slot)(k % ENERGY_SLOT_COUNT));
        /* Wh with the mWh resolution kept (docs/modbus.md: registers carry mWh). */
        mb_words_from_double((double)mwh / (double)ENERGY_MWH_PER_WH, words);
    } else if (id == MED2_REG_BALANCE_ACTIVE_ENERGY || id == MED2_REG_BALANCE_REACTIVE_ENERGY) {
        int64_t mwh = energy_balance_mwh(&m->energy, id == MED2_REG_BALANCE_REACTIVE_ENERGY);
        mb_words_from_double((double)mwh / (double)ENERGY_MWH_PER_WH, words);
    } else if (in_range(MED2_REG_CURRENT_DEMAND, id, MED2_REG_MAX_APPARENT_POWER_DEMAND)) {
        mb_words_from_float(meter_demand_register(m, id), words);
    } else if (in_range(MED2_REG_DAY, id, MED2_REG_SECOND)) {
        mb_words_from_u32(clock_field(&m->session.now, id), words);
    } else if (settings_has(id)) {
        mb_words_from_u32(settings_get(&m->staged, id), words); /* floats as their bits */
    } else if (id == MED2_REG_PASSWORD_0_2 || id == MED2_REG_PASSWORD_3_6) {
        memset(words, 0, 2u * sizeof(uint16_t)); /* never the password itself */
    } else {
        return MB_EX_ILLEGAL_ADDRESS;
    }
    return MB_OK;
}

static enum mb_status write_command(struct meter *m, enum med2_reg_id id, uint16_t v)
{
    struct meter_session *s = &m->session;
    if (id == MED2_REG_SYSTEM_COMMAND) {
        if (v != CMD_SAVE_CONFIGURATION && v != CMD_RETURN_TO_DEFAULTS && v != CMD_RESTART) {
            return MB_EX_ILLEGAL_VALUE;
        }
        s->system_command = v;
        return MB_OK;
    }
    if (v != CMD_RESET_PARTIAL && v != CMD_START_STOP_PARTIAL && v != CMD_CHANGE_TARIFF) {
        return MB_EX_ILLEGAL_VALUE;
    }
    bool supported = v == CMD_CHANGE_TARIFF ? m->info->tariffs >= 2u : m->info->has_partial;
    if (!supported) {
        return MB_EX_ILLEGAL_FUNCTION; /* docs/modbus.md: a command the model lacks is 01 */
    }
    s->counter_command = v;
    return MB_OK;
}

static enum mb_status regs_write_value(void *ctx, enum med2_reg_id id, const uint16_t *words)
{
    struct meter *m = ctx;
    struct meter_session *s = &m->session;
    if (id == MED2_REG_PASSWORD_0_2 || id == MED2_REG_PASSWORD_3_6) {
        if (!s->touched_password) {
            memcpy(s->password, s->password_entry, sizeof(s->password));
            s->touched_password = true;
        }
        /* chars: the words' bytes in wire order, never swapped */
        uint8_t *p = &s->password[id == MED2_REG_PASSWORD_0_2 ? 0u : 4u];
        for (unsigned k = 0; k < 2u; k++) {
            p[2u * k] = (uint8_t)(words[k] >> 8);
            p[2u * k + 1u] = (uint8_t)words[k];
        }
        return MB_OK;
    }
    if (!s->unlocked) {
        return MB_EX_ILLEGAL_FUNCTION; /* docs/modbus.md: no password, wrong state */
    }
    if (id == MED2_REG_SYSTEM_COMMAND || id == MED2_REG_COUNTER_COMMAND) {
        return write_command(m, id, words[0]);
    }
    uint32_t v = mb_words_to_u32(words);
    if (in_range(MED2_REG_DAY, id, MED2_REG_SECOND)) {
        if (!settings_value_in_range(id, v)) {
            return MB_EX_ILLEGAL_VALUE;
        }
        if (!s->touched_clock) {
            s->clock = s->now;
            s->touched_clock = true;
        }
        set_clock_field(&s->clock, id, v);
        return MB_OK;
    }
    if (settings_has(id) && regmap_info(id)->type == MED2_T_U32) {
        if (!settings_value_in_range(id, v)) {
            return MB_EX_ILLEGAL_VALUE;
        }
        if (!s->touched_settings) {
            s->settings = m->staged;
            s->touched_settings = true;
        }
        settings_set(&s->settings, id, v);
        return MB_OK;
    }
    return MB_EX_ILLEGAL_ADDRESS; /* writable in the map but not here: a map/firmware mismatch */
}

static enum mb_status run_system_command(struct meter *m, uint16_t cmd)
{
    if (cmd == CMD_RESTART) {
        meter_save_energy(m);
        m->session.restart_pending = true; /* after the reply: meter_after_request */
        return MB_OK;
    }
    if (cmd == CMD_RETURN_TO_DEFAULTS) {
        meter_events_clear(m, cmd);
        /* the defaults are then saved and applied like any other change */
        settings_return_to_defaults(&m->staged);
    }
    if (meter_save_configuration(m) != 0) {
        return MB_EX_DEVICE_FAILURE;
    }
    meter_save_energy(m);
    return MB_OK;
}

static void run_counter_command(struct meter *m, uint16_t cmd)
{
    switch (cmd) {
    case CMD_RESET_PARTIAL:
        meter_events_clear(m, cmd);
        energy_partial_reset(&m->energy);
        break;
    case CMD_START_STOP_PARTIAL: energy_partial_start_stop(&m->energy); break;
    default: energy_toggle_t2(&m->energy); break;
    }
    /* the counters' state changed on a user's command: keep it over a cut */
    meter_save_energy(m);
}

static enum mb_status regs_write_commit(void *ctx)
{
    struct meter *m = ctx;
    struct meter_session *s = &m->session;
    if (s->touched_clock && !calendar_valid(&s->clock)) {
        return MB_EX_ILLEGAL_VALUE; /* e.g. 31 February */
    }
    if (s->touched_settings && !settings_consistent(&s->settings)) {
        return MB_EX_ILLEGAL_VALUE; /* e.g. a tariff start at 24:30 */
    }
    if (s->touched_password) {
        uint8_t want[METER_PASSWORD_BYTES];
        password_bytes(m->applied.password, want);
        memcpy(s->password_entry, s->password, sizeof(s->password_entry));
        s->unlocked = memcmp(s->password_entry, want, sizeof(want)) == 0;
    }
    if (s->touched_settings) {
        m->staged = s->settings;
    }
    if (s->touched_clock) {
        meter_events_time_set(m, hal_rtc_get(), calendar_to_seconds(&s->clock));
        hal_rtc_set(calendar_to_seconds(&s->clock));
        m->minute_of_day = METER_MINUTE_NONE; /* select the sub-tariff anew */
    }
    if (s->counter_command != 0u) {
        run_counter_command(m, s->counter_command);
    }
    if (s->system_command != 0u) {
        return run_system_command(m, s->system_command);
    }
    return MB_OK;
}

static void regs_end(void *ctx)
{
    ui_on_comm(ctx); /* the communication icon (§2.4): a request was answered */
    meter_after_request(ctx);
}

/* The factory block (factory.c, docs/factory.md). Pulse output 2's
 * overflow is reported in its status (docs/metering.md). */
static enum mb_status regs_block_read(void *ctx, uint32_t start, uint32_t quantity, uint16_t *words)
{
    const struct meter *m = ctx;
    if (start >= MED2_EVENTLOG_FIRST_ADDR) { /* the event log and software id (docs/power.md) */
        return eventlog_block_read(&m->log, SWID_VERSION, swid_crc(), start, quantity, words);
    }
    uint32_t extra = (m->pulse2_source.overflow ? MED2_FACTORY_PULSE2_OVERFLOW : 0u) |
                     (m->nv.fault ? MED2_FACTORY_NV_FAULT : 0u);
    return factory_read(&m->factory, start, quantity, extra, words);
}

static enum mb_status regs_block_write(void *ctx, uint32_t start, uint32_t quantity,
                                       const uint16_t *words)
{
    struct meter *m = ctx;
    if (start >= MED2_EVENTLOG_FIRST_ADDR) {
        return eventlog_block_write(&m->log, start, quantity, words);
    }
    uint32_t seq_before = m->nv.seq[NVSTORE_FACTORY];
    bool sealed_before = factory_sealed(&m->factory);
    enum mb_status st = factory_write(&m->factory, &m->nv, start, quantity, words);
    if (st == MB_OK) {
        meter_factory_changed(m);
        meter_events_factory(m, seq_before, sealed_before);
    }
    return st;
}

const struct mb_slave_ops meter_mb_ops = {
    .begin = regs_begin,
    .read = regs_read,
    .write_value = regs_write_value,
    .write_commit = regs_write_commit,
    .end = regs_end,
    .block_first = FACTORY_FIRST_ADDR,
    .block_end = MED2_EVENTLOG_END_ADDR, /* the factory block, then the event log's */
    .block_read = regs_block_read,
    .block_write = regs_block_write,
};

/* ---- the display's writes (meter.h, "the display's way to the settings"):
 * the Modbus request's own steps, begin -> write_value -> write_commit ->
 * end, with the session's password check passed (the display asks its own
 * password) and restored after. ---- */

_Static_assert(METER_CMD_SAVE_CONFIGURATION == CMD_SAVE_CONFIGURATION &&
                   METER_CMD_RETURN_TO_DEFAULTS == CMD_RETURN_TO_DEFAULTS &&
                   METER_CMD_RESET_PARTIAL == CMD_RESET_PARTIAL &&
                   METER_CMD_START_STOP_PARTIAL == CMD_START_STOP_PARTIAL,
               "one set of command values");

static enum mb_status local_request(struct meter *m, enum med2_reg_id id, const uint16_t *words,
                                    bool save)
{
    struct meter_session *s = &m->session;
    bool unlocked = s->unlocked;
    regs_begin(m);
    s->unlocked = true;
    enum mb_status st = regs_write_value(m, id, words);
    if (st == MB_OK && save) {
        s->system_command = CMD_SAVE_CONFIGURATION;
    }
    if (st == MB_OK) {
        st = regs_write_commit(m);
    }
    s->unlocked = unlocked;
    meter_after_request(m); /* no communication icon: nothing came over the line */
    return st;
}

enum mb_status meter_local_write(struct meter *m, enum med2_reg_id id, uint32_t value)
{
    uint16_t words[2];
    mb_words_from_u32(value, words); /* canonical order, as the slave hands them on */
    return local_request(m, id, words, settings_has(id));
}

enum mb_status meter_local_command(struct meter *m, enum med2_reg_id id, uint16_t value)
{
    if (id != MED2_REG_SYSTEM_COMMAND && id != MED2_REG_COUNTER_COMMAND) {
        return MB_EX_ILLEGAL_ADDRESS;
    }
    return local_request(m, id, &value, false);
}

enum mb_status meter_local_save(struct meter *m, const struct settings *next)
{
    if (!settings_valid(next)) {
        return MB_EX_ILLEGAL_VALUE;
    }
    m->staged = *next;
    uint16_t save = CMD_SAVE_CONFIGURATION;
    return local_request(m, MED2_REG_SYSTEM_COMMAND, &save, false);
}

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

enum mb_status meter_local_commission(struct meter *m, float ct_primary, uint32_t ct_secondary,
                                      float vt_primary, float vt_secondary)
{
    if (!m->info->is_ct || m->applied.ui.ct_vt_confirmed) {
        return MB_EX_ILLEGAL_FUNCTION; /* stored once, never changeable (MID) */
    }
    struct settings next = m->staged;
    settings_set(&next, MED2_REG_CT_PRIMARY, bits_of(ct_primary));
    settings_set(&next, MED2_REG_CT_SECONDARY, ct_secondary);
    settings_set(&next, MED2_REG_VT_PRIMARY, bits_of(vt_primary));
    settings_set(&next, MED2_REG_VT_SECONDARY, bits_of(vt_secondary));
    next.ui.ct_vt_confirmed = 1u;
    return meter_local_save(m, &next);
}
