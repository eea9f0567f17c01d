/*
 * gpiod_double_core.h — the model behind both API façades of the libgpiod
 * double (gpiod_double.h): chips, lines, requests, pins and event queues.
 */
#ifndef GPIOD_DOUBLE_CORE_H
#define GPIOD_DOUBLE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "gpiod_double.h"

/* One edge event as queued on a request's descriptor. */
struct dbl_event {
    uint64_t t_ns;
    int rising; /* logical level went 0 -> 1 */
};

struct dbl_request {
    bool output, edge_events, active_low;
    int bias;
    unsigned long debounce_us;
    int initial; /* logical output level */
    const char *consumer;
};

/* dbl_num_lines — lines of chip n, or -1 (errno ENOENT) if no such chip. */
int dbl_num_lines(unsigned n);
/* dbl_chip_label — label of chip n, NULL if none. */
const char *dbl_chip_label(unsigned n);
/* dbl_find_chip — chip by name, number, path or label; -1 and errno ENOENT if none. */
int dbl_find_chip(const char *name);
/* dbl_request — request a line; its event descriptor (or 0 for outputs), -1 with errno. */
int dbl_request(unsigned chip, unsigned offset, const struct dbl_request *r);
/* dbl_release — release a line's request. */
void dbl_release(unsigned chip, unsigned offset);
/* dbl_get / dbl_set — logical level of a requested line; -1 with errno. */
int dbl_get(unsigned chip, unsigned offset);
int dbl_set(unsigned chip, unsigned offset, int value);
/* dbl_read — read up to max events from descriptor fd; count, or -1 with errno. */
int dbl_read(int fd, struct dbl_event *ev, unsigned max);

#endif
