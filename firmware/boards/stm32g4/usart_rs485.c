/*
 * usart_rs485.c — USART2 with DE and the receiver timeout; see usart_rs485.h.
 */
#include "usart_rs485.h"

#include "stm32g4_regs.h"
#include "usart_timing.h"

#define RX_RING 256u        /* power of two: free-running indices */
#define SILENCE_RING 4u     /* silences not yet read: one per frame */
#define TX_MAX 256u         /* MB_RTU_MAX_ADU */
#define DE_TIME 16u         /* DEAT, DEDT: 16/16 of a bit */
#define DEFAULT_BAUD 38400u /* manual §5 register 702 default */
#define U USART2_BASE

static uint32_t kernel_hz;
static uint8_t rx[RX_RING];
static volatile uint32_t rx_head;           /* written by the interrupt */
static uint32_t rx_tail;
static volatile uint32_t silence_at[SILENCE_RING]; /* rx_head when a silence came */
static volatile uint32_t silence_head;
static uint32_t silence_tail;
static uint8_t tx[TX_MAX];
static volatile uint32_t tx_len, tx_pos;
static volatile bool tx_busy;

void rs485_init(uint32_t pclk_hz)
{
    kernel_hz = pclk_hz; /* USART2's kernel clock is PCLK1 after reset (RCC_CCIPR) */
    RCC_APB1ENR1 |= RCC_APB1ENR1_USART2EN;
    (void)RCC_APB1ENR1;
    rs485_configure(DEFAULT_BAUD, 'N', 1u);
    NVIC_IPR_BYTE(IRQ_USART2) = NVIC_PRIORITY(1u);
    NVIC_ISER(IRQ_USART2 / 32u) = 1u << (IRQ_USART2 % 32u);
}

void rs485_configure(uint32_t baud, char parity, unsigned stop_bits)
{
    struct usart_divider d;
    if (usart_divider(kernel_hz, baud, &d) != 0) {
        return; /* the core only asks for the manual's rates, all of which fit */
    }
    USART_CR1(U) = 0; /* BRR, PRESC, the frame format: only with UE = 0 */
    USART_PRESC(U) = d.presc_code;
    USART_BRR(U) = d.brr;
    USART_RTOR(U) = usart_rto_bits(baud, parity, stop_bits);
    USART_CR2(U) = USART_CR2_RTOEN | (stop_bits == 2u ? USART_CR2_STOP_2 : 0u);
    USART_CR3(U) = USART_CR3_DEM; /* DE active high */
    /* 8 data bits: with a parity bit the word is 9 bits (M0) */
    uint32_t format = parity == 'N' ? 0u
                      : parity == 'O' ? USART_CR1_M0 | USART_CR1_PCE | USART_CR1_PS
                                      : USART_CR1_M0 | USART_CR1_PCE;
    USART_ICR(U) = USART_ICR_ERRORS | USART_ICR_TCCF | USART_ICR_RTOCF;
    USART_CR1(U) = format | (DE_TIME << USART_CR1_DEAT_SHIFT) | (DE_TIME << USART_CR1_DEDT_SHIFT) |
                   USART_CR1_RTOIE | USART_CR1_RXNEIE | USART_CR1_TE | USART_CR1_RE | USART_CR1_UE;
}

bool rs485_send(const uint8_t *frame, size_t len)
{
    NVIC_ICER(IRQ_USART2 / 32u) = 1u << (IRQ_USART2 % 32u);
    __asm volatile("dsb\n\tisb" ::: "memory");
    bool fits = len <= TX_MAX - tx_len;
    if (fits) {
        for (size_t k = 0; k < len; k++) {
            tx[tx_len + k] = frame[k];
        }
        tx_len += len;
        tx_busy = true;
        USART_CR1(U) |= USART_CR1_TXEIE;
    }
    __asm volatile("" ::: "memory"); /* the bytes are in tx[] before the interrupt can run */
    NVIC_ISER(IRQ_USART2 / 32u) = 1u << (IRQ_USART2 % 32u);
    return fits;
}

bool rs485_tx_idle(void)
{
    return !tx_busy;
}

size_t rs485_receive(uint8_t *out, size_t max, bool *silence_after)
{
    uint32_t end = rx_head;
    __asm volatile("" ::: "memory"); /* the bytes up to `end` are read after it */
    bool silence = false;
    if (silence_tail != silence_head) {
        uint32_t mark = silence_at[silence_tail % SILENCE_RING];
        if (mark - rx_tail <= end - rx_tail) {
            end = mark;
            silence = true;
        }
    }
    size_t n = 0;
    while (rx_tail != end && n < max) {
        out[n++] = rx[rx_tail++ % RX_RING];
    }
    *silence_after = silence && rx_tail == end;
    if (*silence_after) {
        silence_tail++;
    }
    return n;
}

void USART2_IRQHandler(void)
{
    uint32_t isr = USART_ISR(U);
    if (isr & (USART_ISR_ORE | USART_ISR_FE | USART_ISR_NE | USART_ISR_PE)) {
        /* the byte is kept: the frame's CRC rejects what went wrong */
        USART_ICR(U) = USART_ICR_ERRORS;
    }
    if (isr & USART_ISR_RXNE) {
        uint8_t b = (uint8_t)USART_RDR(U);
        if (rx_head - rx_tail < RX_RING) {
            rx[rx_head % RX_RING] = b;
            rx_head = rx_head + 1u;
        }
    }
    if (isr & USART_ISR_RTOF) {
        USART_ICR(U) = USART_ICR_RTOCF;
        if (silence_head - silence_tail < SILENCE_RING) {
            silence_at[silence_head % SILENCE_RING] = rx_head;
            silence_head = silence_head + 1u;
        }
    }
    uint32_t cr1 = USART_CR1(U);
    if ((cr1 & USART_CR1_TXEIE) && (isr & USART_ISR_TXE)) {
        if (tx_pos < tx_len) {
            USART_TDR(U) = tx[tx_pos];
            tx_pos = tx_pos + 1u;
        } else { /* the last byte is in the shifter: wait for it to leave */
            USART_CR1(U) = (cr1 & ~USART_CR1_TXEIE) | USART_CR1_TCIE;
        }
    }
    /* done once the shifter is empty and nothing was appended meanwhile
     * (rs485_send sets TXEIE again) */
    if ((cr1 & USART_CR1_TCIE) && !(cr1 & USART_CR1_TXEIE) && (isr & USART_ISR_TC)) {
        USART_CR1(U) = cr1 & ~USART_CR1_TCIE;
        USART_ICR(U) = USART_ICR_TCCF;
        tx_len = 0;
        tx_pos = 0;
        tx_busy = false;
    }
}
