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
#include "drivers/flash/flash_internal.h"
#include "rig/flash.h"
#include "drivers/lines/lines_internal.h"
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
    (void)b;
    return rig_flash_arm_image(buf, len); /* never the host build */
}

static void hw_release(struct rig_bench *b)
{
    (void)b;
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
