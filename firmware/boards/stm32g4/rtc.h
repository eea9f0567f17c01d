/*
 * rtc.h — hal.h's battery-backed clock: the STM32 RTC on the 32.768 kHz
 * crystal (LSE), in the backup domain that VBAT keeps powered, so it runs
 * through supply cuts and MCU resets and is never set back by them.
 */
#ifndef RTC_H
#define RTC_H

/* At reset: a running RTC (the battery kept it) is left alone; a backup
 * domain that lost its battery gets the crystal started and the calendar
 * set to 2026-01-01 00:00:00, as a fresh native unit's. */
void rtc_init(void);

#endif /* RTC_H */
