/*
 * bench_hw.c — the real bench's driver: the source on its serial port (if
 * it answers: reading and flashing need none), the pulse inputs and the
 * reference standard's pulse lines on GPIO lines (opened with the bench, so
 * they count and keep kernel-timestamped edges from then on), the monotonic
 * clock, OpenOCD for flashing.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"
#include "drivers/display/display_internal.h"
#include "drivers/flash/flash_internal.h"
#include "rig/flash.h"
#include "drivers/lines/lines_internal.h"
#include "drivers/relays/supply.h"
#include "drivers/relays/buttons_internal.h"
#include "rig/error.h"
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

/* kernel timestamps (CLOCK_MONOTONIC) to bench time */
static uint64_t bench_ns(const struct rig_bench *b, uint64_t mono)
{
    return mono > (uint64_t)b->t0_ns ? mono - (uint64_t)b->t0_ns : 0;
}

/* Take up to max edges of in, in bench time, marked as output. */
static int take_line(struct rig_bench *b, struct rig_pulse_input *in, unsigned output,
                     struct rig_pulse_edge *edges, size_t max, size_t *n, uint64_t *dropped)
{
    struct rig_line_edge *buf = calloc(max ? max : 1, sizeof *buf);
    if (!buf)
        return rig_error_set(-ENOMEM, "out of memory");
    int rc = rig_pulse_input_edges(in, buf, max, n, dropped);
    for (size_t k = 0; rc == 0 && k < *n; k++)
        edges[k] = (struct rig_pulse_edge){bench_ns(b, buf[k].t_ns), output, buf[k].level};
    free(buf);
    return rc;
}

static int hw_pulse_edges(struct rig_bench *b, unsigned position, struct rig_pulse_edge *edges,
                          size_t max, size_t *n)
{
    struct rig_pulse_input **in = b->pulses[position - 1];
    if (!in[0] && !in[1])
        return rig_error_set(-ENODEV, "position %u: no pulse output is wired — add pulse1 = "
                                      "CHIP:LINE to [position %u] of %s",
                             position, position, b->cfg->file);
    struct rig_pulse_edge *part[2] = {NULL, NULL};
    size_t got[2] = {0, 0};
    int rc = 0;
    for (unsigned o = 0; o < 2 && rc == 0; o++) {
        if (!in[o])
            continue;
        if (!(part[o] = calloc(max ? max : 1, sizeof *part[o])))
            rc = rig_error_set(-ENOMEM, "out of memory");
        else if ((rc = take_line(b, in[o], o + 1, part[o], max, &got[o], NULL)) < 0)
            rc = rig_error_prefix(rc, "position %u: pulse output %u", position, o + 1);
    }
    /* both outputs, oldest first; beyond max they are dropped */
    size_t i = 0, j = 0, k = 0;
    while (rc == 0 && k < max && (i < got[0] || j < got[1])) {
        bool first = j >= got[1] || (i < got[0] && part[0][i].t_ns <= part[1][j].t_ns);
        edges[k++] = first ? part[0][i++] : part[1][j++];
    }
    *n = k;
    free(part[0]);
    free(part[1]);
    return rc;
}

static int hw_pulse_level(struct rig_bench *b, unsigned position, unsigned output,
                          unsigned *active)
{
    struct rig_pulse_input *in = b->pulses[position - 1][output - 1];
    bool level;
    if (!in)
        return hw_pulse_input(b, position, output, NULL);
    int rc = rig_pulse_input_level(in, &level);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u: pulse output %u", position, output);
    *active = level;
    return 0;
}

static int no_reference(struct rig_bench *b, unsigned wire)
{
    return rig_error_set(-ENODEV, "bench %s has no %s reference line — add [reference] %s = "
                                  "CHIP:LINE and %s = <imp/kWh> to %s (the reference standard's "
                                  "pulse output)",
                         b->cfg->name, wire == 1 ? "active" : "reactive",
                         wire == 1 ? "line" : "reactive_line",
                         wire == 1 ? "constant" : "reactive_constant", b->cfg->file);
}

