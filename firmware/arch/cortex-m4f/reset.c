/*
 * reset.c — the reset of every Cortex-M4F board (boards/stm32g4,
 * boards/mps2-an386): the board's vector table points here.
 *
 * The FPU is off at reset: CP10/CP11 are enabled in CPACR (ARMv7-M ARM
 * B3.2.20) before any C runs — the firmware is built with
 * -mfloat-abi=hard, and the compiler may use FPU registers anywhere, even
 * to copy memory. Then .data is copied from its load image, .bss cleared
 * and main called. No C library start-up: no constructors, no heap.
 * The linker script of each board provides the symbols.
 */
#include <stdint.h>
#include <string.h>

/* Linker-script symbols; only their addresses mean anything. */
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);

void Reset_Handler(void);

__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    /* A debugger may start the image here without a reset (after loading
     * it into a running unit): take the stack from the vector table, as a
     * reset does, whichever stack pointer is in use. */
    __asm volatile("ldr r0, =_estack\n\t"
                   "msr msp, r0\n\t"
                   "mov sp, r0\n\t"
                   "ldr r0, =0xE000ED88\n\t"   /* SCB_CPACR */
                   "ldr r1, [r0]\n\t"
                   "orr r1, r1, #0xF00000\n\t" /* CP10, CP11: full access */
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
