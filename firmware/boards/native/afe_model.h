/*
 * afe_model.h — the simulated analog front-end of one physical unit.
 *
 * Turns the terminal conditions the bench applies into the ADC codes a
 * 2-channel 24-bit sigma-delta AFE (ADS131M02-like) would deliver, with this
 * unit's own imperfections — the ones a simple gain/phase/offset calibration
 * cannot fully take out, as on real hardware:
 *
 *   - channel gain errors (+-5 %) and the current channel's phase at Iref,
 *     50 Hz (+-1 degree), DC offsets, white noise, quantisation;
 *   - the current sensor's dependence on current:
 *       CT models (x/5 A): the meter's internal CT, whose magnetising
 *       current makes a ratio error (reads low) and a phase lead that both
 *       grow towards low current, ~ (I/Iref)^-1/2, at the level of an
 *       IEC 61869-2 class 0.2S CT (its limits: 0.75 % / 30 min at 1 % In,
 *       0.35 % / 15 min at 5 %, 0.2 % / 10 min from 20 % to 120 %);
 *       direct models (80 A): a manganin shunt and the AFE's PGA, linear
 *       but for self-heating (below);
 *   - ADC integral non-linearity (a cubic bow of a few ppm of full scale)
 *     and the voltage divider's voltage coefficient (its gain grows with the
 *     instantaneous voltage): a gain that depends on the amplitude;
 *   - frequency response of each channel: the sinc3 decimation filter of the
 *     AFE (both channels alike), the anti-alias RC of each channel, the
 *     current sensor's own response (a shunt's L/R and the RC mismatch act
 *     as a time delay; a CT's magnetising errors scale with 1/f), applied
 *     to the fundamental and to every harmonic at its own frequency — so a
 *     unit calibrated at 50 Hz shows a residual at 45/55 Hz and harmonics;
 *   - temperature: the unit's internal temperature near the current sensor
 *     follows ambient (sim_terminals.ambient_c) plus self-heating ~ I^2
 *     with a thermal time constant, advanced with the samples; each
 *     channel's gain drifts in ppm/K from 23 degC (shunt or CT TCR, divider
 *     tracking, the AFE's reference and PGA drift);
 *   - V-to-I crosstalk: a few mA (direct) of current, almost in quadrature
 *     with the voltage, read with voltage and no current — below the
 *     anti-creep threshold, so no energy counts.
 *
 * Everything is deterministic from the serial number: the same unit is the
 * same on every run. The firmware never sees these values; only a self-test
 * of the simulator may read them.
 *
 * Sources of the magnitudes (each constant below names its own):
 *   [ADS] TI ADS131M02 data sheet, SBAS853A (2021), 6.5 Electrical
 *         Characteristics and 8.3.7 Digital Filter (sinc3, 4 kSPS at
 *         fCLKIN 8.192 MHz, OSR 1024); reference drift and gain drift as
 *         typical values there; INL: TI E2E "ADS131M04: Max INL estimation"
 *         (6 ppm FSR typical for the ADS131M0x family).
 *   [CT]  IEC 61869-2 accuracy classes 0.2S/0.5S, table as reproduced at
 *         dowei-electric.com/technical/113.html; meter CT style of Shah
 *         Electronics SET2106 (1:2500, burden 125 ohm).
 *   [SH]  Isabellenhuette BVR manganin shunt data sheet
 *         (isabellenhuetteusa.com/wp-content/uploads/2020/05/BVR.pdf):
 *         TCR of tens of ppm/K, a few nH of inductance.
 *   [RC]  anti-alias 1 kOhm / 15 nF of the ADS131M0x metering reference
 *         designs: 15 us, C0G +-5 %.
 * What was not read from a table but chosen within these: the exact
 * per-unit spreads, the thermal resistance and time constant (a DIN-rail
 * meter's shunt node), and the crosstalk (a few mA at no load, the level
 * the anti-creep threshold of EN 50470-3 meters is set above).
 */
#ifndef NATIVE_AFE_MODEL_H
#define NATIVE_AFE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_wire.h"

