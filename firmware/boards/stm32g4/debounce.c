/*
 * debounce.c — per-button counters; see debounce.h.
 */
#include "debounce.h"

uint8_t debounce_sample(struct debounce *d, uint8_t raw)
{
    uint8_t changed = 0;
    for (unsigned b = 0; b < 8u; b++) {
        uint8_t bit = (uint8_t)(1u << b);
        if ((raw ^ d->stable) & bit) {
            if (++d->count[b] >= DEBOUNCE_MS) {
                d->stable ^= bit;
                d->count[b] = 0;
                changed |= bit;
            }
        } else {
            d->count[b] = 0; /* a bounce back: start timing again */
        }
    }
    return changed;
}
