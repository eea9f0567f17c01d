/*
 * gpiod_double_v2.c — the libgpiod 2.x API surface of the double (v2/gpiod.h)
 * over its model (gpiod_double_core.c).
 */
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpiod_double_core.h"

struct gpiod_chip {
    unsigned n;
};

struct gpiod_chip_info {
    char name[24], label[32];
    size_t num_lines;
};

struct gpiod_line_settings {
    enum gpiod_line_direction direction;
    enum gpiod_line_edge edge;
    enum gpiod_line_bias bias;
    bool active_low;
    unsigned long debounce_us;
    enum gpiod_line_value output;
};

struct gpiod_line_config {
    unsigned offset;
    bool set;
    struct gpiod_line_settings settings;
};

struct gpiod_request_config {
    char consumer[32];
};

struct gpiod_line_request {
    unsigned chip, offset;
    int fd;
};

struct gpiod_edge_event {
    enum gpiod_edge_event_type type;
    uint64_t t_ns;
    unsigned offset;
};

struct gpiod_edge_event_buffer {
    size_t capacity;
    struct gpiod_edge_event events[];
};

const char *gpiod_double_api(void)
{
    return "v2";
}

struct gpiod_chip *gpiod_chip_open(const char *path)
{
    /* the library opens a path only */
    if (strncmp(path, "/dev/gpiochip", 13) != 0) {
        errno = ENOENT;
        return NULL;
    }
    int n = dbl_find_chip(path);
    if (n < 0)
        return NULL;
    struct gpiod_chip *c = calloc(1, sizeof *c);
    if (c)
        c->n = (unsigned)n;
    return c;
}

void gpiod_chip_close(struct gpiod_chip *chip)
{
    free(chip);
}

struct gpiod_chip_info *gpiod_chip_get_info(struct gpiod_chip *chip)
{
    struct gpiod_chip_info *i = calloc(1, sizeof *i);
    if (!i)
        return NULL;
    snprintf(i->name, sizeof i->name, "gpiochip%u", chip->n);
    snprintf(i->label, sizeof i->label, "%s", dbl_chip_label(chip->n));
    i->num_lines = (size_t)dbl_num_lines(chip->n);
    return i;
}

void gpiod_chip_info_free(struct gpiod_chip_info *info)
{
    free(info);
}

const char *gpiod_chip_info_get_name(struct gpiod_chip_info *info)
{
    return info->name;
}

const char *gpiod_chip_info_get_label(struct gpiod_chip_info *info)
{
    return info->label;
}

size_t gpiod_chip_info_get_num_lines(struct gpiod_chip_info *info)
{
    return info->num_lines;
}

struct gpiod_line_settings *gpiod_line_settings_new(void)
{
    struct gpiod_line_settings *s = calloc(1, sizeof *s);
    if (s)
        *s = (struct gpiod_line_settings){.direction = GPIOD_LINE_DIRECTION_AS_IS,
                                          .edge = GPIOD_LINE_EDGE_NONE,
                                          .bias = GPIOD_LINE_BIAS_AS_IS,
                                          .output = GPIOD_LINE_VALUE_INACTIVE};
    return s;
}

void gpiod_line_settings_free(struct gpiod_line_settings *settings)
{
    free(settings);
}

int gpiod_line_settings_set_direction(struct gpiod_line_settings *settings,
                                      enum gpiod_line_direction direction)
{
    settings->direction = direction;
    return 0;
}

int gpiod_line_settings_set_edge_detection(struct gpiod_line_settings *settings,
                                           enum gpiod_line_edge edge)
{
    settings->edge = edge;
    return 0;
}

int gpiod_line_settings_set_bias(struct gpiod_line_settings *settings, enum gpiod_line_bias bias)
{
    if (bias == GPIOD_LINE_BIAS_UNKNOWN) {
        errno = EINVAL;
        return -1;
    }
    settings->bias = bias;
    return 0;
}

void gpiod_line_settings_set_active_low(struct gpiod_line_settings *settings, bool active_low)
{
    settings->active_low = active_low;
}

void gpiod_line_settings_set_debounce_period_us(struct gpiod_line_settings *settings,
                                                unsigned long period)
{
    settings->debounce_us = period;
}

int gpiod_line_settings_set_event_clock(struct gpiod_line_settings *settings,
                                        enum gpiod_line_clock event_clock)
{
    (void)settings;
    return event_clock == GPIOD_LINE_CLOCK_MONOTONIC ? 0 : (errno = ENOTSUP, -1);
}

int gpiod_line_settings_set_output_value(struct gpiod_line_settings *settings,
                                         enum gpiod_line_value value)
{
    settings->output = value;
    return 0;
}

struct gpiod_line_config *gpiod_line_config_new(void)
{
    return calloc(1, sizeof(struct gpiod_line_config));
}

void gpiod_line_config_free(struct gpiod_line_config *config)
{
    free(config);
}