/* Bounds of the spread, declared for the simulated units (README, "The simulated bench"). */
#define AFE_MODEL_GAIN_SPREAD 0.05        /* +-5 % per channel, at Iref, 50 Hz, 23 degC */
#define AFE_MODEL_PHASE_SPREAD_DEG 1.0    /* +-1 degree, current channel at Iref, 50 Hz */
#define AFE_MODEL_OFFSET_SPREAD_CODES 3000 /* +-0.036 % of full scale */
#define AFE_MODEL_NOISE_RMS_CODES 40.0    /* white noise on each channel */

#define AFE_MODEL_IREF_A 5.0      /* manual §6, both connections */
#define AFE_MODEL_IMAX_DIRECT_A 80.0
#define AFE_MODEL_IMAX_CT_A 6.0
#define AFE_MODEL_F_NOMINAL_HZ 50.0
#define AFE_MODEL_T_REF_C 23.0    /* EN 50470-3 reference temperature: drifts count from here */

/* CT models: the internal CT's magnetising errors at 50 Hz, as
 *   ratio error = -(a0 + a1 (I/Iref)^-1/2),  phase lead = d0 + d1 (I/Iref)^-1/2,
 * both x 50 Hz / f. Per unit, uniform in the ranges below: at Iref -0.03..-0.15 %
 * and 2..8 min; at 1 % of Iref -0.13..-0.45 % and 7..23 min — about half of
 * [CT]'s class 0.2S limits at each current, the level a meter's own CT is
 * bought at. */
#define AFE_MODEL_CT_A0_MIN 0.0002
#define AFE_MODEL_CT_A0_MAX 0.0012
#define AFE_MODEL_CT_A1_MIN 0.0001
#define AFE_MODEL_CT_A1_MAX 0.0003
#define AFE_MODEL_CT_D0_MIN_DEG (1.5 / 60.0)
#define AFE_MODEL_CT_D0_MAX_DEG (6.5 / 60.0)
#define AFE_MODEL_CT_D1_MIN_DEG (0.5 / 60.0)
#define AFE_MODEL_CT_D1_MAX_DEG (1.5 / 60.0)

/* ADC integral non-linearity, a cubic bow y = x (1 + k (x/FS)^2): its
 * deviation from the best straight line is k/4 of full scale, so
 * 1.5..6 ppm FSR [ADS] is k = 6e-6..24e-6 (sign either way). */
#define AFE_MODEL_INL_K_MIN 6e-6
#define AFE_MODEL_INL_K_MAX 24e-6
/* The voltage divider's voltage coefficient: high-value thick-film
 * resistors lose resistance with field (-1..-5 ppm/V of the voltage across
 * each), so the divider's ratio grows with the instantaneous voltage: +40 to
 * +200 ppm at the 325 V peak of 230 V, as the same cubic (k at full scale
 * = that / 0.65^2). */
#define AFE_MODEL_VCR_K_MIN 1.0e-4
#define AFE_MODEL_VCR_K_MAX 4.7e-4

/* Frequency response. [ADS] sinc3 at OSR 1024: |sin(pi f/fd)/(pi f/fd)|^3
 * with fd the 4 kSPS data rate (-0.08 % at 50 Hz, -1.9 % at 250 Hz), the
 * same on both channels. [RC] 15 us +-5 % per channel. */
#define AFE_MODEL_DATA_RATE_HZ 4000.0
#define AFE_MODEL_RC_TAU_S 15e-6
#define AFE_MODEL_RC_TAU_SPREAD 0.05

/* Temperature. Per channel gain drift from 23 degC, ppm/K, uniform +-:
 * [SH] manganin shunt (direct) 15 ppm/K; the CT's burden resistor and
 * winding (CT models) 10 ppm/K; the divider's tracking 10 ppm/K; [ADS]
 * the internal reference, common to both channels (codes scale by 1/Vref),
 * 8 ppm/K, and the PGA's gain drift 1 ppm/K. The current channel of a good
 * unit so stays within 24 ppm/K (the defect classes' line between good and unstable_cal: <= 25 ppm/K, defect_spec.h). */
