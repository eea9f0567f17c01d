/*
 * gpiod_v2.c — gpiod_backend.h on the libgpiod 2.x API (Debian 13). The
 * kernel's line API v2 debounces inputs itself (in hardware where the chip
 * can, else in gpiolib), so kernel_debounce is true whenever one is asked.
 */
#include <ctype.h>
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "drivers/lines/gpiod_backend.h"

#define V2_EVENT_BATCH 16
#define V2_MAX_CHIPS 32 /* /dev/gpiochip0..31 searched for a chip label */

struct rig_gpiod_line {
    struct gpiod_chip *chip;
    struct gpiod_line_request *req;
    struct gpiod_edge_event_buffer *events;
    unsigned offset;
};

const char *rig_gpiod_api(void)
{
    return "v2";
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* gpiod_chip_open takes a path only; v1's lookup by name, number or label is ours */
static struct gpiod_chip *open_chip(const char *name)
{
    char path[96];
    if (name[0] == '/')
        return gpiod_chip_open(name);
    if (all_digits(name)) {
        snprintf(path, sizeof path, "/dev/gpiochip%s", name);
        return gpiod_chip_open(path);
    }
    if (strncmp(name, "gpiochip", 8) == 0 && all_digits(name + 8)) {
        snprintf(path, sizeof path, "/dev/%s", name);
        return gpiod_chip_open(path);
    }
    for (int i = 0; i < V2_MAX_CHIPS; i++) {
        snprintf(path, sizeof path, "/dev/gpiochip%d", i);
        struct gpiod_chip *chip = gpiod_chip_open(path);
        if (!chip)
            continue;
        struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
        bool match = info && strcmp(gpiod_chip_info_get_label(info), name) == 0;
        gpiod_chip_info_free(info);
        if (match)
            return chip;
        gpiod_chip_close(chip);
    }
    errno = ENOENT;
    return NULL;
}

static enum gpiod_line_bias v2_bias(enum rig_gpiod_bias b)
{
    switch (b) {
    case RIG_GPIOD_BIAS_DISABLE:
        return GPIOD_LINE_BIAS_DISABLED;
    case RIG_GPIOD_BIAS_PULL_UP:
        return GPIOD_LINE_BIAS_PULL_UP;
    case RIG_GPIOD_BIAS_PULL_DOWN:
        return GPIOD_LINE_BIAS_PULL_DOWN;
    case RIG_GPIOD_BIAS_AS_IS:
        break;
    }
    return GPIOD_LINE_BIAS_AS_IS;
}

/* the request itself; returns NULL with errno set */
static struct gpiod_line_request *request_line(struct gpiod_chip *chip, unsigned offset,
                                               const struct rig_gpiod_settings *s)
{
    struct gpiod_line_settings *ls = gpiod_line_settings_new();
    struct gpiod_line_config *lc = gpiod_line_config_new();
    struct gpiod_request_config *rc = gpiod_request_config_new();
    struct gpiod_line_request *req = NULL;
    if (!ls || !lc || !rc)
        goto out;
    gpiod_line_settings_set_active_low(ls, s->active_low);
    if (s->output) {
        if (gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT) < 0 ||
            gpiod_line_settings_set_output_value(ls, s->initial_active ? GPIOD_LINE_VALUE_ACTIVE
                                                                      : GPIOD_LINE_VALUE_INACTIVE) < 0)
            goto out;
    } else {
        if (gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_INPUT) < 0 ||
            gpiod_line_settings_set_edge_detection(ls, GPIOD_LINE_EDGE_BOTH) < 0 ||
            gpiod_line_settings_set_bias(ls, v2_bias(s->bias)) < 0 ||
            gpiod_line_settings_set_event_clock(ls, GPIOD_LINE_CLOCK_MONOTONIC) < 0)
            goto out;
        gpiod_line_settings_set_debounce_period_us(ls, s->debounce_us);
    }
    if (gpiod_line_config_add_line_settings(lc, &offset, 1, ls) < 0)
        goto out;
    gpiod_request_config_set_consumer(rc, s->consumer ? s->consumer : "rig");
    req = gpiod_chip_request_lines(chip, rc, lc);
