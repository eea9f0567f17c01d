/*
 * meter.c — the glue: samples -> metrology -> energy -> pulse output 1;
 * UART -> Modbus slave -> register values (meter_regs.c); settings and
 * energy <-> NV; the RTC -> tariff schedule.
 */
#include "meter.h"

#include <string.h>

#include "afe.h"
#include "demand_nv.h"
#include "meter_events.h"
#include "hal.h"
#include "version.h"

#define MA_PER_A 1000.0f
#define SECONDS_PER_MINUTE 60u
#define SAMPLES_PER_MS (HAL_SAMPLE_RATE_HZ / 1000u)

/* Read Device Identification objects (AP §6.21 object ids). */
#define DEVID_VENDOR_NAME 0x00u
#define DEVID_PRODUCT_CODE 0x01u
#define DEVID_REVISION 0x02u
#define DEVID_VENDOR_URL 0x03u
#define DEVID_PRODUCT_NAME 0x04u
#define DEVID_MODEL_NAME 0x05u
#define DEVID_SERIAL_NUMBER 0x80u /* first private (extended) object */
#define DEVID_LEGAL_SOFTWARE 0x81u /* the legal part's id, swid.h */
/* Manual, back cover. */
#define VENDOR_NAME "Klemsan"
#define VENDOR_URL "www.klemsan.com.tr"
#define PRODUCT_NAME "MED2"

enum med2_map meter_register_map(const struct med2_model_info *info)
{
    return info->tariffs == 4u ? MED2_MAP_C80 : MED2_MAP_B80;
}

static void format_decimal(uint32_t v, char out[METER_DECIMAL_U32_LEN])
{
    char tmp[METER_DECIMAL_U32_LEN];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    for (size_t k = 0; k < n; k++) {
        out[k] = tmp[n - 1u - k];
    }
    out[n] = '\0';
}

static void init_device_id(struct meter *m)
{
    format_decimal(m->info->order_number, m->order_number_text);
    format_decimal(m->factory.saved_serial, m->serial_text);
    swid_text(m->swid_text);
    const struct mb_devid_object objects[METER_DEVID_OBJECTS] = {
        {DEVID_VENDOR_NAME, VENDOR_NAME},
        {DEVID_PRODUCT_CODE, m->order_number_text},
        {DEVID_REVISION, MED2_FW_VERSION},
        {DEVID_VENDOR_URL, VENDOR_URL},
        {DEVID_PRODUCT_NAME, PRODUCT_NAME},
        {DEVID_MODEL_NAME, m->info->name},
        {DEVID_SERIAL_NUMBER, m->serial_text},
        {DEVID_LEGAL_SOFTWARE, m->swid_text},
    };
    memcpy(m->devid, objects, sizeof(objects));
    mb_slave_set_device_id(&m->modbus, m->devid, METER_DEVID_OBJECTS);
}

static struct demand_config demand_config_of(const struct settings *s)
{
    return (struct demand_config){
        .method = (uint8_t)settings_get(s, MED2_REG_DEMAND_METHOD),
        .period_min = (uint8_t)settings_get(s, MED2_REG_DEMAND_PERIOD),
        .sub_interval_min = (uint8_t)settings_get(s, MED2_REG_SUB_INTERVAL),
    };
}

/* Pulse output 2 from its registers: a new configuration restarts its
 * count from the source register's present value and clears its queue. */
static void configure_pulse2(struct meter *m)
{
    const struct settings *s = &m->applied;
    uint32_t width = settings_get(s, MED2_REG_PULSE2_DURATION) * SAMPLES_PER_MS;
    if (m->info->pulse_outputs < 2u) {
        pulse_source_configure(&m->pulse2_source, MED2_PULSE2_OFF, 1u, 3u, &m->energy);
        return;
    }
    if (m->pulse2.state == PULSE_ACTIVE) {
        hal_pulse_write(2u, false, m->sample_time); /* never leave the opto on */
    }
    pulse_init(&m->pulse2, 2u, width, PULSE_MIN_GAP_SAMPLES);
    pulse_source_configure(&m->pulse2_source, settings_get(s, MED2_REG_PULSE2_SOURCE),
                           settings_get(s, MED2_REG_PULSE2_ENERGY),
                           settings_get(s, MED2_REG_PULSE2_MULTIPLIER), &m->energy);
}

/* Run by `applied`, except the slave id and the line settings: those wait
 * for the reply to the request that changed them. `previous` is what ran
 * before (NULL at power-up): demand and pulse output 2 restart only when
 * their own settings changed. */
