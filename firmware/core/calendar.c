/*
 * calendar.c — RTC seconds <-> calendar; see calendar.h.
 */
#include "calendar.h"

#define DAYS_PER_YEAR 365u
#define MONTHS 12u

static const uint8_t month_days[MONTHS] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static bool leap(unsigned year)
{
    /* Gregorian rule in full, so the function is right beyond 2099 too. */
    return (year % 4u == 0u && year % 100u != 0u) || year % 400u == 0u;
}

unsigned calendar_days_in_month(unsigned year, unsigned month)
{
    if (month < 1u || month > MONTHS) {
        return 0;
    }
    return month_days[month - 1u] + (month == 2u && leap(year) ? 1u : 0u);
}

bool calendar_valid(const struct calendar_time *t)
{
    return t->year >= CALENDAR_BASE_YEAR && t->year < CALENDAR_BASE_YEAR + CALENDAR_YEARS &&
           t->day >= 1u && t->day <= calendar_days_in_month(t->year, t->month) && t->hour < 24u &&
           t->minute < 60u && t->second < 60u;
}

uint32_t calendar_to_seconds(const struct calendar_time *t)
{
    uint32_t days = 0;
    for (unsigned y = CALENDAR_BASE_YEAR; y < t->year; y++) {
        days += DAYS_PER_YEAR + (leap(y) ? 1u : 0u);
    }
    for (unsigned m = 1; m < t->month; m++) {
        days += calendar_days_in_month(t->year, m);
    }
    days += t->day - 1u;
    return ((days * 24u + t->hour) * 60u + t->minute) * 60u + t->second;
}

void calendar_from_seconds(uint32_t s, struct calendar_time *t)
{
    uint32_t days = s / CALENDAR_SECONDS_PER_DAY;
    uint32_t rem = s % CALENDAR_SECONDS_PER_DAY;
    t->hour = (uint8_t)(rem / 3600u);
    t->minute = (uint8_t)(rem / 60u % 60u);
    t->second = (uint8_t)(rem % 60u);
    unsigned year = CALENDAR_BASE_YEAR;
    for (;;) {
        unsigned len = DAYS_PER_YEAR + (leap(year) ? 1u : 0u);
        if (days < len) {
            break;
        }
        days -= len;
        year++;
    }
    unsigned month = 1;
    while (days >= calendar_days_in_month(year, month)) {
        days -= calendar_days_in_month(year, month);
        month++;
    }
    t->year = (uint16_t)year;
    t->month = (uint8_t)month;
    t->day = (uint8_t)(days + 1u);
}
