/*
 * defects.c — a simulated unit's factory defect; see defects.h.
 */
#include "defects.h"

#include <math.h>
#include <string.h>

#include "afe.h"
#include "hal.h"

#define DEG_PER_HALF_TURN 180.0

/* splitmix64: the same generator the AFE model uses for its imperfections,
 * with its own seed, so the defect never disturbs the unit's noise. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double uniform01(uint64_t *state)
{
    return (double)(next_random(state) >> 11) * (1.0 / 9007199254740992.0);
}

static uint64_t seconds_to_samples(double s)
{
    double n = nearbyint(s * (double)HAL_SAMPLE_RATE_HZ);
    return n < 1.0 ? 1u : (uint64_t)n;
}

/* intermittent_contact: the closed time that follows a burst of `burst`
 * samples, so that every burst-and-gap cycle is open exactly DUTY of its
 * time and the fraction over any stretch of a few cycles is DUTY. The
 * randomness is in the bursts' lengths, hence also in when they come. */
static uint64_t gap_after(const struct defects *df, uint64_t burst)
{
    double duty = df->d.param;
    return seconds_to_samples((double)burst / HAL_SAMPLE_RATE_HZ * (1.0 - duty) / duty);
}

void defects_init(struct defects *df, const struct sim_defect *d, uint32_t serial, bool is_ct)
{
    memset(df, 0, sizeof(*df));
    df->d = *d;
    df->is_ct = is_ct;
    df->applied.freq_hz = 50.0;
    df->applied.ambient_c = SIM_AMBIENT_DEFAULT_C;
    df->rng = 0x44454654ull ^ ((uint64_t)serial << 24) ^ serial; /* "DEFT" */
    if (d->kind == SIM_DEFECT_INTERMITTENT_CONTACT) {
        /* The schedule starts at virtual time 0 with a closed stretch of
         * random length, so units do not all open together. */
        double mean_burst_s = 0.5 * (DEFECTS_BURST_MIN_S + DEFECTS_BURST_MAX_S);
        uint64_t mean_gap = gap_after(df, seconds_to_samples(mean_burst_s));
        df->seg_end = 1u + (uint64_t)(uniform01(&df->rng) * (double)mean_gap);
        df->open = false;
    }
}

bool defects_analog(const struct defects *df)
{
    switch (df->d.kind) {
    case SIM_DEFECT_WRONG_SHUNT:
    case SIM_DEFECT_REVERSED_POLARITY:
    case SIM_DEFECT_BROKEN_DIVIDER:
    case SIM_DEFECT_INTERMITTENT_CONTACT:
    case SIM_DEFECT_AFE_SATURATION:
    case SIM_DEFECT_UNSTABLE_CAL:
        return true;
    default:
        return false;
    }
}

bool defects_time_varying(const struct defects *df)
{
    return df->d.kind == SIM_DEFECT_INTERMITTENT_CONTACT || df->d.kind == SIM_DEFECT_UNSTABLE_CAL;
}

static double imax_a(const struct defects *df)
{
    return df->is_ct ? DEFECTS_IMAX_CT_A : DEFECTS_IMAX_DIRECT_A;
}

void defects_terminals(const struct defects *df, struct sim_terminals *out)
{
    *out = df->applied;
    switch (df->d.kind) {
    case SIM_DEFECT_WRONG_SHUNT:
        out->i_rms *= df->d.param;
        break;
    case SIM_DEFECT_BROKEN_DIVIDER:
        out->v_rms *= df->d.param;
        break;
    case SIM_DEFECT_REVERSED_POLARITY:
        /* -i(t): half a turn on the fundamental; a harmonic of order n is
         * referred to the (now turned) fundamental, which moved it by n half
         * turns, so it needs n + 1 more to come out inverted too. */
        out->phase_deg += DEG_PER_HALF_TURN;
        for (unsigned k = 0; k < SIM_MAX_HARMONICS; k++) {
            struct sim_harmonic *h = &out->i_harm[k];
            if (h->order >= 2) {
                h->phase_deg = (float)fmod(h->phase_deg + (h->order + 1.0) * DEG_PER_HALF_TURN,
                                           2.0 * DEG_PER_HALF_TURN);
            }
        }
        break;
    case SIM_DEFECT_INTERMITTENT_CONTACT:
        if (df->open) {
            out->i_rms = 0.0;
        }
        break;
    case SIM_DEFECT_UNSTABLE_CAL: {
        double inside_c = df->applied.ambient_c + df->rise_k;
        out->i_rms *= 1.0 + df->d.param * 1e-6 * (inside_c - DEFECTS_REFERENCE_C);
        break;
    }
    default:
        break;
    }
}

size_t defects_step(struct defects *df, uint64_t sample, size_t max)
{
    if (df->d.kind == SIM_DEFECT_INTERMITTENT_CONTACT) {
        while (sample >= df->seg_end) {
            df->open = !df->open;
            if (df->open) {
                double s = DEFECTS_BURST_MIN_S +
                           uniform01(&df->rng) * (DEFECTS_BURST_MAX_S - DEFECTS_BURST_MIN_S);
                df->burst = seconds_to_samples(s);
                df->seg_end += df->burst;
            } else {
                df->seg_end += gap_after(df, df->burst);
            }
        }
        uint64_t left = df->seg_end - sample;
        return left < max ? (size_t)left : max;
    }
    if (df->d.kind == SIM_DEFECT_UNSTABLE_CAL) {
        if (!df->heat_started) {
            df->heat_started = true;
            df->heat_sample = sample;
        }
        double dt = (double)(sample - df->heat_sample) / HAL_SAMPLE_RATE_HZ;
        double ratio = df->applied.i_rms / imax_a(df);
        double target = DEFECTS_SELF_HEAT_K_AT_IMAX * ratio * ratio;
        df->rise_k += (target - df->rise_k) * -expm1(-dt / DEFECTS_SELF_HEAT_TAU_S);
        df->heat_sample = sample;
    }
    return max;
}

void defects_codes(const struct defects *df, int32_t *v, int32_t *i, size_t n)
{
    (void)v;
    if (df->d.kind != SIM_DEFECT_AFE_SATURATION) {
        return;
    }
    double amps = df->is_ct ? df->d.param / DEFECTS_CT_CLIP_DIVISOR : df->d.param;
    double fs_amps = df->is_ct ? AFE_I_PEAK_AT_FULL_SCALE_CT : AFE_I_PEAK_AT_FULL_SCALE_DIRECT;
    double lim = nearbyint(sqrt(2.0) * amps / fs_amps * AFE_CODE_FULL_SCALE);
    int32_t limit = lim >= AFE_CODE_FULL_SCALE ? AFE_CODE_FULL_SCALE : (int32_t)lim;
    for (size_t k = 0; k < n; k++) {
        if (i[k] > limit) {
            i[k] = limit;
        } else if (i[k] < -limit) {
            i[k] = -limit;
        }
    }
}

uint64_t defects_rtc_ns(const struct defects *df, uint64_t t_ns)
{
    if (df->d.kind != SIM_DEFECT_RTC_DRIFT) {
        return t_ns;
    }
    /* |PPM| <= 1e5 (defect_spec.c), so the count never runs backwards */
    return (uint64_t)((int64_t)t_ns + (int64_t)llround((double)t_ns * df->d.param * 1e-6));
}
