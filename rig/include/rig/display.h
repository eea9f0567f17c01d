/*
 * rig/display.h — reading a meter's display (the LCD of the manual's §2.4).
 *
 * Two drivers behind one call: `sim` takes the frame the simulated unit
 * shows from benchd; `ocr` reads the digits, decimal points and sign from a
 * picture with ssocr (Debian package) — on the simulated bench the picture
 * is benchd's rendering of the frame, on a real bench a camera's (bench file
 * key `camera`). The frame layout, the font and the marks are the firmware's
 * own (firmware/include/med2_lcd.h).
 */
#ifndef RIG_DISPLAY_H
#define RIG_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "med2_lcd.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;

#define RIG_DISPLAY_TEXT_MAX 24

/* What a display shows. */
struct rig_display {
    struct med2_lcd_frame frame;      /* segments, points, blink, backlight, marks */
    char text[RIG_DISPLAY_TEXT_MAX];  /* the digits as shown: blanks kept, '.' after a point */
    bool marks_known;                 /* false from OCR: only digits, points and sign are read */
};

/*
 * rig_display_read — the frame position's display shows now (sim driver).
 * Returns 0, -EINVAL (no such position), -ENOTSUP (a real bench: read it
 * with rig_display_ocr from its camera), -EIO (benchd failed, the unit is
 * not running), with a last error naming the position.
 */
int rig_display_read(struct rig_bench *bench, unsigned position, struct rig_display *out);

/*
 * rig_display_picture — a picture of the display as a PNG at path: benchd's
 * rendering, or a real bench's camera. Returns 0, -EINVAL, -ENODEV (no
 * camera wired for the position: bench file key camera), -EIO.
 */
int rig_display_picture(struct rig_bench *bench, unsigned position, const char *path);

/*
 * rig_display_ocr — read the display from a picture with ssocr (ocr
 * driver): text and segments of the digits; marks are not read. The picture
 * is taken into a temporary file. Returns 0, as rig_display_picture, or
 * -ENOENT (ssocr not installed), -EIO (ssocr could not read the picture).
 */
int rig_display_ocr(struct rig_bench *bench, unsigned position, struct rig_display *out);

/*
 * rig_display_ocr_file — ssocr on a picture file made by benchd's renderer
 * (or a camera cropped to the digits the same way). Returns as rig_display_ocr.
 */
int rig_display_ocr_file(const char *png, struct rig_display *out);

/* rig_display_from_frame — fill text (and marks_known) from a frame. */
void rig_display_from_frame(const struct med2_lcd_frame *frame, struct rig_display *out);

/*
 * rig_display_shows — does the display show word (as the meter's font draws
 * it: "SET", "SUCCESS", "12.5")? Compares segments, blanks around ignored.
 */
bool rig_display_shows(const struct rig_display *d, const char *word);

/*
 * rig_display_value — the number shown (digits, point, sign), or false when
 * the digits are not a number.
 */
bool rig_display_value(const struct rig_display *d, double *value);

/* rig_display_marks_text — the marks that are on, as printed, space-separated. */
void rig_display_marks_text(uint64_t marks, char *buf, size_t len);

/* rig_display_same_digits — the digits and points of a and b read the same,
 * blanks not counted (OCR cannot see a blank digit). */
bool rig_display_same_digits(const struct rig_display *a, const struct rig_display *b);

#ifdef __cplusplus
}
#endif

#endif /* RIG_DISPLAY_H */
