/*
 * pcf85176.h — the LCD: an NXP PCF85176 segment driver (40 segment
 * outputs x 4 backplanes, I2C) driving the meter's glass, and the glass's
 * wiring: where each segment of a struct med2_lcd_frame sits in the
 * driver's display RAM.
 *
 * Why this part: the STM32G431 has no LCD controller; the PCF85176 drives
 * 160 segments from its own RAM (the glass needs 97: 7 digits of 7
 * segments and a point, 41 marks), runs from the meter's 3.3 V, keeps
 * refreshing the glass by itself, and needs only two I2C lines.
 *
 * The part (its datasheet, "Commands" and "Display RAM"): after its I2C
 * address come command bytes, each with a continuation bit (bit 7: another
 * command follows), then display data. In 1:4 multiplex each data byte
 * fills two segment columns, its high nibble column n (BP0..BP3 from bit
 * 7 down), its low nibble column n + 1, and the data pointer moves on by
 * two.
 *
 * The glass (the LCD's pin drawing): digit d (0 = leftmost) on columns 2d
 * and 2d + 1: column 2d carries a, f, e, d on BP0..BP3, column 2d + 1
 * carries b, g, c and the point after the digit; mark k (enum
 * med2_lcd_mark) is column 14 + k / 4, backplane k % 4.
 *
 * Blinking (med2_lcd_frame.blink) is the board's: the part can only blink
 * the whole glass, so a blinking digit is sent blank in the hidden half of
 * each blink period.
 */
#ifndef PCF85176_H
#define PCF85176_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "med2_lcd.h"

/* 0111 00 SA0 with SA0 tied to VSS (7-bit address). */
#define PCF85176_I2C_ADDRESS 0x38u
#define PCF85176_COLUMNS 40u
#define PCF85176_RAM_BYTES (PCF85176_COLUMNS * 4u / 8u)

#define PCF85176_CONTINUE 0x80u
#define PCF85176_MODE_SET 0x40u
#define PCF85176_MODE_ENABLE 0x08u
#define PCF85176_MODE_BIAS_1_3 0x00u
#define PCF85176_MODE_MUX_1_4 0x00u
#define PCF85176_DEVICE_SELECT 0x60u
#define PCF85176_LOAD_POINTER 0x00u

/* Mode, device select, data pointer, then the RAM. */
#define PCF85176_MESSAGE_BYTES (3u + PCF85176_RAM_BYTES)

/* The glass's first mark column. */
#define PCF85176_MARK_COLUMN 14u

/* An I2C master that writes one message to a 7-bit address: 0, or
 * negative when the part did not acknowledge. */
struct i2c_bus {
    void *ctx;
    int (*write)(void *ctx, uint8_t address, const uint8_t *data, size_t n);
};

/* The bytes after the address that show `frame`: the mode (display on,
 * 1/3 bias, 1:4 multiplex, sent every time so a driver that was reset
 * comes back), device 0, data pointer 0, all 40 columns. With
 * `blink_hidden` the blinking digits are blank. Returns the length. */
size_t pcf85176_message(const struct med2_lcd_frame *frame, bool blink_hidden,
                        uint8_t out[PCF85176_MESSAGE_BYTES]);

/* Send it: 0 or the bus's error. */
int pcf85176_show(const struct i2c_bus *bus, const struct med2_lcd_frame *frame, bool blink_hidden);

#endif /* PCF85176_H */
