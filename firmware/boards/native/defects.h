/*
 * defects.h — the factory defect of one simulated unit as
 * the board applies it.
 *
 * The analog defects act inside the unit, on its AFE model's defect knobs
 * (afe_model.h), so they see the same physics as a good unit (the same
 * self-heating, crosstalk, filters):
 *     wrong_shunt        current channel gain x FACTOR
 *     broken_divider     voltage channel gain x FACTOR
 *     reversed_polarity  current channel gain x -1 (the whole waveform)
 *     intermittent_contact  the current connection open during the bursts
 *     afe_saturation     current codes clipped at those of sqrt(2) x AMPS
 *     unstable_cal       the current gain drifts PPM_PER_K more per K of the
 *                        AFE's internal temperature (ambient + self-heating)
 *
 * The digital ones are checks in the board's HAL (main.c): pulse output 1,
 * the UART transmitter, NV writes and the RTC's rate.
 *
 * A unit without a defect (SIM_DEFECT_NONE) keeps the knobs' defaults, which
 * change nothing.
 */
#ifndef NATIVE_DEFECTS_H
#define NATIVE_DEFECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "afe_model.h"
#include "defect_spec.h"
#include "sim_wire.h"

/* intermittent_contact's bursts (defect_spec.h) */
#define DEFECTS_BURST_MIN_S 0.020
#define DEFECTS_BURST_MAX_S 0.200
/* afe_saturation on CT models: the clip is AMPS / 16 on the secondary
 * (defect_spec.h: default 40 A -> 2.5 A). */
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
};

/* Set up the unit's defect (kind SIM_DEFECT_NONE: none). */
void defects_init(struct defects *df, const struct sim_defect *d, uint32_t serial, bool is_ct);

static inline bool defects_is(const struct defects *df, enum sim_defect_kind k)
{
    return df->d.kind == k;
}

/* The defect's effect varies in time, so the board generates samples in
 * pieces and sets the AFE's knobs again between them (defects_step). */
bool defects_time_varying(const struct defects *df);

/* What the defect does to the unit's AFE now: its knobs (afe_model.h). */
void defects_knobs(const struct defects *df, struct afe_defect_knobs *k);

/*
 * defects_step — before generating samples from absolute sample index
 * `sample` (at most `max` of them): bring the defect's state up to that
 * sample; returns how many samples (1..max) keep the same state.
 */
size_t defects_step(struct defects *df, uint64_t sample, size_t max);

/*
 * defects_generate — the next n samples of the unit's AFE, the first at
 * absolute sample index `first`. A defect that varies in time (an
 * intermittent contact) gets them in pieces of one state, its knobs set
 * again between them; the AFE's mains phase and noise run on across them.
 */
void defects_generate(struct defects *df, struct afe_model *afe, uint64_t first, int32_t *v,
                      int32_t *i, size_t n);

/* Does the core's edge on pulse output `output` reach the wire?
 * dead_pulse1 never conducts, pulse1_stuck_on conducts from power-up on
 * whatever the core asks (the board sends that one edge itself). */
static inline bool defects_passes_edge(const struct defects *df, unsigned output)
{
    return output != 1u || !(defects_is(df, SIM_DEFECT_DEAD_PULSE1) ||
                             defects_is(df, SIM_DEFECT_PULSE1_STUCK_ON));
}

/* The RTC oscillator's count at virtual time t_ns, in ns (rtc_drift: fast
 * by PPM; the sampling clock is another oscillator and keeps virtual time). */
uint64_t defects_rtc_ns(const struct defects *df, uint64_t t_ns);

#endif /* NATIVE_DEFECTS_H */
