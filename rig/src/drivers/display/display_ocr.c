/*
 * display_ocr.c — the ocr display driver: ssocr reads the seven-segment
 * digits of a picture (rig/display.h).
 *
 * ssocr is run on the digit strip only (crop), with -d -1 (find the digits)
 * and -X (print each digit's segments in hex), so every pattern is read, a
 * letter as well as a digit, and mapped to the meter's segments here. -W 1:
 * a blob is a decimal point when it is narrower than the widest digit (and
 * short); ssocr's default wants it narrower than half of it, which a point
 * among digits that are all ones (1111.111) is not.
 * ssocr's bits: 1 a, 2 f, 4 b, 8 g, 16 e, 32 c, 64 d; a decimal point is a
 * digit of its own, 0x80. A blank digit leaves no trace in a picture, so
 * blanks are not read.
 * ssocr measures each digit's own height and scales a character drawn in
 * the lower half only up to it; the meter's font has none (med2_lcd.h), so
 * what ssocr reads is what is lit. A lone bar at the bottom (_) reads as a
 * minus: the bar's place is not kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "drivers/display/display_internal.h"

#define SSOCR_POINT 0x80u
#define OCR_OUT_MAX 512

static uint8_t from_ssocr(unsigned v)
{
    static const struct { unsigned ssocr; uint8_t seg; } bits[] = {
        {1, MED2_SEG_A}, {2, MED2_SEG_F}, {4, MED2_SEG_B}, {8, MED2_SEG_G},
        {16, MED2_SEG_E}, {32, MED2_SEG_C}, {64, MED2_SEG_D},
    };
    uint8_t s = 0;
    for (size_t k = 0; k < sizeof bits / sizeof bits[0]; k++)
        if (v & bits[k].ssocr)
            s |= bits[k].seg;
    return s;
}

/* Run ssocr on crop of png, its stdout into out. 0, -ENOENT (not installed), -EIO. */
static int run_ssocr(const char *png, const int crop[4], char *out, size_t len)
{
    int fds[2];
    if (pipe(fds) < 0)
        return rig_error_set(-errno, "pipe: %s", strerror(errno));
    char c[4][16];
    for (int k = 0; k < 4; k++)
        snprintf(c[k], sizeof c[k], "%d", crop[k]);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]), close(fds[1]);
        return rig_error_set(-errno, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 2);
        close(fds[0]);
        if (crop[2] > 0)
            execlp("ssocr", "ssocr", "-d", "-1", "-W", "1", "-X", "crop", c[0], c[1], c[2], c[3], png,
                   (char *)NULL);
        else
            execlp("ssocr", "ssocr", "-d", "-1", "-W", "1", "-X", png, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(fds[0], out + n, len - 1 - n)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        n += (size_t)r;
    }
    out[n] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return rig_error_set(-ENOENT, "ssocr is not installed (Debian package ssocr: make setup)");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n == 0)
        return rig_error_set(-EIO, "ssocr could not read the digits in %s", png);
    return 0;
}

int rig_display_ocr_file(const char *png, struct rig_display *out)
{
    static const int strip[4] = {0, 0, RIG_DISPLAY_DIGITS_W, RIG_DISPLAY_DIGITS_H};
    return rig_display_ocr_crop(png, strip, out);
}

int rig_display_ocr_crop(const char *png, const int crop[4], struct rig_display *out)
{
    char text[OCR_OUT_MAX];
    int rc = run_ssocr(png, crop, text, sizeof text);
    if (rc < 0)
        return rc;
    struct med2_lcd_frame f = {0};
    unsigned count = 0;
    char *save = NULL;
    /* right-aligned like the meter's numbers: collect, then place */
    uint8_t seg[2 * MED2_LCD_DIGITS];
    uint8_t pt[2 * MED2_LCD_DIGITS] = {0};
    for (char *tok = strtok_r(text, ": \n", &save); tok; tok = strtok_r(NULL, ": \n", &save)) {
        unsigned v = (unsigned)strtoul(tok, NULL, 16);
        if (v == SSOCR_POINT) {
            if (count > 0)
                pt[count - 1] = 1;
            continue;
        }
        if (count == sizeof seg)
            return rig_error_set(-EIO, "ssocr read more digits in %s than the display has", png);
        seg[count++] = from_ssocr(v);
    }
    if (count > MED2_LCD_DIGITS)
        return rig_error_set(-EIO, "ssocr read %u digits in %s, the display has %u", count, png,
                             MED2_LCD_DIGITS);
    unsigned first = MED2_LCD_DIGITS - count;
    for (unsigned k = 0; k < count; k++) {
        f.seg[first + k] = seg[k];
        f.points |= (uint8_t)(pt[k] << (first + k));
    }
    rig_display_from_frame(&f, out);
    out->marks_known = false;
    return 0;
}
