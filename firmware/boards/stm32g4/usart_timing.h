/*
 * usart_timing.h — the arithmetic of the RS485 USART (RM0440 §37.5): the
 * kernel clock prescaler and BRR for a baud rate, the character's length,
 * and the receiver timeout that marks the end of a Modbus RTU frame.
 *
 * Host-testable: usart_rs485.c applies what these compute.
 */
#ifndef USART_TIMING_H
#define USART_TIMING_H

#include <stdint.h>

/* BRR's range with 16x oversampling (RM0440 §37.5.7: BRR >= 16, 16 bits). */
#define USART_BRR_MIN 16u
#define USART_BRR_MAX 0xFFFFu
/* Modbus over Serial Line v1.02 §2.5.1.1: the 3.5-character silence,
 * fixed at 1.75 ms above 19200 bit/s, as the native board counts it. */
#define USART_T35_MIN_US 1750u
/* The receiver timeout register's field (RTOR.RTO, 24 bits). */
#define USART_RTO_MAX 0xFFFFFFu

struct usart_divider {
    uint32_t presc_code; /* USART_PRESC.PRESCALER */
    uint32_t presc_div;  /* what it divides the kernel clock by */
    uint32_t brr;
};

/* The smallest prescaler with which BRR fits, BRR rounded to nearest.
 * 0, or -1 if the baud rate cannot be made from kernel_hz. */
int usart_divider(uint32_t kernel_hz, uint32_t baud, struct usart_divider *d);

/* Bits on the line per character: start, 8 data, parity ('N', 'O', 'E'),
 * stop bits. */
uint32_t usart_char_bits(char parity, unsigned stop_bits);

/* The receiver timeout, in bit times after the last stop bit, that is a
 * 3.5-character silence (and at least 1.75 ms). */
uint32_t usart_rto_bits(uint32_t baud, char parity, unsigned stop_bits);

#endif /* USART_TIMING_H */
