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
 *   - current dependence (a CT's magnetising current makes its ratio error
 *     and phase lead grow towards low current): below the reference current
 *     METRO_SLOPE_REF_A, with L = log10(I / METRO_SLOPE_REF_A) (I the
 *     terminal current after gain and offset; L clamped to
 *     -METRO_SLOPE_MAX_DECADES..0), I, P and Q are multiplied by
 *     (1 + i_gain_slope L) and the current is advanced by a further
 *     i_phase_slope_deg L degrees — a rotation of (P, Q) at publish,
 *     exact for the fundamental and applied to the window it was measured
 *     on. Above Iref both are 0 (the sensor is flat there). Per window:
 *     one log10f and a sin/cos pair.
 *
 * THD (IEC 61000-4-7 "total harmonic distortion", relative to the
 * fundamental): the harmonic components of orders 2..40 below Nyquist
 * (39 at 50 Hz, 33 at 60 Hz), each the DFT bin at exactly h times
 * the measured frequency over the window's whole samples, as IEC 61000-4-7
 * takes them over its 10/12-cycle window — so noise and interharmonics
 * between the bins do not count (a difference of rms and fundamental would
 * count them all: ~3 % THDI from the AFE's noise alone at the starting
 * current). Bounded work per sample: the fundamental found in the previous
 * window is subtracted (2 multiply-adds per channel, so its leakage over a
 * window that is not exactly whole cycles does not reach the bins), then
 * METRO_THD_ORDERS_PER_WINDOW Goertzel resonators per channel (1 multiply,
 * 2 adds each) cover this window's share of the orders, in one window out
 * of METRO_THD_WINDOW_STRIDE; the orders rotate over those windows (all 39
 * in 25 windows, 5 s at 50 Hz), each
 * kept relative to the fundamental of the window that measured it. A window whose fundamental
 * (frequency, or power by more than METRO_THD_STEADY_REL and its noise's
 * scatter) differs from the previous one's is not used — its subtraction would leak — and its block
 * is measured again in the next; so THD settles within ~5 s of a change,
 * and the first windows after power-up read 0. At publish the noise each
 * bin holds (2 / N of the power left outside fundamental and harmonics) is
 * taken out, and, on an AFE whose decimation filter is known
 * (metrology_set_afe_sinc3), that filter's droop at each order. Cost on the
 * Cortex-M4F: at most 2 x (2 + 3 x 8) = 52 single-precision FPU operations
 * per sample (in a THD window; none in the others), ~60 cycles: 240 000
 * cycles/s, 0.4 % of a 64 MHz core, a fifth of that on average; plus ~40
 * operations per order at publish. RAM: 2 x 8 x 2 resonator states and
 * 2 x 39 stored orders, 376 bytes. Below METRO_THD_MIN_CODES of
 * fundamental amplitude (no current) THD reads 0.
 *
 * Reactive power uses the corrected voltage delayed by a quarter of the
 * measured period: Q = mean(v(t - T/4) i(t)), positive when the current
 * lags the voltage by 0..180 degrees (quadrants I and II of IEC 62053-23),
 * negative in III and IV. For a
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
    float i_gain_slope;      /* relative gain change per decade of current below Iref */
    float i_phase_slope_deg; /* degrees the current is advanced per decade below Iref */
};

/* The reference current of the slopes: Iref of both connections (manual §6),
 * at the terminals (CT secondary). */
#define METRO_SLOPE_REF_A 5.0f
/* The slopes stop below 3 decades under Iref (5 mA): the starting current
 * of the CT models is 10 mA; nothing below is calibrated. */
#define METRO_SLOPE_MAX_DECADES 3.0f

/* THD: orders measured in one window per channel (see above). */
#define METRO_THD_ORDERS_PER_WINDOW 8u
/* One window in this many runs the resonators: all 39 orders in 25
 * windows, 5 s at 50 Hz (IEC 61000-4-30 aggregates over 150 cycles, 3 s),
 * at a fifth of the average cost. */
#define METRO_THD_WINDOW_STRIDE 5u
#define METRO_THD_FIRST_ORDER 2u
#define METRO_THD_LAST_ORDER 40u
#define METRO_THD_ORDER_COUNT (METRO_THD_LAST_ORDER - METRO_THD_FIRST_ORDER + 1u)
/* A window is steady when its frequency is within this of the frequency
 * its resonators ran at and its fundamental power within this fraction of
 * the previous window's: a 1e-3 relative change of the subtracted
 * fundamental leaks ~1e-6 of it into the bins, 0.01 % THD. */
#define METRO_THD_STEADY_HZ 0.02f
#define METRO_THD_STEADY_REL 2e-3

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
    /* THD (see above): the fundamental of the previous window per channel,
     * as a x c + b x s of the Q28 phasor; this window's orders and their
     * Goertzel coefficients and states; every order's share, relative to
     * its window's fundamental power */
    bool afe_sinc3;       /* divide out a sinc3 decimation filter's droop */
    float fv_a, fv_b, fi_a, fi_b;
    bool thd_fit_ok;      /* that fundamental is this window's too (steady signal) */
    double fund_v_prev, fund_i_prev; /* the previous window's fundamental power */
    uint32_t thd_first;   /* first order of this (or the next THD) window's block */
    bool thd_active;      /* this window runs the resonators */
    uint32_t thd_skip;    /* windows left before the next THD window */
    bool thd_complete;    /* every order measured at least once */
    uint32_t thd_k;       /* orders in this window's block (below Nyquist) */
    float g_coef[METRO_THD_ORDERS_PER_WINDOW];
    float gv1[METRO_THD_ORDERS_PER_WINDOW], gv2[METRO_THD_ORDERS_PER_WINDOW];
    float gi1[METRO_THD_ORDERS_PER_WINDOW], gi2[METRO_THD_ORDERS_PER_WINDOW];
    float harm_v[METRO_THD_ORDER_COUNT], harm_i[METRO_THD_ORDER_COUNT];
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

/* The AFE's decimation filter is a sinc3 at HAL_SAMPLE_RATE_HZ (afe.h: the
 * ADS131M02-like converter): THD divides its droop out of every order. Off
 * after metrology_init (an ideal converter). */
void metrology_set_afe_sinc3(struct metrology *m, bool on);

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
