/*
 * lines_gpiod.c — pulse inputs on GPIO lines (gpiod_backend.h: libgpiod v1
 * or v2). Both edges are requested with their kernel timestamps; a thread
 * per line reads them as they come (the kernel's event queue is small),
 * debounces them in software when the kernel does not (libgpiod v1 has no
 * debounce), counts rising edges and queues every edge until it is taken.
 *
 * Software debounce: a change of level counts only once the line has kept
 * the new level for the debounce period — confirmed by the next event
 * coming later than that, or by the clock passing it with no event (the
 * thread wakes for that). A change undone within the period is a glitch and
 * is dropped; the edge keeps the timestamp of its last transition, as the
 * kernel's debounce does.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "drivers/lines/lines_internal.h"

#define READ_BATCH 16

struct gpiod_input {
    struct rig_gpiod_line *line;
    int stop[2]; /* pipe: a byte here stops the thread */
    pthread_t thread;
    bool thread_started;
    char spec[64];
    uint64_t debounce_ns; /* in software; 0 when none or the kernel does it */

    pthread_mutex_t lock; /* guards everything below */
    bool level;           /* debounced logical level */
    bool pending;         /* a change waits out the debounce period */
    uint64_t pending_ns;
    uint64_t rising;
    struct rig_line_edge *queue;
    size_t cap, head, count;
    uint64_t dropped;
    int failed; /* errno of a read failure, 0 while fine */
};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* a debounced edge (lock held) */
static void push_edge(struct gpiod_input *in, uint64_t t_ns, bool level)
{
    in->level = level;
    if (level)
        in->rising++;
    if (in->count == in->cap) {
        in->head = (in->head + 1) % in->cap;
        in->count--;
        in->dropped++;
    }
    in->queue[(in->head + in->count) % in->cap] = (struct rig_line_edge){t_ns, level};
    in->count++;
}

/* confirm a pending change whose period ended by now_ns (lock held) */
static void settle(struct gpiod_input *in, uint64_t now_ns)
{
    if (in->pending && now_ns >= in->pending_ns + in->debounce_ns) {
        in->pending = false;
        push_edge(in, in->pending_ns, !in->level);
    }
}

/* one event from the kernel (lock held) */
static void take_event(struct gpiod_input *in, const struct rig_gpiod_event *ev)
{
    bool level = ev->level != 0;
    if (!in->debounce_ns) {
        if (level != in->level) /* a lost event leaves two alike: keep the level true */
            push_edge(in, ev->t_ns, level);
        return;
    }
    settle(in, ev->t_ns);
    if (level == in->level)
        in->pending = false; /* back where it was within the period: a glitch */
    else {
        in->pending = true; /* the period (re)starts at every transition */
        in->pending_ns = ev->t_ns;
    }
}

static void *read_thread(void *arg)
{
    struct gpiod_input *in = arg;
    struct rig_gpiod_event ev[READ_BATCH];
    struct pollfd p[2] = {{.fd = rig_gpiod_fd(in->line), .events = POLLIN},
                          {.fd = in->stop[0], .events = POLLIN}};
    for (;;) {
        pthread_mutex_lock(&in->lock);
        int timeout = in->pending ? (int)(in->debounce_ns / 1000000u) + 1 : -1;
        pthread_mutex_unlock(&in->lock);
        int r = poll(p, 2, timeout);
        if (r < 0 && errno == EINTR)
            continue;
        int e = r < 0 ? errno : 0;
        int n = 0;
        if (!e && !p[1].revents && (p[0].revents & POLLIN) &&
            (n = rig_gpiod_read(in->line, ev, READ_BATCH)) < 0)
            e = -n;
        if (!e && (p[0].revents & (POLLERR | POLLHUP | POLLNVAL)))
            e = EIO;
        pthread_mutex_lock(&in->lock);
        for (int i = 0; i < n; i++)
            take_event(in, &ev[i]);
        if (r == 0)
            settle(in, mono_ns()); /* quiet for the period: the change holds */
        if (e)
            in->failed = e;
        pthread_mutex_unlock(&in->lock);
        if (e || p[1].revents)
            return NULL;
    }
}

static int failed(struct gpiod_input *in)
{
    return rig_error_set(-in->failed, "pulse input %s: reading edge events failed: %s — check "
                                      "the line is still there (gpioinfo)",
                         in->spec, strerror(in->failed));
}

