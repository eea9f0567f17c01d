/*
 * transport.c — the byte-transport interface: picks an implementation and
 * splits what arrives into lines.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock_internal.h"
#include "base/error_internal.h"
#include "rig/transport.h"
#include "drivers/transport/transport_internal.h"

#define RIG_TRANSPORT_BUF 4096

struct rig_transport {
    const struct rig_transport_ops *ops;
    void *impl;
    char *port;
    char buf[RIG_TRANSPORT_BUF]; /* received, not yet returned */
    size_t len;
};

static bool is_pty(const char *port)
{
    return strncmp(port, "/dev/pts/", 9) == 0 || strcmp(port, "/dev/ptmx") == 0;
}

int rig_transport_open(const char *port, int baud, enum rig_transport_kind kind,
                       struct rig_transport **out)
{
    const struct rig_transport_ops *ops = NULL;
    void *impl = NULL;
    int rc;

    *out = NULL;
    if (!port || !*port)
        return rig_error_set(-EINVAL, "no port given — check the bench file");
    if (kind == RIG_TRANSPORT_AUTO)
        kind = is_pty(port) ? RIG_TRANSPORT_TERMIOS : RIG_TRANSPORT_SERIALPORT;
    switch (kind) {
    case RIG_TRANSPORT_TERMIOS:
        rc = rig_transport_termios_open(port, baud, &ops, &impl);
        break;
    case RIG_TRANSPORT_SERIALPORT:
        rc = rig_transport_serialport_open(port, baud, &ops, &impl);
        break;
    default:
        return rig_error_set(-EINVAL, "%s: unknown transport kind %d", port, (int)kind);
    }
    if (rc < 0)
        return rc;

    struct rig_transport *t = calloc(1, sizeof *t);
    char *name = strdup(port);
    if (!t || !name) {
        free(t);
        free(name);
        ops->close(impl);
        return rig_error_set(-ENOMEM, "%s: out of memory", port);
    }
    t->ops = ops;
    t->impl = impl;
    t->port = name;
    *out = t;
    return 0;
}

void rig_transport_close(struct rig_transport *t)
{
    if (!t)
        return;
    t->ops->close(t->impl);
    free(t->port);
    free(t);
}

int rig_transport_write(struct rig_transport *t, const void *buf, size_t n, int timeout_ms)
{
    int rc = t->ops->write_all(t->impl, buf, n, timeout_ms);
    if (rc == -ETIMEDOUT)
        return rig_error_set(rc, "%s: write timed out — check flow control and the cable",
                             t->port);
    if (rc < 0)
        return rig_error_set(rc, "%s: write failed: %s — check the port is still there",
                             t->port, strerror(-rc));
    return 0;
}

/* Take one line out of the buffer if there is one; returns its length or -1. */
static int take_line(struct rig_transport *t, char *line, size_t len, bool *too_long)
{
    char *nl = memchr(t->buf, '\n', t->len);
    if (!nl)
        return -1;
    size_t n = (size_t)(nl - t->buf);
    size_t keep = n;
    if (keep > 0 && t->buf[keep - 1] == '\r')
        keep--;
    *too_long = keep + 1 > len;
    if (*too_long)
        keep = len ? len - 1 : 0;
    if (len) {
        memcpy(line, t->buf, keep);
        line[keep] = '\0';
    }
    memmove(t->buf, nl + 1, t->len - n - 1);
    t->len -= n + 1;
    return (int)keep;
}

int rig_transport_read_line(struct rig_transport *t, char *line, size_t len, int timeout_ms)
{
    int64_t deadline = rig_now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
    bool overflowed = false;

    for (;;) {
        bool too_long = false;
        int n = take_line(t, line, len, &too_long);
        if (n >= 0) {
            if (too_long || overflowed)
                return rig_error_set(-EMSGSIZE, "%s: reply longer than %zu bytes", t->port,
                                     len ? len - 1 : 0);
            return n;
        }
        if (t->len == sizeof t->buf) {
            /* A line longer than the buffer: drop what we have, keep reading
             * to its end so the next line is in step. */
            t->len = 0;
            overflowed = true;
        }
        int left = rig_ms_left(deadline);
        if (left == 0 && timeout_ms >= 0 && rig_now_ms() >= deadline)
            return rig_error_set(-ETIMEDOUT, "%s: no complete line within %d ms", t->port,
                                 timeout_ms);
        ssize_t got = t->ops->read_some(t->impl, t->buf + t->len, sizeof t->buf - t->len, left);
        if (got < 0)
            return rig_error_set((int)got, "%s: read failed: %s", t->port, strerror((int)-got));
        t->len += (size_t)got;
    }
}

void rig_transport_discard_input(struct rig_transport *t)
{
    t->len = 0;
    t->ops->discard_input(t->impl);
}

int rig_transport_fd(const struct rig_transport *t)
{
    return t ? t->ops->fd(t->impl) : -1;
}

const char *rig_transport_port(const struct rig_transport *t)
{
    return t->port;
}
