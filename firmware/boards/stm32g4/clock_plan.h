/*
 * clock_plan.h — the arithmetic of the STM32G4's clock tree (RM0440 §7.2):
 * the main PLL's dividers for a SYSCLK, the flash wait states a HCLK needs
 * in each voltage range, SysTick's reload for a tick.
 *
 * Host-testable: clock.c applies what these compute.
 */
#ifndef CLOCK_PLAN_H
#define CLOCK_PLAN_H

#include <stdbool.h>
#include <stdint.h>

/* The main PLL's limits (STM32G431 datasheet DS12589, "PLL
 * characteristics"; RM0440 RCC_PLLCFGR). */
#define CLOCK_PLL_IN_MIN_HZ 2660000u    /* after /M */
#define CLOCK_PLL_IN_MAX_HZ 16000000u
#define CLOCK_VCO_MIN_HZ 96000000u
#define CLOCK_VCO_MAX_HZ 344000000u
#define CLOCK_PLL_M_MAX 16u
#define CLOCK_PLL_N_MIN 8u
#define CLOCK_PLL_N_MAX 127u
#define CLOCK_SYSCLK_MAX_HZ 170000000u  /* range 1 boost mode */

struct clock_pll {
    uint32_t m;  /* 1..16 */
    uint32_t n;  /* 8..127 */
    uint32_t r;  /* 2, 4, 6 or 8 */
};

/* Dividers that make exactly `sysclk_hz` out of `source_hz` within the
 * limits above, the smallest M first; 0, or -1 if none do. */
int clock_pll_plan(uint32_t source_hz, uint32_t sysclk_hz, struct clock_pll *pll);

/* Flash wait states for HCLK (RM0440 Table 9): range 1 boost mode when
 * `boost`, else range 1 normal mode. -1 above the range's maximum. */
int clock_flash_latency(uint32_t hclk_hz, bool boost);

/* SysTick's reload value for `tick_hz` interrupts from `cpu_hz`; 0 if it
 * does not divide exactly or does not fit its 24 bits. */
uint32_t clock_systick_reload(uint32_t cpu_hz, uint32_t tick_hz);

#endif /* CLOCK_PLAN_H */
