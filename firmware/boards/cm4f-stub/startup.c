/*
 * startup.c — Cortex-M4F reset and vector table for the link check.
 *
 * Copies .data, clears .bss, enables the FPU (the core is built with
 * -mfloat-abi=hard: the first float instruction would fault otherwise) and
 * calls main. No C library start-up: the core has no constructors and
 * no heap.
 */
#include <stdint.h>

/* Linker-script symbols (stm32-512k-128k.ld); only their addresses mean anything. */
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);

void Reset_Handler(void);
void Default_Handler(void);

/* The board's interrupt handlers; unused ones fall to Default_Handler. */
void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void HardFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("Default_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));
void AFE_DRDY_IRQHandler(void) __attribute__((weak, alias("Default_Handler")));
void UART_IRQHandler(void) __attribute__((weak, alias("Default_Handler")));

/* ARMv7-M ARM B1.5.2: word 0 the initial SP, then the exception vectors. */
#define IRQ_AFE_DRDY 0  /* EXTI line of the AFE's data-ready pin (board choice) */
#define IRQ_UART 1
typedef void (*vector_fn)(void);
__attribute__((section(".isr_vector"), used)) static const vector_fn vectors[16 + 2] = {
    (vector_fn)(uintptr_t)_estack,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0, 0, 0, 0,
    SVC_Handler,
    0, 0,
    PendSV_Handler,
    SysTick_Handler,
    [16 + IRQ_AFE_DRDY] = AFE_DRDY_IRQHandler,
    [16 + IRQ_UART] = UART_IRQHandler,
};

/* Coprocessor Access Control Register: CP10 and CP11 full access (ARMv7-M
 * ARM B3.2.20). */
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define CPACR_CP10_CP11_FULL (0xFu << 20)

void Reset_Handler(void)
{
    SCB_CPACR |= CPACR_CP10_CP11_FULL;
    __asm volatile("dsb\n\tisb");
    /* Word counts from addresses: the symbols are distinct objects to C. */
    uintptr_t data_words = ((uintptr_t)_edata - (uintptr_t)_sdata) / sizeof(uint32_t);
    for (uintptr_t k = 0; k < data_words; k++) {
        _sdata[k] = _sidata[k];
    }
    uintptr_t bss_words = ((uintptr_t)_ebss - (uintptr_t)_sbss) / sizeof(uint32_t);
    for (uintptr_t k = 0; k < bss_words; k++) {
        _sbss[k] = 0;
    }
    main();
    for (;;) {
    }
}

void Default_Handler(void)
{
    for (;;) {
    }
}
