/*
 * startup.c — reset and vector table of the meter on QEMU's mps2-an386.
 *
 * The FPU is off at reset: CP10/CP11 are enabled in CPACR before anything
 * else runs (the core is built with -mfloat-abi=hard, so the first float
 * instruction would raise a UsageFault otherwise). Then .data is copied
 * from its load image, .bss cleared and main called. The board takes no
 * interrupts (board.c waits with WFI and polls), so every vector but reset
 * leads to Fault_Handler, which stops in a loop a debugger can see.
 */
#include <stdint.h>
#include <string.h>

/* Linker-script symbols (mps2-an386.ld); only their addresses mean anything. */
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);

void Reset_Handler(void);
void Fault_Handler(void);

/* ARMv7-M ARM B1.5.2: word 0 the initial SP, then the exception vectors;
 * 16 system vectors and the board's 32 interrupts. */
typedef void (*vector_fn)(void);
__attribute__((section(".isr_vector"), used)) static const vector_fn vectors[16 + 32] = {
    (vector_fn)(uintptr_t)_estack,
    Reset_Handler,
    [2 ... 16 + 31] = Fault_Handler,
};

/* Coprocessor Access Control Register: CP10 and CP11 full access (ARMv7-M
 * ARM B3.2.20). */
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define CPACR_CP10_CP11_FULL (0xFu << 20)

__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    /* A debugger may start the image here after loading it into a running
     * board: take the stack from the vector table, as a reset does. */
    __asm volatile("ldr r0, =_estack\n\t"
                   "msr msp, r0\n\t"
                   "mov sp, r0\n\t"
                   "ldr r0, =0xE000ED88\n\t" /* SCB_CPACR */
                   "ldr r1, [r0]\n\t"
                   "orr r1, r1, #0xF00000\n\t" /* CPACR_CP10_CP11_FULL */
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

void Fault_Handler(void)
{
    for (;;) {
    }
}
