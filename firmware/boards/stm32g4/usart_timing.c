/*
 * usart_timing.c — prescaler, BRR, character length, receiver timeout; see
 * usart_timing.h.
 */
#include "usart_timing.h"

#define DATA_BITS 8u
#define US_PER_S 1000000u

int usart_divider(uint32_t kernel_hz, uint32_t baud, struct usart_divider *d)
{
    /* USART_PRESC.PRESCALER 0..11 (RM0440 §37.8.12) */
    static const uint16_t div[] = {1, 2, 4, 6, 8, 10, 12, 16, 32, 64, 128, 256};
    if (baud == 0u) {
        return -1;
    }
    for (uint32_t code = 0; code < sizeof div / sizeof div[0]; code++) {
        uint32_t clk = kernel_hz / div[code];
        uint32_t brr = (clk + baud / 2u) / baud;
        if (brr > USART_BRR_MAX) {
            continue;
        }
        if (brr < USART_BRR_MIN) {
            return -1; /* too fast for this clock: a larger prescaler only makes it worse */
        }
        *d = (struct usart_divider){.presc_code = code, .presc_div = div[code], .brr = brr};
        return 0;
    }
    return -1;
}

uint32_t usart_char_bits(char parity, unsigned stop_bits)
{
    return 1u + DATA_BITS + (parity == 'N' ? 0u : 1u) + stop_bits;
}

uint32_t usart_rto_bits(uint32_t baud, char parity, unsigned stop_bits)
{
    uint32_t t35 = (7u * usart_char_bits(parity, stop_bits) + 1u) / 2u; /* 3.5 chars, up */
    uint64_t floor_bits = ((uint64_t)USART_T35_MIN_US * baud + US_PER_S - 1u) / US_PER_S;
    uint64_t bits = floor_bits > t35 ? floor_bits : t35;
    return bits > USART_RTO_MAX ? USART_RTO_MAX : (uint32_t)bits;
}
