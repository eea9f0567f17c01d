/*
 * gpiod.h (libgpiod double, v1 API) — the part of the libgpiod 1.x API the
 * rig uses, with the library's own signatures and constants, implemented by
 * gpiod_double_v1.c (see gpiod_double.h).
 */
#ifndef GPIOD_DOUBLE_V1_GPIOD_H
#define GPIOD_DOUBLE_V1_GPIOD_H

#include <stdbool.h>
#include <time.h>

#define GPIOD_BIT(nr) (1UL << (nr))

struct gpiod_chip;
struct gpiod_line;

enum {
    GPIOD_LINE_REQUEST_DIRECTION_AS_IS = 1,
    GPIOD_LINE_REQUEST_DIRECTION_INPUT,
    GPIOD_LINE_REQUEST_DIRECTION_OUTPUT,
    GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE,
    GPIOD_LINE_REQUEST_EVENT_RISING_EDGE,
    GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES,
};

enum {
    GPIOD_LINE_REQUEST_FLAG_OPEN_DRAIN = GPIOD_BIT(0),
    GPIOD_LINE_REQUEST_FLAG_OPEN_SOURCE = GPIOD_BIT(1),
    GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW = GPIOD_BIT(2),
    GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE = GPIOD_BIT(3),
    GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN = GPIOD_BIT(4),
    GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP = GPIOD_BIT(5),
};

struct gpiod_line_request_config {
    const char *consumer;
    int request_type;
    int flags;
};

enum {
    GPIOD_LINE_EVENT_RISING_EDGE = 1,
    GPIOD_LINE_EVENT_FALLING_EDGE,
};

struct gpiod_line_event {
    struct timespec ts;
    int event_type;
};

struct gpiod_chip *gpiod_chip_open_lookup(const char *descr);
void gpiod_chip_close(struct gpiod_chip *chip);
const char *gpiod_chip_name(struct gpiod_chip *chip);
const char *gpiod_chip_label(struct gpiod_chip *chip);
unsigned int gpiod_chip_num_lines(struct gpiod_chip *chip);
struct gpiod_line *gpiod_chip_get_line(struct gpiod_chip *chip, unsigned int offset);
int gpiod_line_request(struct gpiod_line *line, const struct gpiod_line_request_config *config,
                       int default_val);
void gpiod_line_release(struct gpiod_line *line);
int gpiod_line_get_value(struct gpiod_line *line);
int gpiod_line_set_value(struct gpiod_line *line, int value);
int gpiod_line_event_get_fd(struct gpiod_line *line);
int gpiod_line_event_read_fd_multiple(int fd, struct gpiod_line_event *events,
                                      unsigned int num_events);

#endif
