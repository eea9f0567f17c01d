/*
 * test_tariff.c — the sub-tariff schedule, against the manual's worked
 * example (§4, settings #1..#10) minute by minute.
 */
#include <criterion/criterion.h>

#include "tariff.h"

static const struct tariff_schedule manual_example = {{
    {1, 0, 0},   /* #1  T1-1 00:00 */
    {2, 2, 0},   /* #2  T1-2 02:00 */
    {3, 4, 0},   /* #3  T1-3 04:00 */
    {4, 5, 0},   /* #4  T1-4 05:00 */
    {2, 8, 30},  /* #5  T1-2 08:30 */
    {4, 9, 0},   /* #6  T1-4 09:00 */
    {1, 11, 0},  /* #7  T1-1 11:00 */
    {2, 15, 0},  /* #8  T1-2 15:00 */
    {4, 19, 30}, /* #9  T1-4 19:30 */
    {3, 22, 0},  /* #10 T1-3 22:00 */
}};

/* The activity the manual's table describes, as [start, end) in minutes. */
static const struct {
    unsigned from, to, tariff;
} expected[] = {
    {0, 120, 1},     {120, 240, 2},  {240, 300, 3},   {300, 510, 4},   {510, 540, 2},
    {540, 660, 4},   {660, 900, 1},  {900, 1170, 2},  {1170, 1320, 4}, {1320, 1440, 3},
};

Test(tariff, manual_worked_example_every_minute_of_the_day)
{
    for (unsigned k = 0; k < sizeof(expected) / sizeof(expected[0]); k++) {
        for (unsigned m = expected[k].from; m < expected[k].to; m++) {
            cr_assert_eq(tariff_active_at(&manual_example, m), expected[k].tariff,
                         "%02u:%02u: T1-%u, want T1-%u", m / 60, m % 60,
                         tariff_active_at(&manual_example, m), expected[k].tariff);
        }
    }
}

Test(tariff, wraps_over_midnight)
{
    struct tariff_schedule s = {0};
    s.entry[0] = (struct tariff_entry){2, 6, 0};
    s.entry[1] = (struct tariff_entry){3, 22, 0};
    cr_expect_eq(tariff_active_at(&s, 0), 3, "before the first start: yesterday's last");
    cr_expect_eq(tariff_active_at(&s, 359), 3);
    cr_expect_eq(tariff_active_at(&s, 360), 2);
    cr_expect_eq(tariff_active_at(&s, 1320), 3);
}

Test(tariff, unused_entries_and_hour_24)
{
    struct tariff_schedule s = {0};
    cr_expect_eq(tariff_active_at(&s, 600), 0, "an empty schedule selects nothing");
    s.entry[4] = (struct tariff_entry){4, 24, 0}; /* 24:00 = 00:00 */
    s.entry[7] = (struct tariff_entry){0, 1, 0};  /* unused, ignored */
    cr_expect_eq(tariff_active_at(&s, 0), 4);
    cr_expect_eq(tariff_active_at(&s, 90), 4);
}

Test(tariff, equal_starts_the_later_entry_wins)
{
    struct tariff_schedule s;
    tariff_schedule_defaults(&s); /* #1, #9, #10 all T1-1 at 00:00 */
    cr_expect_eq(tariff_active_at(&s, 0), 1);
    s.entry[9].tariff = 3;
    cr_expect_eq(tariff_active_at(&s, 700), 3);
}

Test(tariff, entry_validation)
{
    cr_expect(tariff_entry_valid(0, 0, 0));
    cr_expect(tariff_entry_valid(4, 23, 59));
    cr_expect(tariff_entry_valid(1, 24, 0));
    cr_expect_not(tariff_entry_valid(1, 24, 1));
    cr_expect_not(tariff_entry_valid(5, 0, 0));
    cr_expect_not(tariff_entry_valid(1, 25, 0));
    cr_expect_not(tariff_entry_valid(1, 0, 60));
}
