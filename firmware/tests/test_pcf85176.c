/*
 * test_pcf85176.c — the STM32G4 board's LCD driver (boards/stm32g4/
 * pcf85176.c) against a model of the PCF85176 (pcf85176_model.c): the
 * display is switched on in 1:4 multiplex, a frame's digits, points and
 * marks light the segments the glass drawing puts them on, every segment
 * has a place of its own, blinking digits go blank in the hidden phase.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "pcf85176.h"
#include "pcf85176_model.h"

static struct pcf85176_model part;
static struct i2c_bus bus;

static void setup(void)
{
    pcf85176_model_init(&part);
    bus = pcf85176_model_bus(&part);
}

TestSuite(pcf85176, .init = setup);

static void show(const struct med2_lcd_frame *f, bool hidden)
{
    cr_assert_eq(pcf85176_show(&bus, f, hidden), 0);
}

Test(pcf85176, the_display_is_on_in_1_to_4_multiplex)
{
    struct med2_lcd_frame f = {0};
    cr_assert_not(part.enabled, "off after power-on reset");
    show(&f, false);
    cr_assert(part.enabled);
    cr_assert_eq(part.mux, 4u);
    cr_assert_not(part.bias_half, "1/3 bias");
    cr_assert_eq(pcf85176_model_lit_count(&part), 0u);
}

Test(pcf85176, an_eight_and_its_point_fill_the_digits_two_columns)
{
    struct med2_lcd_frame f = {0};
    f.seg[0] = med2_lcd_glyph('8');
    f.points = 1u;
    show(&f, false);
    for (unsigned c = 0; c < 2u; c++) {
        for (unsigned b = 0; b < 4u; b++) {
            cr_assert(pcf85176_model_lit(&part, c, b), "column %u BP%u", c, b);
        }
    }
    cr_assert_eq(pcf85176_model_lit_count(&part), 8u);
}

Test(pcf85176, segments_sit_where_the_glass_drawing_says)
{
    /* the glass: column 2d = a, f, e, d; column 2d+1 = b, g, c, point */
    struct med2_lcd_frame f = {0};
    f.seg[6] = MED2_SEG_C;
    show(&f, false);
    cr_assert(pcf85176_model_lit(&part, 13, 2));
    cr_assert_eq(pcf85176_model_lit_count(&part), 1u);

    f.seg[6] = 0;
    f.seg[2] = MED2_SEG_F;
    show(&f, false);
    cr_assert(pcf85176_model_lit(&part, 4, 1));
    cr_assert_eq(pcf85176_model_lit_count(&part), 1u);

    f.seg[2] = 0;
    f.marks = MED2_LCD_BIT(MED2_LCD_MARK_KWH); /* mark 0 */
    show(&f, false);
    cr_assert(pcf85176_model_lit(&part, 14, 0));
    cr_assert_eq(pcf85176_model_lit_count(&part), 1u);

    f.marks = MED2_LCD_BIT(MED2_LCD_MARK_RUN); /* the last mark, 40 */
    show(&f, false);
    cr_assert(pcf85176_model_lit(&part, 24, 0));
    cr_assert_eq(pcf85176_model_lit_count(&part), 1u);
}

Test(pcf85176, every_segment_has_a_place_of_its_own)
{
    bool used[40][4] = {{false}};
    unsigned total = 0;
    for (unsigned k = 0; k < MED2_LCD_DIGITS * 8u + MED2_LCD_MARK_COUNT; k++) {
        struct med2_lcd_frame f = {0};
        if (k < MED2_LCD_DIGITS * 8u) {
            unsigned d = k / 8u, s = k % 8u;
            if (s < 7u) {
                f.seg[d] = (uint8_t)(1u << s);
            } else {
                f.points = (uint8_t)(1u << d);
            }
        } else {
            f.marks = MED2_LCD_BIT(k - MED2_LCD_DIGITS * 8u);
        }
        show(&f, false);
        cr_assert_eq(pcf85176_model_lit_count(&part), 1u, "element %u lights one segment", k);
        for (unsigned c = 0; c < 40u; c++) {
            for (unsigned b = 0; b < 4u; b++) {
                if (pcf85176_model_lit(&part, c, b)) {
                    cr_assert_not(used[c][b], "element %u shares column %u BP%u", k, c, b);
                    used[c][b] = true;
                    total++;
                }
            }
        }
    }
    cr_assert_eq(total, 7u * 8u + 41u);
}

Test(pcf85176, blinking_digits_go_blank_in_the_hidden_phase)
{
    struct med2_lcd_frame f = {0};
    for (unsigned d = 0; d < MED2_LCD_DIGITS; d++) {
        f.seg[d] = med2_lcd_glyph('1'); /* b and c */
    }
    f.points = 1u << 3;
    f.blink = 1u << 3;
    show(&f, false);
    cr_assert_eq(pcf85176_model_lit_count(&part), 7u * 2u + 1u);
    show(&f, true);
    cr_assert_not(pcf85176_model_lit(&part, 7, 0), "digit 3's b");
    cr_assert_not(pcf85176_model_lit(&part, 7, 2), "digit 3's c");
    cr_assert(pcf85176_model_lit(&part, 7, 3), "its point stays");
    cr_assert(pcf85176_model_lit(&part, 5, 0), "digit 2 does not blink");
    cr_assert_eq(pcf85176_model_lit_count(&part), 6u * 2u + 1u);
}

static int nack(void *ctx, uint8_t address, const uint8_t *data, size_t n)
{
    (void)ctx, (void)address, (void)data, (void)n;
    return -1;
}

Test(pcf85176, a_driver_that_does_not_answer_is_reported)
{
    struct i2c_bus silent = {.write = nack};
    struct med2_lcd_frame f = {0};
    cr_assert_lt(pcf85176_show(&silent, &f, false), 0);
}
