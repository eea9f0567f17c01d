/*
 * afe_sampler.h — the AFE's samples, in blocks for the core.
 *
 * The ADS131M02 (SPI1) pulls /DRDY low 4000 times a second; the EXTI
 * interrupt reads that sample's frame at once (highest priority: the
 * next one is 250 us away), counts it, plays the pulse edges due at it
 * (pulse_out.c) and files it into one of two blocks. A full block goes to
 * the main loop, which hands it to meter_on_samples while the other fills.
 * A frame that fails its CRC repeats the previous sample, so the count,
 * which is the meter's time base, stays right; a block the main loop has
 * not taken back in time is dropped and counted, and the next block says
 * by its first sample where it belongs.
 */
#ifndef AFE_SAMPLER_H
#define AFE_SAMPLER_H

#include <stdint.h>

#include "ads131m02.h"

/* One mains cycle at 50 Hz: the core's per-block cost stays small, and the
 * pulse edges' delay (two blocks, pulse_out.c) stays 40 ms. */
#define AFE_BLOCK_SAMPLES 80u

struct afe_block {
    uint64_t first_sample; /* its first sample's number since the AFE started */
    int32_t v[AFE_BLOCK_SAMPLES];
    int32_t i[AFE_BLOCK_SAMPLES];
};

/* Start (or restart) the AFE with cfg and take samples from then on:
 * ADS131M02_OK or the driver's error (then nothing is sampled). */
int afe_sampler_start(const struct ads131m02_config *cfg);

/* A full block, oldest first, or NULL; hand it back with afe_sampler_release. */
const struct afe_block *afe_sampler_take(void);
void afe_sampler_release(const struct afe_block *b);

/* Samples taken since the start: the number of the next one. */
uint64_t afe_sampler_count(void);

/* Blocks dropped because the main loop was late; frames that failed their CRC. */
uint32_t afe_sampler_dropped_blocks(void);
uint32_t afe_sampler_crc_errors(void);

#endif /* AFE_SAMPLER_H */
