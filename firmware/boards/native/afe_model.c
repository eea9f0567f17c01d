/*
 * afe_model.c — ADC codes of one simulated unit; see afe_model.h.
 */
#include "afe_model.h"

#include <math.h>
#include <string.h>

#include "afe.h"

#define SAMPLE_PERIOD_S (1.0 / 4000.0)
/* The rotating phasor drifts by rounding; re-derive it from theta once per
 * simulated second so the drift never exceeds ~1e-13. */
#define RENORM_INTERVAL_SAMPLES 4000u

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

/* Approximately normal, unit variance: the sum of four uniforms is close
 * enough for ADC noise and far cheaper than Box-Muller per sample. */
static double noise_unit(uint64_t *state)
{
    uint64_t r = splitmix64(state);
    double sum = 0.0;
    for (int k = 0; k < 4; k++) {
        sum += (double)((r >> (16 * k)) & 0xFFFF) * (1.0 / 65536.0) - 0.5;
    }
    /* variance of one uniform(-0.5, 0.5) is 1/12; four of them: 1/3 */
    return sum * 1.7320508075688772;
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

void afe_model_init(struct afe_model *afe, uint32_t serial, bool is_ct)
{
    memset(afe, 0, sizeof(*afe));
    uint64_t seed = 0x4D454432ull ^ ((uint64_t)serial << 20) ^ serial; /* "MED2" */
    afe->imp.v_gain_error = AFE_MODEL_GAIN_SPREAD * uniform_pm1(&seed);
    afe->imp.i_gain_error = AFE_MODEL_GAIN_SPREAD * uniform_pm1(&seed);
    afe->imp.i_phase_error_deg = AFE_MODEL_PHASE_SPREAD_DEG * uniform_pm1(&seed);
    afe->imp.v_offset_codes = (int32_t)(AFE_MODEL_OFFSET_SPREAD_CODES * uniform_pm1(&seed));
    afe->imp.i_offset_codes = (int32_t)(AFE_MODEL_OFFSET_SPREAD_CODES * uniform_pm1(&seed));
    afe->rng = splitmix64(&seed);
    /* drawn from its own stream, so the older imperfections and the noise
     * of every serial stay what they were */
    uint64_t seed_lowi = seed ^ 0x4C4F5749ull; /* "LOWI" */
    double u = 0.5 * (uniform_pm1(&seed_lowi) + 1.0);
    double imin = is_ct ? AFE_MODEL_IMIN_CT_A : AFE_MODEL_IMIN_DIRECT_A;
    afe->imp.i_low_deficit_a =
        imin * (AFE_MODEL_LOWI_MIN_FRACTION + u * (AFE_MODEL_LOWI_MAX_FRACTION - AFE_MODEL_LOWI_MIN_FRACTION));

    afe->v_volts_per_code = AFE_V_PEAK_AT_FULL_SCALE / (double)AFE_CODE_FULL_SCALE;
    afe->i_amps_per_code = (is_ct ? AFE_I_PEAK_AT_FULL_SCALE_CT : AFE_I_PEAK_AT_FULL_SCALE_DIRECT) /
                           (double)AFE_CODE_FULL_SCALE;
    afe->rot_c = 1.0;
    afe->rot_s = 0.0;
    struct sim_terminals idle = {.freq_hz = 50.0};
    afe_model_set_terminals(afe, &idle);
}

void afe_model_set_terminals(struct afe_model *afe, const struct sim_terminals *t)
{
    const double deg = M_PI / 180.0;
    afe->term = *t;
    double f = t->freq_hz > 0.0 ? t->freq_hz : 50.0;
    afe->theta_step = 2.0 * M_PI * f * SAMPLE_PERIOD_S;
    afe->step_c = cos(afe->theta_step);
    afe->step_s = sin(afe->theta_step);
    afe->v_amp = sqrt(2.0) * t->v_rms * (1.0 + afe->imp.v_gain_error) / afe->v_volts_per_code;
    double i_seen = t->i_rms - afe->imp.i_low_deficit_a; /* low-current nonlinearity */
    afe->i_amp = sqrt(2.0) * (i_seen > 0.0 ? i_seen : 0.0) * (1.0 + afe->imp.i_gain_error) /
                 afe->i_amps_per_code;
    double lag = (t->phase_deg + afe->imp.i_phase_error_deg) * deg;
    afe->i_cos = cos(lag);
    afe->i_sin = sin(lag);
    afe->has_harmonics = false;
    for (unsigned k = 0; k < SIM_MAX_HARMONICS; k++) {
        if (t->v_harm[k].order >= 2 || t->i_harm[k].order >= 2) {
            afe->has_harmonics = true;
        }
    }
}

/* Harmonic content of one channel at fundamental angle theta, relative to
 * the fundamental's amplitude. The current's harmonics are referred to the
 * current's own (lagged) fundamental angle. */
static double harmonic_sum(const struct sim_harmonic *h, double theta)
{
    const double deg = M_PI / 180.0;
    double sum = 0.0;
    for (unsigned k = 0; k < SIM_MAX_HARMONICS; k++) {
        if (h[k].order >= 2) {
            sum += (h[k].percent / 100.0) * sin(h[k].order * theta + h[k].phase_deg * deg);
        }
    }
    return sum;
}

void afe_model_generate(struct afe_model *afe, int32_t *v, int32_t *i, size_t n)
{
    const double noise = AFE_MODEL_NOISE_RMS_CODES;
    const double lag = atan2(afe->i_sin, afe->i_cos);
    for (size_t k = 0; k < n; k++) {
        double s = afe->rot_s;
        double c = afe->rot_c;
        /* sin(theta - lag) = sin(theta) cos(lag) - cos(theta) sin(lag) */
        double v_x = afe->v_amp * s;
        double i_x = afe->i_amp * (s * afe->i_cos - c * afe->i_sin);
        if (afe->has_harmonics) {
            v_x += afe->v_amp * harmonic_sum(afe->term.v_harm, afe->theta);
            i_x += afe->i_amp * harmonic_sum(afe->term.i_harm, afe->theta - lag);
        }
        v[k] = to_code(v_x + afe->imp.v_offset_codes + noise * noise_unit(&afe->rng));
        i[k] = to_code(i_x + afe->imp.i_offset_codes + noise * noise_unit(&afe->rng));

        afe->rot_c = c * afe->step_c - s * afe->step_s;
        afe->rot_s = s * afe->step_c + c * afe->step_s;
        afe->theta += afe->theta_step;
        if (++afe->renorm_countdown >= RENORM_INTERVAL_SAMPLES) {
            afe->renorm_countdown = 0;
            afe->theta = fmod(afe->theta, 2.0 * M_PI);
            afe->rot_c = cos(afe->theta);
            afe->rot_s = sin(afe->theta);
        }
    }
}
