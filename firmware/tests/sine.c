/*
 * sine.c — test signal generator; see sine.h.
 */
#include "sine.h"

#include <math.h>

#include "afe.h"
#include "hal.h"

void sine_init(struct sine_gen *g, double v_rms, double i_rms, double phase_deg, double freq_hz)
{
    *g = (struct sine_gen){
        .v_rms = v_rms, .i_rms = i_rms, .phase_deg = phase_deg, .freq_hz = freq_hz,
        .v_per_code = AFE_V_PEAK_AT_FULL_SCALE / (double)AFE_CODE_FULL_SCALE,
        .i_per_code = AFE_I_PEAK_AT_FULL_SCALE_DIRECT / (double)AFE_CODE_FULL_SCALE,
        .start_phase_rad = 0.3, .rng = 0x2545F4914F6CDD1Dull,
    };
}

static double uniform_pm_half(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0 - 0.5;
}

static double harmonics(const struct sine_harmonic *h, double th)
{
    double sum = 0.0;
    for (unsigned k = 0; k < SINE_MAX_HARMONICS; k++) {
        if (h[k].order >= 2u) {
            sum += h[k].percent / 100.0 * sin(h[k].order * th + h[k].phase_deg * M_PI / 180.0);
        }
    }
    return sum;
}

void sine_fill(struct sine_gen *g, int32_t *v, int32_t *i, size_t n)
{
    const double two_pi = 6.283185307179586;
    const double phi = g->phase_deg * two_pi / 360.0;
    /* uniform on [-0.5, 0.5) has rms 1/sqrt(12) */
    const double noise_scale = g->noise_codes * sqrt(12.0);
    for (size_t k = 0; k < n; k++, g->n++) {
        double th = g->start_phase_rad + two_pi * g->freq_hz * (double)g->n / HAL_SAMPLE_RATE_HZ;
        double vv = sqrt(2.0) * g->v_rms * (sin(th) + harmonics(g->v_harm, th)) / g->v_per_code;
        double ii = sqrt(2.0) * g->i_rms * (sin(th - phi) + harmonics(g->i_harm, th - phi)) / g->i_per_code;
        vv += g->v_offset + noise_scale * uniform_pm_half(&g->rng);
        ii += g->i_offset + noise_scale * uniform_pm_half(&g->rng);
        v[k] = (int32_t)lrint(vv);
        i[k] = (int32_t)lrint(ii);
    }
}