int gpiod_line_config_add_line_settings(struct gpiod_line_config *config,
                                        const unsigned int *offsets, size_t num_offsets,
                                        struct gpiod_line_settings *settings)
{
    if (num_offsets != 1) { /* the rig requests one line at a time */
        errno = ENOTSUP;
        return -1;
    }
    config->offset = offsets[0];
    config->settings = *settings;
    config->set = true;
    return 0;
}

struct gpiod_request_config *gpiod_request_config_new(void)
{
    return calloc(1, sizeof(struct gpiod_request_config));
}

void gpiod_request_config_free(struct gpiod_request_config *config)
{
    free(config);
}

void gpiod_request_config_set_consumer(struct gpiod_request_config *config, const char *consumer)
{
    snprintf(config->consumer, sizeof config->consumer, "%s", consumer ? consumer : "");
}

struct gpiod_line_request *gpiod_chip_request_lines(struct gpiod_chip *chip,
                                                    struct gpiod_request_config *req_cfg,
                                                    struct gpiod_line_config *line_cfg)
{
    if (!line_cfg->set) {
        errno = EINVAL;
        return NULL;
    }
    const struct gpiod_line_settings *s = &line_cfg->settings;
    struct dbl_request r = {
        .output = s->direction == GPIOD_LINE_DIRECTION_OUTPUT,
        .edge_events = s->edge != GPIOD_LINE_EDGE_NONE,
        .active_low = s->active_low,
        .bias = s->bias == GPIOD_LINE_BIAS_DISABLED    ? 1
                : s->bias == GPIOD_LINE_BIAS_PULL_UP   ? 2
                : s->bias == GPIOD_LINE_BIAS_PULL_DOWN ? 3
                                                       : 0,
        .debounce_us = s->debounce_us,
        .initial = s->output == GPIOD_LINE_VALUE_ACTIVE,
        .consumer = req_cfg ? req_cfg->consumer : "",
    };
    if (r.output && r.edge_events) { /* the kernel refuses edges on outputs */
        errno = EINVAL;
        return NULL;
    }
    struct gpiod_line_request *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;
    int fd = dbl_request(chip->n, line_cfg->offset, &r);
    if (fd < 0) {
        free(req);
        return NULL;
    }
    *req = (struct gpiod_line_request){.chip = chip->n, .offset = line_cfg->offset,
                                       .fd = r.edge_events ? fd : -1};
    return req;
}

void gpiod_line_request_release(struct gpiod_line_request *request)
{
    dbl_release(request->chip, request->offset);
    free(request);
}

enum gpiod_line_value gpiod_line_request_get_value(struct gpiod_line_request *request,
                                                   unsigned int offset)
{
    if (offset != request->offset) {
        errno = EINVAL;
        return GPIOD_LINE_VALUE_ERROR;
    }
    int v = dbl_get(request->chip, offset);
    return v < 0 ? GPIOD_LINE_VALUE_ERROR : v ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
}

int gpiod_line_request_set_value(struct gpiod_line_request *request, unsigned int offset,
                                 enum gpiod_line_value value)
{
    if (offset != request->offset) {
        errno = EINVAL;
        return -1;
    }
    return dbl_set(request->chip, offset, value == GPIOD_LINE_VALUE_ACTIVE);
}

int gpiod_line_request_get_fd(struct gpiod_line_request *request)
{
    return request->fd;
}

int gpiod_line_request_read_edge_events(struct gpiod_line_request *request,
                                        struct gpiod_edge_event_buffer *buffer, size_t max_events)
{
    struct dbl_event ev[16];
    if (max_events > buffer->capacity)
        max_events = buffer->capacity;
    if (max_events > 16)
        max_events = 16;
    int n = dbl_read(request->fd, ev, (unsigned)max_events);
    for (int i = 0; i < n; i++)
        buffer->events[i] = (struct gpiod_edge_event){
            .type = ev[i].rising ? GPIOD_EDGE_EVENT_RISING_EDGE : GPIOD_EDGE_EVENT_FALLING_EDGE,
            .t_ns = ev[i].t_ns,
            .offset = request->offset};
    return n;
}

struct gpiod_edge_event_buffer *gpiod_edge_event_buffer_new(size_t capacity)
{
    if (!capacity)
        capacity = 64;
    struct gpiod_edge_event_buffer *b = calloc(1, sizeof *b + capacity * sizeof b->events[0]);
    if (b)
        b->capacity = capacity;
    return b;
}

void gpiod_edge_event_buffer_free(struct gpiod_edge_event_buffer *buffer)
{
    free(buffer);
}

struct gpiod_edge_event *gpiod_edge_event_buffer_get_event(struct gpiod_edge_event_buffer *buffer,
                                                           unsigned long index)
{
    return index < buffer->capacity ? &buffer->events[index] : NULL;
}

enum gpiod_edge_event_type gpiod_edge_event_get_event_type(struct gpiod_edge_event *event)
{
    return event->type;
}

uint64_t gpiod_edge_event_get_timestamp_ns(struct gpiod_edge_event *event)
{
    return event->t_ns;
}

unsigned int gpiod_edge_event_get_line_offset(struct gpiod_edge_event *event)
{
    return event->offset;
}
