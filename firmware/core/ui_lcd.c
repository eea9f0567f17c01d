/*
 * ui_lcd.c — words and numbers into segments (ui_lcd.h).
 */
#include "ui_lcd.h"

#include <string.h>

void ui_lcd_clear(struct med2_lcd_frame *f)
{
    memset(f->seg, 0, sizeof(f->seg));
    f->points = 0;
    f->blink = 0;
}

void ui_lcd_text(struct med2_lcd_frame *f, unsigned first, const char *text)
{
    unsigned d = first;
    for (const char *p = text; *p != '\0' && d < MED2_LCD_DIGITS; p++) {
        if (*p == '.' && d > first) {
            f->points |= (uint8_t)(1u << (d - 1u));
            continue;
        }
        f->seg[d++] = med2_lcd_glyph(*p);
    }
}

static unsigned digit_count(uint64_t v)
{
    unsigned n = 1;
    while (v >= 10u) {
        v /= 10u;
        n++;
    }
    return n;
}

bool ui_lcd_fixed(struct med2_lcd_frame *f, int64_t value, unsigned decimals)
{
    bool negative = value < 0;
    uint64_t mag = negative ? (uint64_t)(-(value + 1)) + 1u : (uint64_t)value;
    unsigned room = MED2_LCD_DIGITS - (negative ? 1u : 0u);
    /* drop decimals until the number fits: the integer part never goes */
    while (decimals > 0u && digit_count(mag) > room && digit_count(mag) > decimals + 1u) {
        mag /= 10u;
        decimals--;
    }
    unsigned width = digit_count(mag);
    if (width < decimals + 1u) {
        width = decimals + 1u; /* 0.005: the leading zero */
    }
    if (width > room) {
        for (unsigned d = 0; d < MED2_LCD_DIGITS; d++) {
            f->seg[d] = MED2_SEG_G;
        }
        return false;
    }
    unsigned d = MED2_LCD_DIGITS;
    for (unsigned k = 0; k < width; k++) {
        f->seg[--d] = med2_lcd_glyph((char)('0' + mag % 10u));
        mag /= 10u;
    }
    if (decimals > 0u) {
        f->points |= (uint8_t)(1u << (MED2_LCD_DIGITS - 1u - decimals));
    }
    if (negative) {
        f->seg[d - 1u] = MED2_SEG_G;
    }
    return true;
}

void ui_lcd_digits(struct med2_lcd_frame *f, uint32_t value, unsigned width)
{
    unsigned d = MED2_LCD_DIGITS;
    for (unsigned k = 0; k < width && d > 0u; k++) {
        f->seg[--d] = med2_lcd_glyph((char)('0' + value % 10u));
        value /= 10u;
    }
}
