/*
 * metrology.c — rms, power, frequency and THD; see metrology.h for the method.
 */
#include "metrology.h"

#include <math.h>
#include <string.h>

#include "hal.h"

#define PI_F 3.14159265f
#define DEG_PER_RAD 57.29577951f
#define NOMINAL_FREQ_HZ 50.0f /* delays and phasor before the first measurement */
/* Longest quarter-period delay the history holds (needs delay + 1 < length). */
#define Q_DELAY_MAX (METRO_VHIST_LEN - 2u)
#define Q16_ONE 65536.0f
#define Q30_ONE 1073741824.0
#define PHASOR_TO_Q28 2 /* Q30 -> Q28 for the DFT products */
#define Q28_ONE 268435456.0
#define PERCENT 100.0

struct metrology_cal metrology_cal_identity(void)
{
    struct metrology_cal cal = {
        .v_gain = 1.0f, .i_gain = 1.0f, .i_phase_deg = 0.0f,
        .v_rms_offset = 0.0f, .i_rms_offset = 0.0f, .p_offset_w = 0.0f,
        .i_gain_slope = 0.0f, .i_phase_slope_deg = 0.0f,
    };
    return cal;
}

/*
 * Linear interpolation y[n] = (1 - a) x[n] + a x[n-1] delays a sinusoid of
 * angular step w (rad/sample) by atan2(a sin w, 1 - a + a cos w), not
 * exactly a w. Solve that for the fraction `a` giving the lag `phi` (rad,
 * 0 <= phi < w), and return the interpolator's gain at w in *gain.
 */
static float frac_for_lag(float phi, float w, float *gain)
{
    float t = tanf(phi);
    float sw = sinf(w), cw = cosf(w);
    float a = t / (sw + t * (1.0f - cw));
    a = a < 0.0f ? 0.0f : a > 1.0f ? 1.0f : a;
    float re = 1.0f - a + a * cw, im = a * sw;
    *gain = sqrtf(re * re + im * im);
    return a;
}

/* Everything that depends on the mains frequency: the quarter-period delay,
 * the phase correction's fraction, and the phasor's step. */
static void set_frequency_model(struct metrology *m, float freq_hz)
{
    if (!(freq_hz >= 1.0f)) {
        freq_hz = NOMINAL_FREQ_HZ;
    }
    m->freq_model_hz = freq_hz;
    float w = 2.0f * PI_F * freq_hz / (float)HAL_SAMPLE_RATE_HZ;

    float d = (float)HAL_SAMPLE_RATE_HZ / (4.0f * freq_hz);
    if (!(d >= 1.0f)) {
        d = 1.0f;
    }
    if (d > (float)Q_DELAY_MAX) {
        d = (float)Q_DELAY_MAX;
    }
    uint32_t whole = (uint32_t)d;
    float frac_lag = (d - (float)whole) * w; /* what the fraction must delay */
    float a = frac_for_lag(frac_lag, w, &m->q_gain);
    m->q_delay = whole;
    m->q_frac_q16 = (int32_t)(a * Q16_ONE + 0.5f);

    /* Advancing the current by phi is delaying the voltage by phi. */
    float phi = m->cal.i_phase_deg / DEG_PER_RAD;
    float k = frac_for_lag(fabsf(phi), w, &m->phase_gain);
    int32_t k_q16 = (int32_t)(k * Q16_ONE + 0.5f);
    m->v_delay_q16 = phi > 0.0f ? k_q16 : 0;
    m->i_delay_q16 = phi < 0.0f ? k_q16 : 0;

    double wd = 2.0 * 3.14159265358979323846 * (double)freq_hz / (double)HAL_SAMPLE_RATE_HZ;
    m->step_c = (int32_t)lrint(cos(wd) * Q30_ONE);
    m->step_s = (int32_t)lrint(sin(wd) * Q30_ONE);
}

/* This window's block of THD orders (those below Nyquist) and their
 * Goertzel coefficients 2 cos(h w) at the frequency the window runs at. */
