/*
 * records_internal.h — what the records interface (records.c) and its
 * backends (records_sqlite.c, records_pg.c) share: the store object, the
 * backend's operations, and helpers (records_common.c).
 *
 * The interface owns the run (its id and start), the timestamps and the
 * argument checks; a backend only talks to its database. Helpers live in
 * records_common.c rather than records.c so that records.c -> backend ->
 * helper stays a chain, never a cycle (scripts/check-layers.py).
 */
#ifndef RIG_RECORDS_INTERNAL_H
#define RIG_RECORDS_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "rig/records.h"

/* The version of the tables `runs` and `records` this rig writes; stored in
 * the table `schema` (one row, column `version`) of every store. Bump it
 * with any change a reader or writer of another version would misread. */
#define RIG_RECORDS_SCHEMA_VERSION 1

struct rig_records;

struct rig_records_ops {
    const char *kind; /* "sqlite", "postgresql" */
    /* Open target (a file path, or a libpq URI), check or create the schema.
     * 0, -EIO (unreachable, unwritable), -EPROTO (another schema version). */
    int (*open)(struct rig_records *r, const char *target);
    /* Insert the run r->run; -EEXIST when that id is taken. */
    int (*start_run)(struct rig_records *r, const char *started, const char *bench,
                     const char *host);
    /* Insert one record, committed before it returns. 0 or -EIO. */
    int (*insert)(struct rig_records *r, const char *ts, const struct rig_record *rec);
    /* rig_records_lock_bench, arguments checked. */
    int (*lock_bench)(struct rig_records *r, const char *bench, double wait_s, char *holder,
                      size_t holder_len);
    /* Free the backend's state (r->backend); r itself is freed by records.c. */
    void (*close)(struct rig_records *r);
};

struct rig_records {
    pthread_mutex_t lock; /* one record at a time: the EOL records from a thread per unit */
    const struct rig_records_ops *ops;
    void *backend;
    char run[48];
    char *where;    /* the file, or the URL without its password: for messages */
    char since[32]; /* when it was opened, "2025-01-01T12:00:00Z" */
};

extern const struct rig_records_ops rig_records_sqlite_ops;
extern const struct rig_records_ops rig_records_pg_ops;

/* UTC now: "2025-01-01T12:00:00.123Z", or compact "20250101T120000Z", or
 * without milliseconds "2025-01-01T12:00:00Z". */
enum records_time { RECORDS_TIME_MS, RECORDS_TIME_COMPACT, RECORDS_TIME_S };
void records_utc_now(char *buf, size_t len, enum records_time form);

/* url with any password left out (the userinfo's ":password" and every
 * "password=" parameter), for messages; NULL on no memory. */
char *records_redact_url(const char *url);

/* FNV-1a 64 of s: the advisory-lock key of a bench name (records.h). */
uint64_t records_fnv1a64(const char *s);

/* Copy msg into out as one line: newlines and tabs become spaces, runs of
 * spaces one, no trailing space (libpq's messages span lines). */
void records_one_line(const char *msg, char *out, size_t len);

#endif
