/*
 * line_noise.h — noise on the simulated unit's RS485 line: every bit the
 * unit receives or sends is flipped with a set probability (a bit error
 * rate), as interference near a line does (benchd's NOISE, SIM_MSG_NOISE).
 * The flips come from a generator seeded by the rate alone, so a replay
 * that sends the same bytes sees the same errors.
 */
#ifndef NATIVE_LINE_NOISE_H
#define NATIVE_LINE_NOISE_H

#include <stddef.h>
#include <stdint.h>

struct line_noise {
    uint32_t ppb;   /* bit error rate, parts per billion; 0 = a clean line */
    uint64_t state; /* the generator */
};

/* A bit error rate of ppb / 1e9 from now on (0: none). */
void line_noise_set(struct line_noise *ln, uint32_t ppb);

/* Flip the bits of buf[0..n) that the noise hits. */
void line_noise_apply(struct line_noise *ln, uint8_t *buf, size_t n);

#endif
