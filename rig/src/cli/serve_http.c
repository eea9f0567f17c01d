/*
 * serve_http.c — the operator page's HTTP side, with libmicrohttpd:
 *
 *   GET /                 the page (reports/templates/operator.html)
 *   GET /operator.css     its style, /operator.js its script (same templates)
 *   GET /api/state        the state as JSON, for tools and tests
 *   GET /events           server-sent events: "state" with the whole state,
 *                         at once and on every change; a comment line as a
 *                         heartbeat when nothing changes
 *   GET /report/...       the run's report directory (index.html,
 *                         certificates/...), so the page's link works from
 *                         any machine that can see the page
 *
 * Everything is built into the binary: a factory floor has no internet, and
 * the page must come up the same on every bench.
 *
 * One thread per connection: an event stream then simply waits for the
 * next change on a condition variable, which is all SSE needs; the number
 * of connections is capped, since an operator page has a handful of viewers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/serve.h"

/* reports/reports.mk turns every file of reports/templates/ into one of these. */
extern const char report_template_operator_html[];
extern const char report_template_operator_css[];
extern const char report_template_operator_js[];

#define MAX_CONNECTIONS 64
/* A stream that has nothing to say still writes this often, so a viewer
 * that went away is noticed (the write fails) and its thread ends. */
#define HEARTBEAT_S 5
/* How long the browser waits before reconnecting after the stream ends. */
#define RETRY_MS 1000

struct serve_http {
    struct MHD_Daemon *daemon;
    const struct serve_config *cfg;
    struct serve_shared *sh;
};

/* ---- responses ---- */

