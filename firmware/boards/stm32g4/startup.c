/*
 * startup.c — reset and vector table of the STM32G431 meter board.
 *
 * The reset itself is every Cortex-M4F board's (arch/cortex-m4f/reset.c:
 * the FPU on before any C, .data copied from flash, .bss, main).
 *
 * The vector table has the part's 102 interrupts (RM0440 Table 97); the
 * board handles four (board.c, usart_rs485.c, afe_sampler.c,
 * power_fail.c), every other vector is Fault_Handler.
 */
#include <stdint.h>

#include "stm32g4_regs.h"

/* The stack's top (stm32g431cb.ld); only its address means anything. */
extern uint32_t _estack[];

void Reset_Handler(void);
void Fault_Handler(void);
void SysTick_Handler(void);
void PVD_PVM_IRQHandler(void);
void USART2_IRQHandler(void);
void EXTI15_10_IRQHandler(void);

#define EXC(n) (n)          /* a system exception's vector */
#define IRQ(n) (16u + (n))  /* an interrupt's */
#define SYSTICK_VECTOR 15u

/* ARMv7-M ARM B1.5.2: word 0 the initial SP, then the vectors. The ranges
 * do not overlap (-Woverride-init would say so). */
typedef void (*vector_fn)(void);
__attribute__((section(".isr_vector"), used)) static const vector_fn vectors[IRQ(IRQ_COUNT)] = {
    [EXC(0)] = (vector_fn)(uintptr_t)_estack,
    [EXC(1)] = Reset_Handler,
    [EXC(2)... EXC(SYSTICK_VECTOR - 1u)] = Fault_Handler,
    [EXC(SYSTICK_VECTOR)] = SysTick_Handler,
    [IRQ(0)] = Fault_Handler,
    [IRQ(IRQ_PVD_PVM)] = PVD_PVM_IRQHandler,
    [IRQ(IRQ_PVD_PVM + 1u)... IRQ(IRQ_USART2 - 1u)] = Fault_Handler,
    [IRQ(IRQ_USART2)] = USART2_IRQHandler,
    [IRQ(IRQ_USART2 + 1u)... IRQ(IRQ_EXTI15_10 - 1u)] = Fault_Handler,
    [IRQ(IRQ_EXTI15_10)] = EXTI15_10_IRQHandler,
    [IRQ(IRQ_EXTI15_10 + 1u)... IRQ(IRQ_COUNT - 1u)] = Fault_Handler,
};

/* A fault, or an interrupt nobody enabled: restart the MCU. The meter then
 * starts from NV as after a supply cut, instead of standing with its
 * outputs frozen until someone cycles the mains. */
void Fault_Handler(void)
{
    __asm volatile("dsb");
    SCB_AIRCR = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ;
    __asm volatile("dsb");
    for (;;) {
    }
}
