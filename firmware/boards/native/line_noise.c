/*
 * line_noise.c — bit errors on the RS485 line; see line_noise.h.
 */
#include "line_noise.h"

#define PPB 1000000000ull

void line_noise_set(struct line_noise *ln, uint32_t ppb)
{
    ln->ppb = ppb;
    ln->state = 0x6a09e667f3bcc909ull ^ ppb;
}

static uint64_t next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void line_noise_apply(struct line_noise *ln, uint8_t *buf, size_t n)
{
    if (ln->ppb == 0u) {
        return;
    }
    for (size_t k = 0; k < n; k++) {
        for (unsigned b = 0; b < 8u; b++) {
            if (next(&ln->state) % PPB < ln->ppb) {
                buf[k] ^= (uint8_t)(1u << b);
            }
        }
    }
}
