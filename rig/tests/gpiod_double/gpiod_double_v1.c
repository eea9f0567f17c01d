/*
 * gpiod_double_v1.c — the libgpiod 1.x API surface of the double (v1/gpiod.h)
 * over its model (gpiod_double_core.c).
 */
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>

#include "gpiod_double_core.h"

struct gpiod_line {
    struct gpiod_chip *chip;
    unsigned offset;
    int fd;
};

struct gpiod_chip {
    unsigned n;
    char name[24];
    unsigned num_lines;
    struct gpiod_line *lines;
};

const char *gpiod_double_api(void)
{
    return "v1";
}

struct gpiod_chip *gpiod_chip_open_lookup(const char *descr)
{
    int n = dbl_find_chip(descr);
    if (n < 0)
        return NULL;
    struct gpiod_chip *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->n = (unsigned)n;
    snprintf(c->name, sizeof c->name, "gpiochip%d", n);
    c->num_lines = (unsigned)dbl_num_lines(c->n);
    c->lines = calloc(c->num_lines ? c->num_lines : 1, sizeof *c->lines);
    if (!c->lines) {
        free(c);
        return NULL;
    }
    for (unsigned o = 0; o < c->num_lines; o++)
        c->lines[o] = (struct gpiod_line){.chip = c, .offset = o, .fd = -1};
    return c;
}

void gpiod_chip_close(struct gpiod_chip *chip)
{
    /* as the library: closing the chip releases its requested lines */
    for (unsigned o = 0; o < chip->num_lines; o++)
        if (chip->lines[o].fd != -1)
            gpiod_line_release(&chip->lines[o]);
    free(chip->lines);
    free(chip);
}

const char *gpiod_chip_name(struct gpiod_chip *chip)
{
    return chip->name;
}

const char *gpiod_chip_label(struct gpiod_chip *chip)
{
    return dbl_chip_label(chip->n);
}

unsigned int gpiod_chip_num_lines(struct gpiod_chip *chip)
{
    return chip->num_lines;
}

struct gpiod_line *gpiod_chip_get_line(struct gpiod_chip *chip, unsigned int offset)
{
    if (offset >= chip->num_lines) {
        errno = EINVAL;
        return NULL;
    }
    return &chip->lines[offset];
}

int gpiod_line_request(struct gpiod_line *line, const struct gpiod_line_request_config *config,
                       int default_val)
{
    int t = config->request_type, f = config->flags;
    struct dbl_request r = {
        .output = t == GPIOD_LINE_REQUEST_DIRECTION_OUTPUT,
        .edge_events = t == GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES ||
                       t == GPIOD_LINE_REQUEST_EVENT_RISING_EDGE ||
                       t == GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE,
        .active_low = (f & GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) != 0,
        .bias = (f & GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE)     ? 1
                : (f & GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP)   ? 2
                : (f & GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN) ? 3
                                                               : 0,
        .initial = default_val,
        .consumer = config->consumer,
    };
    int fd = dbl_request(line->chip->n, line->offset, &r);
    if (fd < 0)
        return -1;
    line->fd = r.edge_events ? fd : 0;
    return 0;
}

void gpiod_line_release(struct gpiod_line *line)
{
    if (line->fd == -1)
        return;
    dbl_release(line->chip->n, line->offset);
    line->fd = -1;
}

int gpiod_line_get_value(struct gpiod_line *line)
{
    return dbl_get(line->chip->n, line->offset);
}

int gpiod_line_set_value(struct gpiod_line *line, int value)
{
    return dbl_set(line->chip->n, line->offset, value);
}

int gpiod_line_event_get_fd(struct gpiod_line *line)
{
    if (line->fd <= 0) {
        errno = EPERM;
        return -1;
    }
    return line->fd;
}

int gpiod_line_event_read_fd_multiple(int fd, struct gpiod_line_event *events,
                                      unsigned int num_events)
{
    struct dbl_event ev[16];
    if (num_events > 16)
        num_events = 16;
    int n = dbl_read(fd, ev, num_events);
    for (int i = 0; i < n; i++) {
        events[i].ts.tv_sec = (time_t)(ev[i].t_ns / 1000000000u);
        events[i].ts.tv_nsec = (long)(ev[i].t_ns % 1000000000u);
        events[i].event_type = ev[i].rising ? GPIOD_LINE_EVENT_RISING_EDGE
                                            : GPIOD_LINE_EVENT_FALLING_EDGE;
    }
    return n;
}
