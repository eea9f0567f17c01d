/*
 * metrology.h — rms, power, PF, phase angle, frequency and THD from the
 * AFE's sample stream, with the unit's calibration applied.
 *
 * Per sample (bounded, integer, cheap — `make bench` metrology_instr_per_sample):
 *   - subtract the DC estimate of each channel;
 *   - phase correction: delay one channel by a fraction of a sample, by
 *     linear interpolation between this sample and the previous one (the
 *     voltage when the current must be advanced, the current otherwise);
 *     at 4000 Hz one sample is 4.5 deg at 50 Hz, and the map's +-3 deg is
 *     at most 0.74 sample at 45 Hz, so one neighbour is enough;
 *   - keep a short history of the corrected V for the quadrature voltage
 *     (delayed by a quarter of the measured period, also interpolated);
 *   - rotate a unit phasor at the measured mains frequency (Q30 integer
 *     complex multiply) for the fundamental's DFT bin;
 *   - accumulate in int64: v, i, v^2, i^2 (uncorrected channels, so rms and
 *     THD see every harmonic unattenuated), vd*id and vq*id (the
 *     phase-corrected channels, for P and Q), and v and i times the phasor;
 *   - watch V for positive-going zero crossings (hysteresis, minimum
 *     period, so noise and harmonics cannot double-count a cycle).
 *
 * Per window (an integer number of mains cycles, the first crossing at least
 * METRO_WINDOW_MIN_SAMPLES after the start: 10 cycles at 50 Hz, 12 at 60 Hz,
 * as IEC 61000-4-30 does): the window's ends are the interpolated crossing
 * instants, the boundary samples weighted by the fraction of them inside, so
 * the mean of a periodic quantity is exact to second order whatever the
 * frequency. DC is removed exactly over the window from the same sums.
 * Then Vrms, Irms, P, Q, S, PF, phase angle, f, THDV and THDI are published.
 *
 * Calibration (struct metrology_cal, from the factory block):
 *   - gains multiply V and I; they are applied to the window's sums, which
 *     is the same as applying them to every sample (every sum is linear in
 *     each channel) at no per-sample cost;
 *   - the phase correction is the per-sample fractional delay above. The
 *     fraction is solved exactly for the measured frequency (the phase of
 *     (1 - a) + a e^-jw is not exactly a w), and the interpolator's small
 *     attenuation of the fundamental (<= 0.07 %) is divided out of P and Q;
 *   - offsets are additive, in terminal units (V, A, W at the CT/VT
 *     secondary): V = gain V - v_offset, I = gain I - i_offset (each
 *     clamped at 0), P = P - p_offset. A unit that reads low at low current
 *     has a negative offset.
 *
 * THD (IEC 61000-4-7 "total harmonic distortion", relative to the
 * fundamental): the fundamental's DFT bin over the window's integer number
 * of cycles, then THD = sqrt(rms^2 - fund^2) / fund. Over whole cycles the
 * harmonics are orthogonal to the fundamental, so this counts every
 * harmonic up to Nyquist (the 40th at 50 Hz, 33rd at 60 Hz) and noise; the
 * DC is removed first. The window's fractional ends make the sums a
 * quadrature rule that is not exactly orthogonal (a ~1e-7 leak of the
 * fundamental into "the rest"); that leak is computed exactly from the
 * window's geometry at publish (no per-sample cost) and taken out, as is
 * the integer phasor's known growth over the window. What is left is the
 * phasor's rounding, a floor of ~0.015 % THD on a clean sine. Below METRO_THD_MIN_CODES of fundamental amplitude
 * (no current) THD reads 0.
 *
 * Reactive power uses the corrected voltage delayed by a quarter of the
 * measured period: Q = mean(v(t - T/4) i(t)), positive when the current
 * lags (inductive load, quadrants I and IV per IEC 62053-23). For a
 * distorted waveform this is the fundamental-dominated "quadrature"
 * reactive power, not sqrt(S^2 - P^2).
 *
 * Sign conventions (docs/metering.md): P > 0 import; Q > 0 current lagging;
 * PF = P / S carries the sign of P (IEC 62053-23 / EN 50470: quadrants I
 * and IV positive, II and III negative; lagging or leading is the sign of
 * Q and of the phase angle); phase angle = atan2(Q, P) in degrees,
 * -180..180, positive when the current lags.
 *
 * No load: when the current before its offset is below the no-load
 * threshold (the meter sets it to the anti-creep level), P, Q, S and THDI
 * are published as 0, PF as 1 and the angle as 0, so an offset cannot show
 * a power that is not there; I is still published.
 *
 * CT/VT (CT models, registers 824..830): the published V, I, P, Q, S are at
 * the primary (ratios applied); i_sense_a stays at the terminals (what the
 * starting current and anti-creep are defined on).
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
    float v_gain;       /* multiplies V (and P, Q) */
    float i_gain;       /* multiplies I (and P, Q) */
    float i_phase_deg;  /* degrees the current channel is advanced (its sensor's lag) */
    float v_rms_offset; /* V, subtracted from Vrms */
    float i_rms_offset; /* A, subtracted from Irms */
    float p_offset_w;   /* W, subtracted from P */
};