static int gpiod_count(void *impl, uint64_t *count)
{
    struct gpiod_input *in = impl;
    pthread_mutex_lock(&in->lock);
    *count = in->rising;
    int e = in->failed;
    pthread_mutex_unlock(&in->lock);
    return e ? failed(in) : 0;
}

static int gpiod_edges(void *impl, struct rig_line_edge *edges, size_t max, size_t *n,
                       uint64_t *dropped)
{
    struct gpiod_input *in = impl;
    pthread_mutex_lock(&in->lock);
    if (in->debounce_ns)
        settle(in, mono_ns());
    size_t k = 0;
    for (; k < max && in->count > 0; k++) {
        edges[k] = in->queue[in->head];
        in->head = (in->head + 1) % in->cap;
        in->count--;
    }
    *dropped = in->dropped + in->count; /* what did not fit is lost too */
    in->dropped = 0;
    in->head = in->count = 0;
    *n = k;
    int e = in->failed;
    pthread_mutex_unlock(&in->lock);
    return e ? failed(in) : 0;
}

static int gpiod_level(void *impl, bool *active)
{
    struct gpiod_input *in = impl;
    int rc = rig_gpiod_get(in->line, active);
    if (rc < 0)
        return rig_error_set(rc, "pulse input %s: cannot read its level: %s", in->spec,
                             strerror(-rc));
    return 0;
}

static void gpiod_close(void *impl)
{
    struct gpiod_input *in = impl;
    if (in->thread_started) {
        char c = 1;
        (void)!write(in->stop[1], &c, 1);
        pthread_join(in->thread, NULL);
    }
    if (in->stop[0] >= 0)
        close(in->stop[0]);
    if (in->stop[1] >= 0)
        close(in->stop[1]);
    rig_gpiod_release(in->line);
    pthread_mutex_destroy(&in->lock);
    free(in->queue);
    free(in);
}

static const struct rig_pulse_input_ops gpiod_ops = {
    .count = gpiod_count, .edges = gpiod_edges, .level = gpiod_level, .close = gpiod_close};

int rig_pulse_input_open_line(const char *role, const struct rig_line_config *cfg,
                              const char *consumer, struct rig_pulse_input **out)
{
    *out = NULL;
    struct gpiod_input *in = calloc(1, sizeof *in);
    struct rig_pulse_input *handle = calloc(1, sizeof *handle);
    size_t cap = cfg->queue ? cfg->queue : RIG_LINE_QUEUE_DEFAULT;
    if (in)
        in->queue = calloc(cap, sizeof *in->queue);
    if (!in || !handle || !in->queue) {
        if (in)
            free(in->queue);
        free(in);
        free(handle);
        return rig_error_set(-ENOMEM, "out of memory");
    }
    in->cap = cap;
    in->stop[0] = in->stop[1] = -1;
    pthread_mutex_init(&in->lock, NULL);
    snprintf(in->spec, sizeof in->spec, "%s", cfg->spec ? cfg->spec : "(null)");

    struct rig_gpiod_settings s = {
        .consumer = consumer ? consumer : "rig",
        .active_low = cfg->active_low,
        .bias = cfg->bias,
        .debounce_us = cfg->debounce_us,
    };
    bool kernel_debounce = false;
    int rc = rig_gpiod_request(role, cfg->spec, &s, &in->line, &kernel_debounce);
    if (rc < 0)
        goto fail;
    in->debounce_ns = kernel_debounce ? 0 : (uint64_t)cfg->debounce_us * 1000u;
    if ((rc = rig_gpiod_get(in->line, &in->level)) < 0) {
        rc = rig_error_set(rc, "%s %s: cannot read its level: %s", role, in->spec, strerror(-rc));
        goto fail;
    }
    if (pipe2(in->stop, O_CLOEXEC) < 0) {
        rc = rig_error_set(-errno, "%s %s: %s", role, in->spec, strerror(errno));
        goto fail;
    }
    if ((rc = pthread_create(&in->thread, NULL, read_thread, in)) != 0) {
        rc = rig_error_set(-rc, "%s %s: cannot start the thread reading its edges: %s", role,
                           in->spec, strerror(rc));
        goto fail;
    }
    in->thread_started = true;
    handle->ops = &gpiod_ops;
    handle->impl = in;
    *out = handle;
    return 0;
fail:
    gpiod_close(in);
    free(handle);
    return rc;
}

int rig_pulse_input_open_gpiod(const char *spec, const char *consumer,
                               struct rig_pulse_input **out)
{
    struct rig_line_config cfg = {.spec = spec};
    return rig_pulse_input_open_line("pulse input", &cfg, consumer, out);
}
