/*
 * lines_gpiod.c — pulse inputs on real GPIO lines (libgpiod v1 API): a
 * rising-edge event request per line, counted by a thread per line so the
 * kernel's small event queue never overflows between two reads of the count.
 */
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "drivers/lines/lines_internal.h"

#define GPIOD_EVENT_BATCH 16

struct gpiod_input {
    struct gpiod_chip *chip;
    struct gpiod_line *line;
    int event_fd;
    int stop[2]; /* pipe: a byte here stops the thread */
    pthread_t thread;
    atomic_uint_fast64_t rising;
    atomic_int failed; /* errno of a read failure, 0 while fine */
    char spec[64];
};

static void *count_thread(void *arg)
{
    struct gpiod_input *in = arg;
    struct gpiod_line_event events[GPIOD_EVENT_BATCH];
    struct pollfd p[2] = {{.fd = in->event_fd, .events = POLLIN}, {.fd = in->stop[0], .events = POLLIN}};

    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            atomic_store(&in->failed, errno);
            return NULL;
        }
        if (p[1].revents)
            return NULL;
        if (p[0].revents & POLLIN) {
            int n = gpiod_line_event_read_fd_multiple(in->event_fd, events, GPIOD_EVENT_BATCH);
            if (n < 0) {
                atomic_store(&in->failed, errno ? errno : EIO);
                return NULL;
            }
            for (int i = 0; i < n; i++)
                if (events[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE)
                    atomic_fetch_add(&in->rising, 1);
        }
    }
}

static int gpiod_count(void *impl, uint64_t *count)
{
    struct gpiod_input *in = impl;
    int e = atomic_load(&in->failed);
    if (e)
        return rig_error_set(-e, "pulse input %s: reading edge events failed: %s", in->spec,
                             strerror(e));
    *count = atomic_load(&in->rising);
    return 0;
}

static void gpiod_close(void *impl)
{
    struct gpiod_input *in = impl;
    if (in->thread) {
        char c = 1;
        (void)!write(in->stop[1], &c, 1);
        pthread_join(in->thread, NULL);
    }
    if (in->stop[0] >= 0)
        close(in->stop[0]);
    if (in->stop[1] >= 0)
        close(in->stop[1]);
    if (in->line)
        gpiod_line_release(in->line);
    if (in->chip)
        gpiod_chip_close(in->chip);
    free(in);
}

static const struct rig_pulse_input_ops gpiod_ops = {.count = gpiod_count, .close = gpiod_close};

int rig_pulse_input_open_gpiod(const char *spec, const char *consumer,
                               struct rig_pulse_input **out)
{
    char chip_name[64];
    *out = NULL;

    const char *colon = spec ? strrchr(spec, ':') : NULL;
    char *end = NULL;
    long offset = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof chip_name || !end ||
        end == colon + 1 || *end || offset < 0)
        return rig_error_set(-EINVAL, "pulse input '%s': expected CHIP:LINE, e.g. gpiochip0:17 — "
                                      "check the bench file",
                             spec ? spec : "(null)");
    snprintf(chip_name, sizeof chip_name, "%.*s", (int)(colon - spec), spec);

    struct gpiod_input *in = calloc(1, sizeof *in);
    struct rig_pulse_input *handle = calloc(1, sizeof *handle);
    if (!in || !handle) {
        free(in);
        free(handle);
        return rig_error_set(-ENOMEM, "out of memory");
    }
    in->stop[0] = in->stop[1] = -1;
    snprintf(in->spec, sizeof in->spec, "%s", spec);

    int rc;
    in->chip = gpiod_chip_open_lookup(chip_name);
    if (!in->chip) {
        int e = errno ? errno : ENODEV;
        rc = rig_error_set(-ENODEV, "pulse input %s: no GPIO chip '%s' (%s) — check the bench "
                                    "file's line and that this is the bench's Pi (ls /dev/gpiochip[0-9])",
                           spec, chip_name, strerror(e));
        goto fail;
    }
    if ((unsigned)offset >= gpiod_chip_num_lines(in->chip)) {
        rc = rig_error_set(-ENODEV, "pulse input %s: chip %s has no line %ld (it has %u lines) — "
                                    "check the bench file",
                           spec, gpiod_chip_name(in->chip), offset, gpiod_chip_num_lines(in->chip));
        goto fail;
    }
    in->line = gpiod_chip_get_line(in->chip, (unsigned)offset);
    if (!in->line || gpiod_line_request_rising_edge_events(in->line, consumer ? consumer : "rig") < 0) {
        int e = errno ? errno : EIO;
        rc = rig_error_set(-e, "pulse input %s: cannot request rising-edge events: %s — %s", spec,
                           strerror(e),
                           e == EBUSY ? "another program holds the line (gpioinfo shows which)"
                                      : "check permissions on /dev/gpiochip[0-9]");
        in->line = NULL;
        goto fail;
    }
    in->event_fd = gpiod_line_event_get_fd(in->line);
    if (in->event_fd < 0 || pipe2(in->stop, O_CLOEXEC) < 0) {
        rc = rig_error_set(-EIO, "pulse input %s: no event descriptor: %s", spec, strerror(errno));
        goto fail;
    }
    if ((rc = pthread_create(&in->thread, NULL, count_thread, in)) != 0) {
        in->thread = 0;
        rc = rig_error_set(-rc, "pulse input %s: cannot start the counting thread: %s", spec,
                           strerror(rc));
        goto fail;
    }
    handle->ops = &gpiod_ops;
    handle->impl = in;
    *out = handle;
    return 0;
fail:
    gpiod_close(in);
    free(handle);
    return rc;
}
