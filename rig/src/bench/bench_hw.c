/*
 * bench_hw.c — the real bench's driver: the source on its serial port, the
 * pulse inputs on GPIO lines (opened with the bench, so they count from
 * then on), the monotonic clock, OpenOCD for flashing.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"
#include "drivers/display/display_internal.h"
#include "drivers/flash/flash_internal.h"
#include "drivers/lines/lines_internal.h"
#include "drivers/relays/buttons_internal.h"
#include "rig/source.h"

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int hw_sleep(struct rig_bench *b, double seconds)
{
    (void)b;
    struct timespec ts = {(time_t)seconds, (long)((seconds - floor(seconds)) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
    return 0;
}

static int hw_time(struct rig_bench *b, double *seconds)
{
    *seconds = (double)(mono_ns() - b->t0_ns) / 1e9;
    return 0;
}

static int hw_pulse_input(struct rig_bench *b, unsigned position, unsigned output,
                          struct rig_pulse_input **out)
{
    (void)out;
    return rig_error_set(-ENODEV, "position %u: pulse output %u is not wired — add pulse%u "
                                  "= CHIP:LINE to [position %u] of %s",
                         position, output, output, position, b->cfg->file);
}

static int hw_pulse_edges(struct rig_bench *b, unsigned position, struct rig_pulse_edge *edges,
                          size_t max, size_t *n)
{
    (void)edges, (void)max, (void)n;
    return rig_error_set(-ENOTSUP, "position %u: bench %s counts pulses on its GPIO lines but "
                                   "keeps no edge timestamps yet",
                         position, b->cfg->name);
}

static int hw_pulse_level(struct rig_bench *b, unsigned position, unsigned output,
                          unsigned *active)
{
    (void)active;
    return rig_error_set(-ENOTSUP, "position %u: bench %s reads pulse output %u's edges, not "
                                   "its level, for now",
                         position, b->cfg->name, output);
}

static int hw_flash(struct rig_bench *b, unsigned position, const char *image)
{
    const struct rig_position *pos = &b->cfg->pos[position - 1].pub;
    return rig_flash_openocd(position, pos->swd, pos->swd_serial, image);
}

static int hw_unit_running(struct rig_bench *b, unsigned position, char *why, size_t len)
{
    (void)why, (void)len;
    return rig_error_set(-ENOTSUP, "position %u: bench %s cannot tell whether a unit runs",
                         position, b->cfg->name);
}

static int hw_default_image(struct rig_bench *b, char *buf, size_t len)
{
    (void)buf, (void)len;
    return rig_error_set(-ENOTSUP, "bench %s is a real bench: name the MCU image to flash",
                         b->cfg->name);
}

static void hw_release(struct rig_bench *b)
{
    (void)b;
}

/* The display's buttons: relays on GPIO output lines, the display's picture:
 * a camera (bench file keys, docs/ui.md). */
static int hw_press(struct rig_bench *b, unsigned position, unsigned button, unsigned ms)
{
    const struct rig_position *p = &b->cfg->pos[position - 1].pub; /* checked by the caller */
    const char *name = button == 1 ? "next" : "enter";
    if (!p->button[button - 1])
        return rig_error_set(-ENODEV, "position %u of bench %s has no relay for button %s — wire "
                                      "one and name its line in the bench file (button_%s = "
                                      "CHIP:LINE)", position, b->cfg->name, name, name);
    char consumer[32];
    snprintf(consumer, sizeof consumer, "rig pos%u %s", position, name);
    int rc = rig_button_relay_press(p->button[button - 1], p->buttons_active_low, consumer, ms);
    return rc < 0 ? rig_error_prefix(rc, "position %u: button %s", position, name) : 0;
}

static int hw_frame(struct rig_bench *b, unsigned position, struct med2_lcd_frame *out)
{
    (void)out;
    return rig_error_set(-ENOTSUP, "position %u of bench %s: a real display is read by its camera "
                                   "(rig display --ocr)", position, b->cfg->name);
}

static int hw_picture(struct rig_bench *b, unsigned position, const char *path)
{
    const struct rig_position *p = &b->cfg->pos[position - 1].pub; /* checked by the caller */
    if (!p->camera)
        return rig_error_set(-ENODEV, "position %u of bench %s has no camera on its display — wire "
                                      "one and name it in the bench file (camera = /dev/videoN)",
                             position, b->cfg->name);
    int rc = rig_camera_capture(p->camera, path);
    return rc < 0 ? rig_error_prefix(rc, "position %u", position) : 0;
}

static const struct rig_bench_driver hw_driver = {
    .sleep = hw_sleep,
    .time = hw_time,
    .pulse_input = hw_pulse_input,
    .pulse_edges = hw_pulse_edges,
    .pulse_level = hw_pulse_level,
    .flash = hw_flash,
    .unit_running = hw_unit_running,
    .default_image = hw_default_image,
    .release = hw_release,
    .press = hw_press,
    .frame = hw_frame,
    .picture = hw_picture,
};

int rig_bench_hw_open(struct rig_bench *b)
{
    struct rig_bench_config *cfg = b->cfg;
    b->drv = &hw_driver;
    int rc = rig_source_open(cfg->source_port, cfg->source_baud, cfg->source_transport,
                             &b->source);
    if (rc < 0)
        return rig_error_prefix(rc, "%s", cfg->file);
    /* Pulse inputs count from now on, so they open with the bench. */
    for (unsigned i = 0; i < cfg->positions; i++) {
        for (unsigned o = 0; o < 2; o++) {
            const char *spec = cfg->pos[i].pulse[o];
            char consumer[32];
            if (!spec)
                continue;
            snprintf(consumer, sizeof consumer, "rig pos%u pulse%u", i + 1, o + 1);
            rc = rig_pulse_input_open_gpiod(spec, consumer, &b->pulses[i][o]);
            if (rc < 0)
                return rig_error_prefix(rc, "%s: position %u", cfg->file, i + 1);
        }
    }
    b->t0_ns = mono_ns();
    return 0;
}
