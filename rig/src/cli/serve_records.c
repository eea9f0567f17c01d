/*
 * serve_records.c — following the records store an EOL run writes
 * (rig/records.h) and turning its rows into the operator's state: per
 * position the step, the load point, the error so far and the verdict.
 *
 * The run is the writer; this is only ever a reader beside it, and must not
 * slow it: the file is opened read-only, every read is one short statement
 * (so no read transaction outlives a poll and checkpoints are not held
 * back), and a busy database is not waited for — the poll is skipped and
 * the next one reads what is new (WAL mode lets a reader in beside the
 * writer, so that is rare: only while the writer first sets WAL up).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/serve.h"

struct pos_state {
    char step[64];        /* "" until the run records something for it */
    char load_point[64];  /* the point of the last error measured, "" none */
    double error_pct;     /* the last error measured, NAN none */
    double limit_pct;     /* its limit (symmetric), NAN none */
    double worst_ratio;   /* worst |error| / limit over verification so far, NAN none */
    unsigned failed;      /* records with verdict FAIL so far */
    char first_failure[96];
    char verdict[8];      /* "PASS" / "FAIL" once eol.result is in, else "" */
    int sealed;           /* -1 unknown, 0, 1 */
    char serial[32];      /* as recorded, when the bench did not say */
};

struct serve_follow {
    const struct serve_config *cfg;
    struct serve_shared *sh;
    sqlite3 *db;          /* open only during a poll */
    dev_t dev;            /* the file last read, to notice a new one */
    ino_t ino;
    /* the run followed, and how far */
    char run[64], run_bench[64], started[48], last_ts[48];
    long long last_id;
    unsigned long record_count;
    double plan_virtual_s;
    struct pos_state pos[SERVE_MAX_POSITIONS];
    /* what the page says about the store */
    const char *status; /* "waiting", "running", "done", "error" */
    char message[600];
    char report_url[32];
    char *published;
};

static void reset_run(struct serve_follow *f)
{
    f->run[0] = f->run_bench[0] = f->started[0] = f->last_ts[0] = '\0';
    f->last_id = 0;
    f->record_count = 0;
    f->plan_virtual_s = NAN;
    f->report_url[0] = '\0';
    for (unsigned i = 0; i < SERVE_MAX_POSITIONS; i++) {
        f->pos[i] = (struct pos_state){.error_pct = NAN, .limit_pct = NAN, .worst_ratio = NAN,
                                       .sealed = -1};
    }
}

static void close_db(struct serve_follow *f)
{
    if (f->db)
        sqlite3_close(f->db);
    f->db = NULL;
}

