/*
 * bench_line_opts.c — how the bench file asks for its GPIO inputs to be
 * requested: bias, active_low, debounce_us of [reference] and [lines].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench/bench_config.h"

#define DEBOUNCE_MAX_US 1000000L

int rig_bench_line_opt(struct rig_bench_line_opts *o, const char *key, const char *value,
                       char *why, size_t len)
{
    /* in the order of enum rig_gpiod_bias */
    static const char *const biases[] = {"as-is", "disabled", "pull-up", "pull-down", NULL};
    if (strcmp(key, "bias") == 0) {
        for (int i = 0; biases[i]; i++)
            if (strcasecmp(value, biases[i]) == 0) {
                o->bias = i;
                return 0;
            }
        snprintf(why, len, "bias = '%s' — expected as-is, disabled, pull-up or pull-down", value);
        return -EINVAL;
    }
    if (strcmp(key, "active_low") == 0) {
        bool yes = !strcasecmp(value, "yes") || !strcasecmp(value, "true") || !strcmp(value, "1");
        bool no = !strcasecmp(value, "no") || !strcasecmp(value, "false") || !strcmp(value, "0");
        if (!yes && !no) {
            snprintf(why, len, "active_low = '%s' — expected yes or no", value);
            return -EINVAL;
        }
        o->active_low = yes;
        return 0;
    }
    char *end;
    long us = strtol(value, &end, 10);
    if (strcmp(key, "debounce_us") != 0 || end == value || *end || us < 0 || us > DEBOUNCE_MAX_US) {
        snprintf(why, len, "%s = '%s' is not 0..%ld (microseconds)", key, value, DEBOUNCE_MAX_US);
        return -EINVAL;
    }
    o->debounce_us = (unsigned)us;
    return 0;
}
