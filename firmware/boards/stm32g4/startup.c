/*
 * startup.c — reset and vector table of the STM32G431 meter board.
 *
 * The FPU is off at reset: CP10/CP11 are enabled in CPACR before any C
 * runs (the firmware is built with -mfloat-abi=hard, and the compiler may
 * use FPU registers anywhere, even to copy memory), then .data is copied
 * from flash, .bss cleared and main called. No C library start-up: no
 * constructors, no heap.
 *
 * The vector table has the part's 102 interrupts (RM0440 Table 97); the
 * board handles four (board.c, usart_rs485.c, afe_sampler.c,
 * power_fail.c), every other vector is Fault_Handler.
 */
#include <stdint.h>
#include <string.h>

#include "stm32g4_regs.h"

/* Linker-script symbols (stm32g431cb.ld); only their addresses mean anything. */
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);

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

__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    /* A debugger may start the image here without a reset: take the stack
     * from the vector table as a reset does. */
    __asm volatile("ldr r0, =_estack\n\t"
                   "msr msp, r0\n\t"
                   "ldr r0, =0xE000ED88\n\t" /* SCB_CPACR */
                   "ldr r1, [r0]\n\t"
                   "orr r1, r1, #0xF00000\n\t" /* SCB_CPACR_CP10_CP11_FULL */
                   "str r1, [r0]\n\t"
                   "dsb\n\t"
                   "isb\n\t"
                   "b reset_c\n\t");
}

/* The C part of the reset, once the FPU is on. */
__attribute__((noreturn, used)) static void reset_c(void)
{
    /* Byte counts from addresses: the symbols are distinct objects to C. */
    memcpy(_sdata, _sidata, (size_t)((uintptr_t)_edata - (uintptr_t)_sdata));
    memset(_sbss, 0, (size_t)((uintptr_t)_ebss - (uintptr_t)_sbss));
    main();
    for (;;) {
    }
}

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
