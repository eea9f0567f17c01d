/*
 * bench_display.c — the display and the buttons of a position, through the
 * bench's driver (rig/display.h, rig/buttons.h): benchd on a simulated
 * bench, relays and a camera on a real one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"
#include "drivers/display/display_internal.h"
#include "rig/buttons.h"
#include "rig/display.h"

int rig_press(struct rig_bench *bench, unsigned position, enum rig_button button, unsigned hold_ms)
{
    int rc = rig_bench_check_position(bench, position);
    if (rc < 0)
        return rc;
    if (button != RIG_BUTTON_NEXT && button != RIG_BUTTON_ENTER)
        return rig_error_set(-EINVAL, "position %u: no button %d (next or enter)", position, (int)button);
    unsigned bench_ms = rig_bench_position(bench, position)->press_ms;
    unsigned ms = hold_ms ? hold_ms : bench_ms ? bench_ms : RIG_PRESS_SHORT_MS;
    return bench->drv->press(bench, position, (unsigned)button, ms);
}

int rig_display_read(struct rig_bench *bench, unsigned position, struct rig_display *out)
{
    struct med2_lcd_frame f;
    int rc = rig_bench_check_position(bench, position);
    if (rc < 0 || (rc = bench->drv->frame(bench, position, &f)) < 0)
        return rc;
    rig_display_from_frame(&f, out);
    return 0;
}

int rig_display_picture(struct rig_bench *bench, unsigned position, const char *path)
{
    int rc = rig_bench_check_position(bench, position);
    return rc < 0 ? rc : bench->drv->picture(bench, position, path);
}

int rig_display_ocr(struct rig_bench *bench, unsigned position, struct rig_display *out)
{
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/rig-display-XXXXXX.png", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 4);
    if (fd < 0)
        return rig_error_set(-errno, "cannot make a file for the display's picture (%s)", path);
    close(fd);
    int rc = rig_display_picture(bench, position, path);
    if (rc == 0 && rig_bench_is_simulated(bench))
        rc = rig_display_ocr_file(path, out); /* benchd's picture: the digit strip is known */
    else if (rc == 0)
        rc = rig_display_ocr_crop(path, rig_bench_position(bench, position)->camera_crop, out);
    unlink(path);
    return rc;
}
