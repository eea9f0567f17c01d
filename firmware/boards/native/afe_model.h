/*
 * afe_model.h — the simulated analog front-end of one physical unit.
 *
 * Turns the terminal conditions the bench applies into the ADC codes a
 * 2-channel 24-bit sigma-delta AFE (ADS131M02-like) would deliver, with this
 * unit's own imperfections: channel gain errors, current-sensor phase error,
 * DC offsets, quantisation and noise. The imperfections are derived from the
 * serial number, so the same unit is the same on every run and calibration
 * has something real and repeatable to correct. The firmware never sees
 * them; only a self-test of the simulator may read them.
 */
#ifndef NATIVE_AFE_MODEL_H
#define NATIVE_AFE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_wire.h"

/* Bounds of the spread, declared for the simulated units (README, "The simulated bench"). */
#define AFE_MODEL_GAIN_SPREAD 0.05        /* +-5 % per channel */
#define AFE_MODEL_PHASE_SPREAD_DEG 1.0    /* +-1 degree, current sensor */
#define AFE_MODEL_OFFSET_SPREAD_CODES 3000 /* +-0.036 % of full scale */
#define AFE_MODEL_NOISE_RMS_CODES 40.0    /* white noise on each channel */
/* Low-current nonlinearity of the current sensor (a CT's magnetising
 * current, a shunt amplifier's crossover): the current channel's rms reads
 * low by a constant deficit, 0.1..0.3 % of Imin per unit — 0.1..0.3 % low at
 * Imin, 0.005..0.015 % at Iref, a few % at Ist, nothing below the deficit
 * (a dead band). Calibrating the gain at Iref leaves it; the low-current
 * offset point of the EOL calibration corrects it. */
#define AFE_MODEL_LOWI_MIN_FRACTION 0.001
#define AFE_MODEL_LOWI_MAX_FRACTION 0.003
#define AFE_MODEL_IMIN_DIRECT_A 0.25 /* manual §6 */
#define AFE_MODEL_IMIN_CT_A 0.05

struct afe_imperfections {
    double v_gain_error; /* relative: reading = truth * (1 + error) */
    double i_gain_error;
    double i_phase_error_deg; /* extra lag of the current channel */
    int32_t v_offset_codes;
    int32_t i_offset_codes;
    double i_low_deficit_a; /* rms amps the current channel loses (low-current nonlinearity) */
};

struct afe_model {
    struct afe_imperfections imp;
    double v_volts_per_code;
    double i_amps_per_code;
    /* terminal conditions */
    struct sim_terminals term;
    bool has_harmonics;
    /* fundamental as a rotating phasor: (cos, sin) of the voltage angle */
    double rot_c, rot_s, step_c, step_s;
    double theta; /* same angle, kept for harmonics and renormalisation */
    double theta_step;
    double v_amp, i_amp, i_cos, i_sin; /* precomputed for the current state */
    uint32_t renorm_countdown;
    uint64_t rng;
};

/* Set up the model of the unit with this serial number. `is_ct` selects the
 * current channel's full scale (CT secondary vs direct 80 A). */
void afe_model_init(struct afe_model *afe, uint32_t serial, bool is_ct);

/* New terminal conditions from the next sample on; the phase of the mains
 * continues, as it does when a source changes its settings. */
void afe_model_set_terminals(struct afe_model *afe, const struct sim_terminals *t);

/* Produce the next n samples of both channels. */
void afe_model_generate(struct afe_model *afe, int32_t *v, int32_t *i, size_t n);

#endif /* NATIVE_AFE_MODEL_H */
