/*
 * sine.h — a tiny AFE stand-in for unit tests: sine V and I as ADC codes at
 * the nominal scales of afe.h, optional DC offsets and noise. Deliberately
 * independent of boards/native, so the core is tested against its own
 * reference, computed in double.
 */
#ifndef MED2_TEST_SINE_H
#define MED2_TEST_SINE_H

#include <stddef.h>
#include <stdint.h>

#ifndef M_PI /* not in strict C11 */
#define M_PI 3.14159265358979323846
#endif

#define SINE_MAX_HARMONICS 4u

struct sine_harmonic {
    unsigned order;   /* 2.., 0 = unused */
    double percent;   /* of the fundamental's amplitude */
    double phase_deg; /* relative to the channel's fundamental */
};

struct sine_gen {
    double v_rms, i_rms, phase_deg, freq_hz; /* current lags voltage by phase_deg */
    double v_per_code, i_per_code;
    int32_t v_offset, i_offset;              /* codes */
    double noise_codes;                      /* rms, uniform */
    uint64_t n;                              /* next sample index */
    double start_phase_rad;                  /* voltage angle at sample 0 */
    uint64_t rng;
    struct sine_harmonic v_harm[SINE_MAX_HARMONICS], i_harm[SINE_MAX_HARMONICS];
};

/* Direct-connected (80 A) scales, no offsets, no noise, angle 0.3 rad. */
void sine_init(struct sine_gen *g, double v_rms, double i_rms, double phase_deg, double freq_hz);

void sine_fill(struct sine_gen *g, int32_t *v, int32_t *i, size_t n);

#endif /* MED2_TEST_SINE_H */