static enum MHD_Result send_buffer(struct MHD_Connection *conn, unsigned status, const char *type,
                                   const char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    /* The state changes under the page; nothing here is to be cached. */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
    return send_buffer(conn, status, "text/plain; charset=utf-8", text, strlen(text),
                       MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result send_template(struct MHD_Connection *conn, const char *type,
                                     const char *tpl)
{
    return send_buffer(conn, MHD_HTTP_OK, type, tpl, strlen(tpl), MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result send_state(struct serve_http *h, struct MHD_Connection *conn)
{
    pthread_mutex_lock(&h->sh->lock);
    char *json = strdup(h->sh->json ? h->sh->json : "{}");
    pthread_mutex_unlock(&h->sh->lock);
    if (!json)
        return MHD_NO;
    size_t len = strlen(json);
    return send_buffer(conn, MHD_HTTP_OK, "application/json", json, len, MHD_RESPMEM_MUST_FREE);
}

/* ---- server-sent events ---- */

struct sse_client {
    struct serve_shared *sh;
    unsigned long sent; /* the version last sent; 0: nothing yet */
    char *buf;
    size_t len, off;
    bool first;
};

/* Wait for the next thing to send: the state when it changed, else a
 * heartbeat. Returns -1 when the server stops. */
static int next_event(struct sse_client *c)
{
    struct serve_shared *sh = c->sh;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += HEARTBEAT_S;
    pthread_mutex_lock(&sh->lock);
    while (!sh->stopping && sh->version == c->sent)
        if (pthread_cond_timedwait(&sh->changed, &sh->lock, &until) == ETIMEDOUT)
            break;
    if (sh->stopping) {
        pthread_mutex_unlock(&sh->lock);
        return -1;
    }
    free(c->buf);
    c->buf = NULL;
    c->off = c->len = 0;
    int n;
    if (sh->version != c->sent) {
        /* json has no newline (compact), so it is one data field. */
        char retry[32] = "";
        if (c->first)
            snprintf(retry, sizeof retry, "retry: %d\n", RETRY_MS);
        n = asprintf(&c->buf, "%sid: %lu\nevent: state\ndata: %s\n\n", retry, sh->version,
                     sh->json ? sh->json : "{}");
        c->sent = sh->version;
        c->first = false;
    } else {
        n = asprintf(&c->buf, ": alive\n\n");
    }
    pthread_mutex_unlock(&sh->lock);
    if (n < 0) {
        c->buf = NULL;
        return -1;
    }
    c->len = (size_t)n;
    return 0;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    struct sse_client *c = cls;
    if (c->off == c->len && next_event(c) < 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = c->len - c->off < max ? c->len - c->off : max;
    memcpy(out, c->buf + c->off, n);
    c->off += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    struct sse_client *c = cls;
    free(c->buf);
    free(c);
}

static enum MHD_Result send_events(struct serve_http *h, struct MHD_Connection *conn)
{
    struct sse_client *c = calloc(1, sizeof *c);
    if (!c)
        return MHD_NO;
    c->sh = h->sh;
    c->first = true;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, c, sse_free);
    if (!r) {
        free(c);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- the report directory ---- */

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".txt", "text/plain; charset=utf-8"},
        {".xml", "application/xml"},           {".svg", "image/svg+xml"},
        {".css", "text/css"},                  {".js", "text/javascript"},
        {".json", "application/json"},         {".png", "image/png"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* rel is what follows /report/ (already percent-decoded by libmicrohttpd). */
static enum MHD_Result send_report_file(struct serve_http *h, struct MHD_Connection *conn,
                                        const char *rel)
{
    /* Resolved at every request: the run creates (or recreates) it. */
    char dir[PATH_MAX];
    if (!h->cfg->report_dir[0] || !realpath(h->cfg->report_dir, dir))
        return send_text(conn, MHD_HTTP_NOT_FOUND, "no report yet\n");
    if (!*rel)
        rel = "index.html";
    /* Only what is inside the report directory: no way up, no symlink out. */
    if (strstr(rel, "..") || rel[0] == '/')
        return send_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
    char path[PATH_MAX + 256], real[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    size_t dl = strlen(dir);
    if (!realpath(path, real) || strncmp(real, dir, dl) != 0 || real[dl] != '/')
        return send_text(conn, MHD_HTTP_NOT_FOUND, "not found (yet?)\n");
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return send_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
    }
    struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type(real));
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- routing ---- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version, (void)upload_data, (void)con_cls;
    struct serve_http *h = cls;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        *upload_data_size = 0;
        return send_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "rig serve only shows: GET\n");
    }
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0)
        return send_template(conn, "text/html; charset=utf-8", report_template_operator_html);
    if (strcmp(url, "/operator.css") == 0)
        return send_template(conn, "text/css; charset=utf-8", report_template_operator_css);
    if (strcmp(url, "/operator.js") == 0)
        return send_template(conn, "text/javascript; charset=utf-8", report_template_operator_js);
    if (strcmp(url, "/api/state") == 0)
        return send_state(h, conn);
    if (strcmp(url, "/events") == 0)
        return send_events(h, conn);
    if (strncmp(url, "/report/", 8) == 0)
        return send_report_file(h, conn, url + 8);
    if (strcmp(url, "/report") == 0)
        return send_report_file(h, conn, "");
    return send_text(conn, MHD_HTTP_NOT_FOUND,
                     "not found — the page is /, its state /api/state, its events /events\n");
}

struct serve_http *serve_http_start(int fd, const struct serve_config *cfg,
                                    struct serve_shared *shared, char *why, size_t whylen)
{
    struct serve_http *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(why, whylen, "out of memory");
        close(fd);
        return NULL;
    }
    h->cfg = cfg;
    h->sh = shared;
    h->daemon = MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                                     MHD_USE_THREAD_PER_CONNECTION,
                                 0, NULL, NULL, on_request, h, MHD_OPTION_LISTEN_SOCKET, fd,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(4 * HEARTBEAT_S),
                                 MHD_OPTION_END);
    if (!h->daemon) {
        snprintf(why, whylen, "libmicrohttpd could not start serving (%s)", strerror(errno));
        close(fd);
        free(h);
        return NULL;
    }
    return h;
}

void serve_http_stop(struct serve_http *h)
{
    if (!h)
        return;
    /* Wake every event stream so its thread ends, then stop. */
    pthread_mutex_lock(&h->sh->lock);
    h->sh->stopping = true;
    pthread_cond_broadcast(&h->sh->changed);
    pthread_mutex_unlock(&h->sh->lock);
    MHD_stop_daemon(h->daemon);
    free(h);
}
