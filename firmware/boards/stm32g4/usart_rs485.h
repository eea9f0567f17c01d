/*
 * usart_rs485.h — the Modbus RTU line: USART2 on the RS485 transceiver.
 *
 * The USART drives the transceiver's DE itself (CR3.DEM): DE rises one bit
 * time before the first start bit and falls one bit time after the last
 * stop bit (DEAT, DEDT), so the line is released as soon as the reply is
 * out, without a timer. Received bytes go to a ring by interrupt; the
 * receiver timeout (RTOR, from usart_timing.c) marks each 3.5-character
 * silence at its place among them, so the core sees "bytes, end of frame"
 * in the order they happened even when the main loop reads late.
 */
#ifndef USART_RS485_H
#define USART_RS485_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Clock, interrupt, and the manual's default line (38400 8N1). */
void rs485_init(uint32_t pclk_hz);

/* New line settings, applied now: call only when rs485_tx_idle(). */
void rs485_configure(uint32_t baud, char parity, unsigned stop_bits);

/* Queue a frame for sending (appended to one still going out); false if it
 * does not fit. */
bool rs485_send(const uint8_t *frame, size_t len);

/* Every queued byte is out and DE has dropped. */
bool rs485_tx_idle(void);

/* Up to `max` received bytes, stopping at the next frame silence;
 * *silence_after says whether one follows the bytes returned (possibly
 * none). */
size_t rs485_receive(uint8_t *out, size_t max, bool *silence_after);

#endif /* USART_RS485_H */
