/*
 * rig/lines.h — the meters' pulse outputs, counted on the bench.
 *
 * A pulse input counts rising edges of one output: on hw a GPIO line with
 * rising-edge events (libgpiod v1, lines_gpiod.c, counted by a thread so the
 * kernel's event queue never overflows); on a simulated bench benchd's
 * counters read over the control socket (lines_sim.c).
 */
#ifndef RIG_LINES_H
#define RIG_LINES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;
struct rig_simctl;
struct rig_pulse_input;

/*
 * rig_pulse_count — rising edges of pulse output (1 or 2) of position since
 * the bench was opened (hw) or started (sim).
 * Returns 0, -EINVAL (no such position/output), -ENODEV (output not wired in
 * the bench file), -EIO.
 */
int rig_pulse_count(struct rig_bench *bench, unsigned position, unsigned output,
                    uint64_t *count);

/*
 * rig_pulse_input_open_gpiod — count rising edges of spec "CHIP:OFFSET"
 * (e.g. "gpiochip0:17"; CHIP as name, path, label or number, as
 * gpiod_chip_open_lookup takes it). consumer labels the line request.
 * Returns 0 and *out, or -EINVAL (bad spec), -ENODEV (no such chip or line),
 * -EBUSY (line in use), -errno.
 */
int rig_pulse_input_open_gpiod(const char *spec, const char *consumer,
                               struct rig_pulse_input **out);

/*
 * rig_pulse_input_open_sim — benchd's counter of output of position, read
 * through ctl (which must outlive the input). Returns 0 and *out, -EINVAL.
 */
int rig_pulse_input_open_sim(struct rig_simctl *ctl, unsigned position, unsigned output,
                             struct rig_pulse_input **out);

/* rig_pulse_input_count — rising edges so far. Returns 0 or -EIO. */
int rig_pulse_input_count(struct rig_pulse_input *in, uint64_t *count);

/* rig_pulse_input_close — stop counting and free; NULL is ignored. */
void rig_pulse_input_close(struct rig_pulse_input *in);

#ifdef __cplusplus
}
#endif

#endif /* RIG_LINES_H */
