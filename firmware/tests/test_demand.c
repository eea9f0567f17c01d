/*
 * test_demand.c — fixed, sliding and rolling demand against expectations
 * worked out by hand from stepped load profiles; maximum demand; clear.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>

#include "demand.h"

static struct demand d;

/* Feed `seconds` of constant P (and I = P/230, S = P) from rtc `t`, in
 * ticks of 20 ms as the native board makes them: each tick reports the
 * 20 ms that ended at the clock it passes. */
static uint32_t feed(uint32_t t, uint32_t seconds, float p_w)
{
    for (uint32_t ms = 20; ms <= seconds * 1000u; ms += 20) {
        demand_on_tick(&d, t + ms / 1000u, 20, p_w / 230.0f, p_w, 0.25f * p_w, fabsf(p_w));
    }
    return t + seconds;
}

static void expect_near(float got, float want, const char *what)
{
    cr_expect(fabsf(got - want) <= 1e-3f * fmaxf(1.0f, fabsf(want)), "%s: %.4f, want %.4f", what,
              got, want);
}

Test(demand, fixed_updates_at_the_end_of_each_period)
{
    demand_init(&d, &(struct demand_config){DEMAND_FIXED, 15, 1});
    uint32_t t = feed(0, 15 * 60 - 1, 1000.0f);
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 0.0f, "before the period closes");
    t = feed(t, 1, 1000.0f); /* the clock reaches 00:15:00: the first period closes */
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 1000.0f, "first period");
    feed(t, 15 * 60, 2000.0f);
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 2000.0f, "second period");
    expect_near(demand_max(&d, DEMAND_IMPORT_ACTIVE), 2000.0f, "max");
    expect_near(demand_value(&d, DEMAND_CURRENT), 2000.0f / 230.0f, "current");
    expect_near(demand_value(&d, DEMAND_IMPORT_REACTIVE), 500.0f, "import reactive");
    expect_near(demand_value(&d, DEMAND_EXPORT_ACTIVE), 0.0f, "export");
}

Test(demand, sliding_window_of_period_minutes_in_blocks_of_period_seconds)
{
    /* period 2 min: blocks of 2 s, window 60 blocks = 120 s */
    demand_init(&d, &(struct demand_config){DEMAND_SLIDING, 2, 1});
    uint32_t t = feed(0, 120, 600.0f);
    t = feed(t, 1, 1200.0f); /* closes block 60: the window is full of 600 W */
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 600.0f, "full window");
    t = feed(t, 29, 1200.0f); /* 15 blocks at 1200 W now in the window */
    feed(t, 1, 1200.0f);
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), (45 * 600.0f + 15 * 1200.0f) / 60.0f,
                "a quarter of the window at the new load");
}

Test(demand, rolling_sub_intervals_and_a_sub_interval_that_does_not_divide)
{
    /* period 15, sub 5: 3 blocks of 5 minutes */
    demand_init(&d, &(struct demand_config){DEMAND_ROLLING, 15, 5});
    uint32_t t = feed(0, 300, 300.0f);
    t = feed(t, 300, 600.0f);
    t = feed(t, 300, 900.0f);
    t = feed(t, 1, 0.0f);
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 600.0f, "(300+600+900)/3");
    t = feed(t, 299, 0.0f);
    feed(t, 1, 0.0f);
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 500.0f, "(600+900+0)/3");
    expect_near(demand_max(&d, DEMAND_IMPORT_ACTIVE), 600.0f, "max");

    /* period 10, sub 3 does not divide: sub-interval of 1 minute, 10 blocks */
    demand_init(&d, &(struct demand_config){DEMAND_ROLLING, 10, 3});
    t = feed(0, 60, 1000.0f);
    feed(t, 1, 0.0f);
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 100.0f, "one 1-minute block of ten");
}

Test(demand, export_quantities_and_clear)
{
    demand_init(&d, &(struct demand_config){DEMAND_FIXED, 1, 1});
    uint32_t t = feed(0, 60, -460.0f);
    feed(t, 1, 0.0f);
    expect_near(demand_value(&d, DEMAND_EXPORT_ACTIVE), 460.0f, "export active");
    expect_near(demand_value(&d, DEMAND_EXPORT_REACTIVE), 115.0f, "export reactive");
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 0.0f, "import active");
    expect_near(demand_value(&d, DEMAND_APPARENT), 460.0f, "apparent");
    demand_clear(&d);
    expect_near(demand_value(&d, DEMAND_EXPORT_ACTIVE), 0.0f, "cleared demand");
    expect_near(demand_max(&d, DEMAND_EXPORT_ACTIVE), 0.0f, "cleared max");
}

Test(demand, settings_change_or_clock_jump_restarts_the_window_keeps_max)
{
    demand_init(&d, &(struct demand_config){DEMAND_FIXED, 1, 1});
    uint32_t t = feed(0, 60, 1000.0f);
    feed(t, 1, 0.0f);
    expect_near(demand_max(&d, DEMAND_IMPORT_ACTIVE), 1000.0f, "max");
    demand_configure(&d, &(struct demand_config){DEMAND_ROLLING, 2, 1});
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 0.0f, "restarted");
    expect_near(demand_max(&d, DEMAND_IMPORT_ACTIVE), 1000.0f, "max kept");
    /* a jump of an hour: the partial window is dropped, not averaged in */
    feed(960, 30, 500.0f);          /* half a block at 500 W ... */
    t = feed(960 + 3660, 60, 200.0f); /* ... then an hour later, one whole block */
    feed(t, 1, 0.0f);
    expect_near(demand_value(&d, DEMAND_IMPORT_ACTIVE), 100.0f, "(0 + 200)/2 after the jump");
}
