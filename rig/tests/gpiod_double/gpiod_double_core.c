/*
 * gpiod_double_core.c — the model behind the libgpiod double: what the
 * kernel keeps per chip and line, and the edge events it queues.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpiod_double_core.h"

#define DBL_MAX_CHIPS 8
#define DBL_MAX_LINES 64

struct dbl_line {
    struct gpiod_double_line st;
    int held; /* by another program */
    int pipe[2];
    int reported; /* debounced physical level last reported */
    bool pending; /* a change waits out the debounce period */
    uint64_t pending_t;
};

struct dbl_chip {
    char label[32];
    unsigned num_lines;
    struct dbl_line lines[DBL_MAX_LINES];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct dbl_chip chips[DBL_MAX_CHIPS];
static unsigned num_chips;

static struct dbl_line *line_of(unsigned chip, unsigned offset)
{
    if (chip >= num_chips || offset >= chips[chip].num_lines)
        return NULL;
    return &chips[chip].lines[offset];
}

static void close_pipe(struct dbl_line *l)
{
    for (int i = 0; i < 2; i++)
        if (l->pipe[i] >= 0) {
            close(l->pipe[i]);
            l->pipe[i] = -1;
        }
}

void gpiod_double_reset(void)
{
    pthread_mutex_lock(&lock);
    for (unsigned c = 0; c < num_chips; c++)
        for (unsigned o = 0; o < chips[c].num_lines; o++)
            close_pipe(&chips[c].lines[o]);
    memset(chips, 0, sizeof chips);
    num_chips = 0;
    pthread_mutex_unlock(&lock);
}

int gpiod_double_add_chip(const char *label, unsigned num_lines)
{
    if (num_chips >= DBL_MAX_CHIPS || num_lines > DBL_MAX_LINES)
        return -1;
    pthread_mutex_lock(&lock);
    struct dbl_chip *c = &chips[num_chips];
    snprintf(c->label, sizeof c->label, "%s", label);
    c->num_lines = num_lines;
    for (unsigned o = 0; o < num_lines; o++)
        c->lines[o].pipe[0] = c->lines[o].pipe[1] = -1;
    int n = (int)num_chips++;
    pthread_mutex_unlock(&lock);
    return n;
}

void gpiod_double_hold(unsigned chip, unsigned offset, const char *consumer)
{
    pthread_mutex_lock(&lock);
    struct dbl_line *l = line_of(chip, offset);
    if (l) {
        l->held = 1;
        snprintf(l->st.consumer, sizeof l->st.consumer, "%s", consumer);
    }
    pthread_mutex_unlock(&lock);
}

/* queue one event of the line's physical level now being level (lock held) */
static void queue_event(struct dbl_line *l, int level, uint64_t t_ns)
{
    if (!l->st.requested || !l->st.edge_events || l->pipe[1] < 0)
        return;
    struct dbl_event ev = {.t_ns = t_ns, .rising = (level ^ l->st.active_low) != 0};
    (void)!write(l->pipe[1], &ev, sizeof ev);
}

/* report a debounced change whose period ended by t_ns (lock held) */
static void settle(struct dbl_line *l, uint64_t t_ns)
{
    uint64_t period = (uint64_t)l->st.debounce_us * 1000u;
    if (!l->pending || t_ns < l->pending_t + period)
        return;
    l->pending = false;
    if (l->st.physical != l->reported) {
        l->reported = l->st.physical;
        queue_event(l, l->reported, l->pending_t + period);
    }
}

int gpiod_double_drive(unsigned chip, unsigned offset, int level, uint64_t t_ns)
{
    pthread_mutex_lock(&lock);
    struct dbl_line *l = line_of(chip, offset);
    if (!l || l->st.output) {
        pthread_mutex_unlock(&lock);
        return -1;
    }
    level = level != 0;
    if (l->st.debounce_us) {
        settle(l, t_ns);
        if (level != l->st.physical) {
            l->st.physical = level;
            l->pending = true; /* the period restarts at every change */
            l->pending_t = t_ns;
        }
    } else if (level != l->st.physical) {
        l->st.physical = level;
        queue_event(l, level, t_ns);
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

void gpiod_double_advance(uint64_t t_ns)
{
    pthread_mutex_lock(&lock);
    for (unsigned c = 0; c < num_chips; c++)
        for (unsigned o = 0; o < chips[c].num_lines; o++)
            if (chips[c].lines[o].st.debounce_us)
                settle(&chips[c].lines[o], t_ns);
    pthread_mutex_unlock(&lock);
}

int gpiod_double_line(unsigned chip, unsigned offset, struct gpiod_double_line *st)
{
    pthread_mutex_lock(&lock);
    struct dbl_line *l = line_of(chip, offset);
    if (l)
        *st = l->st;
    pthread_mutex_unlock(&lock);
    return l ? 0 : -1;
}

int dbl_num_lines(unsigned n)
{
    if (n >= num_chips) {
        errno = ENOENT;
        return -1;
    }
    return (int)chips[n].num_lines;
}

const char *dbl_chip_label(unsigned n)
{
    return n < num_chips ? chips[n].label : NULL;
}

static int number(const char *s)
{
    if (!*s)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    return atoi(s);
}

int dbl_find_chip(const char *name)
{
    int n = -1;
    if (strncmp(name, "/dev/gpiochip", 13) == 0)
        n = number(name + 13);
    else if (strncmp(name, "gpiochip", 8) == 0)
        n = number(name + 8);
    else if ((n = number(name)) < 0)
        for (unsigned c = 0; c < num_chips; c++)
            if (strcmp(chips[c].label, name) == 0)
                n = (int)c;
    if (n < 0 || (unsigned)n >= num_chips) {
        errno = ENOENT;
        return -1;
    }
    return n;
}

int dbl_request(unsigned chip, unsigned offset, const struct dbl_request *r)
{
    int rc = -1;
    pthread_mutex_lock(&lock);
    struct dbl_line *l = line_of(chip, offset);
    if (!l) {
        errno = EINVAL;
        goto out;
    }
    if (l->held || l->st.requested) {
        errno = EBUSY;
        goto out;
    }
    if (r->edge_events && pipe2(l->pipe, O_CLOEXEC) < 0)
        goto out;
    l->st.requested = true;
    l->st.output = r->output;
    l->st.edge_events = r->edge_events;
    l->st.active_low = r->active_low;
    l->st.bias = r->bias;
    l->st.debounce_us = r->debounce_us;
    l->st.requests++;
    snprintf(l->st.consumer, sizeof l->st.consumer, "%s", r->consumer ? r->consumer : "");
    if (r->output)
        l->st.physical = (r->initial != 0) ^ r->active_low;
    l->reported = l->st.physical;
    l->pending = false;
    rc = r->edge_events ? l->pipe[0] : 0;
out:
    pthread_mutex_unlock(&lock);
    return rc;
}

void dbl_release(unsigned chip, unsigned offset)
{
    pthread_mutex_lock(&lock);
    struct dbl_line *l = line_of(chip, offset);
    if (l) {
        close_pipe(l);
        l->st.requested = l->st.edge_events = false;
        l->st.output = false;
        l->st.consumer[0] = 0;
    }
    pthread_mutex_unlock(&lock);
}

int dbl_get(unsigned chip, unsigned offset)
{
    pthread_mutex_lock(&lock);
    struct dbl_line *l = line_of(chip, offset);
    int v = -1;
    if (!l || !l->st.requested)
        errno = EPERM;
    else
        v = l->st.physical ^ l->st.active_low;
    pthread_mutex_unlock(&lock);
    return v;
}

int dbl_set(unsigned chip, unsigned offset, int value)
{
    pthread_mutex_lock(&lock);
    struct dbl_line *l = line_of(chip, offset);
    int rc = 0;
    if (!l || !l->st.requested || !l->st.output) {
        errno = EPERM;
        rc = -1;
    } else {
        l->st.physical = (value != 0) ^ l->st.active_low;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int dbl_read(int fd, struct dbl_event *ev, unsigned max)
{
    ssize_t n = read(fd, ev, max * sizeof *ev);
    if (n < 0)
        return -1;
    return (int)((size_t)n / sizeof *ev);
}