static void apply_settings(struct meter *m, const struct settings *previous)
{
    m->modbus.endian = (enum mb_endian)settings_endian(&m->applied);
    if (m->info->is_ct) {
        metrology_set_ratios(&m->metrology, settings_ct_ratio(&m->applied), settings_vt_ratio(&m->applied));
    }
    settings_tariff_schedule(&m->applied, &m->schedule);
    m->minute_of_day = METER_MINUTE_NONE;

    struct demand_config dc = demand_config_of(&m->applied);
    if (previous == NULL) {
        demand_init(&m->demand, &dc);
    } else if (memcmp(&dc, &m->demand.cfg, sizeof(dc)) != 0) {
        demand_configure(&m->demand, &dc);
    }
    bool pulse2_changed = previous == NULL;
    for (enum med2_reg_id id = MED2_REG_PULSE2_SOURCE; id <= MED2_REG_PULSE2_DURATION; id++) {
        pulse2_changed |= previous != NULL && settings_get(previous, id) != settings_get(&m->applied, id);
    }
    if (pulse2_changed) {
        configure_pulse2(m);
    }
}

static void apply_line(struct meter *m)
{
    if (!m->info->has_rs485) {
        /* the factory test port: fixed 38400 8N1, address 1 (docs/factory.md) */
        m->modbus.address = METER_FACTORY_PORT_ADDRESS;
        hal_uart_configure(METER_FACTORY_PORT_BAUD, 'N', 1u);
        return;
    }
    struct settings_line l = settings_line(&m->applied);
    m->modbus.address = settings_slave_id(&m->applied);
    hal_uart_configure(l.baud, l.parity, l.stop_bits);
}

/* Settings saved before the display's own settings existed (struct
 * settings without `ui`): their registers and password are kept, the
 * display's settings start at their defaults (a CT model then asks CT/VT,
 * which it could not be given before). A firmware update loses nothing. */
#define SETTINGS_WITHOUT_UI_LEN offsetof(struct settings, ui)

static enum nvstore_status load_settings_record(struct meter *m)
{
    enum nvstore_status st = nvstore_load(&m->nv, NVSTORE_SETTINGS, &m->applied, sizeof(m->applied));
    if (st != NVSTORE_CORRUPT) {
        return st;
    }
    struct settings older;
    settings_defaults(&older);
    enum nvstore_status old = nvstore_load(&m->nv, NVSTORE_SETTINGS, &older, SETTINGS_WITHOUT_UI_LEN);
    if (old == NVSTORE_OK || old == NVSTORE_RECOVERED) {
        m->applied = older;
        return old;
    }
    m->nv.status[NVSTORE_SETTINGS] = st; /* neither layout: as the first load said */
    return st;
}

static void load_settings(struct meter *m)
{
    enum nvstore_status st = load_settings_record(m);
    if (st == NVSTORE_OK || st == NVSTORE_RECOVERED) {
        if (settings_valid(&m->applied)) {
            return;
        }
        /* CRC-valid but not a legal configuration: an older layout or a bug
         * that wrote it; the meter must still start, at the defaults. */
        m->nv.status[NVSTORE_SETTINGS] = NVSTORE_CORRUPT;
    }
    settings_defaults(&m->applied);
}

static void load_energy(struct meter *m)
{
    struct energy_counters c;
    enum nvstore_status st = nvstore_load(&m->nv, NVSTORE_ENERGY, &c, sizeof(c));
    if (st == NVSTORE_OK || st == NVSTORE_RECOVERED) {
        m->energy.c = c;
    }
}

