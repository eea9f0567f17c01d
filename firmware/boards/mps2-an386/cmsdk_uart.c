/*
 * cmsdk_uart.c — polled CMSDK APB UARTs (see cmsdk_uart.h).
 */
#include "cmsdk_uart.h"

#define UART_BASE(u) (0x40004000u + 0x1000u * (uint32_t)(u))
#define REG(u, off) (*(volatile uint32_t *)(UART_BASE(u) + (off)))
#define UART_DATA 0x00u
#define UART_STATE 0x04u
#define UART_CTRL 0x08u
#define UART_INT 0x0Cu /* INTSTATUS on read, INTCLEAR on write */
#define UART_BAUDDIV 0x10u
#define STATE_TX_FULL 0x1u
#define STATE_RX_FULL 0x2u
#define CTRL_TX_EN 0x1u
#define CTRL_RX_EN 0x2u
#define CTRL_RX_INT_EN 0x8u
#define INT_RX 0x2u
/* The smallest divider the UART accepts; QEMU does not pace bytes by it. */
#define BAUDDIV_MIN 16u

/* NVIC set-enable and clear-pending (ARMv7-M ARM B3.4). */
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define NVIC_ICPR0 (*(volatile uint32_t *)0xE000E280u)
/* AN386's receive interrupts of UART0..2 (the transmit ones are one above). */
static const uint8_t rx_irq[] = {0, 2, 4};
#define UART_COUNT 3u

void cmsdk_uart_init(enum cmsdk_uart_id u)
{
    REG(u, UART_BAUDDIV) = BAUDDIV_MIN;
    REG(u, UART_CTRL) = CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_INT_EN;
    NVIC_ISER0 = 1u << rx_irq[u];
}

bool cmsdk_uart_getc(enum cmsdk_uart_id u, uint8_t *b)
{
    if (!(REG(u, UART_STATE) & STATE_RX_FULL)) {
        return false;
    }
    *b = (uint8_t)REG(u, UART_DATA);
    return true;
}

void cmsdk_uart_write(enum cmsdk_uart_id u, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t k = 0; k < n; k++) {
        while (REG(u, UART_STATE) & STATE_TX_FULL) {
        }
        REG(u, UART_DATA) = b[k];
    }
}

void cmsdk_uart_wait_rx(void)
{
    /* The interrupt stays pending in the NVIC after the UART lowers its
     * line: clear both, then look, then sleep. A byte that comes after the
     * look pends the interrupt again and WFI returns at once; PRIMASK keeps
     * the handler from running (a pending interrupt wakes WFI regardless,
     * ARMv7-M ARM B1.5.19). */
    for (unsigned u = 0; u < UART_COUNT; u++) {
        REG(u, UART_INT) = INT_RX;
        NVIC_ICPR0 = 1u << rx_irq[u];
    }
    for (unsigned u = 0; u < UART_COUNT; u++) {
        if (REG(u, UART_STATE) & STATE_RX_FULL) {
            return;
        }
    }
    __asm volatile("wfi");
}