#define AFE_MODEL_TCR_SHUNT_PPM 15.0
/* Manganin's R(T) is a parabola with its top near room temperature: a
 * second-order coefficient of about -0.3..-0.6 ppm/K^2 [SH] (the "TCR" of
 * a data sheet is the chord over 20..60 degC), so a shunt 30 K above
 * 23 degC reads 0.03..0.05 % lower on top of its linear drift. */
#define AFE_MODEL_TCR2_SHUNT_MIN_PPM -0.6
#define AFE_MODEL_TCR2_SHUNT_MAX_PPM -0.3
#define AFE_MODEL_TCR_CT_PPM 10.0
#define AFE_MODEL_TCR_DIVIDER_PPM 10.0
#define AFE_MODEL_TCR_REF_PPM 8.0
#define AFE_MODEL_TCR_PGA_PPM 1.0
/* Self-heating near the current sensor: first order, 30 K at 80 A in a
 * direct unit (a ~125 uOhm shunt dissipates 0.8 W there, with the terminals'
 * contact heat), 3 K at 6 A in a CT unit; time constant 90 s (the shunt
 * and the PCB under it, not the whole enclosure). */
#define AFE_MODEL_HEAT_K_AT_IMAX_DIRECT 30.0
#define AFE_MODEL_HEAT_K_AT_IMAX_CT 3.0
#define AFE_MODEL_THERMAL_TAU_S 90.0
/* The temperature state advances every second of samples (gains re-derived
 * then): 1/90 of the time constant, cheap per sample. */
#define AFE_MODEL_THERMAL_STEP_SAMPLES 4000u

/* V-to-I crosstalk at 230 V, 50 Hz (capacitive: grows with V and f), amps
 * read on the current channel: direct 0.5..1.5 mA, CT 0.05..0.15 mA
 * (secondary), leading the voltage by 90 +-3 degrees. Below the anti-creep
 * thresholds (0.4 Ist: 8 mA direct, 4 mA CT; energy.h). Almost all of it
 * is reactive: at 0.05 Iref sin 1 (IEC 62053-23) it reads up to 0.6 % low,
 * a quarter of class 2; its in-phase part is up to 0.05 % of active power
 * at a direct unit's Imin. */
#define AFE_MODEL_XT_DIRECT_MIN_A 0.5e-3
#define AFE_MODEL_XT_DIRECT_MAX_A 1.5e-3
#define AFE_MODEL_XT_CT_MIN_A 0.05e-3
#define AFE_MODEL_XT_CT_MAX_A 0.15e-3
#define AFE_MODEL_XT_ANGLE_SPREAD_DEG 3.0
#define AFE_MODEL_XT_V_REF 230.0

/*
 * Defect knobs: what a bench file's `defect =` does to this unit's hardware
 * (the defect classes of defect_spec.h). boards/native sets them after
 * afe_model_init, at any time; the generator honours a change from its next
 * call of afe_model_generate on. Defaults (afe_model_init): no effect.
 */
struct afe_defect_knobs {
    double i_gain_factor;    /* current channel gain x this: wrong_shunt (FACTOR),
                                reversed_polarity (-1); 1 = none */
    double v_gain_factor;    /* voltage channel gain x this: broken_divider (FACTOR); 1 = none */
    double i_clip_amps_peak; /* afe_saturation: the current channel's codes limited to those of
                                this many amps (instantaneous, nominal scale); 0 = none */
    bool i_open;             /* intermittent_contact: the current connection is open right now
                                (no current, no self-heating; crosstalk stays) */
    double i_drift_ppm_per_k_extra; /* unstable_cal: added to the current channel's gain
                                       drift, per K of internal temperature above 23 degC */
};

