/*
 * power_fail.c — PVD on PVD_IN, EXTI line 16; see power_fail.h.
 */
#include "power_fail.h"

#include "stm32g4_regs.h"

static volatile bool warned;

void power_fail_init(void)
{
    RCC_APB1ENR1 |= RCC_APB1ENR1_PWREN;
    (void)RCC_APB1ENR1;
    PWR_CR2 = PWR_CR2_PLS_PVD_IN | PWR_CR2_PVDE;
    /* PVDO rises when PVD_IN falls below VREFINT */
    EXTI_RTSR1 |= 1u << EXTI_LINE_PVD;
    EXTI_PR1 = 1u << EXTI_LINE_PVD;
    EXTI_IMR1 |= 1u << EXTI_LINE_PVD;
    NVIC_IPR_BYTE(IRQ_PVD_PVM) = NVIC_PRIORITY(1u);
    NVIC_ISER(IRQ_PVD_PVM / 32u) = 1u << (IRQ_PVD_PVM % 32u);
}

void PVD_PVM_IRQHandler(void)
{
    EXTI_PR1 = 1u << EXTI_LINE_PVD;
    warned = true; /* the main loop calls the core: it is not reentrant */
}

bool power_fail_take(void)
{
    if (!warned) {
        return false;
    }
    warned = false; /* a second warning in between is the same cut */
    return true;
}

bool power_fail_supply_low(void)
{
    return (PWR_SR2 & PWR_SR2_PVDO) != 0u;
}
