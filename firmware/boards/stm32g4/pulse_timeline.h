/*
 * pulse_timeline.h — the pulse outputs' edges, played on the sample they
 * belong to.
 *
 * The core places each edge on a sample (hal_pulse_write's sample_time)
 * but runs a block of samples after they were taken; driving the pin when
 * the core says so would put the edge up to a block late, by an amount
 * that varies with where in the block it fell, and the bench times the
 * gap between edges. So the board plays every edge a fixed delay after its
 * sample instead: the AFE's data-ready interrupt, which counts samples,
 * takes the edges due at each sample from this timeline. A constant delay
 * leaves the spacing of the edges exact to the sample (250 us).
 *
 * A ring of slots, one per sample, each the set of edges due then; the
 * delay must exceed the time from a sample to the core's handling of its
 * block, and the ring must be longer than the delay.
 */
#ifndef PULSE_TIMELINE_H
#define PULSE_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#define PULSE_TIMELINE_SLOTS 256u
#define PULSE_TIMELINE_OUTPUTS 2u

/* Edge bits of a slot: output o (1 or 2) on, off. */
#define PULSE_EDGE_ON(o) ((uint8_t)(1u << (2u * ((o) - 1u))))
#define PULSE_EDGE_OFF(o) ((uint8_t)(2u << (2u * ((o) - 1u))))

struct pulse_timeline {
    uint8_t slot[PULSE_TIMELINE_SLOTS];
    uint32_t delay; /* samples between an edge's sample and its playing */
};

/* delay < PULSE_TIMELINE_SLOTS. */
void pulse_timeline_init(struct pulse_timeline *tl, uint32_t delay);

/* Schedule output `output` (1 or 2) to go active / inactive when sample
 * `sample` + delay is played; `next` is the next sample to be played.
 * Returns false when that moment has passed (the core fell behind by more
 * than the delay): the caller drives the pin now instead. A later edge for
 * the same output and slot replaces an earlier one. */
bool pulse_timeline_schedule(struct pulse_timeline *tl, unsigned output, bool active,
                             uint64_t sample, uint64_t next);

/* The edges due when `sample` is played, taken out of the ring. */
uint8_t pulse_timeline_take(struct pulse_timeline *tl, uint64_t sample);

/* Forget every edge not yet played. */
void pulse_timeline_clear(struct pulse_timeline *tl);

#endif /* PULSE_TIMELINE_H */
