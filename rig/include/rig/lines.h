/*
 * rig/lines.h — the meters' pulse outputs as the bench sees them: counts of
 * rising edges, and the edges themselves with the bench's timestamps.
 *
 * On a real bench each output is a GPIO line with edge events (libgpiod,
 * drivers/lines/lines_gpiod.c); on a simulated bench benchd reports every
 * edge with its virtual timestamp. Callers do not know which.
 */
#ifndef RIG_LINES_H
#define RIG_LINES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;

/* One edge of a pulse output. */
struct rig_pulse_edge {
    uint64_t t_ns;   /* bench time (rig_bench_time), ns */
    unsigned output; /* 1 or 2 */
    unsigned level;  /* 1 rising, 0 falling */
};

/*
 * rig_pulse_count — rising edges of pulse output (1 or 2) of position since
 * the bench was opened (hw) or started (sim).
 * Returns 0, -EINVAL (no such position/output), -ENODEV (output not wired in
 * the bench file), -EIO.
 */
int rig_pulse_count(struct rig_bench *bench, unsigned position, unsigned output,
                    uint64_t *count);

/*
 * rig_pulse_edges — take the edges of both outputs of position that the
 * bench has timestamped since the last call (oldest first): at most max into
 * edges, *n of them; further ones are dropped, so drain often enough.
 * Returns 0, -EINVAL (no such position), -ENOTSUP (this bench keeps no edge
 * timestamps: a real bench's lines count only, for now), -EIO.
 */
int rig_pulse_edges(struct rig_bench *bench, unsigned position, struct rig_pulse_edge *edges,
                    size_t max, size_t *n);

/*
 * rig_pulse_edges_discard — forget the edges of position timestamped so far,
 * so that what is taken next starts from now (a gate's start).
 * Returns as rig_pulse_edges.
 */
int rig_pulse_edges_discard(struct rig_bench *bench, unsigned position);

/*
 * rig_pulse_level — whether pulse output (1 or 2) of position is active now
 * (*active 1) or released (0): a stuck output shows here and not in counts.
 * Returns 0, -EINVAL (no such position/output), -ENOTSUP (a real bench's
 * lines report edges, not levels, for now), -EIO.
 */
int rig_pulse_level(struct rig_bench *bench, unsigned position, unsigned output,
                    unsigned *active);

#ifdef __cplusplus
}
#endif

#endif /* RIG_LINES_H */
