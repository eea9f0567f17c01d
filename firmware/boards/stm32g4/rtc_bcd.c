/*
 * rtc_bcd.c — calendar registers to and from seconds; see rtc_bcd.h.
 */
#include "rtc_bcd.h"

#include "calendar.h"

/* RTC_TR: HT HU (bits 21..16), MNT MNU (14..8), ST SU (6..0); PM (22) 0. */
#define TR_HOUR_SHIFT 16
#define TR_MINUTE_SHIFT 8
#define TR_SECOND_SHIFT 0
/* RTC_DR: YT YU (23..16), WDU (15..13, 1 = Monday), MT MU (12..8), DT DU (5..0). */
#define DR_YEAR_SHIFT 16
#define DR_WEEKDAY_SHIFT 13
#define DR_MONTH_SHIFT 8
#define DR_DAY_SHIFT 0
/* 2000-01-01 was a Saturday: weekday 6 on day 0. */
#define WEEKDAY_OF_DAY_0 6u

static uint32_t to_bcd(unsigned v)
{
    return ((v / 10u) << 4) | (v % 10u);
}

static unsigned from_bcd(uint32_t b)
{
    return ((b >> 4) & 0xFu) * 10u + (b & 0xFu);
}

void rtc_bcd_from_seconds(uint32_t seconds, uint32_t *tr, uint32_t *dr)
{
    struct calendar_time t;
    calendar_from_seconds(seconds, &t);
    unsigned weekday = (seconds / CALENDAR_SECONDS_PER_DAY + WEEKDAY_OF_DAY_0 - 1u) % 7u + 1u;
    *tr = (to_bcd(t.hour) << TR_HOUR_SHIFT) | (to_bcd(t.minute) << TR_MINUTE_SHIFT) |
          (to_bcd(t.second) << TR_SECOND_SHIFT);
    *dr = (to_bcd(t.year % CALENDAR_YEARS) << DR_YEAR_SHIFT) | (weekday << DR_WEEKDAY_SHIFT) |
          (to_bcd(t.month) << DR_MONTH_SHIFT) | (to_bcd(t.day) << DR_DAY_SHIFT);
}

uint32_t rtc_bcd_to_seconds(uint32_t tr, uint32_t dr)
{
    struct calendar_time t = {
        .year = (uint16_t)(CALENDAR_BASE_YEAR + from_bcd((dr >> DR_YEAR_SHIFT) & 0xFFu)),
        .month = (uint8_t)from_bcd((dr >> DR_MONTH_SHIFT) & 0x1Fu),
        .day = (uint8_t)from_bcd((dr >> DR_DAY_SHIFT) & 0x3Fu),
        .hour = (uint8_t)from_bcd((tr >> TR_HOUR_SHIFT) & 0x3Fu),
        .minute = (uint8_t)from_bcd((tr >> TR_MINUTE_SHIFT) & 0x7Fu),
        .second = (uint8_t)from_bcd((tr >> TR_SECOND_SHIFT) & 0x7Fu),
    };
    return calendar_valid(&t) ? calendar_to_seconds(&t) : 0u;
}
