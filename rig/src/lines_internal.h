/*
 * lines_internal.h — what a pulse-input implementation provides
 * (lines_gpiod.c, lines_sim.c); lines.c is the interface.
 */
#ifndef RIG_LINES_INTERNAL_H
#define RIG_LINES_INTERNAL_H

#include <stdint.h>

struct rig_pulse_input_ops {
    int (*count)(void *impl, uint64_t *count);
    void (*close)(void *impl);
};

struct rig_pulse_input {
    const struct rig_pulse_input_ops *ops;
    void *impl;
};

#endif
