/*
 * test_calendar.c — RTC seconds <-> date and time over the whole 00..99
 * year range of register 604.
 */
#include <criterion/criterion.h>

#include "calendar.h"

static struct calendar_time at(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
    return (struct calendar_time){(uint16_t)y, (uint8_t)mo, (uint8_t)d, (uint8_t)h, (uint8_t)mi, (uint8_t)s};
}

Test(calendar, known_instants)
{
    struct calendar_time t = at(2000, 1, 1, 0, 0, 0);
    cr_assert_eq(calendar_to_seconds(&t), 0u);
    t = at(2026, 1, 1, 0, 0, 0); /* 26 years, 7 leap days (2000..2024) */
    cr_assert_eq(calendar_to_seconds(&t), (26u * 365u + 7u) * 86400u);
    t = at(2028, 2, 29, 12, 34, 56);
    struct calendar_time back;
    calendar_from_seconds(calendar_to_seconds(&t), &back);
    cr_assert_eq(back.year, 2028);
    cr_assert_eq(back.month, 2);
    cr_assert_eq(back.day, 29);
    cr_assert_eq(back.hour, 12);
    cr_assert_eq(back.minute, 34);
    cr_assert_eq(back.second, 56);
}

Test(calendar, every_day_round_trips)
{
    uint32_t days = 0;
    for (unsigned y = 2000; y < 2100; y++) {
        for (unsigned m = 1; m <= 12; m++) {
            for (unsigned d = 1; d <= calendar_days_in_month(y, m); d++) {
                struct calendar_time t = at(y, m, d, 23, 59, 59), back;
                cr_assert(calendar_valid(&t));
                uint32_t s = calendar_to_seconds(&t);
                cr_assert_eq(s, days * 86400u + 86399u, "%u-%u-%u", y, m, d);
                calendar_from_seconds(s, &back);
                cr_assert(back.year == y && back.month == m && back.day == d && back.hour == 23 &&
                          back.minute == 59 && back.second == 59);
                days++;
            }
        }
    }
    cr_assert_eq(days, 36525u); /* 100 years, 25 leap days */
}

Test(calendar, invalid_dates)
{
    struct calendar_time t = at(2026, 2, 29, 0, 0, 0);
    cr_assert_not(calendar_valid(&t));
    t = at(2026, 2, 31, 0, 0, 0);
    cr_assert_not(calendar_valid(&t));
    t = at(2026, 4, 31, 0, 0, 0);
    cr_assert_not(calendar_valid(&t));
    t = at(2026, 13, 1, 0, 0, 0);
    cr_assert_not(calendar_valid(&t));
    t = at(2026, 1, 0, 0, 0, 0);
    cr_assert_not(calendar_valid(&t));
    t = at(2100, 1, 1, 0, 0, 0);
    cr_assert_not(calendar_valid(&t));
    t = at(2026, 1, 1, 24, 0, 0);
    cr_assert_not(calendar_valid(&t));
    t = at(2024, 2, 29, 23, 59, 59);
    cr_assert(calendar_valid(&t));
}
