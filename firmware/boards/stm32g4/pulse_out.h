/*
 * pulse_out.h — the opto-coupled pulse outputs (hal_pulse_write), each
 * edge played PULSE_OUT_DELAY_SAMPLES after the sample the core placed it
 * on (pulse_timeline.h says why), from the AFE's sample interrupt.
 */
#ifndef PULSE_OUT_H
#define PULSE_OUT_H

#include <stdint.h>

#include "afe_sampler.h"

/* Two blocks: the core has a whole block's time to handle a block. */
#define PULSE_OUT_DELAY_SAMPLES (2u * AFE_BLOCK_SAMPLES)

void pulse_out_init(void);

/* The core's sample_time n is AFE sample n + offset (set before each
 * block, and at each meter_init). */
void pulse_out_set_offset(uint64_t offset);

/* Play the edges due at AFE sample n (the sample interrupt). */
void pulse_out_play(uint64_t n);

/* Both outputs off now, and nothing pending (power fail, restart). */
void pulse_out_all_off(void);

/* Edges the core was too late for, driven when asked instead. */
uint32_t pulse_out_late_edges(void);

#endif /* PULSE_OUT_H */
