/*
 * ui_lcd.h — drawing on the 7-digit display: words, numbers, edits.
 *
 * The frame layout and the font are firmware/include/med2_lcd.h, shared
 * with the bench and the rig.
 */
#ifndef MED2_UI_LCD_H
#define MED2_UI_LCD_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_lcd.h"

/* Clear the digits, points and blink; marks and backlight stay. */
void ui_lcd_clear(struct med2_lcd_frame *f);

/* Text from digit `first` on, left-aligned, at most MED2_LCD_DIGITS - first
 * characters; a '.' after a character lights that digit's point. */
void ui_lcd_text(struct med2_lcd_frame *f, unsigned first, const char *text);

/*
 * A number right-aligned: value / 10^decimals shown with `decimals` digits
 * after the point (fewer if it does not fit, by dropping the last ones,
 * never the integer part). A negative value gets a '-'. Returns false when
 * even the integer part does not fit (the digits then show "-------").
 */
bool ui_lcd_fixed(struct med2_lcd_frame *f, int64_t value, unsigned decimals);

/* A number of exactly `width` digits with leading zeros, right-aligned
 * (a value being edited digit by digit). */
void ui_lcd_digits(struct med2_lcd_frame *f, uint32_t value, unsigned width);

#endif /* MED2_UI_LCD_H */
