/*
 * lines_internal.h — a pulse input (one output of one meter) and its
 * implementations: lines_gpiod.c (a GPIO line), lines_sim.c (benchd's
 * counter). lines.c is the interface the bench uses.
 */
#ifndef RIG_LINES_INTERNAL_H
#define RIG_LINES_INTERNAL_H

#include <stdint.h>

struct rig_simctl;

struct rig_pulse_input_ops {
    int (*count)(void *impl, uint64_t *count);
    void (*close)(void *impl);
};

struct rig_pulse_input {
    const struct rig_pulse_input_ops *ops;
    void *impl;
};

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

#endif
