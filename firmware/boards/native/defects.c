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

bool defects_time_varying(const struct defects *df)
{
    return df->d.kind == SIM_DEFECT_INTERMITTENT_CONTACT;
}

void defects_knobs(const struct defects *df, struct afe_defect_knobs *k)
{
    *k = (struct afe_defect_knobs){.i_gain_factor = 1.0, .v_gain_factor = 1.0};
    switch (df->d.kind) {
    case SIM_DEFECT_WRONG_SHUNT:
        k->i_gain_factor = df->d.param;
        break;
    case SIM_DEFECT_BROKEN_DIVIDER:
        k->v_gain_factor = df->d.param;
        break;
    case SIM_DEFECT_REVERSED_POLARITY:
        k->i_gain_factor = -1.0; /* the whole current waveform, harmonics too */
        break;
    case SIM_DEFECT_INTERMITTENT_CONTACT:
        k->i_open = df->open;
        break;
    case SIM_DEFECT_AFE_SATURATION:
        k->i_clip_amps_peak =
            sqrt(2.0) * (df->is_ct ? df->d.param / DEFECTS_CT_CLIP_DIVISOR : df->d.param);
        break;
    case SIM_DEFECT_UNSTABLE_CAL:
        /* on the AFE's own internal temperature (ambient and self-heating) */
        k->i_drift_ppm_per_k_extra = df->d.param;
        break;
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
    return max;
}

uint64_t defects_rtc_ns(const struct defects *df, uint64_t t_ns)
{
    if (df->d.kind != SIM_DEFECT_RTC_DRIFT) {
        return t_ns;
    }
    /* |PPM| <= 1e5 (defect_spec.c), so the count never runs backwards */
    return (uint64_t)((int64_t)t_ns + (int64_t)llround((double)t_ns * df->d.param * 1e-6));
}

void defects_generate(struct defects *df, struct afe_model *afe, uint64_t first, int32_t *v,
                      int32_t *i, size_t n)
{
    if (!defects_time_varying(df)) {
        afe_model_generate(afe, v, i, n);
        return;
    }
    for (size_t done = 0; done < n;) {
        size_t run = defects_step(df, first + done, n - done);
        defects_knobs(df, &afe->defect);
        afe_model_generate(afe, v + done, i + done, run);
        done += run;
    }
}