out:;
    int e = errno;
    gpiod_request_config_free(rc);
    gpiod_line_config_free(lc);
    gpiod_line_settings_free(ls);
    errno = e;
    return req;
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
    l->offset = offset;
    l->chip = open_chip(chip_name);
    if (!l->chip) {
        int e = errno ? errno : ENODEV;
        rc = rig_error_set(e == EACCES ? -EACCES : -ENODEV,
                           "%s %s: no GPIO chip '%s' (%s) — check the bench file's line and that "
                           "this is the bench's Pi (ls /dev/gpiochip[0-9])",
                           role, spec, chip_name, strerror(e));
        goto fail;
    }
    struct gpiod_chip_info *info = gpiod_chip_get_info(l->chip);
    size_t lines = info ? gpiod_chip_info_get_num_lines(info) : 0;
    gpiod_chip_info_free(info);
    if (offset >= lines) {
        rc = rig_error_set(-ENODEV, "%s %s: chip %s has no line %u (it has %zu lines) — check the "
                                    "bench file",
                           role, spec, chip_name, offset, lines);
        goto fail;
    }
    l->req = request_line(l->chip, offset, s);
    if (!l->req) {
        int e = errno ? errno : EIO;
        rc = rig_error_set(-e, "%s %s: cannot request the line: %s — %s", role, spec, strerror(e),
                           e == EBUSY ? "another program holds it (gpioinfo shows which)"
                                      : "check permissions on /dev/gpiochip[0-9] (udev rules)");
        goto fail;
    }
    if (!s->output && !(l->events = gpiod_edge_event_buffer_new(V2_EVENT_BATCH))) {
        rc = rig_error_set(-ENOMEM, "out of memory");
        goto fail;
    }
    *kernel_debounce = !s->output && s->debounce_us > 0;
    *out = l;
    return 0;
fail:
    rig_gpiod_release(l);
    return rc;
}

int rig_gpiod_fd(struct rig_gpiod_line *l)
{
    return gpiod_line_request_get_fd(l->req);
}

int rig_gpiod_read(struct rig_gpiod_line *l, struct rig_gpiod_event *ev, size_t max)
{
    if (max > V2_EVENT_BATCH)
        max = V2_EVENT_BATCH;
    int n = gpiod_line_request_read_edge_events(l->req, l->events, max);
    if (n < 0)
        return errno ? -errno : -EIO;
    for (int i = 0; i < n; i++) {
        struct gpiod_edge_event *e = gpiod_edge_event_buffer_get_event(l->events, (unsigned long)i);
        ev[i].t_ns = gpiod_edge_event_get_timestamp_ns(e);
        ev[i].level = gpiod_edge_event_get_event_type(e) == GPIOD_EDGE_EVENT_RISING_EDGE;
    }
    return n;
}

int rig_gpiod_get(struct rig_gpiod_line *l, bool *active)
{
    enum gpiod_line_value v = gpiod_line_request_get_value(l->req, l->offset);
    if (v == GPIOD_LINE_VALUE_ERROR)
        return errno ? -errno : -EIO;
    *active = v == GPIOD_LINE_VALUE_ACTIVE;
    return 0;
}

int rig_gpiod_set(struct rig_gpiod_line *l, bool active)
{
    if (gpiod_line_request_set_value(l->req, l->offset,
                                     active ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE) < 0)
        return errno ? -errno : -EIO;
    return 0;
}

void rig_gpiod_release(struct rig_gpiod_line *l)
{
    if (!l)
        return;
    if (l->events)
        gpiod_edge_event_buffer_free(l->events);
    if (l->req)
        gpiod_line_request_release(l->req);
    if (l->chip)
        gpiod_chip_close(l->chip);
    free(l);
}
