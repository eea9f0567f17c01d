/*
 * lines_internal.h — a pulse input (one output of one meter, or the
 * reference standard's pulse output) and its implementations:
 * lines_gpiod.c (a GPIO line through gpiod_backend.h, edges timestamped by
 * the kernel), lines_sim.c (benchd's counter). lines.c is the interface the
 * bench uses.
 */
#ifndef RIG_LINES_INTERNAL_H
#define RIG_LINES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/lines/gpiod_backend.h"

struct rig_simctl;

/* One edge as the line saw it (after debouncing). */
struct rig_line_edge {
    uint64_t t_ns; /* CLOCK_MONOTONIC (kernel timestamp), or virtual time */
    unsigned level; /* logical level after it: 1 rising, 0 falling */
};

struct rig_pulse_input_ops {
    int (*count)(void *impl, uint64_t *count);
    /* take the queued edges, oldest first; *dropped: lost since the last take */
    int (*edges)(void *impl, struct rig_line_edge *edges, size_t max, size_t *n,
                 uint64_t *dropped);
    int (*level)(void *impl, bool *active);
    void (*close)(void *impl);
};

struct rig_pulse_input {
    const struct rig_pulse_input_ops *ops;
    void *impl;
};

/* How a GPIO input line is requested (from the bench file). */
struct rig_line_config {
    const char *spec;          /* "CHIP:OFFSET" */
    enum rig_gpiod_bias bias;
    bool active_low;           /* a pulse is a low pin (open-collector into a pull-up) */
    unsigned debounce_us;      /* 0: none; by the kernel where the API can, else here */
    size_t queue;              /* edges kept between two takes (0: RIG_LINE_QUEUE_DEFAULT) */
};

#define RIG_LINE_QUEUE_DEFAULT 8192

/*
 * rig_pulse_input_open_gpiod — count rising edges of spec "CHIP:OFFSET"
 * (e.g. "gpiochip0:17"; CHIP as name, number, path or label) with the
 * line's defaults (bias as is, active high, no debounce). consumer labels
 * the line request. Returns 0 and *out, or -EINVAL (bad spec), -ENODEV (no
 * such chip or line), -EBUSY (line in use), -errno.
 */
int rig_pulse_input_open_gpiod(const char *spec, const char *consumer,
                               struct rig_pulse_input **out);

/*
 * rig_pulse_input_open_line — as rig_pulse_input_open_gpiod, configured by
 * cfg: both edges are requested with their kernel timestamps and queued
 * (cfg->queue of them) until taken; a thread reads them as they come, so the
 * kernel's small event queue never overflows. role ("pulse input",
 * "reference line") leads error messages.
 */
int rig_pulse_input_open_line(const char *role, const struct rig_line_config *cfg,
                              const char *consumer, struct rig_pulse_input **out);

/*
 * rig_pulse_input_open_sim — benchd's counter of output of position, read
 * through ctl (which must outlive the input). Returns 0 and *out, -EINVAL.
 */
int rig_pulse_input_open_sim(struct rig_simctl *ctl, unsigned position, unsigned output,
                             struct rig_pulse_input **out);

/* rig_pulse_input_count — rising edges so far. Returns 0 or -EIO. */
int rig_pulse_input_count(struct rig_pulse_input *in, uint64_t *count);

/*
 * rig_pulse_input_edges — take up to max queued edges (oldest first) into
 * edges, *n of them; *dropped (may be NULL) receives how many the queue lost
 * since the last take (it was not drained often enough). Returns 0, -ENOTSUP
 * (this input keeps no edges), -EIO.
 */
int rig_pulse_input_edges(struct rig_pulse_input *in, struct rig_line_edge *edges, size_t max,
                          size_t *n, uint64_t *dropped);

/* rig_pulse_input_level — the line's logical level now. Returns 0, -ENOTSUP, -EIO. */
int rig_pulse_input_level(struct rig_pulse_input *in, bool *active);

/* rig_pulse_input_close — stop counting and free; NULL is ignored. */
void rig_pulse_input_close(struct rig_pulse_input *in);

#endif
