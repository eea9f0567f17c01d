/*
 * records_sqlite.c — the SQLite backend of the records store: one file,
 * WAL with synchronous=FULL, each record its own (autocommit) transaction.
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "records/records_internal.h"

#define BUSY_TIMEOUT_MS 5000 /* runners on one machine may share one file */

struct sqlite_store {
    sqlite3 *db;
    sqlite3_stmt *insert;
};

/* The same tables as records_pg.c, in SQLite's types. */
static const char tables[] =
    "CREATE TABLE IF NOT EXISTS runs ("
    "  run TEXT PRIMARY KEY, started TEXT NOT NULL, bench TEXT, host TEXT);"
    "CREATE TABLE IF NOT EXISTS records ("
    "  id INTEGER PRIMARY KEY, run TEXT NOT NULL, ts TEXT NOT NULL,"
    "  position INTEGER, serial TEXT, firmware TEXT,"
    "  name TEXT NOT NULL, value REAL, unit TEXT, lo REAL, hi REAL, verdict TEXT);"
    "CREATE INDEX IF NOT EXISTS records_by_serial ON records(serial, name);";

static int fail(struct rig_records *r, const char *what)
{
    struct sqlite_store *s = r->backend;
    return rig_error_set(-EIO, "records: %s in %s: %s — check the path is writable", what,
                         r->where, s && s->db ? sqlite3_errmsg(s->db) : "no database");
}

static void sqlite_close(struct rig_records *r)
{
    struct sqlite_store *s = r->backend;
    if (!s)
        return;
    sqlite3_finalize(s->insert);
    sqlite3_close(s->db);
    free(s);
    r->backend = NULL;
}

/* The schema's version, or 0 when the table `schema` has no row yet (a new
 * file, or one written before the table existed: the same tables as
 * version 1). Inside the caller's transaction. */
static int read_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT version FROM schema", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int n = 0, step;
    *version = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        *version = sqlite3_column_int(st, 0);
        n++;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return -1;
    if (n > 1)
        *version = -n; /* not one row: no version this rig knows */
    return 0;
}

/* Check or create the schema in one write transaction, so two runners
 * opening a new file at once do not both create it. */
static int sqlite_schema(struct rig_records *r)
{
    struct sqlite_store *s = r->backend;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS schema (version INTEGER NOT NULL);",
                     NULL, NULL, NULL) != SQLITE_OK) {
        int rc = fail(r, "cannot create the tables");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    int version;
    if (read_version(s->db, &version) < 0) {
        int rc = fail(r, "cannot read the schema version");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (version != 0 && version != RIG_RECORDS_SCHEMA_VERSION) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rig_error_set(-EPROTO,
                             "records: %s has schema version %d, this rig writes version %d — "
                             "use a rig built for version %d, or another file",
                             r->where, version, RIG_RECORDS_SCHEMA_VERSION, version);
    }
    char insert[80] = "";
    if (version == 0)
        sqlite3_snprintf(sizeof insert, insert, "INSERT INTO schema (version) VALUES (%d);",
                         RIG_RECORDS_SCHEMA_VERSION);
    if (sqlite3_exec(s->db, tables, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, insert, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = fail(r, "cannot create the tables");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return 0;
}

static int sqlite_open(struct rig_records *r, const char *path)
{
    struct sqlite_store *s = calloc(1, sizeof *s);
    if (!s)
        return rig_error_set(-ENOMEM, "records: out of memory");
    r->backend = s;
    int rc;
    if (sqlite3_open(path, &s->db) != SQLITE_OK) {
        rc = fail(r, "cannot open the database");
        goto err;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
                     NULL) != SQLITE_OK) {
        rc = fail(r, "cannot create the tables");
        goto err;
    }
    if ((rc = sqlite_schema(r)) < 0)
        goto err;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO records (run, ts, position, serial, firmware, name, value,"
                           " unit, lo, hi, verdict) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &s->insert, NULL) != SQLITE_OK) {
        rc = fail(r, "cannot prepare the insert");
        goto err;
    }
    return 0;
err:
    sqlite_close(r);
    return rc;
}

static int sqlite_start_run(struct rig_records *r, const char *started, const char *bench,
                            const char *host)
{
    struct sqlite_store *s = r->backend;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO runs VALUES (?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
        return fail(r, "cannot start a run");
    sqlite3_bind_text(st, 1, r->run, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, started, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, bench, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, host, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step == SQLITE_CONSTRAINT)
        return -EEXIST;
    if (step != SQLITE_DONE)
        return fail(r, "cannot start a run");
    return 0;
}

static void bind_real_or_null(sqlite3_stmt *st, int col, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, col, v);
    else
        sqlite3_bind_null(st, col);
}

static int sqlite_insert(struct rig_records *r, const char *ts, const struct rig_record *rec)
{
    struct sqlite_store *s = r->backend;
    sqlite3_stmt *st = s->insert;
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

/* A file store has no server to hold a lock for a crashed harness: the
 * per-bench lock file covers the one machine such a store is shared on. */
static int sqlite_lock_bench(struct rig_records *r, const char *bench, double wait_s, char *holder,
                             size_t holder_len)
{
    (void)r, (void)bench, (void)wait_s, (void)holder, (void)holder_len;
    return 0;
}

const struct rig_records_ops rig_records_sqlite_ops = {
    .kind = "sqlite",
    .open = sqlite_open,
    .start_run = sqlite_start_run,
    .insert = sqlite_insert,
    .lock_bench = sqlite_lock_bench,
    .close = sqlite_close,
};