void meter_init(struct meter *m, const struct meter_identity *id)
{
    memset(m, 0, sizeof(*m));
    m->id = *id;
    m->info = med2_model_info(id->model);
    if (m->info == NULL) {
        /* A board passing a bad model is a bug; run as the default model
         * rather than dereference NULL on a meter. */
        m->id.model = MED2_MODEL_C80_1M_V3;
        m->info = med2_model_info(m->id.model);
    }
    float i_fs = m->info->is_ct ? AFE_I_PEAK_AT_FULL_SCALE_CT : AFE_I_PEAK_AT_FULL_SCALE_DIRECT;
    metrology_init(&m->metrology, AFE_V_PEAK_AT_FULL_SCALE / (float)AFE_CODE_FULL_SCALE,
                   i_fs / (float)AFE_CODE_FULL_SCALE);
    /* afe.h: a sigma-delta converter whose sinc3 filter droops at the
     * harmonics; THD divides it out */
    metrology_set_afe_sinc3(&m->metrology, true);
    float creep_a = ENERGY_CREEP_FRACTION_OF_IST * (float)m->info->starting_current_ma / MA_PER_A;
    energy_init(&m->energy, m->info->tariffs);
    metrology_set_no_load(&m->metrology, creep_a);
    pulse_init(&m->pulse1, 1u, PULSE1_WIDTH_SAMPLES, PULSE_MIN_GAP_SAMPLES);
    m->pulse1_imp_per_kwh = MED2_PULSE1_LEGAL_IMP_PER_KWH;

    nvstore_init(&m->nv);
    factory_init(&m->factory, id->serial);
    m->factory.has_pulse2 = m->info->pulse_outputs >= 2u;
    factory_load(&m->factory, &m->nv);
    metrology_set_calibration(&m->metrology, &m->factory.rec.cal);
    load_settings(m);
    load_energy(m);
    m->staged = m->applied;
    m->energy_save_countdown_ms = METER_ENERGY_SAVE_PERIOD_MS;

    mb_slave_init(&m->modbus, settings_slave_id(&m->applied), meter_register_map(m->info),
                  &meter_mb_ops, m);
    m->modbus.block_only = !m->info->has_rs485;
    m->modbus.closed = !m->info->has_rs485 && factory_sealed(&m->factory);
    init_device_id(m);
    apply_settings(m, NULL);
    apply_line(m);
    if (m->info->has_demand) {
        demand_nv_load(&m->nv, &m->demand); /* maximum demand survives restarts */
    }
    meter_events_power_up(m);
    ui_init(m);
}

/* The RTC test on pulse output 1 (energy is still counted, its pulses are
 * not given): the first sample of the test only notes the second; every
 * later change of second starts a pulse. Energy pulses queued before the
 * test are dropped, so each pulse of the test is a second. */
static void rtc_test_sample(struct meter *m, struct pulse *out)
{
    uint32_t now = hal_rtc_get();
    if (!m->rtc_test_running) {
        m->rtc_test_running = true;
        m->rtc_test_second = now;
        out->pending = 0;
        return;
    }
    if (now != m->rtc_test_second) {
        m->rtc_test_second = now;
        pulse_request(out, 1u);
    }
}

/* Output 1 to the constant the factory block asks for (pulse_test.h): the
 * output released, its queue cleared, counting from now. */
static void apply_pulse1_constant(struct meter *m)
{
    uint32_t k = m->factory.pulse1_imp_per_kwh;
    if (k == m->pulse1_imp_per_kwh) {
        return;
    }
    if (m->pulse1.state == PULSE_ACTIVE) {
        hal_pulse_write(1u, false, m->sample_time); /* never leave the opto on */
    }
    bool test = k == MED2_PULSE1_TEST_IMP_PER_KWH;
    pulse_init(&m->pulse1, 1u, test ? PULSE_TEST_WIDTH_SAMPLES : PULSE1_WIDTH_SAMPLES,
               test ? PULSE_TEST_GAP_SAMPLES : PULSE_MIN_GAP_SAMPLES);
    pulse_test_start(&m->pulse_test, energy_import_mwh(&m->energy));
    m->pulse1_imp_per_kwh = k;
}

void meter_on_samples(struct meter *m, const int32_t *v, const int32_t *i, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (metrology_on_sample(&m->metrology, v[k], i[k])) {
            const struct metrology_values *val = metrology_values(&m->metrology);
            energy_set_power(&m->energy, val->p_w, val->q_var);
        }
        uint32_t wh = energy_on_sample(&m->energy);
        bool rtc2 = m->factory.rtc_test_pulse2 && m->factory.has_pulse2;
        if (m->pulse1_imp_per_kwh == MED2_PULSE1_TEST_IMP_PER_KWH) {
            wh = pulse_test_due(&m->pulse_test, energy_import_mwh(&m->energy));
        }
        if (m->factory.rtc_test || rtc2) {
            rtc_test_sample(m, rtc2 ? &m->pulse2 : &m->pulse1);
        } else {
            m->rtc_test_running = false;
        }
        if (!m->factory.rtc_test && wh != 0u) {
            pulse_request(&m->pulse1, wh);
        }
        pulse_on_sample(&m->pulse1, m->sample_time);
        if (!rtc2) {
            pulse_source_on_sample(&m->pulse2_source, &m->energy, &m->pulse2);
        }
        if (m->pulse2_source.source != MED2_PULSE2_OFF || rtc2) {
            pulse_on_sample(&m->pulse2, m->sample_time);
        }
        m->sample_time++;
    }
}