static void thd_plan(struct metrology *m, uint32_t first)
{
    m->thd_first = first;
    m->thd_active = true;
    m->thd_k = 0;
    memset(m->g_coef, 0, sizeof(m->g_coef));
    for (uint32_t k = 0; k < METRO_THD_ORDERS_PER_WINDOW; k++) {
        uint32_t h = first + k;
        if (h > METRO_THD_LAST_ORDER || (float)h * m->freq_model_hz >= 0.5f * (float)HAL_SAMPLE_RATE_HZ) {
            break;
        }
        m->g_coef[k] = 2.0f * cosf(2.0f * PI_F * (float)h * m->freq_model_hz / (float)HAL_SAMPLE_RATE_HZ);
        m->thd_k = k + 1u;
    }
    memset(m->gv1, 0, sizeof(m->gv1));
    memset(m->gv2, 0, sizeof(m->gv2));
    memset(m->gi1, 0, sizeof(m->gi1));
    memset(m->gi2, 0, sizeof(m->gi2));
}

/* The next block after this one, back to order 2 after the last; the same
 * again if this window's could not be used. */
static uint32_t thd_next_first(const struct metrology *m, bool used)
{
    if (!used) {
        return m->thd_first;
    }
    uint32_t next = m->thd_first + METRO_THD_ORDERS_PER_WINDOW;
    return next > METRO_THD_LAST_ORDER ? METRO_THD_FIRST_ORDER : next;
}

/* Back to unit length: the integer rotation drifts by ~1e-9 per sample. */
static void renormalise_phasor(struct metrology *m)
{
    double c = m->ph_c, s = m->ph_s;
    double r = sqrt(c * c + s * s);
    if (r < 0.5 * Q30_ONE) {
        m->ph_c = (int32_t)Q30_ONE - 1;
        m->ph_s = 0;
        return;
    }
    m->ph_c = (int32_t)lrint(c / r * (Q30_ONE - 1.0));
    m->ph_s = (int32_t)lrint(s / r * (Q30_ONE - 1.0));
}

static void window_reset(struct metrology *m)
{
    memset(m->gv1, 0, sizeof(m->gv1));
    memset(m->gv2, 0, sizeof(m->gv2));
    memset(m->gi1, 0, sizeof(m->gi1));
    memset(m->gi2, 0, sizeof(m->gi2));
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
    m->vt_ratio = m->ct_ratio = 1.0f;
    m->cal = metrology_cal_identity();
    m->zc_hysteresis = (int32_t)(METRO_ZC_HYSTERESIS_V / v_per_code);
    m->ph_c = (int32_t)Q30_ONE - 1;
    set_frequency_model(m, NOMINAL_FREQ_HZ);
    thd_plan(m, METRO_THD_FIRST_ORDER);
    m->values.pf = 1.0f;
    window_reset(m);
}

void metrology_set_afe_sinc3(struct metrology *m, bool on)
{
    m->afe_sinc3 = on;
}

void metrology_set_calibration(struct metrology *m, const struct metrology_cal *cal)
{
    m->cal = *cal;
    set_frequency_model(m, m->freq_model_hz);
}

void metrology_set_ratios(struct metrology *m, float ct_ratio, float vt_ratio)
{
    m->ct_ratio = ct_ratio > 0.0f ? ct_ratio : 1.0f;
    m->vt_ratio = vt_ratio > 0.0f ? vt_ratio : 1.0f;
}

