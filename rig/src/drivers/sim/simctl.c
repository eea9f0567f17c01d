/*
 * simctl.c — the client of benchd's control socket: one request per line,
 * one reply line "OK ..." or "ERR <message>" (EDGES: then n lines).
 *
 * One client may be used from several threads (the EOL reads each
 * position's edges from its own thread): a request and its whole reply are
 * one transaction under the client's lock, so replies never interleave.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/clock_internal.h"
#include "base/error_internal.h"
#include "rig/sim/simctl.h"

#define SIMCTL_LINE_MAX 1024

struct rig_simctl {
    pthread_mutex_t lock; /* held for a request and its whole reply */
    int fd;
    char *path;
    char buf[4096];
    size_t len;
};

int rig_simctl_open(const char *path, struct rig_simctl **out)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    *out = NULL;
    if (strlen(path) >= sizeof addr.sun_path)
        return rig_error_set(-ENAMETOOLONG, "benchd control socket path too long: %s", path);
    memcpy(addr.sun_path, path, strlen(path) + 1);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return rig_error_set(-errno, "socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int e = errno;
        close(fd);
        return rig_error_set(-e, "cannot connect to benchd at %s: %s — is the simulated bench "
                                 "up (rig sim up)?",
                             path, strerror(e));
    }
    struct rig_simctl *ctl = calloc(1, sizeof *ctl);
    if (!ctl || !(ctl->path = strdup(path))) {
        free(ctl);
        close(fd);
        return rig_error_set(-ENOMEM, "out of memory");
    }
    pthread_mutex_init(&ctl->lock, NULL);
    ctl->fd = fd;
    *out = ctl;
    return 0;
}

void rig_simctl_close(struct rig_simctl *ctl)
{
    if (!ctl)
        return;
    pthread_mutex_destroy(&ctl->lock);
    close(ctl->fd);
    free(ctl->path);
    free(ctl);
}

/* One reply line into line (without '\n'). deadline < 0: wait forever. */
static int read_line(struct rig_simctl *ctl, char *line, size_t len, int64_t deadline,
                     const char *req)
{
    for (;;) {
        char *nl = memchr(ctl->buf, '\n', ctl->len);
        if (nl) {
            size_t n = (size_t)(nl - ctl->buf);
            if (n + 1 > len)
                return rig_error_set(-EMSGSIZE, "benchd: reply to %s too long", req);
            memcpy(line, ctl->buf, n);
            line[n] = '\0';
            memmove(ctl->buf, nl + 1, ctl->len - n - 1);
            ctl->len -= n + 1;
            return 0;
        }
        if (ctl->len == sizeof ctl->buf)
            return rig_error_set(-EPROTO, "benchd: reply line to %s too long", req);
        struct pollfd p = {.fd = ctl->fd, .events = POLLIN};
        int rc = poll(&p, 1, rig_ms_left(deadline));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return rig_error_set(-errno, "benchd: poll: %s", strerror(errno));
        if (rc == 0)
            return rig_error_set(-ETIMEDOUT, "benchd did not answer %s on %s — check benchd.log",
                                 req, ctl->path);
        ssize_t got = read(ctl->fd, ctl->buf + ctl->len, sizeof ctl->buf - ctl->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return rig_error_set(-ECONNRESET,
                                 "benchd went away during %s (%s) — check benchd.log", req,
                                 ctl->path);
        ctl->len += (size_t)got;
    }
}

static int vrequest(struct rig_simctl *ctl, int timeout_ms, char *reply, size_t reply_len,
                    const char *fmt, va_list ap)
{
    char req[SIMCTL_LINE_MAX];
    char line[SIMCTL_LINE_MAX];
    int n = vsnprintf(req, sizeof req - 1, fmt, ap);
    if (n < 0 || (size_t)n >= sizeof req - 1)
        return rig_error_set(-EMSGSIZE, "benchd: request too long");
    int64_t deadline = timeout_ms < 0 ? -1 : rig_now_ms() + timeout_ms;

    req[n] = '\n';
    for (size_t off = 0; off < (size_t)n + 1;) {
        ssize_t w = send(ctl->fd, req + off, (size_t)n + 1 - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            req[n] = '\0';
            return rig_error_set(-ECONNRESET, "benchd went away (cannot send %s: %s) — check "
                                              "benchd.log",
                                 req, strerror(errno));
        }
        off += (size_t)w;
    }
    req[n] = '\0';
    char *sp = strchr(req, ' ');
    char verb[32];
    snprintf(verb, sizeof verb, "%.*s", sp ? (int)(sp - req) : n, req);

    int rc = read_line(ctl, line, sizeof line, deadline, verb);
    if (rc < 0)
        return rc;
    if (strncmp(line, "ERR", 3) == 0)
        return rig_error_set(-EREMOTEIO, "benchd: %s: %s", req, line[3] == ' ' ? line + 4 : line + 3);
    if (strncmp(line, "OK", 2) != 0 || (line[2] != '\0' && line[2] != ' '))
        return rig_error_set(-EPROTO, "benchd: unexpected reply '%s' to %s", line, req);
    const char *rest = line[2] == ' ' ? line + 3 : line + 2;
    if (reply_len) {
        if (strlen(rest) + 1 > reply_len)
            return rig_error_set(-EMSGSIZE, "benchd: reply to %s too long", req);
        memcpy(reply, rest, strlen(rest) + 1);
    }
    return 0;
}

int rig_simctl_request(struct rig_simctl *ctl, int timeout_ms, char *reply, size_t reply_len,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&ctl->lock);
    int rc = vrequest(ctl, timeout_ms, reply, reply_len, fmt, ap);
    pthread_mutex_unlock(&ctl->lock);
    va_end(ap);
    return rc;
}

