/*
 * cmsdk_uart.h — the CMSDK APB UARTs of the mps2-an386 (ARM DDI 0479C,
 * "UART"), polled: the board keeps PRIMASK set and only lets an UART's
 * receive interrupt pend to wake the core from WFI.
 */
#ifndef MPS2_CMSDK_UART_H
#define MPS2_CMSDK_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The board's UARTs used here (AN386: UART0..2 at 0x40004000 + 0x1000 * n). */
enum cmsdk_uart_id { UART_RS485 = 0, UART_BENCH_IN = 1, UART_BENCH_OUT = 2 };

/* Enable receiver and transmitter, the receive interrupt (for WFI) and
 * its NVIC line. */
void cmsdk_uart_init(enum cmsdk_uart_id u);

/* One received byte into *b: true, or false when none is waiting. */
bool cmsdk_uart_getc(enum cmsdk_uart_id u, uint8_t *b);

/* Send bytes, waiting while the transmitter is full. */
void cmsdk_uart_write(enum cmsdk_uart_id u, const void *p, size_t n);

/* Sleep until a byte waits on one of the UARTs (returns at once if one does). */
void cmsdk_uart_wait_rx(void);

#endif
