/*
 * sim_display.c — the simulated unit's LCD as a picture: benchd keeps each
 * position's latest frame (sim_unit.c) and draws it on request as a PNG
 * with cairo, the picture a camera in front of a real meter would take,
 * so the rig's OCR path (ssocr) reads the same kind of image on both
 * benches.
 *
 * Layout: a strip of 7 seven-segment digits, dark on a lit (green) or dark
 * (grey) glass, each digit's point at its lower right; below it a row of
 * the marks that are on, as their printed text (med2_lcd.h). Segments of a
 * blinking digit are drawn lit: a camera with a long exposure sees them.
 */
#include <cairo.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim_bench.h"

#define CELL_W 60.0   /* one digit's cell */
#define CELL_H 100.0
#define MARGIN 20.0
#define SEG_T 10.0    /* segment thickness */
#define SEG_GAP 2.0
#define POINT 5.0     /* the decimal point's side: at most half a one's width, so OCR takes it for a point */
#define MARK_ROW_H 40.0
#define MARK_FONT 13.0
#define WIDTH ((int)(2 * MARGIN + MED2_LCD_DIGITS * CELL_W))
#define HEIGHT ((int)(2 * MARGIN + CELL_H + MARK_ROW_H))

static const char *const mark_text[MED2_LCD_MARK_COUNT] = {
#define MARK_TEXT(id, text) text,
    MED2_LCD_MARKS(MARK_TEXT)
#undef MARK_TEXT
};

/* A horizontal (h) or vertical segment with its top left corner at x, y. */
static void segment(cairo_t *cr, double x, double y, double len, int h)
{
    if (h) {
        cairo_rectangle(cr, x + SEG_GAP, y, len - 2 * SEG_GAP, SEG_T);
    } else {
        cairo_rectangle(cr, x, y + SEG_GAP, SEG_T, len - 2 * SEG_GAP);
    }
    cairo_fill(cr);
}

static void digit(cairo_t *cr, double x0, double y0, uint8_t seg, int point)
{
    /* the digit's box inside its cell, leaving room for the point */
    double x = x0 + 8.0, y = y0 + 5.0, w = CELL_W - 26.0, h = CELL_H - 10.0;
    double half = (h - SEG_T) / 2.0;
    if (seg & MED2_SEG_A) segment(cr, x, y, w, 1);
    if (seg & MED2_SEG_B) segment(cr, x + w - SEG_T, y, half + SEG_T, 0);
    if (seg & MED2_SEG_C) segment(cr, x + w - SEG_T, y + half, half + SEG_T, 0);
    if (seg & MED2_SEG_D) segment(cr, x, y + h - SEG_T, w, 1);
    if (seg & MED2_SEG_E) segment(cr, x, y + half, half + SEG_T, 0);
    if (seg & MED2_SEG_F) segment(cr, x, y, half + SEG_T, 0);
    if (seg & MED2_SEG_G) segment(cr, x, y + half, w, 1);
    if (point) {
        cairo_rectangle(cr, x + w + 4.0, y + h - POINT, POINT, POINT);
        cairo_fill(cr);
    }
}

int sim_display_png(const struct med2_lcd_frame *f, const char *path, char *err, size_t err_len)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
    cairo_t *cr = cairo_create(s);
    if (f->backlight)
        cairo_set_source_rgb(cr, 0.78, 0.90, 0.70);
    else
        cairo_set_source_rgb(cr, 0.62, 0.65, 0.60);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.05, 0.07, 0.05);
    for (unsigned d = 0; d < MED2_LCD_DIGITS; d++) {
        digit(cr, MARGIN + d * CELL_W, MARGIN, f->seg[d], (f->points >> d) & 1u);
    }
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, MARK_FONT);
    double x = MARGIN;
    double y = MARGIN + CELL_H + MARK_ROW_H / 2.0 + MARK_FONT / 2.0;
    for (unsigned k = 0; k < MED2_LCD_MARK_COUNT; k++) {
        if (!(f->marks & MED2_LCD_BIT(k)))
            continue;
        cairo_text_extents_t ext;
        cairo_text_extents(cr, mark_text[k], &ext);
        if (x + ext.x_advance > WIDTH - MARGIN) {
            x = MARGIN; /* one row is enough for a real page; overflow overprints */
        }
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, mark_text[k]);
        x += ext.x_advance + 8.0;
    }
    cairo_destroy(cr);
    cairo_status_t st = cairo_surface_write_to_png(s, path);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, err_len, "cannot write the display's picture to %s: %s", path,
                 cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

void sim_display_format(const struct med2_lcd_frame *f, char *buf, size_t len)
{
    snprintf(buf, len, "%02x%02x%02x%02x%02x%02x%02x %02x %02x %u %016" PRIx64, f->seg[0], f->seg[1],
             f->seg[2], f->seg[3], f->seg[4], f->seg[5], f->seg[6], f->points, f->blink,
             f->backlight ? 1u : 0u, f->marks);
}