static void set_status(struct serve_follow *f, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_status(struct serve_follow *f, const char *status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    f->status = status;
}

/* ---- rows to state ---- */

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

/*
 * One record of position p. The names are the EOL's (rig/src/procedures/
 * eol_*.c); a record says what has just been measured, so the step shown is
 * the one the run is in. Names of other procedures are shown as they are.
 */
static void apply(struct pos_state *p, const char *name, bool has_value, double value,
                  double hi, const char *verdict, const char *serial)
{
    unsigned pass;
    int n = 0;
    if (!p->serial[0] && serial)
        copy(p->serial, sizeof p->serial, serial);
    if (verdict && strcmp(verdict, "FAIL") == 0 && strcmp(name, "eol.result") != 0) {
        if (!p->failed++)
            copy(p->first_failure, sizeof p->first_failure, name);
    }
    if (strncmp(name, "eol.", 4) != 0) {
        copy(p->step, sizeof p->step, name);
        return;
    }
    const char *r = name + 4;
    if (strcmp(r, "flash") == 0) {
        copy(p->step, sizeof p->step, "flash");
    } else if (strncmp(r, "precheck.", 9) == 0) {
        copy(p->step, sizeof p->step, "precheck");
    } else if (sscanf(r, "cal.pass%u.%n", &pass, &n) == 1 && n > 0) {
        snprintf(p->step, sizeof p->step, "calibration pass %u", pass);
        copy(p->load_point, sizeof p->load_point, r + n);
        p->error_pct = has_value ? value : NAN;
        p->limit_pct = hi;
    } else if (strncmp(r, "cal.", 4) == 0) {
        copy(p->step, sizeof p->step, "calibration written");
    } else if (strcmp(r, "verify.worst_error_ratio") == 0) {
        copy(p->step, sizeof p->step, "verification done");
        if (has_value)
            p->worst_ratio = value;
    } else if (strncmp(r, "verify.", 7) == 0) {
        copy(p->step, sizeof p->step, "verification");
        copy(p->load_point, sizeof p->load_point, r + 7);
        p->error_pct = has_value ? value : NAN;
        p->limit_pct = hi;
        if (has_value && isfinite(hi) && hi > 0) {
            double ratio = fabs(value) / hi;
            if (isnan(p->worst_ratio) || ratio > p->worst_ratio)
                p->worst_ratio = ratio;
        }
    } else if (strncmp(r, "identity.", 9) == 0) {
        copy(p->step, sizeof p->step, "identify");
    } else if (strcmp(r, "sealed") == 0) {
        copy(p->step, sizeof p->step, "seal");
        p->sealed = has_value && value != 0;
    } else if (strcmp(r, "result") == 0) {
        copy(p->step, sizeof p->step, "done");
        copy(p->verdict, sizeof p->verdict,
             verdict && strcmp(verdict, "PASS") == 0 ? "PASS" : "FAIL");
    } else {
        copy(p->step, sizeof p->step, r);
    }
}

/* ---- reading the store ---- */

enum read_rc { READ_OK, READ_BUSY, READ_WAITING, READ_ERROR };

/* Why a statement failed, as the page and the command line say it. */
static enum read_rc read_failed(struct serve_follow *f, int rc)
{
    const char *path = f->cfg->records_path;
    int code = rc & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return READ_BUSY;
    if (code == SQLITE_NOTADB) {
        set_status(f, "error", "%s is not an SQLite database — give the records.sqlite an EOL "
                               "run writes",
                   path);
        return READ_ERROR;
    }
    set_status(f, "error", "cannot read %s: %s", path, f->db ? sqlite3_errmsg(f->db) : "?");
    return READ_ERROR;
}

static bool has_table(struct serve_follow *f, const char *table, int *rc)
{
    sqlite3_stmt *st;
    *rc = sqlite3_prepare_v2(f->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                    "AND (?1 IS NULL OR name = ?1)",
                             -1, &st, NULL);
    if (*rc != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    bool yes = false;
    *rc = sqlite3_step(st);
    if (*rc == SQLITE_ROW) {
        yes = sqlite3_column_int(st, 0) > 0;
        *rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return yes;
}

/* The run to show: the latest of this bench, else the latest of any. */
static enum read_rc find_run(struct serve_follow *f)
{
    int rc;
    bool runs = has_table(f, "runs", &rc);
    if (rc != SQLITE_OK)
        return read_failed(f, rc);
    bool records = has_table(f, "records", &rc);
    if (rc != SQLITE_OK)
        return read_failed(f, rc);
    if (!runs || !records) {
        bool any = has_table(f, NULL, &rc);
        if (rc != SQLITE_OK)
            return read_failed(f, rc);
        if (any) {
            set_status(f, "error", "%s is an SQLite database but not a records store (no runs "
                                   "and records tables)",
                       f->cfg->records_path);
            return READ_ERROR;
        }
        /* An empty file: the run has created it and not its tables yet. */
        set_status(f, "waiting", "waiting for a run: %s has no records yet",
                   f->cfg->records_path);
        return READ_WAITING;
    }
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(f->db, "SELECT run, started, bench FROM runs "
                                   "ORDER BY (bench IS ?1) DESC, rowid DESC LIMIT 1",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return read_failed(f, rc);
    sqlite3_bind_text(st, 1, f->cfg->bench_name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        set_status(f, "waiting", "waiting for a run: %s has no run yet", f->cfg->records_path);
        return READ_WAITING;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return read_failed(f, rc);
    }
    const char *run = (const char *)sqlite3_column_text(st, 0);
    if (!run || strcmp(run, f->run) != 0) {
        reset_run(f);
        copy(f->run, sizeof f->run, run);
        copy(f->started, sizeof f->started, (const char *)sqlite3_column_text(st, 1));
        copy(f->run_bench, sizeof f->run_bench, (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return READ_OK;
}

static enum read_rc read_rows(struct serve_follow *f)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(f->db,
                                "SELECT id, ts, position, serial, name, value, hi, verdict "
                                "FROM records WHERE run = ?1 AND id > ?2 ORDER BY id",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return read_failed(f, rc);
    sqlite3_bind_text(st, 1, f->run, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, f->last_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        f->last_id = sqlite3_column_int64(st, 0);
        f->record_count++;
        copy(f->last_ts, sizeof f->last_ts, (const char *)sqlite3_column_text(st, 1));
        int position = sqlite3_column_int(st, 2);
        const char *name = (const char *)sqlite3_column_text(st, 4);
        bool has_value = sqlite3_column_type(st, 5) != SQLITE_NULL;
        double value = sqlite3_column_double(st, 5);
        double hi = sqlite3_column_type(st, 6) != SQLITE_NULL ? sqlite3_column_double(st, 6) : NAN;
        if (!name)
            continue;
        if (position == 0) {
            if (strcmp(name, "eol.plan_virtual_s") == 0 && has_value)
                f->plan_virtual_s = value;
            continue;
        }
        /* Positions the bench does not have are not on the page. */
        if (position < 0 || (unsigned)position > f->cfg->positions)
            continue;
        apply(&f->pos[position - 1], name, has_value, value, hi,
              (const char *)sqlite3_column_text(st, 7),
              (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
    /* Rows read before a busy one are kept: last_id says where to go on. */
    return rc == SQLITE_DONE ? READ_OK : read_failed(f, rc);
}

/* "2025-01-01T12:00:00.123Z" as seconds since the epoch; 0 if unreadable. */
static time_t parse_utc(const char *s)
{
    struct tm tm = {0};
    if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

/*
 * The run's report is linked once it is done and index.html is there — and
 * newer than the run's start, so a previous run's report in the same
 * directory is never offered as this one's. The EOL writes it after the
 * last eol.result row, so it may come a poll or two after "done".
 */
static void check_report(struct serve_follow *f)
{
    f->report_url[0] = '\0';
    if (!f->cfg->report_dir[0] || strcmp(f->status, "done") != 0)
        return;
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/index.html", f->cfg->report_dir);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    time_t started = parse_utc(f->started);
    if (started && st.st_mtime + 1 < started)
        return;
    copy(f->report_url, sizeof f->report_url, "/report/index.html");
}

static void read_open_store(struct serve_follow *f)
{
    const char *path = f->cfg->records_path;
    struct stat st;
    if (stat(path, &st) != 0) {
        /* Not there (yet, or removed for a new run): start over when it is. */
        reset_run(f);
        f->ino = 0;
        set_status(f, "waiting", "waiting for a run: %s does not exist yet", path);
        return;
    }
    if (st.st_dev != f->dev || st.st_ino != f->ino)
        reset_run(f); /* a new file (a new run's report directory) */
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    int rc = sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        set_status(f, "error", "cannot open %s: %s", path,
                   f->db ? sqlite3_errmsg(f->db) : sqlite3_errstr(rc));
        return;
    }
    /* Never wait for the writer (see the top of this file). */
    sqlite3_busy_timeout(f->db, 0);
    enum read_rc rrc = find_run(f);
    if (rrc == READ_OK)
        rrc = read_rows(f);
    if (rrc == READ_WAITING)
        reset_run(f);
    if (rrc != READ_OK)
        return;
    bool done = f->cfg->positions > 0;
    for (unsigned i = 0; i < f->cfg->positions; i++)
        if (!f->pos[i].verdict[0])
            done = false;
    if (done)
        set_status(f, "done", "run %s done", f->run);
    else
        set_status(f, "running", "run %s running", f->run);
    check_report(f);
}

/*
 * Open, read, close, at every poll: between polls serve holds nothing, so
 * the run's own close is the last one and checkpoints and removes its WAL
 * as it would without serve (records.sqlite alone then has every record).
 */
static void read_store(struct serve_follow *f)
{
    read_open_store(f);
    close_db(f);
}

/* ---- the state as JSON ---- */

static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *string_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static char *state_json(const struct serve_follow *f)
{
    const struct serve_config *cfg = f->cfg;
    json_t *positions = json_array();
    unsigned passed = 0, failed = 0;
    for (unsigned i = 0; i < cfg->positions; i++) {
        const struct pos_state *p = &f->pos[i];
        const char *serial = cfg->pos[i].serial[0] ? cfg->pos[i].serial : p->serial;
        passed += strcmp(p->verdict, "PASS") == 0;
        failed += strcmp(p->verdict, "FAIL") == 0;
        json_array_append_new(
            positions,
            json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o}", "position",
                      (json_int_t)cfg->pos[i].number, "serial", string_or_null(serial), "model",
                      string_or_null(cfg->pos[i].model), "step", string_or_null(p->step),
                      "load_point", string_or_null(p->load_point), "error_pct",
                      real_or_null(p->error_pct), "limit_pct", real_or_null(p->limit_pct),
                      "worst_ratio", real_or_null(p->worst_ratio), "failed_checks",
                      (json_int_t)p->failed, "first_failure", string_or_null(p->first_failure),
                      "verdict", string_or_null(p->verdict), "sealed",
                      p->sealed < 0 ? json_null() : json_boolean(p->sealed)));
    }
    json_t *root = json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:I, s:I, s:o}", "bench",
        cfg->bench_name, "records", cfg->records_path, "status", f->status, "message",
        f->message, "run", string_or_null(f->run), "run_bench", string_or_null(f->run_bench),
        "started", string_or_null(f->started), "last_record", string_or_null(f->last_ts),
        "record_count", (json_int_t)f->record_count, "plan_virtual_s",
        real_or_null(f->plan_virtual_s), "report", string_or_null(f->report_url), "passed",
        (json_int_t)passed, "failed", (json_int_t)failed, "positions", positions);
    if (!root)
        return NULL;
    char *s = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return s;
}

/* Publish the state if it changed: every event stream then sends it. */
static void publish(struct serve_follow *f)
{
    char *json = state_json(f);
    if (!json)
        return; /* out of memory: clients keep the last state */
    if (f->published && strcmp(json, f->published) == 0) {
        free(json);
        return;
    }
    free(f->published);
    f->published = json;
    char *copy_for_clients = strdup(json);
    if (!copy_for_clients)
        return;
    pthread_mutex_lock(&f->sh->lock);
    free(f->sh->json);
    f->sh->json = copy_for_clients;
    f->sh->version++;
    pthread_cond_broadcast(&f->sh->changed);
    pthread_mutex_unlock(&f->sh->lock);
}

int serve_follow_open(const struct serve_config *cfg, struct serve_shared *shared,
                      struct serve_follow **out, char *why, size_t whylen)
{
    *out = NULL;
    struct serve_follow *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(why, whylen, "out of memory");
        return -ENOMEM;
    }
    f->cfg = cfg;
    f->sh = shared;
    reset_run(f);
    read_store(f);
    /* A file that is there but is not a records store is a mistake on the
     * command line; refuse it now rather than show an error page forever. */
    if (strcmp(f->status, "error") == 0) {
        snprintf(why, whylen, "%s", f->message);
        serve_follow_close(f);
        return -EINVAL;
    }
    publish(f);
    *out = f;
    return 0;
}

void serve_follow_poll(struct serve_follow *f)
{
    read_store(f);
    publish(f);
}

void serve_follow_close(struct serve_follow *f)
{
    if (!f)
        return;
    close_db(f);
    free(f->published);
    free(f);
}
