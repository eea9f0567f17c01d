/*
 * metrology.c — rms, power and frequency; see metrology.h for the method.
 */
#include "metrology.h"

#include <math.h>
#include <string.h>

#include "hal.h"

#define PI_F 3.14159265f
#define NOMINAL_FREQ_HZ 50.0f /* quadrature delay before the first measurement */
/* Longest quarter-period delay the history holds (needs delay + 1 < length). */
#define Q_DELAY_MAX (METRO_VHIST_LEN - 2u)

struct metrology_cal metrology_cal_identity(void)
{
    struct metrology_cal cal = {
        .v_gain = 1.0f, .i_gain = 1.0f, .i_phase_deg = 0.0f,
        .v_rms_offset = 0.0f, .i_rms_offset = 0.0f, .p_offset_w = 0.0f,
    };
    return cal;
}

static void set_quadrature_delay(struct metrology *m, float freq_hz)
{
    float d = (float)HAL_SAMPLE_RATE_HZ / (4.0f * freq_hz);
    if (!(d >= 1.0f)) {
        d = 1.0f;
    }
    if (d > (float)Q_DELAY_MAX) {
        d = (float)Q_DELAY_MAX;
    }
    uint32_t whole = (uint32_t)d;
    m->q_delay = whole;
    m->q_frac_q16 = (int32_t)((d - (float)whole) * 65536.0f);
}

static void window_reset(struct metrology *m)
{
    memset(&m->sums, 0, sizeof(m->sums));
    memset(&m->adj, 0, sizeof(m->adj));
    m->n = 0;
    m->cycles = 0;
    m->start_frac = 0.0f;
}

void metrology_init(struct metrology *m, float v_per_code, float i_per_code)
{
    memset(m, 0, sizeof(*m));
    m->v_per_code = v_per_code;
    m->i_per_code = i_per_code;
    struct metrology_cal cal = metrology_cal_identity();
    metrology_set_calibration(m, &cal);
    m->zc_hysteresis = (int32_t)(METRO_ZC_HYSTERESIS_V / v_per_code);
    set_quadrature_delay(m, NOMINAL_FREQ_HZ);
    m->values.pf = 1.0f;
    window_reset(m);
}

void metrology_set_calibration(struct metrology *m, const struct metrology_cal *cal)
{
    m->cal = *cal;
    float rad = cal->i_phase_deg * (PI_F / 180.0f);
    m->cal_cos = cosf(rad);
    m->cal_sin = sinf(rad);
}

const struct metrology_values *metrology_values(const struct metrology *m)
{
    return &m->values;
}

static int32_t round_to_i32(float x)
{
    return (int32_t)(x >= 0.0f ? x + 0.5f : x - 0.5f);
}

/* Move the DC estimate by the window's mean residual (rounded), so the next
 * windows see (almost) zero-mean codes and the crossings sit where they should. */
static void track_dc(struct metrology *m, float mean_v, float mean_i)
{
    m->v_dc += round_to_i32(mean_v);
    m->i_dc += round_to_i32(mean_i);
}

static float remove_in_quadrature(float rms, float offset)
{
    float sq = rms * rms - offset * offset;
    return sq > 0.0f ? sqrtf(sq) : 0.0f;
}

static void publish_zero(struct metrology *m)
{
    uint32_t window = m->values.window + 1u;
    memset(&m->values, 0, sizeof(m->values));
    m->values.pf = 1.0f;
    m->values.window = window;
}

/* Close the open window, whose end crossing is `end_frac` into the interval
 * of the sample after its last one, and publish. */
static void publish_window(struct metrology *m, float end_frac)
{
    const struct metrology_sums *s = &m->sums;
    const struct metrology_adj *a = &m->adj;
    float t = (float)m->n + end_frac - m->start_frac; /* window length, samples */
    float inv = 1.0f / t;
    float mv = ((float)s->v + a->v) * inv;
    float mi = ((float)s->i + a->i) * inv;
    float vv = ((float)s->vv + a->vv) * inv - mv * mv;
    float ii = ((float)s->ii + a->ii) * inv - mi * mi;
    float vi = ((float)s->vi + a->vi) * inv - mv * mi;
    /* The delayed voltage has the same mean as the voltage. */
    float qi = ((float)s->qi + a->qi) * inv - mv * mi;

    const struct metrology_cal *cal = &m->cal;
    float v_scale = m->v_per_code * cal->v_gain;
    float i_scale = m->i_per_code * cal->i_gain;
    float v_rms = remove_in_quadrature(sqrtf(vv > 0.0f ? vv : 0.0f) * v_scale, cal->v_rms_offset);
    float i_rms = remove_in_quadrature(sqrtf(ii > 0.0f ? ii : 0.0f) * i_scale, cal->i_rms_offset);
    float p_raw = vi * v_scale * i_scale;
    float q_raw = qi * v_scale * i_scale;
    /* Rotate the (P, Q) phasor back by the current channel's phase error. */
    float p = p_raw * m->cal_cos + q_raw * m->cal_sin - cal->p_offset_w;
    float q = q_raw * m->cal_cos - p_raw * m->cal_sin;
    float s_va = v_rms * i_rms;
    float pf = 1.0f;
    if (s_va > 0.0f) {
        pf = p / s_va;
        pf = pf > 1.0f ? 1.0f : pf < -1.0f ? -1.0f : pf;
    }
    float freq = (float)m->cycles * (float)HAL_SAMPLE_RATE_HZ * inv;

    m->values.v_rms = v_rms;
    m->values.i_rms = i_rms;
    m->values.p_w = p;
    m->values.q_var = q;
    m->values.s_va = s_va;
    m->values.pf = pf;
    m->values.freq_hz = freq;
    m->values.window++;

    set_quadrature_delay(m, freq);
    track_dc(m, mv, mi);
}

