/*
 * debounce.h — the display's buttons, debounced: a button's state counts
 * as changed once its contact has read the same for DEBOUNCE_MS
 * consecutive 1 ms samples (a tactile switch bounces for a few ms; a press
 * by a hand lasts 50 ms and more).
 *
 * Up to 8 buttons, one bit each, 1 = pressed. Host-testable: the board
 * samples the pins every SysTick.
 */
#ifndef DEBOUNCE_H
#define DEBOUNCE_H

#include <stdint.h>

#define DEBOUNCE_MS 20u

struct debounce {
    uint8_t stable;      /* the debounced state */
    uint8_t count[8];    /* ms the raw bit has differed from stable */
};

/* One 1 ms sample of the raw contacts; returns the bits whose debounced
 * state changed with it (read the new state in d->stable). */
uint8_t debounce_sample(struct debounce *d, uint8_t raw);

#endif /* DEBOUNCE_H */