/* What one window measured, SI. V, I, P, Q, S at the primary on CT models. */
struct metrology_values {
    float v_rms;     /* V */
    float i_rms;     /* A */
    float p_w;       /* active power, W; negative when exporting */
    float q_var;     /* reactive power, var; positive when the current lags */
    float s_va;      /* apparent power Vrms * Irms, VA */
    float pf;        /* P / S, signed like P; 1 when S = 0 */
    float phase_deg; /* atan2(Q, P): current lags voltage by this angle */
    float freq_hz;   /* 0 without zero crossings */
    float thd_v_pct; /* THD of V, % of the fundamental */
    float thd_i_pct; /* THD of I, % of the fundamental; 0 at no load */
    float i_sense_a; /* I at the terminals, gain-corrected, before the offset */
    uint32_t window; /* number of windows published since init (0 = none yet) */
};

/* History of V for the quadrature delay; a power of two for cheap wrapping,
 * longer than a quarter period at 45 Hz (22.2 samples) plus one. */
#define METRO_VHIST_LEN 32u

/* Sums over the current window, in DC-corrected codes. int64: |code| < 2^24,
 * so a square is < 2^48 and a window of < 2^14 samples cannot overflow; the
 * DFT products are code x Q28 phasor < 2^51, and a window never exceeds
 * METRO_TIMEOUT_SAMPLES < 2^11 samples, so < 2^62. (Q28, not less: THD
 * takes rms^2 - fund^2, and a 1e-8 error in fund^2 is 0.01 % THD.) */
struct metrology_sums {
    int64_t v, i, vv, ii, vi, qi;
    int64_t vc, vs, ic, is; /* x the fundamental's phasor (Q28) */
};

/* Fractional corrections at a window's ends (boundary sample weights). */
struct metrology_adj {
    float v, i, vv, ii, vi, qi;
    float vc, vs, ic, is;
    float c2, s2; /* the phasor squared, for the window's own leakage (metrology.c) */
};

/* One sample as the sums see it. */
struct metrology_sample {
    int32_t v, i;   /* DC removed */
    int32_t vd, id; /* phase-corrected */
    int32_t vq;     /* quadrature voltage */
    int32_t c, s;   /* the fundamental's phasor, Q28 */
};

struct metrology {
    /* configuration */
    float v_per_code;     /* V per ADC code at unit gain */
    float i_per_code;     /* A per ADC code at unit gain */
    struct metrology_cal cal;
    float vt_ratio, ct_ratio; /* primary / secondary, 1 on direct models */
    float no_load_a;      /* terminal current below which there is no load */
    int32_t zc_hysteresis; /* codes */
    /* DC estimate in codes; integer so the per-sample subtraction is exact */
    int32_t v_dc, i_dc;
    /* phase correction: fraction (Q16) of the previous sample blended in */
    int32_t v_delay_q16, i_delay_q16;
    float phase_gain;     /* the interpolator's attenuation at the fundamental */
    /* quadrature voltage */
    int32_t vhist[METRO_VHIST_LEN];
    uint32_t vhist_pos;
    uint32_t q_delay;     /* whole samples of the quarter-period delay */
    int32_t q_frac_q16;   /* and its fraction, Q16 */
    float q_gain;         /* the quadrature interpolator's attenuation */
    float freq_model_hz;  /* the frequency the delays and phasor are set for */
    /* the fundamental's phasor, Q30, and its step per sample */
    int32_t ph_c, ph_s, step_c, step_s;
    /* zero-crossing tracking */
    bool armed;           /* V went below -hysteresis since the last crossing */
    bool synced;          /* a window is open, started at a crossing */
    struct metrology_sample prev;
    uint32_t since_cross; /* samples since the last accepted crossing */
    /* the open window */
    struct metrology_sums sums;
    struct metrology_adj adj;
    uint32_t n;           /* samples accumulated */
    float start_frac;     /* crossing position within the window's first sample interval */
    int32_t start_c, start_s; /* the phasor (Q28) at the window's first sample */
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
/* THD needs a fundamental: below this amplitude (1e-4 of full scale, 12.5 mA
 * on a direct model, 1 mA on a CT model) it reads 0. */
#define METRO_THD_MIN_CODES 839.0

struct metrology_cal metrology_cal_identity(void);

/* Start measuring; scales are V and A per code at unit gain (see afe.h). */
void metrology_init(struct metrology *m, float v_per_code, float i_per_code);

void metrology_set_calibration(struct metrology *m, const struct metrology_cal *cal);

/* CT and VT ratios (primary / secondary, > 0), applied to what is published. */
void metrology_set_ratios(struct metrology *m, float ct_ratio, float vt_ratio);

/* Terminal current (A) below which the load is taken as none (see above). */
void metrology_set_no_load(struct metrology *m, float amps);

/* One simultaneous pair of ADC codes. Returns true when this sample closed a
 * window and new values were published. */
bool metrology_on_sample(struct metrology *m, int32_t v_code, int32_t i_code);

/* The latest published values. */
const struct metrology_values *metrology_values(const struct metrology *m);

#endif /* MED2_METROLOGY_H */