static void accumulate(struct metrology *m, int32_t v, int32_t i, int32_t vq)
{
    struct metrology_sums *s = &m->sums;
    s->v += v;
    s->i += i;
    s->vv += (int64_t)v * v;
    s->ii += (int64_t)i * i;
    s->vi += (int64_t)v * i;
    s->qi += (int64_t)vq * i;
    m->n++;
}

/* Weighted share `w` of one sample's products, as a boundary correction. */
static void adj_add(struct metrology_adj *a, float w, int32_t v, int32_t i, int32_t vq)
{
    float fv = (float)v, fi = (float)i, fq = (float)vq;
    a->v += w * fv;
    a->i += w * fi;
    a->vv += w * fv * fv;
    a->ii += w * fi * fi;
    a->vi += w * fv * fi;
    a->qi += w * fq * fi;
}

/*
 * A crossing lies between the previous sample and this one, at fraction
 * `alpha` in (0, 1] of the way. Sample k stands for the interval
 * [k - 0.5, k + 0.5); the crossing at (k - 1 + alpha) therefore splits this
 * sample's interval (alpha >= 0.5) or the previous one's (alpha < 0.5).
 * The old window gets excess * (that sample), the new one the opposite, and
 * this sample itself is accumulated whole into the new window afterwards.
 */
static bool on_crossing(struct metrology *m, float alpha, int32_t v, int32_t i, int32_t vq)
{
    float excess = alpha - 0.5f;
    bool use_this = excess >= 0.0f;
    int32_t gv = use_this ? v : m->v_prev;
    int32_t gi = use_this ? i : m->i_prev;
    int32_t gq = use_this ? vq : m->vq_prev;
    bool published = false;

    if (m->synced) {
        m->cycles++;
        if (m->n < METRO_WINDOW_MIN_SAMPLES) {
            return false; /* keep going: the window is not long enough yet */
        }
        adj_add(&m->adj, excess, gv, gi, gq);
        publish_window(m, alpha - 1.0f);
        published = true;
    }
    window_reset(m);
    adj_add(&m->adj, -excess, gv, gi, gq);
    m->start_frac = alpha - 1.0f;
    m->synced = true;
    return published;
}

bool metrology_on_sample(struct metrology *m, int32_t v_code, int32_t i_code)
{
    int32_t v = v_code - m->v_dc;
    int32_t i = i_code - m->i_dc;

    /* quadrature voltage: v(n - D), D = a quarter of the measured period */
    uint32_t pos = m->vhist_pos;
    m->vhist[pos] = v;
    int32_t a = m->vhist[(pos - m->q_delay) & (METRO_VHIST_LEN - 1u)];
    int32_t b = m->vhist[(pos - m->q_delay - 1u) & (METRO_VHIST_LEN - 1u)];
    int32_t vq = a + (int32_t)(((int64_t)(b - a) * m->q_frac_q16) >> 16);
    m->vhist_pos = (pos + 1u) & (METRO_VHIST_LEN - 1u);

    bool published = false;
    m->since_cross++;
    if (v < -m->zc_hysteresis) {
        m->armed = true;
    } else if (m->armed && v >= 0) {
        m->armed = false;
        if (m->since_cross >= METRO_MIN_PERIOD_SAMPLES) {
            m->since_cross = 0;
            float alpha = (float)(-m->v_prev) / (float)(v - m->v_prev);
            published = on_crossing(m, alpha, v, i, vq);
        }
    }

    accumulate(m, v, i, vq);
    m->v_prev = v;
    m->i_prev = i;
    m->vq_prev = vq;

    if (m->n >= METRO_TIMEOUT_SAMPLES) {
        /* No usable voltage: nothing to measure, but keep the DC estimate
         * tracking so the first crossing after it returns is placed right. */
        float inv = 1.0f / (float)m->n;
        track_dc(m, (float)m->sums.v * inv, (float)m->sums.i * inv);
        publish_zero(m);
        set_quadrature_delay(m, NOMINAL_FREQ_HZ);
        window_reset(m);
        m->synced = false;
        published = true;
    }
    return published;
}