/* A request without taking the lock (the caller holds it). */
static int request_locked(struct rig_simctl *ctl, int timeout_ms, char *reply, size_t reply_len,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int request_locked(struct rig_simctl *ctl, int timeout_ms, char *reply, size_t reply_len,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vrequest(ctl, timeout_ms, reply, reply_len, fmt, ap);
    va_end(ap);
    return rc;
}

int rig_simctl_ping(struct rig_simctl *ctl)
{
    char reply[64];
    return rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "PING");
}

static int parse_u64(const char *s, uint64_t *v, const char *req, const char **end_out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (end == s || errno)
        return rig_error_set(-EPROTO, "benchd: cannot read a number in the reply to %s: '%s'",
                             req, s);
    *v = x;
    if (end_out)
        *end_out = end;
    return 0;
}

int rig_simctl_time(struct rig_simctl *ctl, uint64_t *t_ns)
{
    char reply[64];
    int rc = rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "TIME");
    return rc < 0 ? rc : parse_u64(reply, t_ns, "TIME", NULL);
}

int rig_simctl_advance(struct rig_simctl *ctl, double seconds, uint64_t *t_ns)
{
    char reply[64];
    uint64_t t;
    /* No time limit: a long advance runs as fast as the firmware computes,
     * and a dead benchd closes the socket. */
    int rc = rig_simctl_request(ctl, -1, reply, sizeof reply, "ADVANCE %.9f", seconds);
    if (rc < 0)
        return rc;
    rc = parse_u64(reply, &t, "ADVANCE", NULL);
    if (rc == 0 && t_ns)
        *t_ns = t;
    return rc;
}

int rig_simctl_speed(struct rig_simctl *ctl, const char *speed)
{
    char reply[64];
    return rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "SPEED %s", speed);
}

int rig_simctl_count(struct rig_simctl *ctl, unsigned position, unsigned output,
                     uint64_t *rising, uint64_t *last_rise_ns, uint64_t *last_fall_ns)
{
    char reply[128];
    uint64_t v[3];
    const char *p = reply;
    int rc = rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "COUNT %u %u",
                                position, output);
    if (rc < 0)
        return rc;
    for (int i = 0; i < 3; i++)
        if ((rc = parse_u64(p, &v[i], "COUNT", &p)) < 0)
            return rc;
    if (rising)
        *rising = v[0];
    if (last_rise_ns)
        *last_rise_ns = v[1];
    if (last_fall_ns)
        *last_fall_ns = v[2];
    return 0;
}

