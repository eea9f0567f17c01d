/*
 * calendar.h — the RTC's count (seconds since 2000-01-01 00:00:00 local
 * time, hal.h) to and from a calendar date and time.
 *
 * The register map has a two-digit year, 00..99 (manual §5, register 604),
 * so the calendar spans 2000-01-01 .. 2099-12-31; in that span every year
 * divisible by 4 is a leap year (2000 included). No time zones, no DST: the
 * meter keeps the local time it is set to.
 */
#ifndef MED2_CALENDAR_H
#define MED2_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#define CALENDAR_BASE_YEAR 2000u
#define CALENDAR_YEARS 100u /* 00..99 */
#define CALENDAR_SECONDS_PER_DAY 86400u

struct calendar_time {
    uint16_t year;  /* 2000..2099 */
    uint8_t month;  /* 1..12 */
    uint8_t day;    /* 1..31 */
    uint8_t hour;   /* 0..23 */
    uint8_t minute; /* 0..59 */
    uint8_t second; /* 0..59 */
};

/* Days in `month` of `year` (0 for a month outside 1..12). */
unsigned calendar_days_in_month(unsigned year, unsigned month);

/* Whether the fields name a real instant in 2000..2099 (no 31 February). */
bool calendar_valid(const struct calendar_time *t);

/* Seconds since 2000-01-01 00:00:00; t must be calendar_valid. */
uint32_t calendar_to_seconds(const struct calendar_time *t);

/* The date and time `s` seconds after 2000-01-01 00:00:00 (past 2099 it
 * keeps counting years; the register shows year % 100). */
void calendar_from_seconds(uint32_t s, struct calendar_time *t);

#endif /* MED2_CALENDAR_H */
