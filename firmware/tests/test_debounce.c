/*
 * test_debounce.c — the buttons' debouncing (boards/stm32g4/debounce.c):
 * a bouncing press gives one change, DEBOUNCE_MS after the contact
 * settles; a glitch shorter than that gives none; two buttons are timed
 * apart.
 */
#include <criterion/criterion.h>

#include "debounce.h"

Test(debounce, a_bouncing_press_is_one_press)
{
    struct debounce d = {0};
    unsigned changes = 0, ms = 0, changed_at = 0;
    /* 6 ms of bounce (the last sample open), then held for 100 ms, then
     * released cleanly */
    for (; ms < 6u; ms++) {
        changes += __builtin_popcount(debounce_sample(&d, (ms % 2u) ? 0u : 1u));
    }
    cr_assert_eq(changes, 0u);
    for (; ms < 106u; ms++) {
        if (debounce_sample(&d, 1u)) {
            changes++;
            changed_at = ms;
        }
    }
    cr_assert_eq(changes, 1u);
    cr_assert_eq(d.stable, 1u);
    cr_assert_eq(changed_at, 6u + DEBOUNCE_MS - 1u, "20 ms of steady contact");
    for (; ms < 200u; ms++) {
        changes += __builtin_popcount(debounce_sample(&d, 0u));
    }
    cr_assert_eq(changes, 2u);
    cr_assert_eq(d.stable, 0u);
}

Test(debounce, a_short_glitch_is_nothing)
{
    struct debounce d = {0};
    for (unsigned ms = 0; ms < DEBOUNCE_MS - 1u; ms++) {
        cr_assert_eq(debounce_sample(&d, 2u), 0);
    }
    for (unsigned ms = 0; ms < 100u; ms++) {
        cr_assert_eq(debounce_sample(&d, 0u), 0);
    }
}

Test(debounce, buttons_are_timed_apart)
{
    struct debounce d = {0};
    uint8_t seen = 0;
    for (unsigned ms = 0; ms < 30u; ms++) {
        /* button 1 held from 0 ms; button 2 bounces until 15 ms */
        uint8_t raw = (uint8_t)(1u | ((ms >= 15u || ms % 3u == 0u) ? 2u : 0u));
        uint8_t c = debounce_sample(&d, raw);
        if (c & 1u) {
            cr_assert_eq(ms, DEBOUNCE_MS - 1u, "button 1 not held up by button 2's bounce");
        }
        seen |= c;
    }
    cr_assert_eq(seen, 1u, "button 2 still settling");
    for (unsigned ms = 30; ms < 40u; ms++) {
        seen |= debounce_sample(&d, 3u);
    }
    cr_assert_eq(seen, 3u);
}
