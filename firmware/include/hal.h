/*
 * hal.h — the only services a board provides to the portable firmware core.
 *
 * The core never blocks and never allocates; it calls these from inside its
 * entry points (meter_on_samples, meter_on_uart_rx, meter_on_tick). A board
 * implements every function here, nothing else is required of it.
 */
#ifndef MED2_HAL_H
#define MED2_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nominal ADC sampling rate of both AFE channels (samples per second). */
#define HAL_SAMPLE_RATE_HZ 4000u

/*
 * Drive an opto pulse output (1 = pulse output 1, 2 = pulse output 2).
 * `active` true means the opto conducts. `sample_time` is the index of the
 * sample, counted from power-up, at which the edge happens, so a board can
 * timestamp the edge to the sample even though samples arrive in blocks.
 */
void hal_pulse_write(unsigned output, bool active, uint64_t sample_time);

/*
 * Queue a complete reply frame for transmission on the RS485 UART.
 * Must not block; the board owns the buffering and line pacing.
 */
void hal_uart_send(const uint8_t *frame, size_t len);

#endif /* MED2_HAL_H */