void metrology_set_no_load(struct metrology *m, float amps)
{
    m->no_load_a = amps;
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

static float minus_offset(float x, float offset)
{
    float y = x - offset;
    return y > 0.0f ? y : 0.0f;
}

static void publish_zero(struct metrology *m)
{
    uint32_t window = m->values.window + 1u;
    memset(&m->values, 0, sizeof(m->values));
    m->values.pf = 1.0f;
    m->values.window = window;
}

/* The fundamental's share of the window's sums, given that the window's
 * quadrature rule is not exactly orthogonal. With v = z e^{jt} + conj(z)
 * e^{-jt} (t the phasor's angle) and L = the rule's mean of e^{2jt}:
 *   X = mean(v e^{jt}) = conj(z) + z L         (what the DFT sums give)
 *   mean(v^2) = 2|z|^2 + 2 Re(z^2 L)           (what the fundamental adds)
 * Solve the first for z, return the second and *fund_sq = 2|z|^2. */
struct cplx {
    double re, im;
};

static double fundamental_share(struct cplx x, struct cplx l, double *fund_sq)
{
    /* w = conj(z) = (X - conj(X) L) / (1 - |L|^2) */
    double d = 1.0 - (l.re * l.re + l.im * l.im);
    double wr = (x.re - (x.re * l.re + x.im * l.im)) / d;
    double wi = (x.im - (x.re * l.im - x.im * l.re)) / d;
    /* z = conj(w); z^2 = (wr^2 - wi^2) - 2j wr wi */
    double z2r = wr * wr - wi * wi, z2i = -2.0 * wr * wi;
    *fund_sq = 2.0 * (wr * wr + wi * wi);
    return *fund_sq + 2.0 * (z2r * l.re - z2i * l.im);
}

/* A sinc3 decimation filter's gain at f (its data rate HAL_SAMPLE_RATE_HZ). */
static double sinc3_gain(double f)
{
    double x = 3.14159265358979323846 * f / (double)HAL_SAMPLE_RATE_HZ;
    if (x < 1e-9) {
        return 1.0;
    }
    double g = sin(x) / x;
    return g * g * g;
}

/*
 * One channel's THD at publish. s1, s2: its resonators' states over the
 * window's n samples; harm: every order's share of the fundamental's power
 * (this window's block is replaced); rest: the window's mean square minus
 * the fundamental's share (what harmonics and noise hold); fund_sq: the
 * fundamental's power. Returns THD in %, 0 without a fundamental.
 */
static float thd_channel(struct metrology *m, const float *s1, const float *s2, float *harm,
                         double rest, double fund_sq, double n)
{
    if (fund_sq < 0.5 * METRO_THD_MIN_CODES * METRO_THD_MIN_CODES || n < 1.0) {
        for (uint32_t k = 0; k < METRO_THD_ORDER_COUNT; k++) {
            harm[k] = 0.0f;
        }
        return 0.0f;
    }
    /* this window's orders, as power (mean square) in the bin */
    double p[METRO_THD_ORDERS_PER_WINDOW];
    double in_block = 0.0;
    for (uint32_t k = 0; k < m->thd_k; k++) {
        double a = s1[k], b = s2[k];
        double x2 = a * a + b * b - (double)m->g_coef[k] * a * b; /* |DFT|^2 */
        p[k] = 2.0 * x2 / (n * n);
        in_block += p[k];
    }
    /* the other orders as last measured, at this fundamental */
    double others = 0.0;
    for (uint32_t k = 0; k < METRO_THD_ORDER_COUNT; k++) {
        uint32_t h = k + METRO_THD_FIRST_ORDER;
        if (h < m->thd_first || h >= m->thd_first + m->thd_k) {
            others += (double)harm[k] * fund_sq;
        }
    }
    /* white noise puts 2 / n of its power in every bin */
    double noise = rest - in_block - others;
    if (!m->thd_active || !m->thd_fit_ok) {
        /* a window between THD windows, or the subtracted fundamental was
         * another window's: keep what the block held (thd_next_first
         * measures it again) */
        in_block = 0.0;
        for (uint32_t k = 0; k < m->thd_k; k++) {
            in_block += (double)harm[m->thd_first + k - METRO_THD_FIRST_ORDER];
        }
        double sum = others / fund_sq + in_block;
        return sum > 0.0 ? (float)(PERCENT * sqrt(sum)) : 0.0f;
    }
    /* until every order has been measured once, an order not measured yet
     * would pass for noise: no subtraction before that */
    double noise_bin = noise > 0.0 && m->thd_complete ? 2.0 * noise / n : 0.0;
    double fund_droop = m->afe_sinc3 ? sinc3_gain(m->freq_model_hz) : 1.0;
    for (uint32_t k = 0; k < m->thd_k; k++) {
        uint32_t h = m->thd_first + k;
        double droop = m->afe_sinc3 ? sinc3_gain((double)h * m->freq_model_hz) / fund_droop : 1.0;
        harm[h - METRO_THD_FIRST_ORDER] = (float)((p[k] - noise_bin) / (droop * droop) / fund_sq);
    }
    double sum = 0.0;
    for (uint32_t k = 0; k < METRO_THD_ORDER_COUNT; k++) {
        /* orders above Nyquist at this frequency are not measured */
        if ((double)(k + METRO_THD_FIRST_ORDER) * m->freq_model_hz < 0.5 * (double)HAL_SAMPLE_RATE_HZ) {
            sum += harm[k];
        }
    }
    return sum > 0.0 ? (float)(PERCENT * sqrt(sum)) : 0.0f;
}

/* L = the window's mean of e^{2jt}: the n whole samples from the first
 * one's phasor on (a geometric series), plus the boundary weights. */
static struct cplx window_leak(const struct metrology *m, double t)
{
    double th0 = atan2((double)m->start_s, (double)m->start_c);
    double w = atan2((double)m->step_s, (double)m->step_c);
    double n = (double)m->n;
    /* sum_{k<n} e^{2j(th0 + k w)} = e^{2j th0} (1 - e^{2jnw}) / (1 - e^{2jw}) */
    double nr = 1.0 - cos(2.0 * n * w), ni = -sin(2.0 * n * w);
    double dr = 1.0 - cos(2.0 * w), di = -sin(2.0 * w);
    double dd = dr * dr + di * di;
    double qr = (nr * dr + ni * di) / dd, qi = (ni * dr - nr * di) / dd;
    double er = cos(2.0 * th0), ei = sin(2.0 * th0);
    struct cplx l = {
        (er * qr - ei * qi + (double)m->adj.c2) / t,
        (er * qi + ei * qr + (double)m->adj.s2) / t,
    };
    return l;
}

/* Close the open window, whose end crossing is `end_frac` into the interval
 * of the sample after its last one, and publish. */
static void publish_window(struct metrology *m, float end_frac)
{
    const struct metrology_sums *s = &m->sums;
    const struct metrology_adj *a = &m->adj;
    double td = (double)m->n + (double)end_frac - (double)m->start_frac; /* samples */
    float t = (float)td;
    float inv = 1.0f / t;
    /* Means and squares in double: THD takes the difference of two nearly
     * equal mean squares, which float would leave at ~0.03 %. */
    double mv = ((double)s->v + a->v) / td;
    double mi = ((double)s->i + a->i) / td;
    double vv = ((double)s->vv + a->vv) / td - mv * mv;
    double ii = ((double)s->ii + a->ii) / td - mi * mi;
    float vi = ((float)s->vi + a->vi) * inv - (float)(mv * mi);
    /* The delayed voltage has the same mean as the voltage. */
    float qi = ((float)s->qi + a->qi) * inv - (float)(mv * mi);

    const struct metrology_cal *cal = &m->cal;
    float v_scale = m->v_per_code * cal->v_gain;
    float i_scale = m->i_per_code * cal->i_gain;
    float v_term = sqrtf(vv > 0.0 ? (float)vv : 0.0f) * v_scale;
    float i_sense = sqrtf(ii > 0.0 ? (float)ii : 0.0f) * i_scale;
    float v_rms = minus_offset(v_term, cal->v_rms_offset);
    float i_rms = minus_offset(i_sense, cal->i_rms_offset);
    /* The current offset corrects the current's amplitude (a sensor that
     * reads a fixed amount low at every load), so it scales the powers the
     * current takes part in, active and reactive alike; the power offset
     * is for what is additive in P alone. */
    float i_correction = i_sense > 0.0f ? i_rms / i_sense : 1.0f;
    float pq_scale = v_scale * i_scale * i_correction / m->phase_gain;
    float p = vi * pq_scale - cal->p_offset_w;
    float q = qi * pq_scale / m->q_gain;
    struct cplx leak = window_leak(m, td);
    /* The integer step is not exactly of unit length: the phasor's length
     * grows (or shrinks) by |step| - 1 per sample from the window's first
     * one, a few 1e-7 over a window, which THD would see. Divide it out. */
    double step_len = sqrt((double)m->step_c * m->step_c + (double)m->step_s * m->step_s) / Q30_ONE;
    double start_len = sqrt((double)m->start_c * m->start_c + (double)m->start_s * m->start_s) / Q28_ONE;
    double mean_len = start_len * (1.0 + (step_len - 1.0) * 0.5 * ((double)m->n - 1.0));
    const double bin = 1.0 / (td * Q28_ONE * mean_len);
    struct cplx xv = {((double)s->vc + a->vc) * bin, ((double)s->vs + a->vs) * bin};
    struct cplx xi = {((double)s->ic + a->ic) * bin, ((double)s->is + a->is) * bin};
    double fund_v, fund_i;
    double share_v = fundamental_share(xv, leak, &fund_v);
    double share_i = fundamental_share(xi, leak, &fund_i);
    /* the frequency the resonators ran at is the model's until set below */
    float thd_v = thd_channel(m, m->gv1, m->gv2, m->harm_v, vv - share_v, fund_v, (double)m->n);
    float thd_i = thd_channel(m, m->gi1, m->gi2, m->harm_i, ii - share_i, fund_i, (double)m->n);
    /* the next window subtracts this one's fundamental: v = 2 Re(z e^{jt}),
     * z = conj(w) (fundamental_share), i.e. 2 wr c + 2 wi s of the unit
     * phasor, and the phasor is Q28 */
    {
        double d = 1.0 - (leak.re * leak.re + leak.im * leak.im);
        double wr = (xv.re - (xv.re * leak.re + xv.im * leak.im)) / d;
        double wi = (xv.im - (xv.re * leak.im - xv.im * leak.re)) / d;
        m->fv_a = (float)(2.0 * wr / Q28_ONE);
        m->fv_b = (float)(2.0 * wi / Q28_ONE);
        wr = (xi.re - (xi.re * leak.re + xi.im * leak.im)) / d;
        wi = (xi.im - (xi.re * leak.im - xi.im * leak.re)) / d;
        m->fi_a = (float)(2.0 * wr / Q28_ONE);
        m->fi_b = (float)(2.0 * wi / Q28_ONE);
    }

    /* Current dependence below Iref (metrology.h): the gain slope scales
     * I, P and Q; the phase slope advances the current, a rotation of the
     * window's (P, Q). */
    if (i_rms > 0.0f && (cal->i_gain_slope != 0.0f || cal->i_phase_slope_deg != 0.0f)) {
        float decades = log10f(i_rms / METRO_SLOPE_REF_A);
        decades = decades > 0.0f ? 0.0f : decades < -METRO_SLOPE_MAX_DECADES ? -METRO_SLOPE_MAX_DECADES : decades;
        float g = 1.0f + cal->i_gain_slope * decades;
        float adv = cal->i_phase_slope_deg * decades / DEG_PER_RAD;
        float ca = cosf(adv), sa = sinf(adv);
        float p2 = p * ca + q * sa, q2 = q * ca - p * sa;
        i_rms *= g;
        p = p2 * g;
        q = q2 * g;
    }
    if (i_sense < m->no_load_a) {
        p = q = 0.0f;
        thd_i = 0.0f;
    }

    /* To the primary (CT models; ratios are 1 otherwise). */
    float pq_ratio = m->ct_ratio * m->vt_ratio;
    v_rms *= m->vt_ratio;
    i_rms *= m->ct_ratio;
    p *= pq_ratio;
    q *= pq_ratio;
    float s_va = v_rms * i_rms;
    if (i_sense < m->no_load_a) {
        s_va = 0.0f;
    }
    float pf = 1.0f;
    if (s_va > 0.0f) {
        pf = p / s_va;
        pf = pf > 1.0f ? 1.0f : pf < -1.0f ? -1.0f : pf;
    }
    float freq = (float)m->cycles * (float)HAL_SAMPLE_RATE_HZ * inv;

    struct metrology_values *out = &m->values;
    out->v_rms = v_rms;
    out->i_rms = i_rms;
    out->p_w = p;
    out->q_var = q;
    out->s_va = s_va;
    out->pf = pf;
    out->phase_deg = (p != 0.0f || q != 0.0f) ? atan2f(q, p) * DEG_PER_RAD : 0.0f;
    out->freq_hz = freq;
    out->thd_v_pct = thd_v;
    out->thd_i_pct = thd_i;
    out->i_sense_a = i_sense;
    out->window++;

    /* is the next window's subtraction this window's fundamental? */
    bool used = m->thd_active && m->thd_fit_ok;
    /* a change the window's noise explains is steady: the fundamental's
     * power estimate scatters by ~2 sqrt(fund x noise x 2 / n) */
    double scatter_v = 8.0 * sqrt(fabs(fund_v * (vv - share_v)) / td);
    double scatter_i = 8.0 * sqrt(fabs(fund_i * (ii - share_i)) / td);
    bool steady = fabsf(freq - m->freq_model_hz) < METRO_THD_STEADY_HZ &&
                  fabs(fund_v - m->fund_v_prev) <= METRO_THD_STEADY_REL * fund_v + scatter_v &&
                  fabs(fund_i - m->fund_i_prev) <= METRO_THD_STEADY_REL * fund_i + scatter_i;
    m->fund_v_prev = fund_v;
    m->fund_i_prev = fund_i;
    m->thd_fit_ok = steady;
    set_frequency_model(m, freq);
    if (m->thd_active) {
        uint32_t next = thd_next_first(m, used);
        m->thd_complete |= used && next < m->thd_first; /* wrapped: all measured */
        m->thd_first = next;
        m->thd_skip = METRO_THD_WINDOW_STRIDE - 1u;
    }
    if (m->thd_skip == 0u) {
        thd_plan(m, m->thd_first);
    } else {
        m->thd_skip--;
        m->thd_active = false;
        m->thd_k = 0;
    }
    track_dc(m, (float)mv, (float)mi);
}

static void accumulate(struct metrology *m, const struct metrology_sample *x)
{
    struct metrology_sums *s = &m->sums;
    s->v += x->v;
    s->i += x->i;
    s->vv += (int64_t)x->v * x->v;
    s->ii += (int64_t)x->i * x->i;
    s->vi += (int64_t)x->vd * x->id;
    s->qi += (int64_t)x->vq * x->id;
    s->vc += (int64_t)x->v * x->c;
    s->vs += (int64_t)x->v * x->s;
    s->ic += (int64_t)x->i * x->c;
    s->is += (int64_t)x->i * x->s;
    m->n++;
}

/* Weighted share `w` of one sample's products, as a boundary correction. */
static void adj_add(struct metrology_adj *a, float w, const struct metrology_sample *x)
{
    float fv = (float)x->v, fi = (float)x->i, fid = (float)x->id;
    a->v += w * fv;
    a->i += w * fi;
    a->vv += w * fv * fv;
    a->ii += w * fi * fi;
    a->vi += w * (float)x->vd * fid;
    a->qi += w * (float)x->vq * fid;
    a->vc += w * fv * (float)x->c;
    a->vs += w * fv * (float)x->s;
    a->ic += w * fi * (float)x->c;
    a->is += w * fi * (float)x->s;
    float c = (float)x->c * (float)(1.0 / Q28_ONE), sn = (float)x->s * (float)(1.0 / Q28_ONE);
    a->c2 += w * (c * c - sn * sn);
    a->s2 += w * (2.0f * c * sn);
}

/*
 * A crossing lies between the previous sample and this one, at fraction
 * `alpha` in (0, 1] of the way. Sample k stands for the interval
 * [k - 0.5, k + 0.5); the crossing at (k - 1 + alpha) therefore splits this
 * sample's interval (alpha >= 0.5) or the previous one's (alpha < 0.5).
 * The old window gets excess * (that sample), the new one the opposite, and
 * this sample itself is accumulated whole into the new window afterwards.
 */
static bool on_crossing(struct metrology *m, float alpha, struct metrology_sample *x)
{
    float excess = alpha - 0.5f;
    const struct metrology_sample *g = excess >= 0.0f ? x : &m->prev;
    bool published = false;

    if (m->synced) {
        m->cycles++;
        if (m->n < METRO_WINDOW_MIN_SAMPLES) {
            return false; /* keep going: the window is not long enough yet */
        }
        adj_add(&m->adj, excess, g);
        publish_window(m, alpha - 1.0f);
        published = true;
    }
    window_reset(m);
    adj_add(&m->adj, -excess, g);
    m->start_frac = alpha - 1.0f;
    /* x is the new window's first sample: its phasor back to unit length,
     * so the window's magnitude drift is known (publish_window) */
    renormalise_phasor(m);
    x->c = m->ph_c >> PHASOR_TO_Q28;
    x->s = m->ph_s >> PHASOR_TO_Q28;
    m->start_c = x->c;
    m->start_s = x->s;
    m->synced = true;
    return published;
}

/* One sample into a channel's resonators. Always the whole block (a
 * resonator past the window's last order runs with coefficient 0 and is
 * never read): a fixed trip count the host compiler vectorises, the same
 * work on the M4F. */
static inline void goertzel_step(float *restrict s1, float *restrict s2, const float *restrict coef,
                                 float x)
{
    for (uint32_t k = 0; k < METRO_THD_ORDERS_PER_WINDOW; k++) {
        float y = x + coef[k] * s1[k] - s2[k];
        s2[k] = s1[k];
        s1[k] = y;
    }
}

bool metrology_on_sample(struct metrology *m, int32_t v_code, int32_t i_code)
{
    struct metrology_sample x;
    x.v = v_code - m->v_dc;
    x.i = i_code - m->i_dc;
    /* phase correction: (1 - k) x[n] + k x[n-1] on one of the channels */
    x.vd = x.v + (int32_t)(((int64_t)(m->prev.v - x.v) * m->v_delay_q16) >> 16);
    x.id = x.i + (int32_t)(((int64_t)(m->prev.i - x.i) * m->i_delay_q16) >> 16);

    /* quadrature voltage: vd(n - D), D = a quarter of the measured period */
    uint32_t pos = m->vhist_pos;
    m->vhist[pos] = x.vd;
    int32_t qa = m->vhist[(pos - m->q_delay) & (METRO_VHIST_LEN - 1u)];
    int32_t qb = m->vhist[(pos - m->q_delay - 1u) & (METRO_VHIST_LEN - 1u)];
    x.vq = qa + (int32_t)(((int64_t)(qb - qa) * m->q_frac_q16) >> 16);
    m->vhist_pos = (pos + 1u) & (METRO_VHIST_LEN - 1u);

    /* the fundamental's phasor at this sample (renormalised when a window
     * starts here, see on_crossing) */
    x.c = m->ph_c >> PHASOR_TO_Q28;
    x.s = m->ph_s >> PHASOR_TO_Q28;

    bool published = false;
    m->since_cross++;
    if (x.v < -m->zc_hysteresis) {
        m->armed = true;
    } else if (m->armed && x.v >= 0) {
        m->armed = false;
        if (m->since_cross >= METRO_MIN_PERIOD_SAMPLES) {
            m->since_cross = 0;
            float alpha = (float)(-m->prev.v) / (float)(x.v - m->prev.v);
            published = on_crossing(m, alpha, &x);
        }
    }

    accumulate(m, &x);
    /* THD (one window in METRO_THD_WINDOW_STRIDE): this window's orders,
     * the previous window's fundamental removed */
    if (m->thd_active) {
        float rv = (float)x.v - (m->fv_a * (float)x.c + m->fv_b * (float)x.s);
        float ri = (float)x.i - (m->fi_a * (float)x.c + m->fi_b * (float)x.s);
        goertzel_step(m->gv1, m->gv2, m->g_coef, rv);
        goertzel_step(m->gi1, m->gi2, m->g_coef, ri);
    }
    m->prev = x;
    /* one step on (the step of the window this sample belongs to) */
    int32_t c = m->ph_c, sn = m->ph_s;
    m->ph_c = (int32_t)(((int64_t)c * m->step_c - (int64_t)sn * m->step_s + (1 << 29)) >> 30);
    m->ph_s = (int32_t)(((int64_t)sn * m->step_c + (int64_t)c * m->step_s + (1 << 29)) >> 30);

    if (m->n >= METRO_TIMEOUT_SAMPLES) {
        /* No usable voltage: nothing to measure, but keep the DC estimate
         * tracking so the first crossing after it returns is placed right. */
        float inv = 1.0f / (float)m->n;
        track_dc(m, (float)m->sums.v * inv, (float)m->sums.i * inv);
        publish_zero(m);
        set_frequency_model(m, NOMINAL_FREQ_HZ);
        thd_plan(m, METRO_THD_FIRST_ORDER);
        m->thd_skip = 0;
        m->thd_fit_ok = false;
        m->thd_complete = false;
        renormalise_phasor(m);
        window_reset(m);
        m->synced = false;
        published = true;
    }
    return published;
}
