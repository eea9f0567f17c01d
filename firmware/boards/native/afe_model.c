/*
 * afe_model.c — ADC codes of one simulated unit; see afe_model.h.
 *
 * Cost: everything that depends on the terminal conditions, the
 * temperature or the defect knobs (every channel's gain and phase at the
 * fundamental and at each harmonic, the crosstalk) is folded into a few
 * coefficients when one of them changes or the temperature steps (every
 * second of samples), the cubic bow included (as its effect on the
 * fundamental). Per sample: the rotating phasor, two multiply-adds per
 * channel, the harmonics present, the clip if set, noise and rounding.
 */
#include "afe_model.h"

#include <math.h>
#include <string.h>

#include "afe.h"

#define SAMPLE_PERIOD_S (1.0 / 4000.0)
/* The rotating phasor drifts by rounding; re-derive it from theta once per
 * simulated second so the drift never exceeds ~1e-13. */
#define RENORM_INTERVAL_SAMPLES 4000u
#define DEG (M_PI / 180.0)
#define PPM 1e-6
/* Below this fraction of Iref the CT's (I/Iref)^-1/2 law is frozen: its
 * class is not specified there, and the model must stay finite at 0. */
#define CT_MIN_FRACTION 1e-4

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [-1, 1). */
static double uniform_pm1(uint64_t *state)
{
    return (double)(splitmix64(state) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/* Uniform in [lo, hi). */
static double uniform_in(uint64_t *state, double lo, double hi)
{
    return lo + 0.5 * (uniform_pm1(state) + 1.0) * (hi - lo);
}

static double random_sign(uint64_t *state)
{
    return uniform_pm1(state) < 0.0 ? -1.0 : 1.0;
}

/* White noise for both channels from one 64-bit draw: each channel gets
 * the sum of two 16-bit uniforms (a triangular distribution), scaled to
 * unit variance. For rms, power and spectra only the variance and the
 * whiteness matter, and one draw per sample instead of two halves the
 * generator's cost, the largest single item per sample. */
struct noise_pair {
    double v, i;
};

static struct noise_pair noise_pair(uint64_t *state)
{
    uint64_t r = splitmix64(state);
    const double u = 1.0 / 65536.0;
    /* variance of one uniform(-0.5, 0.5) is 1/12; two of them: 1/6 */
    const double scale = 2.449489742783178; /* sqrt(6) */
    double a = (double)(r & 0xFFFF) * u + (double)((r >> 16) & 0xFFFF) * u - 1.0;
    double b = (double)((r >> 32) & 0xFFFF) * u + (double)(r >> 48) * u - 1.0;
    return (struct noise_pair){a * scale, b * scale};
}

static int32_t to_code(double x)
{
    double r = nearbyint(x);
    if (r > AFE_CODE_FULL_SCALE) {
        return AFE_CODE_FULL_SCALE;
    }
    if (r < -AFE_CODE_FULL_SCALE - 1.0) {
        return -AFE_CODE_FULL_SCALE - 1;
    }
    return (int32_t)r;
}

/* The AFE's sinc3 decimation filter at f (both channels). */
static double sinc3(double f)
{
    double x = M_PI * f / AFE_MODEL_DATA_RATE_HZ;
    if (fabs(x) < 1e-9) {
        return 1.0;
    }
    double s = sin(x) / x;
    return s * s * s;
}

/* A first-order RC's gain at f. */
static double rc_gain(double f, double tau)
{
    double wt = 2.0 * M_PI * f * tau;
    return 1.0 / sqrt(1.0 + wt * wt);
}

void afe_model_init(struct afe_model *afe, uint32_t serial, bool is_ct)
{
    memset(afe, 0, sizeof(*afe));
    afe->is_ct = is_ct;
    uint64_t seed = 0x4D454432ull ^ ((uint64_t)serial << 20) ^ serial; /* "MED2" */
    struct afe_imperfections *imp = &afe->imp;
    imp->v_gain_error = AFE_MODEL_GAIN_SPREAD * uniform_pm1(&seed);
    imp->i_gain_error = AFE_MODEL_GAIN_SPREAD * uniform_pm1(&seed);
    imp->i_phase_error_deg = AFE_MODEL_PHASE_SPREAD_DEG * uniform_pm1(&seed);
    imp->v_offset_codes = (int32_t)(AFE_MODEL_OFFSET_SPREAD_CODES * uniform_pm1(&seed));
    imp->i_offset_codes = (int32_t)(AFE_MODEL_OFFSET_SPREAD_CODES * uniform_pm1(&seed));
    afe->rng = splitmix64(&seed);

    /* The rest from its own stream, so the older imperfections and the
     * noise of every serial stay what they were. */
    uint64_t s2 = seed ^ 0x5245414Cull; /* "REAL" */
    if (is_ct) {
        imp->ct_a0 = uniform_in(&s2, AFE_MODEL_CT_A0_MIN, AFE_MODEL_CT_A0_MAX);
        imp->ct_a1 = uniform_in(&s2, AFE_MODEL_CT_A1_MIN, AFE_MODEL_CT_A1_MAX);
        imp->ct_d0_deg = uniform_in(&s2, AFE_MODEL_CT_D0_MIN_DEG, AFE_MODEL_CT_D0_MAX_DEG);
        imp->ct_d1_deg = uniform_in(&s2, AFE_MODEL_CT_D1_MIN_DEG, AFE_MODEL_CT_D1_MAX_DEG);
    }
    imp->v_delay_s = AFE_MODEL_RC_TAU_S * (1.0 + AFE_MODEL_RC_TAU_SPREAD * uniform_pm1(&s2));
    imp->i_rc_s = AFE_MODEL_RC_TAU_S * (1.0 + AFE_MODEL_RC_TAU_SPREAD * uniform_pm1(&s2));
    /* The current channel's lag at Iref, 50 Hz is the declared phase error;
     * what the CT's lead does not account for is delay (its RC, the RC
     * mismatch, a shunt's L/R, which may be a lead: a negative delay). */
    double ct_lead_iref = imp->ct_d0_deg + imp->ct_d1_deg;
    imp->i_delay_s = imp->v_delay_s + (imp->i_phase_error_deg + ct_lead_iref) /
                                          (360.0 * AFE_MODEL_F_NOMINAL_HZ);
    imp->inl_k_v = random_sign(&s2) * uniform_in(&s2, AFE_MODEL_INL_K_MIN, AFE_MODEL_INL_K_MAX) +
                   uniform_in(&s2, AFE_MODEL_VCR_K_MIN, AFE_MODEL_VCR_K_MAX);
    imp->inl_k_i = random_sign(&s2) * uniform_in(&s2, AFE_MODEL_INL_K_MIN, AFE_MODEL_INL_K_MAX);
    double ref = AFE_MODEL_TCR_REF_PPM * uniform_pm1(&s2);
    double sensor = (is_ct ? AFE_MODEL_TCR_CT_PPM : AFE_MODEL_TCR_SHUNT_PPM) * uniform_pm1(&s2);
    imp->drift_i_ppm_k = sensor + AFE_MODEL_TCR_PGA_PPM * uniform_pm1(&s2) - ref;
    imp->drift_v_ppm_k = AFE_MODEL_TCR_DIVIDER_PPM * uniform_pm1(&s2) - ref;
    if (!is_ct) {
        imp->drift2_i_ppm_k2 = uniform_in(&s2, AFE_MODEL_TCR2_SHUNT_MIN_PPM, AFE_MODEL_TCR2_SHUNT_MAX_PPM);
    }
    double imax = is_ct ? AFE_MODEL_IMAX_CT_A : AFE_MODEL_IMAX_DIRECT_A;
    imp->heat_k_per_a2 =
        (is_ct ? AFE_MODEL_HEAT_K_AT_IMAX_CT : AFE_MODEL_HEAT_K_AT_IMAX_DIRECT) / (imax * imax);
    imp->xt_amps = is_ct ? uniform_in(&s2, AFE_MODEL_XT_CT_MIN_A, AFE_MODEL_XT_CT_MAX_A)
                         : uniform_in(&s2, AFE_MODEL_XT_DIRECT_MIN_A, AFE_MODEL_XT_DIRECT_MAX_A);
    imp->xt_lead_deg = 90.0 + AFE_MODEL_XT_ANGLE_SPREAD_DEG * uniform_pm1(&s2);

    afe->defect = (struct afe_defect_knobs){.i_gain_factor = 1.0, .v_gain_factor = 1.0};
    afe->v_volts_per_code = AFE_V_PEAK_AT_FULL_SCALE / (double)AFE_CODE_FULL_SCALE;
    afe->i_amps_per_code = (is_ct ? AFE_I_PEAK_AT_FULL_SCALE_CT : AFE_I_PEAK_AT_FULL_SCALE_DIRECT) /
                           (double)AFE_CODE_FULL_SCALE;
    double fs2 = (double)AFE_CODE_FULL_SCALE * (double)AFE_CODE_FULL_SCALE;
    afe->inl_v = imp->inl_k_v / fs2;
    afe->inl_i = imp->inl_k_i / fs2;
    afe->temp_c = AFE_MODEL_T_REF_C;
    afe->thermal_alpha =
        1.0 - exp(-(double)AFE_MODEL_THERMAL_STEP_SAMPLES * SAMPLE_PERIOD_S / AFE_MODEL_THERMAL_TAU_S);
    afe->thermal_countdown = AFE_MODEL_THERMAL_STEP_SAMPLES;
    afe->rot_c = 1.0;
    afe->rot_s = 0.0;
    struct sim_terminals idle = {.freq_hz = 50.0, .ambient_c = SIM_AMBIENT_DEFAULT_C};
    afe_model_set_terminals(afe, &idle);
    afe->has_terminals = false; /* the first real terminals set the temperature */
}

/* The current sensor's magnetising errors (CT models) at current i, freq f:
 * relative ratio error and lead in degrees. */
static void ct_errors(const struct afe_imperfections *imp, double i, double f, double *ratio,
                      double *lead_deg)
{
    double x = i / AFE_MODEL_IREF_A;
    if (x < CT_MIN_FRACTION) {
        x = CT_MIN_FRACTION;
    }
    double k = 1.0 / sqrt(x);
    double scale = AFE_MODEL_F_NOMINAL_HZ / f; /* magnetising current ~ flux ~ 1/f */
    *ratio = -(imp->ct_a0 + imp->ct_a1 * k) * scale;
    *lead_deg = (imp->ct_d0_deg + imp->ct_d1_deg * k) * scale;
}

/* Gains from the temperature (and the unstable_cal knob). */
static double drift_gain(double ppm_per_k, double temp_c)
{
    return 1.0 + ppm_per_k * PPM * (temp_c - AFE_MODEL_T_REF_C);
}

/* Everything per sample depends on, from terminals, temperature and knobs. */
static void derive(struct afe_model *afe)
{
    const struct afe_imperfections *imp = &afe->imp;
    const struct sim_terminals *t = &afe->term;
    const struct afe_defect_knobs *k = &afe->defect;
    double f = t->freq_hz > 0.0 ? t->freq_hz : AFE_MODEL_F_NOMINAL_HZ;
    double i_true = k->i_open ? 0.0 : t->i_rms;

    double gv = (1.0 + imp->v_gain_error) * drift_gain(imp->drift_v_ppm_k, afe->temp_c) *
                k->v_gain_factor / afe->v_volts_per_code;
    /* the ADC side of the current channel (also what the crosstalk sees) */
    double dt = afe->temp_c - AFE_MODEL_T_REF_C;
    double gi_adc = (1.0 + imp->i_gain_error) *
                    (drift_gain(imp->drift_i_ppm_k + k->i_drift_ppm_per_k_extra, afe->temp_c) +
                     imp->drift2_i_ppm_k2 * PPM * dt * dt) /
                    afe->i_amps_per_code;
    double gi = gi_adc * k->i_gain_factor;

    /* voltage fundamental: sin(theta - lag) */
    double v_amp = sqrt(2.0) * t->v_rms * gv * sinc3(f) * rc_gain(f, imp->v_delay_s);
    double v_lag = 2.0 * M_PI * f * imp->v_delay_s;
    afe->vs = v_amp * cos(v_lag);
    afe->vc = -v_amp * sin(v_lag);

    /* current fundamental: the load's lag, the channel's delay, the CT's lead */
    double ratio = 0.0, lead = 0.0;
    if (afe->is_ct) {
        ct_errors(imp, i_true, f, &ratio, &lead);
    }
    double i_amp = sqrt(2.0) * i_true * gi * (1.0 + ratio) * sinc3(f) * rc_gain(f, imp->i_rc_s);
    double i_lag = t->phase_deg * DEG + 2.0 * M_PI * f * imp->i_delay_s - lead * DEG;
    /* crosstalk: ~ V and f, leading the voltage */
    double xt = sqrt(2.0) * imp->xt_amps * (t->v_rms / AFE_MODEL_XT_V_REF) *
                (f / AFE_MODEL_F_NOMINAL_HZ) * gi_adc * sinc3(f);
    double xt_lead = imp->xt_lead_deg * DEG;
    afe->is = i_amp * cos(i_lag) + xt * cos(xt_lead);
    afe->ic = -i_amp * sin(i_lag) + xt * sin(xt_lead);

    /* harmonics, each at its own frequency through the same channel */
    afe->n_vt = afe->n_it = 0;
    for (unsigned h = 0; h < SIM_MAX_HARMONICS; h++) {
        const struct sim_harmonic *vh = &t->v_harm[h];
        if (vh->order >= 2) {
            double fh = vh->order * f;
            double a = sqrt(2.0) * t->v_rms * (vh->percent / 100.0) * gv * sinc3(fh) *
                       rc_gain(fh, imp->v_delay_s);
            afe->vt[afe->n_vt++] = (struct afe_tone){
                (double)vh->order, a, vh->phase_deg * DEG - 2.0 * M_PI * fh * imp->v_delay_s};
        }
        const struct sim_harmonic *ih = &t->i_harm[h];
        if (ih->order >= 2 && i_true > 0.0) {
            double fh = ih->order * f;
            double r = 0.0, l = 0.0;
            if (afe->is_ct) {
                ct_errors(imp, i_true, fh, &r, &l);
            }
            double a = sqrt(2.0) * i_true * (ih->percent / 100.0) * gi * (1.0 + r) * sinc3(fh) *
                       rc_gain(fh, imp->i_rc_s);
            /* the source's harmonic is referred to the current's own
             * fundamental: sin(order (theta - phase) + its phase) */
            double ph = ih->phase_deg * DEG - ih->order * t->phase_deg * DEG -
                        2.0 * M_PI * fh * imp->i_delay_s + l * DEG;
            afe->it[afe->n_it++] = (struct afe_tone){(double)ih->order, a, ph};
        }
    }
    /* INL and the divider's voltage coefficient, x (1 + k x^2): on a sine
     * of amplitude A the fundamental becomes A (1 + 3/4 k A^2) (and a 3rd
     * harmonic of k A^3 / 4, < 1e-5 of it, left out: a tone per sample for
     * nothing a meter could see) */
    double av2 = afe->vs * afe->vs + afe->vc * afe->vc;
    double ai2 = afe->is * afe->is + afe->ic * afe->ic;
    double bow_v = 1.0 + 0.75 * afe->inl_v * av2, bow_i = 1.0 + 0.75 * afe->inl_i * ai2;
    afe->vs *= bow_v;
    afe->vc *= bow_v;
    afe->is *= bow_i;
    afe->ic *= bow_i;
    afe->i_clip_codes = k->i_clip_amps_peak > 0.0 ? k->i_clip_amps_peak / afe->i_amps_per_code : 0.0;
    afe->derived_for = *k;
}

void afe_model_set_terminals(struct afe_model *afe, const struct sim_terminals *t)
{
    afe->term = *t;
    if (!afe->has_terminals) {
        /* the unit has been sitting at the bench's temperature */
        afe->temp_c = t->ambient_c;
        afe->has_terminals = true;
    }
    double f = t->freq_hz > 0.0 ? t->freq_hz : AFE_MODEL_F_NOMINAL_HZ;
    afe->theta_step = 2.0 * M_PI * f * SAMPLE_PERIOD_S;
    afe->step_c = cos(afe->theta_step);
    afe->step_s = sin(afe->theta_step);
    derive(afe);
}

/* One thermal step: towards ambient plus the self-heating of the current
 * flowing now. */
static void thermal_step(struct afe_model *afe)
{
    double i = afe->defect.i_open ? 0.0 : afe->term.i_rms;
    double target = afe->term.ambient_c + afe->imp.heat_k_per_a2 * i * i;
    afe->temp_c += (target - afe->temp_c) * afe->thermal_alpha;
    derive(afe);
}

static double tones(const struct afe_tone *t, unsigned n, double theta)
{
    double sum = 0.0;
    for (unsigned k = 0; k < n; k++) {
        sum += t[k].amp * sin(t[k].order * theta + t[k].phase);
    }
    return sum;
}

void afe_model_generate(struct afe_model *afe, int32_t *v, int32_t *i, size_t n)
{
    if (memcmp(&afe->defect, &afe->derived_for, sizeof(afe->defect)) != 0) {
        derive(afe);
    }
    const double noise = AFE_MODEL_NOISE_RMS_CODES;
    const double v_off = afe->imp.v_offset_codes, i_off = afe->imp.i_offset_codes;
    for (size_t k = 0; k < n; k++) {
        double s = afe->rot_s;
        double c = afe->rot_c;
        double v_x = afe->vs * s + afe->vc * c;
        double i_x = afe->is * s + afe->ic * c;
        if (afe->n_vt != 0u) {
            v_x += tones(afe->vt, afe->n_vt, afe->theta);
        }
        if (afe->n_it != 0u) {
            i_x += tones(afe->it, afe->n_it, afe->theta);
        }
        if (afe->i_clip_codes > 0.0) {
            i_x = i_x > afe->i_clip_codes ? afe->i_clip_codes
                  : i_x < -afe->i_clip_codes ? -afe->i_clip_codes
                                             : i_x;
        }
        struct noise_pair nz = noise_pair(&afe->rng);
        v[k] = to_code(v_x + v_off + noise * nz.v);
        i[k] = to_code(i_x + i_off + noise * nz.i);

        afe->rot_c = c * afe->step_c - s * afe->step_s;
        afe->rot_s = s * afe->step_c + c * afe->step_s;
        afe->theta += afe->theta_step;
        if (++afe->renorm_countdown >= RENORM_INTERVAL_SAMPLES) {
            afe->renorm_countdown = 0;
            afe->theta = fmod(afe->theta, 2.0 * M_PI);
            afe->rot_c = cos(afe->theta);
            afe->rot_s = sin(afe->theta);
        }
        if (--afe->thermal_countdown == 0u) {
            afe->thermal_countdown = AFE_MODEL_THERMAL_STEP_SAMPLES;
            thermal_step(afe);
        }
    }
}

void afe_model_current_response(const struct afe_model *afe, double *gain, double *lag_deg)
{
    const struct sim_terminals *t = &afe->term;
    /* the truth's phasor in the same (sin, cos) basis: I sqrt2 sin(theta - phi) */
    double amp = sqrt(2.0) * t->i_rms / afe->i_amps_per_code;
    double phi = t->phase_deg * DEG;
    double tr = amp * cos(phi), ti = -amp * sin(phi);
    /* measured / truth as complex numbers (re = sin coefficient, im = cos) */
    double mr = afe->is, mi = afe->ic;
    double d = tr * tr + ti * ti;
    if (d <= 0.0) {
        *gain = 0.0;
        *lag_deg = 0.0;
        return;
    }
    double rr = (mr * tr + mi * ti) / d, ri = (mi * tr - mr * ti) / d;
    *gain = sqrt(rr * rr + ri * ri);
    /* what the meter sees: relative to the voltage channel's own lag */
    double f = t->freq_hz > 0.0 ? t->freq_hz : AFE_MODEL_F_NOMINAL_HZ;
    *lag_deg = -atan2(ri, rr) / DEG - 360.0 * f * afe->imp.v_delay_s;
}

void afe_model_channel_gains(const struct afe_model *afe, double *codes_per_v,
                             double *codes_per_a)
{
    const struct afe_imperfections *imp = &afe->imp;
    const struct afe_defect_knobs *k = &afe->defect;
    double dt = afe->temp_c - AFE_MODEL_T_REF_C;
    *codes_per_v = (1.0 + imp->v_gain_error) * drift_gain(imp->drift_v_ppm_k, afe->temp_c) *
                   k->v_gain_factor / afe->v_volts_per_code;
    *codes_per_a = (1.0 + imp->i_gain_error) *
                   (drift_gain(imp->drift_i_ppm_k + k->i_drift_ppm_per_k_extra, afe->temp_c) +
                    imp->drift2_i_ppm_k2 * PPM * dt * dt) /
                   afe->i_amps_per_code * k->i_gain_factor;
}
