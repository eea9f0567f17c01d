/*
 * records.c — the SQLite records store (rig/records.h).
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench_internal.h"
#include "base/error_internal.h"
#include "rig/records.h"

#define BUSY_TIMEOUT_MS 5000 /* a rack of benches may share one file */

struct rig_records {
    sqlite3 *db;
    sqlite3_stmt *insert;
    char run[40];
    char *path;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS runs ("
    "  run TEXT PRIMARY KEY, started TEXT NOT NULL, bench TEXT, host TEXT);"
    "CREATE TABLE IF NOT EXISTS records ("
    "  id INTEGER PRIMARY KEY, run TEXT NOT NULL, ts TEXT NOT NULL,"
    "  position INTEGER, serial TEXT, firmware TEXT,"
    "  name TEXT NOT NULL, value REAL, unit TEXT, lo REAL, hi REAL, verdict TEXT);"
    "CREATE INDEX IF NOT EXISTS records_by_serial ON records(serial, name);";

static void utc_now(char *buf, size_t len, bool compact)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    if (compact) {
        strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
    } else {
        char s[32];
        strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf, len, "%.20s.%03dZ", s, (int)(ts.tv_nsec / 1000000));
    }
}

static int fail(struct rig_records *r, const char *what)
{
    return rig_error_set(-EIO, "records: %s in %s: %s — check the path is writable", what,
                         r->path ? r->path : "?", r->db ? sqlite3_errmsg(r->db) : "no database");
}

int rig_records_open(const char *path, const char *bench_name, struct rig_records **out)
{
    *out = NULL;
    struct rig_records *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        return rig_error_set(-ENOMEM, "records: out of memory");
    }
    int rc;
    if (sqlite3_open(path, &r->db) != SQLITE_OK) {
        rc = fail(r, "cannot open the database");
        goto err;
    }
    sqlite3_busy_timeout(r->db, BUSY_TIMEOUT_MS);
    if (sqlite3_exec(r->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_exec(r->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        rc = fail(r, "cannot create the tables");
        goto err;
    }
    char started[48], stamp[24], host[64] = "";
    utc_now(started, sizeof started, false);
    utc_now(stamp, sizeof stamp, true);
    gethostname(host, sizeof host - 1);
    snprintf(r->run, sizeof r->run, "%s-%ld", stamp, (long)getpid());
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, "INSERT OR REPLACE INTO runs VALUES (?,?,?,?)", -1, &st, NULL) !=
        SQLITE_OK) {
        rc = fail(r, "cannot start a run");
        goto err;
    }
    sqlite3_bind_text(st, 1, r->run, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, started, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, bench_name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, host, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        rc = fail(r, "cannot start a run");
        goto err;
    }
    if (sqlite3_prepare_v2(r->db,
                           "INSERT INTO records (run, ts, position, serial, firmware, name, value,"
                           " unit, lo, hi, verdict) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &r->insert, NULL) != SQLITE_OK) {
        rc = fail(r, "cannot prepare the insert");
        goto err;
    }
    *out = r;
    return 0;
err:
    rig_records_close(r);
    return rc;
}

void rig_records_close(struct rig_records *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->insert);
    sqlite3_close(r->db);
    free(r->path);
    free(r);
}

const char *rig_records_run(const struct rig_records *r)
{
    return r->run;
}

const char *rig_records_path(const struct rig_records *r)
{
    return r->path;
}

static void bind_real_or_null(sqlite3_stmt *st, int col, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, col, v);
    else
        sqlite3_bind_null(st, col);
}

int rig_record_measurement(struct rig_records *r, const struct rig_record *rec)
{
    if (!r || !rec || !rec->name)
        return rig_error_set(-EINVAL, "records: no store or no record name");
    char ts[48];
    utc_now(ts, sizeof ts, false);
    sqlite3_stmt *st = r->insert;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    sqlite3_bind_text(st, 1, r->run, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, (int)rec->position);
    sqlite3_bind_text(st, 4, rec->serial, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, rec->firmware, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, rec->name, -1, SQLITE_TRANSIENT);
    bind_real_or_null(st, 7, rec->value);
    sqlite3_bind_text(st, 8, rec->unit, -1, SQLITE_TRANSIENT);
    bind_real_or_null(st, 9, rec->lo);
    bind_real_or_null(st, 10, rec->hi);
    sqlite3_bind_text(st, 11, rec->verdict, -1, SQLITE_TRANSIENT);
    /* Autocommit: this statement is its own transaction. */
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return fail(r, "cannot store a record");
    return 0;
}

void rig_bench_set_records(struct rig_bench *bench, struct rig_records *db)
{
    bench->records = db;
}

struct rig_records *rig_bench_records(struct rig_bench *bench)
{
    return bench->records;
}
