/*
 * power_rtc.h — the battery-backed domain of the native board: the RTC's
 * offset to the bench's virtual time, and a note of what it read last.
 *
 * While the bench runs, the RTC counts the bench's virtual time. When the
 * bench itself stops (`rig sim down`) and starts again, virtual time starts
 * again at 0, but a battery-backed RTC has gone on counting real time: so
 * the domain notes the RTC's reading and the wall clock (CLOCK_REALTIME) at
 * every supply change, clock set, clean stop and whenever the RTC's second
 * changes at the end of a run; at start-up an RTC that would read earlier
 * than its note is set to the note plus the real time that has passed.
 * The RTC therefore never goes backwards across a bench restart.
 */
#ifndef POWER_RTC_H
#define POWER_RTC_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the battery domain (kept after NV in the board's file). */
#define POWER_RTC_DOMAIN_SIZE 32u

/* `mem`: the domain's bytes (mapped, survive a kill); `epoch`: the RTC at
 * count 0 for a fresh board (seconds since 2000); `count_s`: seconds the
 * RTC's crystal has counted at the board's start (virtual time). */
void power_rtc_init(void *mem, uint32_t epoch, int64_t count_s);

/* The RTC reading for a crystal count, seconds since 2000 (saturated). */
uint32_t power_rtc_read(int64_t count_s);

/* Set the RTC to `seconds` at crystal count `count_s`. */
void power_rtc_set(uint32_t seconds, int64_t count_s);

/* Note the RTC's reading now (count_s) with the wall clock. */
void power_rtc_note(int64_t count_s);

#endif /* POWER_RTC_H */
