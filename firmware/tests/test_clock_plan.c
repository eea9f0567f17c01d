/*
 * test_clock_plan.c — the STM32G4 clock tree's arithmetic (boards/stm32g4/
 * clock_plan.c): 170 MHz exactly from the board's 8 MHz crystal and from
 * HSI16, within the PLL's input and VCO limits; no plan where none
 * exists; wait states at the edges of RM0440 Table 9; a 1 ms SysTick.
 */
#include <criterion/criterion.h>

#include "clock_plan.h"

/* SYSCLK as the RCC makes it: source / M x N / R. */
static double sysclk_of(uint32_t source_hz, const struct clock_pll *p)
{
    return (double)source_hz / p->m * p->n / p->r;
}

static void check_limits(uint32_t source_hz, const struct clock_pll *p)
{
    double in = (double)source_hz / p->m;
    double vco = in * p->n;
    /* DS12589 PLL characteristics */
    cr_assert(in >= 2.66e6 && in <= 16e6, "PLL input %.0f Hz", in);
    cr_assert(vco >= 96e6 && vco <= 344e6, "VCO %.0f Hz", vco);
    cr_assert(p->n >= 8 && p->n <= 127);
    cr_assert(p->r == 2 || p->r == 4 || p->r == 6 || p->r == 8);
}

Test(clock_plan, 170_mhz_from_the_8_mhz_crystal)
{
    struct clock_pll p;
    cr_assert_eq(clock_pll_plan(8000000u, 170000000u, &p), 0);
    cr_assert_eq(sysclk_of(8000000u, &p), 170e6);
    check_limits(8000000u, &p);
}

Test(clock_plan, 170_mhz_from_hsi16)
{
    struct clock_pll p;
    cr_assert_eq(clock_pll_plan(16000000u, 170000000u, &p), 0);
    cr_assert_eq(sysclk_of(16000000u, &p), 170e6);
    check_limits(16000000u, &p);
}

Test(clock_plan, other_crystals)
{
    struct clock_pll p;
    cr_assert_eq(clock_pll_plan(25000000u, 170000000u, &p), 0);
    cr_assert_eq(sysclk_of(25000000u, &p), 170e6);
    check_limits(25000000u, &p);
    /* a UART crystal cannot give 170 MHz exactly */
    cr_assert_eq(clock_pll_plan(7372800u, 170000000u, &p), -1);
    cr_assert_eq(clock_pll_plan(8000000u, 180000000u, &p), -1, "above the part's maximum");
}

Test(clock_plan, flash_wait_states)
{
    cr_assert_eq(clock_flash_latency(170000000u, true), 4);
    cr_assert_eq(clock_flash_latency(136000000u, true), 3);
    cr_assert_eq(clock_flash_latency(136000001u, true), 4);
    cr_assert_eq(clock_flash_latency(34000000u, true), 0);
    cr_assert_eq(clock_flash_latency(16000000u, false), 0, "HSI16 at reset");
    cr_assert_eq(clock_flash_latency(150000000u, false), 4);
    cr_assert_eq(clock_flash_latency(170000000u, false), -1, "170 MHz needs boost mode");
}

Test(clock_plan, systick_every_millisecond)
{
    uint32_t reload = clock_systick_reload(170000000u, 1000u);
    cr_assert_eq(reload + 1u, 170000u, "cycles per tick");
    cr_assert_eq(clock_systick_reload(170000000u, 7u), 0u, "not a whole number of cycles");
    cr_assert_eq(clock_systick_reload(170000000u, 10u), 0u, "17 000 000 cycles: more than 24 bits");
}
