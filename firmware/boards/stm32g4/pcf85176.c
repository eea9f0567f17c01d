/*
 * pcf85176.c — a med2_lcd_frame into the PCF85176's display RAM; see
 * pcf85176.h for the part and the glass.
 */
#include "pcf85176.h"

#define BITS_PER_DIGIT 8u /* a..g, then the point */
#define PLACE(column_offset, backplane) (uint8_t)(((column_offset) << 2) | (backplane))

/* Segment a..g and the point of a digit: column offset (0 or 1) and backplane. */
static const uint8_t digit_place[BITS_PER_DIGIT] = {
    PLACE(0, 0), /* a */
    PLACE(1, 0), /* b */
    PLACE(1, 2), /* c */
    PLACE(0, 3), /* d */
    PLACE(0, 2), /* e */
    PLACE(0, 1), /* f */
    PLACE(1, 1), /* g */
    PLACE(1, 3), /* point */
};

_Static_assert(PCF85176_MARK_COLUMN >= 2u * MED2_LCD_DIGITS, "marks after the digits' columns");
_Static_assert(PCF85176_MARK_COLUMN + (MED2_LCD_MARK_COUNT + 3u) / 4u <= PCF85176_COLUMNS,
               "every mark has a segment output");

static void light(uint8_t *ram, unsigned column, unsigned backplane)
{
    /* even column: the high nibble, BP0 at bit 7; odd: the low one */
    unsigned bit = (column & 1u ? 3u : 7u) - backplane;
    ram[column / 2u] |= (uint8_t)(1u << bit);
}

size_t pcf85176_message(const struct med2_lcd_frame *frame, bool blink_hidden,
                        uint8_t out[PCF85176_MESSAGE_BYTES])
{
    out[0] = PCF85176_CONTINUE | PCF85176_MODE_SET | PCF85176_MODE_ENABLE | PCF85176_MODE_BIAS_1_3 |
             PCF85176_MODE_MUX_1_4;
    out[1] = PCF85176_CONTINUE | PCF85176_DEVICE_SELECT; /* device 0: A2..A0 tied to VSS */
    out[2] = PCF85176_LOAD_POINTER; /* column 0, and the last command: data follows */
    uint8_t *ram = out + 3;
    for (unsigned k = 0; k < PCF85176_RAM_BYTES; k++) {
        ram[k] = 0;
    }
    for (unsigned d = 0; d < MED2_LCD_DIGITS; d++) {
        unsigned bits = frame->seg[d] & 0x7Fu;
        if (blink_hidden && (frame->blink & (1u << d))) {
            bits = 0; /* the point stays: it is where the value's point is */
        }
        if (frame->points & (1u << d)) {
            bits |= 1u << (BITS_PER_DIGIT - 1u);
        }
        for (unsigned s = 0; s < BITS_PER_DIGIT; s++) {
            if (bits & (1u << s)) {
                light(ram, 2u * d + (digit_place[s] >> 2), digit_place[s] & 3u);
            }
        }
    }
    for (unsigned k = 0; k < MED2_LCD_MARK_COUNT; k++) {
        if (frame->marks & MED2_LCD_BIT(k)) {
            light(ram, PCF85176_MARK_COLUMN + k / 4u, k % 4u);
        }
    }
    return PCF85176_MESSAGE_BYTES;
}

int pcf85176_show(const struct i2c_bus *bus, const struct med2_lcd_frame *frame, bool blink_hidden)
{
    uint8_t msg[PCF85176_MESSAGE_BYTES];
    size_t n = pcf85176_message(frame, blink_hidden, msg);
    return bus->write(bus->ctx, PCF85176_I2C_ADDRESS, msg, n);
}
