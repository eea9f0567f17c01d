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

#include "med2_lcd.h"

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

/*
 * Apply the UART's line settings (after the reply to "save configuration").
 * parity: 'N', 'O' or 'E'; stop_bits 1 or 2.
 */
void hal_uart_configure(uint32_t baud, char parity, unsigned stop_bits);

/*
 * Non-volatile memory: HAL_NV_SIZE bytes, byte-addressed. hal_nv_write
 * returns once the bytes are durable (or failed); a power cut during it may
 * leave the written range torn, which the core's records detect by CRC.
 * Both return 0 or a negative error.
 */
/* 8 KiB: the SPI FRAM of the MCU board (docs/power.md, "The NV part"). */
#define HAL_NV_SIZE 8192u
int hal_nv_read(uint32_t offset, void *buf, size_t len);
int hal_nv_write(uint32_t offset, const void *buf, size_t len);

/*
 * The battery-backed real-time clock: seconds since 2000-01-01 00:00:00,
 * local time. It keeps running through a restart of the core.
 */
uint32_t hal_rtc_get(void);
void hal_rtc_set(uint32_t seconds_since_2000);

/*
 * Reset the MCU once the current entry point has returned (command 120,
 * "restart"): RAM is lost, NV memory and the RTC are kept.
 */
void hal_request_restart(void);

/*
 * Put a frame on the LCD (digits, points, marks, backlight: med2_lcd.h).
 * Called when the picture changes, from inside the entry points; the board
 * copies what it needs before returning. Buttons come the other way, as
 * meter_on_button() calls.
 */
void hal_lcd_show(const struct med2_lcd_frame *frame);

#endif /* MED2_HAL_H */
