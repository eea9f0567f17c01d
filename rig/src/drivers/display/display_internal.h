/*
 * display_internal.h — between the display drivers and the bench.
 */
#ifndef RIG_DISPLAY_INTERNAL_H
#define RIG_DISPLAY_INTERNAL_H

#include "rig/display.h"

/* The digit strip of benchd's picture (rig/sim/sim_display.c): what ssocr
 * is given, so the mark row below it is not read as digits. */
#define RIG_DISPLAY_DIGITS_W 460
#define RIG_DISPLAY_DIGITS_H 125

/* Parse benchd's FRAME reply ("SSSSSSSSSSSSSS PP BB L MMMMMMMMMMMMMMMM", hex). 0 or -EPROTO. */
int rig_display_parse_frame(const char *reply, struct med2_lcd_frame *out);

/* ssocr on the part crop = {x, y, w, h} of a picture (w = 0: all of it). */
int rig_display_ocr_crop(const char *png, const int crop[4], struct rig_display *out);

/*
 * rig_camera_capture — one picture from the V4L2 camera device into path
 * (PNG) with fswebcam (Debian package; camera_v4l2.c). Returns 0, -ENOENT
 * (fswebcam not installed), -EIO (no picture: the message names the device).
 */
int rig_camera_capture(const char *device, const char *path);

#endif
