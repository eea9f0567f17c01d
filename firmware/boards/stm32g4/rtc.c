/*
 * rtc.c — hal_rtc_get / hal_rtc_set on the STM32 RTC; see rtc.h.
 *
 * The calendar is read through its shadow registers: reading RTC_TR locks
 * RTC_DR until it is read, so a date and time read together belong
 * together (RM0440 §29.3.8). Setting goes through initialisation mode
 * (§29.3.7), with the write protection keys around it.
 */
#include "rtc.h"

#include <stdbool.h>

#include "calendar.h"
#include "hal.h"
#include "rtc_bcd.h"
#include "stm32g4_regs.h"

/* A fresh unit's clock: 2026-01-01 00:00:00, as the native board's. */
#define RTC_START_YEAR 2026u
/* The crystal starts in ~1 s at worst; INITF and RSF come within a few
 * RTCCLK periods (30.5 us each). Bounded polls: a dead crystal must not
 * hang the meter (the EOL's RTC test catches it). */
#define LSE_START_LOOPS 20000000u
#define RTC_FLAG_LOOPS 200000u

static bool wait_flag(const volatile uint32_t *reg, uint32_t bit, uint32_t loops)
{
    while (!(*reg & bit)) {
        if (loops-- == 0u) {
            return false;
        }
    }
    return true;
}

static void unlock(void)
{
    RTC_WPR = RTC_WPR_KEY1;
    RTC_WPR = RTC_WPR_KEY2;
}

/* Wait until the shadow registers hold the calendar (after a reset or a set). */
static void resync(void)
{
    unlock();
    RTC_ICSR &= ~RTC_ICSR_RSF;
    RTC_WPR = RTC_WPR_LOCK;
    (void)wait_flag(&RTC_ICSR, RTC_ICSR_RSF, RTC_FLAG_LOOPS);
}

void rtc_init(void)
{
    RCC_APB1ENR1 |= RCC_APB1ENR1_PWREN | RCC_APB1ENR1_RTCAPBEN;
    (void)RCC_APB1ENR1;
    PWR_CR1 |= PWR_CR1_DBP; /* the backup domain is write-protected from reset */
    uint32_t bdcr = RCC_BDCR;
    bool running = (bdcr & RCC_BDCR_RTCEN) && (bdcr & RCC_BDCR_LSERDY) &&
                   (bdcr & RCC_BDCR_RTCSEL_MASK) == RCC_BDCR_RTCSEL_LSE;
    if (running) {
        resync();
        return;
    }
    if (bdcr & RCC_BDCR_RTCSEL_MASK) {
        /* another clock was chosen (RTCSEL is set once per backup domain
         * reset): start the domain over */
        RCC_BDCR = RCC_BDCR_BDRST;
        RCC_BDCR = 0;
    }
    RCC_BDCR = RCC_BDCR_LSEDRV_MEDIUM_HIGH | RCC_BDCR_LSEON;
    (void)wait_flag(&RCC_BDCR, RCC_BDCR_LSERDY, LSE_START_LOOPS);
    RCC_BDCR |= RCC_BDCR_RTCSEL_LSE;
    RCC_BDCR |= RCC_BDCR_RTCEN;
    const struct calendar_time start = {.year = RTC_START_YEAR, .month = 1, .day = 1};
    hal_rtc_set(calendar_to_seconds(&start));
}

uint32_t hal_rtc_get(void)
{
    uint32_t tr = RTC_TR;
    uint32_t dr = RTC_DR;
    return rtc_bcd_to_seconds(tr, dr);
}

void hal_rtc_set(uint32_t seconds_since_2000)
{
    uint32_t tr, dr;
    rtc_bcd_from_seconds(seconds_since_2000, &tr, &dr);
    unlock();
    RTC_ICSR |= RTC_ICSR_INIT;
    if (wait_flag(&RTC_ICSR, RTC_ICSR_INITF, RTC_FLAG_LOOPS)) {
        RTC_PRER = RTC_PRER_LSE;
        RTC_TR = tr;
        RTC_DR = dr;
        RTC_CR = 0; /* 24-hour format, shadow registers, no alarms */
    }
    RTC_ICSR &= ~RTC_ICSR_INIT; /* the calendar counts on from here */
    RTC_WPR = RTC_WPR_LOCK;
    resync(); /* so a read right after the set sees the new time */
}
