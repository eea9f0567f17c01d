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
 * Returns 0, -EINVAL (no such position), -ENODEV (no output of it wired in
 * the bench file), -EIO.
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
 * Returns 0, -EINVAL (no such position/output), -ENODEV (not wired), -EIO.
 */
int rig_pulse_level(struct rig_bench *bench, unsigned position, unsigned output,
                    unsigned *active);

/*
 * The reference standard's pulse output, the error calculator's measure of
 * energy: a pulse every 1/constant kWh (wire 1, active energy) or kvarh
 * (wire 2, reactive). On a real bench a GPIO line with kernel timestamps
 * ([reference] of the bench file; a Fluke 6105A's energy pulse output
 * serves); on a simulated bench benchd's reference wire, each edge at the
 * virtual instant the exact integral crosses its threshold.
 */
#define RIG_REFERENCE_ACTIVE 1u
#define RIG_REFERENCE_REACTIVE 2u

/*
 * rig_reference_constant — pulses per kWh (wire 1) or per kvarh (wire 2).
 * Returns 0, -EINVAL (no such wire), -ENODEV (the bench file names no
 * reference line for it), -EIO.
 */
int rig_reference_constant(struct rig_bench *bench, unsigned wire, double *imp_per_kwh);

/*
 * rig_reference_edges — take wire's edges timestamped since the last call
 * (oldest first; output = wire, level 1 at each pulse's start): at most max
 * into edges, *n of them. *dropped (may be NULL) receives how many the bench
 * lost since the last take (not drained often enough): a gate across such a
 * loss is void. Returns 0, -EINVAL, -ENODEV (as rig_reference_constant), -EIO.
 */
int rig_reference_edges(struct rig_bench *bench, unsigned wire, struct rig_pulse_edge *edges,
                        size_t max, size_t *n, uint64_t *dropped);

/* rig_reference_name — the line of wire, for messages ("gpiochip0:26",
 * "benchd's reference wire 1"). */
const char *rig_reference_name(struct rig_bench *bench, unsigned wire);

#ifdef __cplusplus
}
#endif

#endif /* RIG_LINES_H */
