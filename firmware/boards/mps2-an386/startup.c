/*
 * startup.c — reset and vector table of the meter on QEMU's mps2-an386.
 *
 * The reset itself is every Cortex-M4F board's (arch/cortex-m4f/reset.c:
 * the FPU on before any C, .data, .bss, main). The board takes no
 * interrupts (board.c waits with WFI and polls), so every vector but reset
 * leads to Fault_Handler, which stops in a loop a debugger can see.
 */
#include <stdint.h>

/* The stack's top (mps2-an386.ld); only its address means anything. */
extern uint32_t _estack[];

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

void Fault_Handler(void)
{
    for (;;) {
    }
}
