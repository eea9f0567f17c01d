/*
 * test_pulse_timeline.c — the pulse edges' timeline (boards/stm32g4/
 * pulse_timeline.c): with the core handling each block of samples late by
 * a varying amount, every edge is played exactly `delay` samples after
 * its own sample, none is lost or repeated; an edge whose moment has
 * passed is handed back; a later edge in a slot replaces the earlier.
 */
#include <criterion/criterion.h>

#include "pulse_timeline.h"

#define BLOCK 80u
#define DELAY (2u * BLOCK)

struct played {
    uint64_t sample;
    uint8_t edges;
};

Test(pulse_timeline, edges_keep_their_spacing_whatever_the_core_lag)
{
    static struct pulse_timeline tl;
    pulse_timeline_init(&tl, DELAY);
    static struct played log[4096];
    unsigned logged = 0, scheduled = 0;
    uint64_t played = 0; /* the ISR has played samples < played: the next is `played` */
    for (uint64_t block = 0; block < 100u; block++) {
        /* the core gets block b after the ISR has taken its last sample and
         * a lag that varies from block to block, up to most of a block */
        uint64_t ready_at = (block + 1u) * BLOCK + (block * 37u) % (BLOCK - 5u);
        for (; played < ready_at; played++) {
            uint8_t e = pulse_timeline_take(&tl, played);
            if (e) {
                log[logged++] = (struct played){played, e};
            }
        }
        /* a 2-sample pulse on output 1 every 7 samples, output 2 every 13 */
        for (uint64_t s = block * BLOCK; s < (block + 1u) * BLOCK; s++) {
            if (s % 7u == 0u || s % 7u == 2u) {
                cr_assert(pulse_timeline_schedule(&tl, 1, s % 7u == 0u, s, played));
                scheduled++;
            }
            if (s % 13u == 5u) {
                cr_assert(pulse_timeline_schedule(&tl, 2, true, s, played));
                scheduled++;
            }
        }
    }
    for (uint64_t end = played + DELAY + BLOCK; played < end; played++) {
        uint8_t e = pulse_timeline_take(&tl, played);
        if (e) {
            log[logged++] = (struct played){played, e};
        }
    }
    unsigned edges = 0;
    for (unsigned k = 0; k < logged; k++) {
        uint64_t s = log[k].sample - DELAY; /* the sample the edges belong to */
        uint8_t want = 0;
        if (s % 7u == 0u) {
            want |= PULSE_EDGE_ON(1);
        }
        if (s % 7u == 2u) {
            want |= PULSE_EDGE_OFF(1);
        }
        if (s % 13u == 5u) {
            want |= PULSE_EDGE_ON(2);
        }
        cr_assert_eq(log[k].edges, want, "played at %lu", (unsigned long)log[k].sample);
        edges += (unsigned)__builtin_popcount(log[k].edges);
    }
    cr_assert_eq(edges, scheduled, "every edge played once");
}

Test(pulse_timeline, an_edge_whose_moment_has_passed_is_handed_back)
{
    static struct pulse_timeline tl;
    pulse_timeline_init(&tl, DELAY);
    cr_assert_not(pulse_timeline_schedule(&tl, 1, true, 1000, 1000 + DELAY + 1u), "played already");
    cr_assert(pulse_timeline_schedule(&tl, 1, true, 1000, 1000 + DELAY), "played next");
    cr_assert_not(pulse_timeline_schedule(&tl, 3, true, 1000, 1000), "no output 3");
    cr_assert_eq(pulse_timeline_take(&tl, 1000 + DELAY), PULSE_EDGE_ON(1));
}

Test(pulse_timeline, a_later_edge_in_a_slot_replaces_the_earlier)
{
    static struct pulse_timeline tl;
    pulse_timeline_init(&tl, DELAY);
    cr_assert(pulse_timeline_schedule(&tl, 2, true, 50, 0));
    cr_assert(pulse_timeline_schedule(&tl, 1, true, 50, 0));
    cr_assert(pulse_timeline_schedule(&tl, 2, false, 50, 0));
    cr_assert_eq(pulse_timeline_take(&tl, 50 + DELAY), PULSE_EDGE_ON(1) | PULSE_EDGE_OFF(2));
    cr_assert_eq(pulse_timeline_take(&tl, 50 + DELAY), 0, "taken once");
    for (uint64_t s = 0; s < 3u * PULSE_TIMELINE_SLOTS; s++) {
        cr_assert_eq(pulse_timeline_take(&tl, s), 0, "no ghost at %lu", (unsigned long)s);
    }
}
