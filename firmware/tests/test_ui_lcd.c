/*
 * test_ui_lcd.c — words and numbers on the 7-digit display, and the font
 * read back (med2_lcd.h, ui_lcd.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "med2_lcd.h"
#include "ui_lcd.h"

/* The frame's digits as the font reads them, '.' after a lit point. */
static void text_of(const struct med2_lcd_frame *f, char *out)
{
    size_t n = 0;
    for (unsigned d = 0; d < MED2_LCD_DIGITS; d++) {
        out[n++] = med2_lcd_char(f->seg[d]);
        if (f->points & (1u << d)) {
            out[n++] = '.';
        }
    }
    out[n] = '\0';
}

static void expect_fixed(int64_t v, unsigned decimals, const char *want, bool fits)
{
    struct med2_lcd_frame f = {0};
    char got[16];
    cr_assert_eq(ui_lcd_fixed(&f, v, decimals), fits, "%lld", (long long)v);
    text_of(&f, got);
    cr_expect_str_eq(got, want, "%lld with %u decimals", (long long)v, decimals);
}

Test(ui_lcd, numbers_right_aligned_with_their_point)
{
    expect_fixed(1234567, 3, "1234.567", true);
    expect_fixed(5, 3, "   0.005", true);
    expect_fixed(-2305, 1, "  -230.5", true);
    expect_fixed(0, 0, "      0", true);
}

Test(ui_lcd, decimals_give_way_to_integer_digits)
{
    expect_fixed(123456789, 3, "123456.7", true); /* 123456.789 kWh: two decimals dropped */
    expect_fixed(1234567890, 3, "1234567", true);
    expect_fixed(12345678901LL, 3, "-------", false);
}

Test(ui_lcd, words_and_their_points)
{
    struct med2_lcd_frame f = {0};
    char got[16];
    ui_lcd_text(&f, 0, "d26.01.01");
    text_of(&f, got);
    cr_expect_str_eq(got, "d26.01.01");
}

Test(ui_lcd, every_letter_is_full_height)
{
    /* a camera's OCR scales a lower-half character up (docs/ui.md): none may be
     * drawn without a segment of the upper half (a, b or f) */
    for (char c = 'A'; c <= 'Z'; c++) {
        uint8_t s = med2_lcd_glyph(c);
        if (s != 0u && c != 'X') { /* X: a, g, d spans the height by its bars */
            cr_expect(s & (MED2_SEG_A | MED2_SEG_B | MED2_SEG_F), "%c is drawn in the lower half only", c);
        }
    }
}

Test(ui_lcd, digits_read_back_as_digits)
{
    for (char c = '0'; c <= '9'; c++) {
        cr_expect_eq(med2_lcd_char(med2_lcd_glyph(c)), c);
    }
    cr_expect_eq(med2_lcd_char(0), ' ');
    cr_expect_eq(med2_lcd_char(MED2_SEG_G), '-');
}