struct afe_imperfections {
    double v_gain_error; /* relative, at Iref, 50 Hz, 23 degC: reading = truth * (1 + error) */
    double i_gain_error;
    double i_phase_error_deg; /* extra lag of the current channel at Iref, 50 Hz */
    int32_t v_offset_codes;
    int32_t i_offset_codes;
    /* current sensor vs current (CT models; 0 on direct ones) */
    double ct_a0, ct_a1;         /* ratio error -(a0 + a1 (I/Iref)^-1/2) at 50 Hz */
    double ct_d0_deg, ct_d1_deg; /* phase lead d0 + d1 (I/Iref)^-1/2 at 50 Hz */
    /* the lag at Iref, 50 Hz not due to the CT's magnetising current is a
     * time delay (shunt L/R, anti-alias RC mismatch): lag = 360 f delay */
    double i_delay_s, v_delay_s;
    double i_rc_s;               /* the current channel's anti-alias RC (its gain roll-off); the
                                    voltage channel's is v_delay_s */
    double inl_k_v, inl_k_i;     /* cubic bows, incl. the divider's voltage coefficient on V */
    double drift_v_ppm_k, drift_i_ppm_k; /* gain drift per K from 23 degC */
    double drift2_i_ppm_k2;      /* the shunt's second-order drift per K^2 (direct models) */
    double heat_k_per_a2;        /* steady self-heating, K per A^2 */
    double xt_amps;              /* crosstalk at 230 V, 50 Hz */
    double xt_lead_deg;          /* its lead on the voltage */
};

#define AFE_MODEL_MAX_TONES SIM_MAX_HARMONICS

/* One harmonic of one channel, as the channel delivers it (codes). */
struct afe_tone {
    double order, amp, phase; /* amp sin(order theta + phase) */
};

struct afe_model {
    struct afe_imperfections imp;
    struct afe_defect_knobs defect; /* set by the board; see above */
    bool is_ct;
    double v_volts_per_code;
    double i_amps_per_code;
    /* terminal conditions */
    struct sim_terminals term;
    bool has_terminals;
    /* temperature near the current sensor, degC */
    double temp_c;
    uint32_t thermal_countdown;
    double thermal_alpha; /* 1 - exp(-step / tau) */
    /* fundamental as a rotating phasor: (cos, sin) of the voltage angle */
    double rot_c, rot_s, step_c, step_s;
    double theta; /* same angle, kept for harmonics and renormalisation */
    double theta_step;
    /* per sample: v = vs sin + vc cos (+ tones) */
    double vs, vc, is, ic;
    double inl_v, inl_i;  /* bow coefficients per code^2 (applied in the amplitudes) */
    double i_clip_codes;  /* 0 = none */
    unsigned n_vt, n_it;
    struct afe_tone vt[AFE_MODEL_MAX_TONES], it[AFE_MODEL_MAX_TONES];
    struct afe_defect_knobs derived_for; /* the knobs the coefficients were derived with */
    uint32_t renorm_countdown;
    uint64_t rng;
};

/* Set up the model of the unit with this serial number. `is_ct` selects the
 * current channel's full scale (CT secondary vs direct 80 A) and its sensor. */
void afe_model_init(struct afe_model *afe, uint32_t serial, bool is_ct);

/* New terminal conditions from the next sample on; the phase of the mains
 * continues, as it does when a source changes its settings. */
void afe_model_set_terminals(struct afe_model *afe, const struct sim_terminals *t);

/* Produce the next n samples of both channels. */
void afe_model_generate(struct afe_model *afe, int32_t *v, int32_t *i, size_t n);

/* For self-tests: the current channel's response at the fundamental at the
 * present terminal conditions and temperature (crosstalk included, the
 * per-sample bow not): gain relative to the truth, and its extra lag in
 * degrees relative to the voltage channel's (what the meter sees). */
void afe_model_current_response(const struct afe_model *afe, double *gain, double *lag_deg);

/* For a recorded waveform (afe_waveform.c): codes per volt and per amp of
 * the two channels at the present temperature and defect knobs (no
 * frequency response, no CT error). */
void afe_model_channel_gains(const struct afe_model *afe, double *codes_per_v,
                             double *codes_per_a);

#endif /* NATIVE_AFE_MODEL_H */
