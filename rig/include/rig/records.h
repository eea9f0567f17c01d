/*
 * rig/records.h — measurements as records: every value a suite or the EOL
 * measures is stored as it is taken, with its name, unit, limits, verdict,
 * position, the unit's serial and the firmware it ran, and a timestamp.
 *
 * The store is named by a URL (rig_records_open):
 *   PATH, sqlite:PATH          an SQLite file (the default: one machine)
 *   postgresql://..., postgres://...
 *                              a PostgreSQL database (a rack of benches
 *                              sharing one), as a libpq connection URI:
 *                              postgresql://user:password@host:5432/dbname,
 *                              postgresql://user@/dbname?host=/run/postgresql
 *                              (a unix socket directory), any libpq parameter
 *                              as ?key=value (sslmode, connect_timeout, ...).
 *                              The password may also come from ~/.pgpass or
 *                              PGPASSWORD, as libpq reads them. A server
 *                              that does not answer fails after 10 s
 *                              (connect_timeout in the URL changes it).
 * Both hold the same tables: `records` (one row a measurement), `runs` (one
 * row per rig_records_open) and `schema` (one row: the version of the
 * tables, 1 today). Opening a store of another version is refused, naming
 * both versions; a store without the `schema` table (written before it
 * existed, with the same tables) gets it.
 *
 * Each record is its own transaction, committed before
 * rig_record_measurement returns (SQLite: WAL with synchronous=FULL;
 * PostgreSQL: an autocommit INSERT), so whatever ends the process — a
 * crash, SIGKILL — every record written before is in the store. A record
 * that cannot be written is an error, never dropped silently.
 *
 * Errors: 0 or a negative errno-style code with rig_last_error(), one line
 * naming the store (a URL without its password) and what to check:
 *   -EIO     the file cannot be written; the server is not there, refuses
 *            the connection or the login, or drops it mid-run
 *   -EPROTO  the store has another schema version
 *   -EBUSY   rig_records_lock_bench: another session holds the bench
 *   -EINVAL  an unknown URL scheme, a malformed URI, a missing argument
 */
#ifndef RIG_RECORDS_H
#define RIG_RECORDS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;
struct rig_records;

/* One measurement. Strings may be NULL (stored as NULL). */
struct rig_record {
    const char *name;      /* what was measured: "eol.verify.Iref PF 1" */
    double value;
    const char *unit;      /* "%", "W", "V", "" */
    double lo, hi;         /* the limits; NAN where there is none */
    const char *verdict;   /* "PASS", "FAIL" or "INFO" (no limit) */
    unsigned position;     /* 1-based; 0: the bench as a whole */
    const char *serial;
    const char *firmware;  /* the image's id, e.g. "fnv1a64:0123abcd..." */
};

/*
 * rig_records_open — open the store at url (above; an SQLite file and the
 * tables are created if missing, a PostgreSQL database must exist) and start
 * a run (a row in `runs` with its id, start time, bench and host).
 * bench_name may be NULL. On PostgreSQL every connection of the store has
 * application_name "rig PID@HOST since 2025-01-01T12:00:00Z", so
 * pg_stat_activity and pg_locks tell whose it is.
 * Returns 0 and *out, -EIO, -EPROTO or -EINVAL.
 */
int rig_records_open(const char *url, const char *bench_name, struct rig_records **out);

/* rig_records_close — close, releasing the bench locks it holds; NULL is
 * ignored. */
void rig_records_close(struct rig_records *db);

/* rig_records_run — the run id ("20250101T120000Z-1234": start and pid;
 * "-2", "-3"... appended when a runner elsewhere took that id). */
const char *rig_records_run(const struct rig_records *db);

/* rig_records_path — the file, or the URL without its password. */
const char *rig_records_path(const struct rig_records *db);

/*
 * rig_record_measurement — store r now (UTC timestamp with milliseconds),
 * in its own transaction; safe to call from several threads (one record at
 * a time). Returns 0 or -EIO.
 */
int rig_record_measurement(struct rig_records *db, const struct rig_record *r);

/*
 * rig_records_lock_bench — hold bench_name for this run, across the rack.
 * PostgreSQL: a session advisory lock (pg_try_advisory_lock) keyed by the
 * FNV-1a 64 hash of the bench name (as a signed bigint), on a connection of
 * its own, tried every 200 ms until wait_s seconds have passed (0: once).
 * It is held until rig_records_close — or until that connection ends, so a
 * harness that crashes or is killed frees its bench. Locking a bench this
 * store already holds returns 0.
 * SQLite: returns 0 and does nothing (the per-bench lock file covers the
 * one machine a file store is shared on).
 * Returns 0; -EBUSY with holder (holder_len bytes, may be NULL) set to the
 * holding session's application_name ("rig 1234@host-b since ..."); or
 * -EIO (no connection).
 */
int rig_records_lock_bench(struct rig_records *db, const char *bench_name, double wait_s,
                           char *holder, size_t holder_len);

/*
 * rig_bench_set_records / rig_bench_records — the records store a bench's
 * procedures (rig_eol_*) write to; NULL: none (nothing is recorded). The
 * bench does not own it: close it after the bench is done with it.
 */
void rig_bench_set_records(struct rig_bench *bench, struct rig_records *db);
struct rig_records *rig_bench_records(struct rig_bench *bench);

#ifdef __cplusplus
}
#endif

#endif /* RIG_RECORDS_H */
