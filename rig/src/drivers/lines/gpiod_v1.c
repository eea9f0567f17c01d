/*
 * gpiod_v1.c — gpiod_backend.h on the libgpiod 1.x API (Debian 12, Raspberry
 * Pi OS bookworm). That API has no debounce: the caller debounces in
 * software (kernel_debounce is always false here).
 */
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "drivers/lines/gpiod_backend.h"

#define V1_EVENT_BATCH 16

struct rig_gpiod_line {
    struct gpiod_chip *chip;
    struct gpiod_line *line;
    int fd;
};

const char *rig_gpiod_api(void)
{
    return "v1";
}

static int request_flags(const struct rig_gpiod_settings *s)
{
    int flags = s->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    switch (s->bias) {
    case RIG_GPIOD_BIAS_DISABLE:
        flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
        break;
    case RIG_GPIOD_BIAS_PULL_UP:
        flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
        break;
    case RIG_GPIOD_BIAS_PULL_DOWN:
        flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
        break;
    case RIG_GPIOD_BIAS_AS_IS:
        break;
    }
    return flags;
}

int rig_gpiod_request(const char *role, const char *spec, const struct rig_gpiod_settings *s,
                      struct rig_gpiod_line **out, bool *kernel_debounce)
{
    char chip_name[64];
    unsigned offset;
    *out = NULL;
    *kernel_debounce = false;
    int rc = rig_gpiod_parse_spec(role, spec, chip_name, sizeof chip_name, &offset);
    if (rc < 0)
        return rc;

    struct rig_gpiod_line *l = calloc(1, sizeof *l);
    if (!l)
        return rig_error_set(-ENOMEM, "out of memory");
    l->fd = -1;
    l->chip = gpiod_chip_open_lookup(chip_name);
    if (!l->chip) {
        int e = errno ? errno : ENODEV;
        rc = rig_error_set(e == EACCES ? -EACCES : -ENODEV,
                           "%s %s: no GPIO chip '%s' (%s) — check the bench file's line and that "
                           "this is the bench's Pi (ls /dev/gpiochip[0-9])",
                           role, spec, chip_name, strerror(e));
        goto fail;
    }
    if (offset >= gpiod_chip_num_lines(l->chip)) {
        rc = rig_error_set(-ENODEV, "%s %s: chip %s has no line %u (it has %u lines) — check the "
                                    "bench file",
                           role, spec, gpiod_chip_name(l->chip), offset,
                           gpiod_chip_num_lines(l->chip));
        goto fail;
    }
    struct gpiod_line *line = gpiod_chip_get_line(l->chip, offset);
    struct gpiod_line_request_config cfg = {
        .consumer = s->consumer ? s->consumer : "rig",
        .request_type = s->output ? GPIOD_LINE_REQUEST_DIRECTION_OUTPUT
                                  : GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES,
        .flags = request_flags(s),
    };
    if (!line || gpiod_line_request(line, &cfg, s->initial_active) < 0) {
        int e = errno ? errno : EIO;
        rc = rig_error_set(-e, "%s %s: cannot request the line: %s — %s", role, spec, strerror(e),
                           e == EBUSY ? "another program holds it (gpioinfo shows which)"
                                      : "check permissions on /dev/gpiochip[0-9] (udev rules)");
        goto fail;
    }
    l->line = line;
    if (!s->output && (l->fd = gpiod_line_event_get_fd(line)) < 0) {
        rc = rig_error_set(-EIO, "%s %s: no event descriptor: %s", role, spec, strerror(errno));
        goto fail;
    }
    *out = l;
    return 0;
fail:
    rig_gpiod_release(l);
    return rc;
}

int rig_gpiod_fd(struct rig_gpiod_line *l)
{
    return l->fd;
}

int rig_gpiod_read(struct rig_gpiod_line *l, struct rig_gpiod_event *ev, size_t max)
{
    struct gpiod_line_event events[V1_EVENT_BATCH];
    if (max > V1_EVENT_BATCH)
        max = V1_EVENT_BATCH;
    int n = gpiod_line_event_read_fd_multiple(l->fd, events, (unsigned)max);
    if (n < 0)
        return errno ? -errno : -EIO;
    for (int i = 0; i < n; i++) {
        ev[i].t_ns = (uint64_t)events[i].ts.tv_sec * 1000000000u + (uint64_t)events[i].ts.tv_nsec;
        ev[i].level = events[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE;
    }
    return n;
}

int rig_gpiod_get(struct rig_gpiod_line *l, bool *active)
{
    int v = gpiod_line_get_value(l->line);
    if (v < 0)
        return errno ? -errno : -EIO;
    *active = v != 0;
    return 0;
}

int rig_gpiod_set(struct rig_gpiod_line *l, bool active)
{
    if (gpiod_line_set_value(l->line, active) < 0)
        return errno ? -errno : -EIO;
    return 0;
}

void rig_gpiod_release(struct rig_gpiod_line *l)
{
    if (!l)
        return;
    if (l->line)
        gpiod_line_release(l->line);
    if (l->chip)
        gpiod_chip_close(l->chip);
    free(l);
}
