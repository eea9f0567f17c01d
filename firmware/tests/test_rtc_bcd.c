/*
 * test_rtc_bcd.c — the STM32G4 RTC's calendar registers (boards/stm32g4/
 * rtc_bcd.c) against dates whose registers are worked out by hand from
 * RM0440 §29.6.1-2 (BCD, weekday 1 = Monday), and round trips over the
 * register map's century.
 */
#include <criterion/criterion.h>

#include "rtc_bcd.h"

Test(rtc_bcd, a_leap_day)
{
    /* 2024-02-29 12:34:56, a Thursday: 762 480 000 s + 12:34:56 */
    uint32_t s = 762480000u + 12u * 3600u + 34u * 60u + 56u;
    uint32_t tr, dr;
    rtc_bcd_from_seconds(s, &tr, &dr);
    cr_assert_eq(tr, 0x00123456u, "TR %06x", tr);
    cr_assert_eq(dr, 0x00248229u, "DR %06x: 24, Thursday, 02, 29", dr);
    cr_assert_eq(rtc_bcd_to_seconds(tr, dr), s);
}

Test(rtc_bcd, the_first_and_the_last_second)
{
    uint32_t tr, dr;
    rtc_bcd_from_seconds(0, &tr, &dr);
    cr_assert_eq(tr, 0u);
    cr_assert_eq(dr, 0x0000C101u, "00, Saturday, 01, 01: %06x", dr);
    /* 2099-12-31 23:59:59, a Thursday */
    uint32_t last = 3155673600u + 86399u;
    rtc_bcd_from_seconds(last, &tr, &dr);
    cr_assert_eq(tr, 0x00235959u);
    cr_assert_eq(dr, 0x00999231u, "99, Thursday, 12, 31: %06x", dr);
    cr_assert_eq(rtc_bcd_to_seconds(tr, dr), last);
}

Test(rtc_bcd, the_reset_value_reads_as_2000)
{
    /* RTC_DR after a backup domain reset: 2101h (year 00, Monday, 01-01) */
    cr_assert_eq(rtc_bcd_to_seconds(0u, 0x2101u), 0u);
}

Test(rtc_bcd, round_trips)
{
    for (uint32_t s = 0; s < 3155760000u - 7777777u; s += 7777777u) {
        uint32_t tr, dr;
        rtc_bcd_from_seconds(s, &tr, &dr);
        cr_assert_eq(rtc_bcd_to_seconds(tr, dr), s, "at %u", s);
        unsigned wd = (dr >> 13) & 7u;
        cr_assert(wd >= 1u && wd <= 7u);
        cr_assert_eq(wd, (s / 86400u + 5u) % 7u + 1u, "weekday at %u", s);
    }
}

Test(rtc_bcd, an_impossible_date_reads_as_zero)
{
    cr_assert_eq(rtc_bcd_to_seconds(0u, 0x00240231u), 0u, "31 February");
    cr_assert_eq(rtc_bcd_to_seconds(0x00250000u, 0x2101u), 0u, "25 o'clock");
}
