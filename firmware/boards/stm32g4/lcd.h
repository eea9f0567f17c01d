/*
 * lcd.h — hal.h's display: the frame the core draws goes to the PCF85176
 * (pcf85176.h) over I2C2 from the main loop, and the backlight pin; the
 * blinking digits are redrawn every half period.
 */
#ifndef LCD_H
#define LCD_H

#include <stdint.h>

/* Half a blink period: an edited digit is 500 ms shown, 500 ms blank. */
#define LCD_BLINK_HALF_MS 500u

void lcd_init(uint32_t pclk_hz);

/* From the main loop, with the milliseconds since reset: sends the frame
 * if it changed or its blinking digits are due to change. */
void lcd_service(uint32_t now_ms);

/* Backlight off now (the mains has gone); the next service sends the
 * frame again as it was. */
void lcd_dark(void);

#endif /* LCD_H */
