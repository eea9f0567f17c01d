/*
 * meter.c — the glue: samples -> metrology -> energy -> pulse output 1;
 * UART -> Modbus slave -> register values.
 */
#include "meter.h"

#include "afe.h"
#include "hal.h"
#include "mb_codec.h"

/* Manual §5 register 700 "Slave ID", default 1. */
#define METER_DEFAULT_SLAVE_ID 1u
#define MA_PER_A 1000.0f

/* The words of one register-map value, in the default (big-endian, ABCD)
 * byte order; register 708 will select the others. */
static enum mb_status meter_read_value(void *ctx, enum med2_reg_id id, uint16_t *words)
{
    const struct meter *m = ctx;
    const struct metrology_values *val = metrology_values(&m->metrology);
    switch (id) {
    case MED2_REG_VOLTAGE: mb_words_from_float(val->v_rms, words); break;
    case MED2_REG_CURRENT: mb_words_from_float(val->i_rms, words); break;
    case MED2_REG_ACTIVE_POWER: mb_words_from_float(val->p_w, words); break;
    case MED2_REG_REACTIVE_POWER: mb_words_from_float(val->q_var, words); break;
    case MED2_REG_APPARENT_POWER: mb_words_from_float(val->s_va, words); break;
    case MED2_REG_POWER_FACTOR: mb_words_from_float(val->pf, words); break;
    case MED2_REG_FREQUENCY: mb_words_from_float(val->freq_hz, words); break;
    case MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY:
        /* Wh with the mWh resolution kept (DESIGN.md: registers carry mWh). */
        mb_words_from_double((double)energy_import_mwh(&m->energy) / 1000.0, words);
        break;
    default:
        return MB_EX_ILLEGAL_ADDRESS; /* in the map but not served yet */
    }
    return MB_OK;
}

void meter_init(struct meter *m, const struct meter_identity *id)
{
    m->id = *id;
    m->info = med2_model_info(id->model);
    if (m->info == NULL) {
        /* A board passing a bad model is a bug; run as the default model
         * rather than dereference NULL on a meter. */
        m->id.model = MED2_MODEL_C80_1M_V3;
        m->info = med2_model_info(m->id.model);
    }
    m->sample_time = 0;
    m->uptime_ms = 0;
    float i_fs = m->info->is_ct ? AFE_I_PEAK_AT_FULL_SCALE_CT : AFE_I_PEAK_AT_FULL_SCALE_DIRECT;
    metrology_init(&m->metrology, AFE_V_PEAK_AT_FULL_SCALE / (float)AFE_CODE_FULL_SCALE,
                   i_fs / (float)AFE_CODE_FULL_SCALE);
    energy_init(&m->energy, ENERGY_CREEP_FRACTION_OF_IST *
                                (float)m->info->starting_current_ma / MA_PER_A);
    pulse_init(&m->pulse1, 1u, PULSE1_WIDTH_SAMPLES, PULSE_MIN_GAP_SAMPLES);
    mb_slave_init(&m->modbus, METER_DEFAULT_SLAVE_ID, meter_read_value, m);
}

void meter_on_samples(struct meter *m, const int32_t *v, const int32_t *i, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (metrology_on_sample(&m->metrology, v[k], i[k])) {
            const struct metrology_values *val = metrology_values(&m->metrology);
            energy_set_power(&m->energy, val->p_w, val->i_rms);
        }
        uint32_t wh = energy_on_sample(&m->energy);
        if (wh != 0u) {
            pulse_request(&m->pulse1, wh);
        }
        pulse_on_sample(&m->pulse1, m->sample_time);
        m->sample_time++;
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

void meter_on_tick(struct meter *m, uint32_t elapsed_ms)
{
    /* Nothing timed in this slice yet (demand, RTC, display come later). */
    m->uptime_ms += elapsed_ms;
}

const struct metrology_values *meter_values(const struct meter *m)
{
    return metrology_values(&m->metrology);
}

uint64_t meter_import_active_mwh(const struct meter *m)
{
    return energy_import_mwh(&m->energy);
}
