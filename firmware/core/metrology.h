/*
 * metrology.h — rms, power and frequency from the AFE's sample stream.
 *
 * Per sample (bounded, integer, cheap): subtract the DC estimate, keep a
 * short history of V for the quadrature (quarter-period delayed) voltage,
 * accumulate v, i, v^2, i^2, v*i and vq*i in int64, and watch V for
 * positive-going zero crossings (with hysteresis and a minimum period, so
 * noise and harmonics cannot double-count a cycle).
 *
 * Per window (an integer number of mains cycles, the first crossing at least
 * METRO_WINDOW_MIN_SAMPLES after the start: 10 cycles at 50 Hz, 12 at 60 Hz,
 * as IEC 61000-4-30 does): the window's ends are the interpolated crossing
 * instants, the boundary samples weighted by the fraction of them inside, so
 * the mean of a periodic quantity is exact to second order whatever the
 * frequency. DC is removed exactly over the window from the same sums.
 * Then Vrms, Irms, P, Q, S, PF and f are published in SI units.
 *
 * Reactive power uses the voltage delayed by a quarter of the measured
 * period (linear interpolation between samples): Q = mean(v(t - T/4) i(t)),
 * positive when the current lags (inductive load, quadrants I and IV per IEC
 * 62053-23 sign convention). For a distorted waveform this is the
 * fundamental-dominated "quadrature" reactive power, not sqrt(S^2 - P^2).
 *
 * Without zero crossings (no voltage) for METRO_TIMEOUT_SAMPLES everything
 * is published as zero, and the DC estimate keeps tracking.
 */
#ifndef MED2_METROLOGY_H
#define MED2_METROLOGY_H

#include <stdbool.h>
#include <stdint.h>

/* Calibration coefficients; metrology_cal_identity() is "uncalibrated". */
struct metrology_cal {
    float v_gain;        /* multiplies Vrms (and P, Q) */
    float i_gain;        /* multiplies Irms (and P, Q) */
    float i_phase_deg;   /* extra lag of the current channel to take out */
    float v_rms_offset;  /* V, removed in quadrature (noise floor adds in quadrature) */
    float i_rms_offset;  /* A, removed in quadrature */
    float p_offset_w;    /* W, subtracted from P */
};

/* What one window measured. All SI, at the terminals (CT secondary). */
struct metrology_values {
    float v_rms;     /* V */
    float i_rms;     /* A */
    float p_w;       /* active power, W; negative when exporting */
    float q_var;     /* reactive power, var; positive when the current lags */
    float s_va;      /* apparent power Vrms * Irms, VA */
    float pf;        /* P / S, signed like P; 1 when S = 0 */
    float freq_hz;   /* 0 without zero crossings */
    uint32_t window; /* number of windows published since init (0 = none yet) */
};

/* History of V for the quadrature delay; a power of two for cheap wrapping,
 * longer than a quarter period at 45 Hz (22.2 samples) plus one. */
#define METRO_VHIST_LEN 32u

/* Sums over the current window, in DC-corrected codes. int64: |code| < 2^24,
 * so a square is < 2^48 and a window of < 2^14 samples cannot overflow. */
struct metrology_sums {
    int64_t v, i, vv, ii, vi, qi;
};

/* Fractional corrections at a window's ends (boundary sample weights). */
struct metrology_adj {
    float v, i, vv, ii, vi, qi;
};

struct metrology {
    /* configuration */
    float v_per_code;     /* V per ADC code at unit gain */
    float i_per_code;     /* A per ADC code at unit gain */
    struct metrology_cal cal;
    float cal_cos, cal_sin; /* of cal.i_phase_deg */
    int32_t zc_hysteresis; /* codes */
    /* DC estimate in codes; integer so the per-sample subtraction is exact */
    int32_t v_dc, i_dc;
    /* quadrature voltage */
    int32_t vhist[METRO_VHIST_LEN];
    uint32_t vhist_pos;
    uint32_t q_delay;       /* whole samples of the quarter-period delay */
    int32_t q_frac_q16;     /* and its fraction, Q16 */
    /* zero-crossing tracking */
    bool armed;             /* V went below -hysteresis since the last crossing */
    bool synced;            /* a window is open, started at a crossing */
    int32_t v_prev, i_prev, vq_prev;
    uint32_t since_cross;   /* samples since the last accepted crossing */
    /* the open window */
    struct metrology_sums sums;
    struct metrology_adj adj;
    uint32_t n;             /* samples accumulated */
    float start_frac;       /* crossing position within the window's first sample interval */
    uint32_t cycles;
    /* output */
    struct metrology_values values;
};

/* Window length: the first crossing at least this many samples (195 ms) after
 * the start closes the window: 10 cycles at 50 Hz, 12 at 60, 9 at 45, 13 at 65. */
#define METRO_WINDOW_MIN_SAMPLES 780u
/* No window closed for this long (500 ms): no usable voltage, publish zeros. */
#define METRO_TIMEOUT_SAMPLES 2000u
/* Crossings closer than this are noise or harmonics: 1/75 Hz, above the
 * manual's 45-65 Hz range (Section 6) with margin. */
#define METRO_MIN_PERIOD_SAMPLES 53u
/* Hysteresis of the zero-crossing detector, volts at the terminals: far above
 * the AFE noise (tens of codes, ~mV), far below the 100-240 V range. */
#define METRO_ZC_HYSTERESIS_V 2.0f

struct metrology_cal metrology_cal_identity(void);

/* Start measuring; scales are V and A per code at unit gain (see afe.h). */
void metrology_init(struct metrology *m, float v_per_code, float i_per_code);

void metrology_set_calibration(struct metrology *m, const struct metrology_cal *cal);

/* One simultaneous pair of ADC codes. Returns true when this sample closed a
 * window and new values were published. */
bool metrology_on_sample(struct metrology *m, int32_t v_code, int32_t i_code);

/* The latest published values. */
const struct metrology_values *metrology_values(const struct metrology *m);

#endif /* MED2_METROLOGY_H */
