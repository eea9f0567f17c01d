/*
 * rtc_bcd.h — the STM32 RTC's calendar registers (RM0440 §29.6.1 RTC_TR,
 * §29.6.2 RTC_DR: BCD fields, 24-hour format, a two-digit year, the day
 * of the week) to and from hal.h's seconds since 2000-01-01 00:00:00.
 *
 * Host-testable: rtc.c reads and writes the registers with these.
 */
#ifndef RTC_BCD_H
#define RTC_BCD_H

#include <stdint.h>

/* RTC_TR and RTC_DR for `seconds` since 2000 (years past 2099 wrap, as the
 * register map's two-digit year does). */
void rtc_bcd_from_seconds(uint32_t seconds, uint32_t *tr, uint32_t *dr);

/* Seconds since 2000 of what RTC_TR and RTC_DR hold (the weekday is not
 * read: the date says it). */
uint32_t rtc_bcd_to_seconds(uint32_t tr, uint32_t dr);

#endif /* RTC_BCD_H */
