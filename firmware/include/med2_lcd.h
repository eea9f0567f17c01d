/*
 * med2_lcd.h — the MED2 display as a frame: 7 digits of 7 segments with a
 * decimal point after each, the unit annunciators and the icons of the
 * manual's §2.4.
 *
 * The one description of the LCD shared by the firmware (core/ui draws
 * frames), the simulated bench (benchd renders them) and the rig (decodes
 * them), so what a segment or a mark means is defined once.
 *
 * Segments of a digit, bit 0..6 = a..g:
 *
 *      aaa
 *     f   b
 *      ggg
 *     e   c
 *      ddd  .
 */
#ifndef MED2_LCD_H
#define MED2_LCD_H

#include <stdint.h>

#define MED2_LCD_DIGITS 7u

#define MED2_SEG_A 0x01u
#define MED2_SEG_B 0x02u
#define MED2_SEG_C 0x04u
#define MED2_SEG_D 0x08u
#define MED2_SEG_E 0x10u
#define MED2_SEG_F 0x20u
#define MED2_SEG_G 0x40u

/*
 * The marks: unit annunciators, then the icons of §2.4 and the labels that
 * say which register a value page shows. X(id, text as printed on the glass)
 */
#define MED2_LCD_MARKS(X) \
    X(KWH, "kWh")            \
    X(KVARH, "kvarh")        \
    X(V, "V")                \
    X(A, "A")                \
    X(W, "W")                \
    X(VAR, "var")            \
    X(VA, "VA")              \
    X(HZ, "Hz")              \
    X(PF, "PF")              \
    X(MS, "ms")              \
    X(SEC, "s")              \
    X(MIN, "min")            \
    X(MAIN, "main")          \
    X(MEASURE, "measure")    \
    X(ENERGY, "energy")      \
    X(INSTANT, "instant")    \
    X(DEMAND, "demand")      \
    X(SETTINGS, "settings")  \
    X(DATETIME, "date-time") \
    X(INFO, "info")          \
    X(INPUT, "input")        \
    X(WARNING, "warning")    \
    X(COMM, "comm")          \
    X(PULSE, "pulse")        \
    X(BTN_NEXT, "btn-next")  \
    X(BTN_ENTER, "btn-enter") \
    X(BTN_BACK, "btn-back")  \
    X(IMPORT, "import")      \
    X(EXPORT, "export")      \
    X(TOTAL, "total")        \
    X(T1, "T1")              \
    X(T2, "T2")              \
    X(SUB1, "-1")            \
    X(SUB2, "-2")            \
    X(SUB3, "-3")            \
    X(SUB4, "-4")            \
    X(PARTIAL, "partial")    \
    X(BALANCE, "balance")    \
    X(MAX, "max")            \
    X(LOCK, "lock")          \
    X(RUN, "run")

#define MED2_LCD_MARK_ENUM(id, text) MED2_LCD_MARK_##id,
enum med2_lcd_mark { MED2_LCD_MARKS(MED2_LCD_MARK_ENUM) MED2_LCD_MARK_COUNT };
#undef MED2_LCD_MARK_ENUM

#define MED2_LCD_BIT(mark) ((uint64_t)1u << (mark))

/* One picture of the display. */
struct med2_lcd_frame {
    uint8_t seg[MED2_LCD_DIGITS]; /* leftmost digit first */
    uint8_t points;               /* bit k: the point after digit k */
    uint8_t blink;                /* bit k: digit k blinks (the digit being edited) */
    uint8_t backlight;            /* 1 lit, 0 dark */
    uint32_t reserved;
    uint64_t marks;               /* MED2_LCD_BIT(MED2_LCD_MARK_...) */
};

/*
 * The font: a character's segments, 0 for a blank or a character a seven
 * segment digit cannot show. Letters as such displays draw them (upper and
 * lower case alike), every one full height, so a camera reads exactly what
 * is lit (an OCR such as ssocr scales a half-height character up to the
 * digit's height): n is drawn as M, o as 0, I as 1, r as a Γ, v as U.
 * Some letters therefore look like digits or other letters — S and 5, O and
 * 0, I and 1, n and M — as on any seven-segment display.
 */
static inline uint8_t med2_lcd_glyph(char c)
{
    static const uint8_t digits[10] = {0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F};
    static const uint8_t letters[26] = {
        0x77, /* A */ 0x7C, /* b */ 0x39, /* C */ 0x5E, /* d */ 0x79, /* E */ 0x71, /* F */
        0x3D, /* G */ 0x76, /* H */ 0x06, /* I */ 0x1E, /* J */ 0x75, /* K */ 0x38, /* L */
        0x37, /* M */ 0x37, /* n */ 0x3F, /* o */ 0x73, /* P */ 0x67, /* q */ 0x31, /* r */
        0x6D, /* S */ 0x78, /* t */ 0x3E, /* U */ 0x3E, /* v */ 0x7E, /* W */ 0x49, /* X */
        0x6E, /* y */ 0x5B, /* Z */
    };
    if (c >= '0' && c <= '9') {
        return digits[c - '0'];
    }
    if (c >= 'a' && c <= 'z') {
        c = (char)(c - 'a' + 'A');
    }
    if (c >= 'A' && c <= 'Z') {
        return letters[c - 'A'];
    }
    return c == '-' ? MED2_SEG_G : c == '_' ? MED2_SEG_D : 0u;
}

/*
 * The character a digit's segments read as: a digit where the segments make
 * one, else the first letter of the font with them, '-' for g alone, ' '
 * for blank, '?' for a pattern no character has.
 */
static inline char med2_lcd_char(uint8_t seg)
{
    static const char order[] = "0123456789-_AbCdEFGHIJKLMnoPqrStUvWXyZ";
    if (seg == 0u) {
        return ' ';
    }
    for (const char *p = order; *p; p++) {
        if (med2_lcd_glyph(*p) == seg) {
            return *p;
        }
    }
    return '?';
}

#endif /* MED2_LCD_H */
