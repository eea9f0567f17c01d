/*
 * clock_plan.c — PLL dividers, flash wait states, SysTick; see clock_plan.h.
 */
#include "clock_plan.h"

#define SYSTICK_MAX 0x1000000u
#define LATENCY_STEPS 5

int clock_pll_plan(uint32_t source_hz, uint32_t sysclk_hz, struct clock_pll *pll)
{
    static const uint32_t r_choices[] = {2u, 4u, 6u, 8u};
    if (sysclk_hz == 0u || sysclk_hz > CLOCK_SYSCLK_MAX_HZ) {
        return -1;
    }
    for (uint32_t m = 1; m <= CLOCK_PLL_M_MAX; m++) {
        if (source_hz % m != 0u) {
            continue;
        }
        uint32_t in = source_hz / m;
        if (in < CLOCK_PLL_IN_MIN_HZ || in > CLOCK_PLL_IN_MAX_HZ) {
            continue;
        }
        for (unsigned k = 0; k < sizeof r_choices / sizeof r_choices[0]; k++) {
            uint64_t vco = (uint64_t)sysclk_hz * r_choices[k];
            if (vco % in != 0u || vco < CLOCK_VCO_MIN_HZ || vco > CLOCK_VCO_MAX_HZ) {
                continue;
            }
            uint32_t n = (uint32_t)(vco / in);
            if (n >= CLOCK_PLL_N_MIN && n <= CLOCK_PLL_N_MAX) {
                *pll = (struct clock_pll){.m = m, .n = n, .r = r_choices[k]};
                return 0;
            }
        }
    }
    return -1;
}

int clock_flash_latency(uint32_t hclk_hz, bool boost)
{
    /* RM0440 Table 9: the highest HCLK for 0..4 wait states */
    static const uint32_t boost_max[LATENCY_STEPS] = {34000000u, 68000000u, 102000000u, 136000000u,
                                                      170000000u};
    static const uint32_t normal_max[LATENCY_STEPS] = {30000000u, 60000000u, 90000000u, 120000000u,
                                                       150000000u};
    const uint32_t *max = boost ? boost_max : normal_max;
    for (int ws = 0; ws < LATENCY_STEPS; ws++) {
        if (hclk_hz <= max[ws]) {
            return ws;
        }
    }
    return -1;
}

uint32_t clock_systick_reload(uint32_t cpu_hz, uint32_t tick_hz)
{
    if (tick_hz == 0u || cpu_hz % tick_hz != 0u || cpu_hz / tick_hz > SYSTICK_MAX ||
        cpu_hz / tick_hz == 0u) {
        return 0;
    }
    return cpu_hz / tick_hz - 1u; /* counts reload..0: reload + 1 cycles */
}