void meter_after_request(struct meter *m)
{
    if (m->session.line_pending) {
        m->session.line_pending = false;
        apply_line(m);
    }
    if (m->session.close_port_pending) {
        m->session.close_port_pending = false;
        m->modbus.closed = true;
    }
    if (m->session.restart_pending) {
        m->session.restart_pending = false;
        hal_request_restart();
    }
}

void meter_on_uart_rx(struct meter *m, const uint8_t *data, size_t n)
{
    mb_slave_on_rx(&m->modbus, data, n);
}

void meter_on_uart_idle(struct meter *m)
{
    mb_slave_on_idle(&m->modbus);
}

/* Manual §4: on 4-tariff models the schedule picks the T1 sub-tariff by
 * the time of day. Only when the minute changes: the schedule has minute
 * resolution, and a clock set or a new schedule resets minute_of_day. */
static void select_sub_tariff(struct meter *m)
{
    if (m->info->tariffs != TARIFF_SUB_TARIFFS) {
        return;
    }
    uint32_t minute = hal_rtc_get() / SECONDS_PER_MINUTE % TARIFF_MINUTES_PER_DAY;
    if (minute != m->minute_of_day) {
        m->minute_of_day = minute;
        energy_select_sub_tariff(&m->energy, tariff_active_at(&m->schedule, minute));
    }
}

static void integrate_demand(struct meter *m, uint32_t elapsed_ms)
{
    if (!m->info->has_demand) {
        return;
    }
    const struct metrology_values *v = metrology_values(&m->metrology);
    demand_on_tick(&m->demand, hal_rtc_get(), elapsed_ms, v->i_rms, v->p_w, v->q_var, v->s_va);
}

void meter_on_tick(struct meter *m, uint32_t elapsed_ms)
{
    m->uptime_ms += elapsed_ms;
    select_sub_tariff(m);
    integrate_demand(m, elapsed_ms);
    ui_on_tick(m, elapsed_ms);
    if (elapsed_ms >= m->energy_save_countdown_ms) {
        m->energy_save_countdown_ms = METER_ENERGY_SAVE_PERIOD_MS;
        meter_save_energy(m);
        if (m->info->has_demand) {
            demand_nv_save(&m->nv, &m->demand, false);
        }
    } else {
        m->energy_save_countdown_ms -= elapsed_ms;
    }
}

void meter_on_button(struct meter *m, unsigned button, bool pressed)
{
    ui_on_button(m, (enum ui_button)button, pressed);
}

void meter_clear_demand(struct meter *m)
{
    meter_events_clear(m, MED2_EVENT_ITEM_CLEAR_DEMAND);
    demand_clear(&m->demand);
    if (m->info->has_demand) {
        demand_nv_save(&m->nv, &m->demand, false); /* cleared stays cleared over a cut */
    }
}

void meter_on_power_fail(struct meter *m)
{
    /* In the order of what matters most, inside the hold-up time
     * (docs/power.md): the billing registers first. The tariff state is in
     * the energy record, the RTC is battery-backed. */
    meter_save_energy(m);
    if (m->info->has_demand) {
        demand_nv_save(&m->nv, &m->demand, false);
    }
    meter_events_power_down(m);
}

int meter_save_energy(struct meter *m)
{
    m->last_energy_save = nvstore_save(&m->nv, NVSTORE_ENERGY, &m->energy.c, sizeof(m->energy.c));
    return m->last_energy_save;
}

int meter_save_configuration(struct meter *m)
{
    int err = nvstore_save(&m->nv, NVSTORE_SETTINGS, &m->staged, sizeof(m->staged));
    if (err != 0) {
        return err;
    }
    struct settings previous = m->applied;
    meter_events_settings(m, &previous, &m->staged);
    m->applied = m->staged;
    apply_settings(m, &previous);
    m->session.line_pending = true;
    return 0;
}

void meter_factory_changed(struct meter *m)
{
    metrology_set_calibration(&m->metrology, &m->factory.rec.cal);
    apply_pulse1_constant(m);
    if (m->rtc_test_pulse2_applied && !m->factory.rtc_test_pulse2) {
        configure_pulse2(m); /* energy pulses again, counted from now */
    }
    m->rtc_test_pulse2_applied = m->factory.rtc_test_pulse2;
    format_decimal(m->factory.saved_serial, m->serial_text);
    if (!m->info->has_rs485 && factory_sealed(&m->factory)) {
        m->session.close_port_pending = true;
    }
}

const struct metrology_values *meter_values(const struct meter *m)
{
    return metrology_values(&m->metrology);
}

uint64_t meter_import_active_mwh(const struct meter *m)
{
    return energy_import_mwh(&m->energy);
}
