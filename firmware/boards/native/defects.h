/*
 * defects.h — the factory defect of one simulated unit (issue 11, C1), as
 * the board applies it.
 *
 * The analog defects are transformations the board controls, on both sides
 * of the AFE model, so they do not depend on its internals:
 *   before afe_model_set_terminals (what the AFE is given to measure):
 *     wrong_shunt        current x FACTOR
 *     broken_divider     voltage x FACTOR
 *     reversed_polarity  current waveform inverted (fundamental and harmonics)
 *     intermittent_contact  current 0 during the bursts (the AFE then gives
 *                        its offset and noise, as an open input does)
 *     unstable_cal       current x (1 + PPM_PER_K e-6 x (T_internal - 23 degC))
 *   after afe_model_generate (what the ADC delivers):
 *     afe_saturation     current codes clipped at those of sqrt(2) x AMPS
 * When the AFE model grows its defect knobs (gain factors, clip, open
 * input, extra drift) these move onto them; the symptoms stay the same.
 *
 * The digital ones are checks in the board's HAL (main.c): pulse output 1,
 * the UART transmitter, NV writes and the RTC's rate.
 *
 * A unit without a defect (SIM_DEFECT_NONE) takes none of these paths: the
 * board calls the AFE exactly as it did before defects existed, so its
 * samples, edges and energy are bit for bit what they were.
 */
#ifndef NATIVE_DEFECTS_H
#define NATIVE_DEFECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defect_spec.h"
#include "sim_wire.h"

/* Self-heating of the unit, for unstable_cal until the AFE model has its
 * own (realism work, contract C3): a first-order thermal model. The unit's
 * inside rises above ambient by SELF_HEAT_K_AT_IMAX x (I / Imax)^2 (the
 * heat is I^2 R in the shunt or CT burden and the terminals) with time
 * constant SELF_HEAT_TAU_S. Assumed values, of the order a DIN-rail meter
 * of this size shows (a 1-module polycarbonate case, shunt ~0.1 mOhm plus
 * terminal contacts, a few watts at 80 A): not measured on a MED2. */
#define DEFECTS_SELF_HEAT_K_AT_IMAX 20.0
#define DEFECTS_SELF_HEAT_TAU_S 900.0
#define DEFECTS_IMAX_DIRECT_A 80.0 /* manual, product table: 80 A direct */
#define DEFECTS_IMAX_CT_A 6.0      /* manual, product table: x/5 A CT, 6 A max */
#define DEFECTS_REFERENCE_C 23.0   /* EN 50470-3 reference temperature (contract C1) */
/* intermittent_contact's bursts (contract C1) */
#define DEFECTS_BURST_MIN_S 0.020
#define DEFECTS_BURST_MAX_S 0.200
/* afe_saturation on CT models: the clip is AMPS / 16 on the secondary
 * (contract C1: default 40 A -> 2.5 A). */
#define DEFECTS_CT_CLIP_DIVISOR 16.0

struct defects {
    struct sim_defect d;
    bool is_ct;
    /* intermittent_contact: the current segment of the burst schedule, in
     * absolute sample indices (virtual time / 250 us) */
    uint64_t rng;
    uint64_t seg_end;
    uint64_t burst; /* length of the last burst */
    bool open;
    /* unstable_cal: the inside's rise above ambient, and when it was last
     * brought up to date */
    double rise_k;
    uint64_t heat_sample;
    bool heat_started;
    /* the terminal conditions benchd applies (the truth at the terminals) */
    struct sim_terminals applied;
};

/* Set up the unit's defect (kind SIM_DEFECT_NONE: none). */
void defects_init(struct defects *df, const struct sim_defect *d, uint32_t serial, bool is_ct);

static inline bool defects_is(const struct defects *df, enum sim_defect_kind k)
{
    return df->d.kind == k;
}

/* The defect changes what the AFE sees or delivers. */
bool defects_analog(const struct defects *df);

/* The defect's effect varies in time, so the board generates samples in
 * pieces and re-applies the terminals between them (defects_step). */
bool defects_time_varying(const struct defects *df);

/* The terminal conditions the AFE is to be given, from those benchd applies
 * (kept in df->applied, set by the caller) and the defect's state now. */
void defects_terminals(const struct defects *df, struct sim_terminals *out);

/*
 * defects_step — before generating samples from absolute sample index
 * `sample` (at most `max` of them): bring the defect's state up to that
 * sample; returns how many samples (1..max) keep the same conditions.
 */
size_t defects_step(struct defects *df, uint64_t sample, size_t max);

/* After afe_model_generate: what the ADC delivers instead (clipping). */
void defects_codes(const struct defects *df, int32_t *v, int32_t *i, size_t n);

/* The RTC oscillator's count at virtual time t_ns, in ns (rtc_drift: fast
 * by PPM; the sampling clock is another oscillator and keeps virtual time). */
uint64_t defects_rtc_ns(const struct defects *df, uint64_t t_ns);

#endif /* NATIVE_DEFECTS_H */