/* The count lines "<t_ns> <output> <level>" that follow an EDGES or
 * REFEDGES reply; those beyond max are read and dropped. */
static int read_edge_lines(struct rig_simctl *ctl, const char *req, uint64_t count,
                           struct rig_sim_edge *edges, size_t max, size_t *n)
{
    char line[128];
    int64_t deadline = rig_now_ms() + RIG_SIMCTL_TIMEOUT_MS;
    size_t stored = 0;
    for (uint64_t i = 0; i < count; i++) {
        int rc = read_line(ctl, line, sizeof line, deadline, req);
        if (rc < 0)
            return rc;
        unsigned long long t;
        unsigned out, level;
        if (sscanf(line, "%llu %u %u", &t, &out, &level) != 3)
            return rig_error_set(-EPROTO, "benchd: bad %s line '%s'", req, line);
        if (stored < max)
            edges[stored++] = (struct rig_sim_edge){.t_ns = t, .output = out, .level = level};
    }
    *n = stored;
    return 0;
}

static int read_edges(struct rig_simctl *ctl, unsigned position, struct rig_sim_edge *edges,
                      size_t max, size_t *n)
{
    char reply[64];
    uint64_t count;
    int rc = request_locked(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "EDGES %u",
                            position);
    if (rc < 0)
        return rc;
    if ((rc = parse_u64(reply, &count, "EDGES", NULL)) < 0)
        return rc;
    return read_edge_lines(ctl, "EDGES", count, edges, max, n);
}

int rig_simctl_edges(struct rig_simctl *ctl, unsigned position, struct rig_sim_edge *edges,
                     size_t max, size_t *n)
{
    pthread_mutex_lock(&ctl->lock);
    int rc = read_edges(ctl, position, edges, max, n);
    pthread_mutex_unlock(&ctl->lock);
    return rc;
}

int rig_simctl_shutdown(struct rig_simctl *ctl)
{
    char reply[64];
    return rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "SHUTDOWN");
}

int rig_simctl_refconst(struct rig_simctl *ctl, unsigned wire, double set, double *constant)
{
    char reply[64];
    int rc = set > 0.0 ? rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply,
                                            "REFCONST %u %.17g", wire, set)
                       : rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply,
                                            "REFCONST %u", wire);
    if (rc < 0)
        return rc;
    char *end;
    double k = strtod(reply, &end);
    if (end == reply || !(k > 0.0))
        return rig_error_set(-EPROTO, "benchd: cannot read a constant in the reply to REFCONST: '%s'",
                             reply);
    if (constant)
        *constant = k;
    return 0;
}

static int read_refedges(struct rig_simctl *ctl, unsigned wire, struct rig_sim_edge *edges,
                         size_t max, size_t *n, uint64_t *dropped)
{
    char reply[64];
    uint64_t count;
    const char *p;
    int rc = request_locked(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "REFEDGES %u", wire);
    if (rc < 0 || (rc = parse_u64(reply, &count, "REFEDGES", &p)) < 0 ||
        (rc = parse_u64(p, dropped, "REFEDGES", NULL)) < 0)
        return rc;
    return read_edge_lines(ctl, "REFEDGES", count, edges, max, n);
}

int rig_simctl_refedges(struct rig_simctl *ctl, unsigned wire, struct rig_sim_edge *edges,
                        size_t max, size_t *n, uint64_t *dropped)
{
    uint64_t lost = 0;
    *n = 0;
    pthread_mutex_lock(&ctl->lock);
    int rc = read_refedges(ctl, wire, edges, max, n, &lost);
    pthread_mutex_unlock(&ctl->lock);
    if (dropped)
        *dropped = lost;
    return rc;
}
