/*
 * display_frame.c — a display frame as text and numbers (rig/display.h):
 * the meter's own font (med2_lcd.h) read backwards.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "drivers/display/display_internal.h"

static const char *const mark_text[MED2_LCD_MARK_COUNT] = {
#define MARK_TEXT(id, text) text,
    MED2_LCD_MARKS(MARK_TEXT)
#undef MARK_TEXT
};

int rig_display_parse_frame(const char *reply, struct med2_lcd_frame *out)
{
    char seg[15];
    unsigned points, blink, light;
    uint64_t marks;
    memset(out, 0, sizeof *out);
    if (sscanf(reply, "%14s %x %x %u %" SCNx64, seg, &points, &blink, &light, &marks) != 5 ||
        strlen(seg) != 2 * MED2_LCD_DIGITS)
        return rig_error_set(-EPROTO, "benchd sent a display frame this rig does not read: '%s'",
                             reply);
    for (unsigned d = 0; d < MED2_LCD_DIGITS; d++) {
        char two[3] = {seg[2 * d], seg[2 * d + 1], 0};
        out->seg[d] = (uint8_t)strtoul(two, NULL, 16);
    }
    out->points = (uint8_t)points;
    out->blink = (uint8_t)blink;
    out->backlight = light ? 1u : 0u;
    out->marks = marks;
    return 0;
}

void rig_display_from_frame(const struct med2_lcd_frame *frame, struct rig_display *out)
{
    size_t n = 0;
    out->frame = *frame;
    out->marks_known = true;
    for (unsigned d = 0; d < MED2_LCD_DIGITS; d++) {
        out->text[n++] = med2_lcd_char(frame->seg[d]);
        if (frame->points & (1u << d))
            out->text[n++] = '.';
    }
    out->text[n] = '\0';
}

/* The frame's non-blank digits and their points as (segments, point) pairs. */
static size_t digits_of(const struct med2_lcd_frame *f, uint8_t *seg, uint8_t *pt)
{
    size_t n = 0;
    for (unsigned d = 0; d < MED2_LCD_DIGITS; d++) {
        if (f->seg[d] == 0 && !(f->points & (1u << d)))
            continue;
        seg[n] = f->seg[d];
        pt[n++] = (f->points >> d) & 1u;
    }
    return n;
}

bool rig_display_same_digits(const struct rig_display *a, const struct rig_display *b)
{
    uint8_t sa[MED2_LCD_DIGITS], pa[MED2_LCD_DIGITS], sb[MED2_LCD_DIGITS], pb[MED2_LCD_DIGITS];
    size_t na = digits_of(&a->frame, sa, pa), nb = digits_of(&b->frame, sb, pb);
    return na == nb && memcmp(sa, sb, na) == 0 && memcmp(pa, pb, na) == 0;
}

bool rig_display_shows(const struct rig_display *d, const char *word)
{
    struct med2_lcd_frame f = {0};
    unsigned k = 0;
    for (const char *p = word; *p && k < MED2_LCD_DIGITS; p++) {
        if (*p == '.' && k > 0) {
            f.points |= (uint8_t)(1u << (k - 1));
            continue;
        }
        f.seg[k++] = med2_lcd_glyph(*p);
    }
    struct rig_display w;
    rig_display_from_frame(&f, &w);
    return rig_display_same_digits(d, &w);
}

bool rig_display_value(const struct rig_display *d, double *value)
{
    char num[RIG_DISPLAY_TEXT_MAX];
    size_t n = 0;
    for (const char *p = d->text; *p; p++) {
        if (*p == ' ')
            continue;
        if (!strchr("0123456789.-", *p))
            return false;
        num[n++] = *p;
    }
    num[n] = '\0';
    char *end;
    if (n == 0)
        return false;
    *value = strtod(num, &end);
    return *end == '\0';
}

void rig_display_marks_text(uint64_t marks, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned k = 0; k < MED2_LCD_MARK_COUNT && used < len; k++) {
        if (marks & MED2_LCD_BIT(k))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "", mark_text[k]);
    }
}
