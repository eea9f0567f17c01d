/*
 * clock.c — 170 MHz, in the order RM0440 §6.1.5 asks for range 1 boost
 * mode; see clock.h.
 */
#include "clock.h"

#include "clock_plan.h"
#include "stm32g4_regs.h"

/* The crystal starts in a few ms; give up after ~100 ms at HSI16. */
#define HSE_START_LOOPS 400000u
#define CYCLES_PER_US (CLOCK_SYSCLK_HZ / 1000000u)

static bool wait_set(const volatile uint32_t *reg, uint32_t bit, uint32_t loops)
{
    while (!(*reg & bit)) {
        if (loops-- == 0u) {
            return false;
        }
    }
    return true;
}

bool clock_init(void)
{
    RCC_CR |= RCC_CR_HSEON;
    bool hse = wait_set(&RCC_CR, RCC_CR_HSERDY, HSE_START_LOOPS);
    if (!hse) {
        RCC_CR &= ~RCC_CR_HSEON; /* HSI16, on since reset, feeds the PLL */
    }
    uint32_t source_hz = hse ? CLOCK_HSE_HZ : CLOCK_HSI16_HZ;
    struct clock_pll pll;
    if (clock_pll_plan(source_hz, CLOCK_SYSCLK_HZ, &pll) != 0) {
        return false; /* cannot happen for these two sources: stay on HSI16 */
    }

    /* 1. HCLK halved across the switch, so the step up is gentle */
    RCC_CFGR = (RCC_CFGR & ~RCC_CFGR_HPRE_MASK) | RCC_CFGR_HPRE_DIV2;
    /* 2. range 1 (the reset range) in boost mode: up to 170 MHz */
    RCC_APB1ENR1 |= RCC_APB1ENR1_PWREN;
    (void)RCC_APB1ENR1;
    PWR_CR1 = (PWR_CR1 & ~PWR_CR1_VOS_MASK) | PWR_CR1_VOS_RANGE1;
    while (PWR_SR2 & PWR_SR2_VOSF) {
    }
    PWR_CR5 &= ~PWR_CR5_R1MODE;
    /* 3. the wait states for the new clock before it comes, and the
     *    prefetch and caches that hide them */
    uint32_t latency = (uint32_t)clock_flash_latency(CLOCK_SYSCLK_HZ, true);
    FLASH_ACR = (FLASH_ACR & ~FLASH_ACR_LATENCY_MASK) | latency | FLASH_ACR_PRFTEN | FLASH_ACR_ICEN |
                FLASH_ACR_DCEN;
    while ((FLASH_ACR & FLASH_ACR_LATENCY_MASK) != latency) {
    }
    /* 4. the PLL, then SYSCLK from its R output */
    RCC_PLLCFGR = (hse ? RCC_PLLCFGR_SRC_HSE : RCC_PLLCFGR_SRC_HSI16) |
                  ((pll.m - 1u) << RCC_PLLCFGR_M_SHIFT) | (pll.n << RCC_PLLCFGR_N_SHIFT) |
                  ((pll.r / 2u - 1u) << RCC_PLLCFGR_R_SHIFT) | RCC_PLLCFGR_REN;
    RCC_CR |= RCC_CR_PLLON;
    while (!(RCC_CR & RCC_CR_PLLRDY)) {
    }
    RCC_CFGR = (RCC_CFGR & ~RCC_CFGR_SW_MASK) | RCC_CFGR_SW_PLL;
    while (((RCC_CFGR >> RCC_CFGR_SWS_SHIFT) & RCC_CFGR_SW_MASK) != RCC_CFGR_SW_PLL) {
    }
    /* 5. at least 1 us at 85 MHz, then HCLK undivided */
    DEMCR |= DEMCR_TRCENA;
    DWT_CYCCNT = 0;
    DWT_CTRL |= DWT_CTRL_CYCCNTENA;
    while (DWT_CYCCNT < CYCLES_PER_US) { /* counts 170 at 85 MHz: 2 us */
    }
    RCC_CFGR &= ~RCC_CFGR_HPRE_MASK;
    return hse;
}

void clock_delay_us(uint32_t us)
{
    uint32_t start = DWT_CYCCNT;
    while (DWT_CYCCNT - start < us * CYCLES_PER_US) {
    }
}
