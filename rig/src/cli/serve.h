/*
 * serve.h — `rig serve`: the operator page of a factory bench.
 *
 * Three parts, so that each can be read alone:
 *   serve_records.c  follows the records store an EOL run writes (read-only,
 *                    never waiting on the writer) and keeps the state of the
 *                    bench's latest run, position by position, as JSON;
 *   serve_http.c     serves the page (built-in templates), /api/state, the
 *                    server-sent events and the report directory, with
 *                    libmicrohttpd;
 *   cmd_serve.c      the verb: options, the bench's positions, the loop.
 *
 * They live in cli/ rather than in the library: nothing but the verb uses
 * them, and libmicrohttpd is not something a suite should link against.
 */
#ifndef RIG_CLI_SERVE_H
#define RIG_CLI_SERVE_H

#include <pthread.h>
#include <stdbool.h>

#define SERVE_MAX_POSITIONS 64

/* What the bench says about a position: all the page knows before a run. */
struct serve_position {
    unsigned number;
    char model[32];
    char serial[32];
};

/* The bench and where its run writes, fixed for the life of the server. */
struct serve_config {
    char bench_name[64];
    unsigned positions;
    struct serve_position pos[SERVE_MAX_POSITIONS];
    char records_path[4096];
    char report_dir[4096]; /* "" when there is none */
};

struct serve_follow; /* the records store being followed (serve_records.c) */

/*
 * The state every client sees. The follower updates it under lock; json is
 * the whole state as one compact line (no newline, so it fits one SSE data
 * field) and version counts its changes, so a client knows what it has sent.
 */
struct serve_shared {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    unsigned long version;
    char *json;
    bool stopping;
};

/*
 * serve_follow_open — start following cfg->records_path. Returns 0, or
 * -EINVAL with a one-line reason in why when the file exists but is not a
 * records store (not SQLite, or SQLite without the records tables). A file
 * that does not exist yet is not an error: the state says "waiting".
 */
int serve_follow_open(const struct serve_config *cfg, struct serve_shared *shared,
                      struct serve_follow **out, char *why, size_t whylen);

/* serve_follow_poll — read what the run wrote since the last call and
 * publish the state if it changed. Never waits on the writer. */
void serve_follow_poll(struct serve_follow *f);

void serve_follow_close(struct serve_follow *f);

struct serve_http;

/*
 * serve_http_start — serve on the listening socket fd (bound and listening;
 * the server owns it from here). Returns NULL with why on failure.
 */
struct serve_http *serve_http_start(int fd, const struct serve_config *cfg,
                                    struct serve_shared *shared, char *why, size_t whylen);

/* serve_http_stop — end every event stream, stop, free. */
void serve_http_stop(struct serve_http *h);

#endif