static int hw_reference_edges(struct rig_bench *b, unsigned wire, struct rig_pulse_edge *edges,
                              size_t max, size_t *n, uint64_t *dropped)
{
    if (!b->reference[wire])
        return no_reference(b, wire);
    int rc = take_line(b, b->reference[wire], wire, edges, max, n, dropped);
    return rc < 0 ? rig_error_prefix(rc, "reference line") : 0;
}

static int hw_reference_constant(struct rig_bench *b, unsigned wire, double *imp_per_kwh)
{
    if (!b->reference[wire])
        return no_reference(b, wire);
    *imp_per_kwh = b->cfg->reference_constant[wire];
    return 0;
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
    for (unsigned k = 0; k < RIG_MAX_POSITIONS; k++) {
        rig_supply_relay_close(b->supply[k]); /* released: the units are powered */
        b->supply[k] = NULL;
    }
}

/* The position's supply relay, opened on first use (docs/power.md). */
static int hw_supply(struct rig_bench *b, unsigned position, bool on, double *holdup_used_s)
{
    const struct rig_position *pos = &b->cfg->pos[position - 1].pub;
    if (holdup_used_s != NULL) {
        *holdup_used_s = 0.0; /* a real unit does not tell */
    }
    if (pos->supply == NULL) {
        return rig_error_set(-ENODEV, "position %u has no supply relay — add supply = CHIP:LINE "
                                      "to [position %u] of %s",
                             position, position, b->cfg->file);
    }
    if (b->supply[position - 1] == NULL) {
        int rc = rig_supply_relay_open(pos->supply, position, &b->supply[position - 1]);
        if (rc < 0) {
            return rc;
        }
    }
    return rig_supply_relay_set(b->supply[position - 1], on);
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
    .reference_edges = hw_reference_edges,
    .reference_constant = hw_reference_constant,
    .supply = hw_supply,
};

/* A reference standard's pulses come much faster than a meter's. */
#define REFERENCE_QUEUE 262144

static struct rig_line_config line_config(const char *spec, const struct rig_bench_line_opts *o,
                                          size_t queue)
{
    return (struct rig_line_config){.spec = spec, .bias = (enum rig_gpiod_bias)o->bias,
                                    .active_low = o->active_low, .debounce_us = o->debounce_us,
                                    .queue = queue};
}

int rig_bench_hw_open(struct rig_bench *b)
{
    struct rig_bench_config *cfg = b->cfg;
    b->drv = &hw_driver;
    /* Reading or flashing a meter needs no source: without one the bench
     * opens, and what needs it says why it is missing (rig_bench_source). */
    int rc = rig_source_open_dialect(cfg->source_port, cfg->source_baud, cfg->source_transport,
                                     cfg->source_dialect, &b->source);
    if (rc < 0) {
        rig_error_prefix(rc, "%s", cfg->file);
        b->source = NULL;
        if (!(b->source_error = strdup(rig_last_error())))
            return rig_error_set(-ENOMEM, "out of memory");
    }
    /* Pulse inputs count from now on, so they open with the bench. */
    for (unsigned i = 0; i < cfg->positions; i++) {
        for (unsigned o = 0; o < 2; o++) {
            const char *spec = cfg->pos[i].pulse[o];
            char consumer[32];
            if (!spec)
                continue;
            snprintf(consumer, sizeof consumer, "rig pos%u pulse%u", i + 1, o + 1);
            struct rig_line_config lc = line_config(spec, &cfg->pulse_opts, 0);
            rc = rig_pulse_input_open_line("pulse input", &lc, consumer, &b->pulses[i][o]);
            if (rc < 0)
                return rig_error_prefix(rc, "%s: position %u", cfg->file, i + 1);
        }
    }
    for (unsigned w = 1; w <= 2; w++) {
        if (!cfg->reference_line[w])
            continue;
        struct rig_line_config lc =
            line_config(cfg->reference_line[w], &cfg->reference_opts, REFERENCE_QUEUE);
        rc = rig_pulse_input_open_line("reference line", &lc,
                                       w == 1 ? "rig reference" : "rig reference var",
                                       &b->reference[w]);
        if (rc < 0)
            return rig_error_prefix(rc, "%s: [reference]", cfg->file);
    }
    b->t0_ns = mono_ns();
    return 0;
}
