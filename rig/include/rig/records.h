/*
 * rig/records.h — measurements as records: every value a suite or the EOL
 * measures is stored as it is taken, with its name, unit, limits, verdict,
 * position, the unit's serial and the firmware it ran, and a timestamp.
 *
 * The store is an SQLite file: table `records` (one row a
 * measurement) and `runs` (one row per rig_records_open). Each record is its
 * own transaction in WAL mode with synchronous=FULL, so whatever ends the
 * process — a crash, SIGKILL — every record written before is in the file.
 *
 * Errors: 0 or a negative errno-style code with rig_last_error():
 *   -EIO  SQLite failed (the message quotes it and the file).
 */
#ifndef RIG_RECORDS_H
#define RIG_RECORDS_H

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
 * rig_records_open — open (create) the SQLite file at path and start a run
 * (a row in `runs` with its id, start time and bench). bench_name may be NULL.
 * Returns 0 and *out, or -EIO.
 */
int rig_records_open(const char *path, const char *bench_name, struct rig_records **out);

/* rig_records_close — close; NULL is ignored. */
void rig_records_close(struct rig_records *db);

/* rig_records_run — the run id ("20250101T120000Z-1234"). */
const char *rig_records_run(const struct rig_records *db);

/* rig_records_path — the file. */
const char *rig_records_path(const struct rig_records *db);

/*
 * rig_record_measurement — store r now (UTC timestamp with milliseconds),
 * in its own transaction. Returns 0 or -EIO.
 */
int rig_record_measurement(struct rig_records *db, const struct rig_record *r);

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
