/*
 * test_records_pg.c — the records store in PostgreSQL, against a real
 * server each test starts for itself (pg_tmp.h: initdb + postgres on a
 * temporary directory, as the postgres user when run as root): the same
 * records read back as from SQLite, the schema version, a server that is
 * not there or drops the connection, bench advisory locks between
 * processes, and every record acknowledged before a SIGKILL is in the table.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <libpq-fe.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pg_tmp.h"
#include "rig/error.h"
#include "rig/records.h"

static struct pg_tmp pg;

static void setup(void)
{
    char err[768];
    cr_assert_eq(pg_tmp_start(&pg, err, sizeof err), 0, "%s", err);
}

static void teardown(void)
{
    pg_tmp_stop(&pg);
}

TestSuite(records_pg, .init = setup, .fini = teardown, .timeout = 120);

/* Run sql on a connection of the test's own; the first row's first
 * column as text (malloc'd, "" when no row, NULL for an SQL NULL). */
static char *pq_text(const char *sql)
{
    PGconn *c = PQconnectdb(pg.url);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *res = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(res);
    cr_assert(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "%s: %s", sql,
              PQerrorMessage(c));
    char *v = strdup("");
    if (st == PGRES_TUPLES_OK && PQntuples(res) > 0) {
        free(v);
        v = PQgetisnull(res, 0, 0) ? NULL : strdup(PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    PQfinish(c);
    return v;
}

static long pq_long(const char *sql)
{
    char *v = pq_text(sql);
    cr_assert(v && *v, "%s: no value", sql);
    long n = atol(v);
    free(v);
    return n;
}

/* The same records for both stores: limits and strings present and absent,
 * values that must come back bit for bit. */
static const struct rig_record sample[] = {
    {.name = "eol.verify.Iref PF 1", .value = 0.012, .unit = "%", .lo = -0.5, .hi = 0.5,
     .verdict = "PASS", .position = 2, .serial = "24110002", .firmware = "fnv1a64:0123"},
    {.name = "eol.sealed", .value = 1, .lo = NAN, .hi = NAN, .verdict = "INFO", .position = 2},
    {.name = "mid.Imin PF 0.5L", .value = -1.0 / 3.0, .unit = "%", .lo = -1.5, .hi = 1.5,
     .verdict = "FAIL", .position = 17, .serial = "24110017", .firmware = "fnv1a64:0123"},
    {.name = "bench.voltage", .value = 230.00000000000003, .unit = "V", .lo = NAN, .hi = 253,
     .verdict = "INFO", .position = 0},
};

static void write_sample(const char *url, const char *bench)
{
    struct rig_records *r;
    cr_assert_eq(rig_records_open(url, bench, &r), 0, "%s", rig_last_error());
    for (size_t i = 0; i < sizeof sample / sizeof sample[0]; i++)
        cr_assert_eq(rig_record_measurement(r, &sample[i]), 0, "%s", rig_last_error());
    rig_records_close(r);
}

/* One row as text, the same way whatever the store: NULL as "NULL",
 * numbers parsed and printed with %.17g. */
static void row_text(char *out, size_t len, const char *const col[9])
{
    size_t o = 0;
    for (int i = 0; i < 9; i++) {
        const char *v = col[i];
        char num[40];
        bool numeric = i == 0 || i == 4 || i == 6 || i == 7; /* position, value, lo, hi */
        if (v && numeric) {
            snprintf(num, sizeof num, "%.17g", strtod(v, NULL));
            v = num;
        }
        o += (size_t)snprintf(out + o, len - o, "%s|", v ? v : "NULL");
    }
}

static const char select_records[] =
    "SELECT position, serial, firmware, name, value, unit, lo, hi, verdict FROM records"
    " ORDER BY id";

Test(records_pg, same_records_read_back_from_both_backends)
{
    char dir[] = "/tmp/rig-records-pg.XXXXXX", file[96], url[128];
    cr_assert(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/r.sqlite", dir);
    snprintf(url, sizeof url, "sqlite:%s", file);
    write_sample(url, "rack-a");
    write_sample(pg.url, "rack-a");

    char lite[4][512], post[4][512];
    sqlite3 *s;
    cr_assert_eq(sqlite3_open(file, &s), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(s, select_records, -1, &st, NULL), SQLITE_OK);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        cr_assert_lt(n, 4);
        /* sqlite3_column_text prints a REAL with 15 digits: take the double */
        const char *col[9];
        char num[9][40];
        for (int i = 0; i < 9; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_FLOAT) {
                snprintf(num[i], sizeof num[i], "%.17g", sqlite3_column_double(st, i));
                col[i] = num[i];
            } else {
                col[i] = (const char *)sqlite3_column_text(st, i);
            }
        }
        row_text(lite[n++], sizeof lite[0], col);
    }
    sqlite3_finalize(st);
    cr_assert_eq(n, 4);
    cr_assert_eq(sqlite3_prepare_v2(s, "SELECT version FROM schema", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_expect_eq(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    sqlite3_close(s);

    PGconn *c = PQconnectdb(pg.url);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *res = PQexec(c, select_records);
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_assert_eq(PQntuples(res), 4);
    for (int k = 0; k < 4; k++) {
        const char *col[9];
        for (int i = 0; i < 9; i++)
            col[i] = PQgetisnull(res, k, i) ? NULL : PQgetvalue(res, k, i);
        row_text(post[k], sizeof post[0], col);
    }
    PQclear(res);
    PQfinish(c);

    for (int k = 0; k < 4; k++)
        cr_expect_str_eq(post[k], lite[k], "row %d", k);
    /* what was written, not merely the same on both sides */
    cr_expect_str_eq(lite[2], "17|24110017|fnv1a64:0123|mid.Imin PF 0.5L|-0.33333333333333331|%|"
                              "-1.5|1.5|FAIL|");
    cr_expect_str_eq(lite[1], "2|NULL|NULL|eol.sealed|1|NULL|NULL|NULL|INFO|");
    cr_expect_eq(pq_long("SELECT version FROM schema"), 1);
    cr_expect_eq(pq_long("SELECT count(*) FROM runs WHERE bench = 'rack-a' AND host <> ''"
                         " AND started LIKE '20%Z'"),
                 1);
    cr_expect_eq(pq_long("SELECT count(*) FROM records WHERE ts LIKE '20__-__-__T__:__:__.___Z'"),
                 4);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

Test(records_pg, another_schema_version_is_refused_naming_both)
{
    write_sample(pg.url, "rack-a");
    free(pq_text("UPDATE schema SET version = 7"));
    struct rig_records *r = NULL;
    int rc = rig_records_open(pg.url, "rack-a", &r);
    cr_assert_eq(rc, -EPROTO, "%d: %s", rc, rig_last_error());
    cr_expect_null(r);
    const char *msg = rig_last_error();
    cr_expect(strstr(msg, "schema version 7") && strstr(msg, "writes version 1"), "%s", msg);
    cr_expect(strstr(msg, pg.url), "%s", msg);
    /* refused before it wrote anything */
    cr_expect_eq(pq_long("SELECT count(*) FROM runs"), 1);
}

Test(records_pg, a_database_without_the_schema_table_is_adopted)
{
    /* tables of the same shape as version 1, written before `schema` existed */
    write_sample(pg.url, "old");
    free(pq_text("DROP TABLE schema"));
    write_sample(pg.url, "new");
    cr_expect_eq(pq_long("SELECT count(*) FROM records"), 8);
    cr_expect_eq(pq_long("SELECT version FROM schema"), 1);
    cr_expect_eq(pq_long("SELECT count(*) FROM schema"), 1);
}

/* rc -EIO, one line, naming `named` and never the password. */
static void expect_named_failure(int rc, const char *named)
{
    const char *msg = rig_last_error();
    cr_expect_eq(rc, -EIO, "%d: %s", rc, msg);
    cr_expect(strstr(msg, named), "'%s' not in: %s", named, msg);
    cr_expect_null(strstr(msg, "s3cret"), "the password is in: %s", msg);
    cr_expect_null(strchr(msg, '\n'), "not one line: %s", msg);
    cr_expect(strstr(msg, "check"), "no hint: %s", msg);
}

Test(records_pg, a_server_that_is_not_there_is_named_without_the_password)
{
    char url[256], shown[256];
    struct rig_records *r = NULL;

    /* the unix socket of a server that stopped */
    char dir[sizeof pg.dir];
    strcpy(dir, pg.dir);
    snprintf(url, sizeof url, "postgresql://rig:s3cret@/postgres?host=%s&connect_timeout=5", dir);
    snprintf(shown, sizeof shown, "postgresql://rig@/postgres?host=%s&connect_timeout=5", dir);
    kill(pg.pid, SIGQUIT);
    waitpid(pg.pid, NULL, 0);
    pg.pid = 0;
    expect_named_failure(rig_records_open(url, "b", &r), shown);
    cr_expect_null(r);

    /* a TCP port nobody listens on; the password as a parameter */
    expect_named_failure(rig_records_open("postgres://rig@127.0.0.1:1/rig?password=s3cret&"
                                          "sslmode=disable",
                                          "b", &r),
                         "postgres://rig@127.0.0.1:1/rig?sslmode=disable");
    cr_expect_null(r);
}

/* Wait until no session of pg_stat_activity matches where (a backend that
 * pg_terminate_backend was sent to is gone). */
static void wait_sessions_gone(const char *where)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE %s", where);
    for (int k = 0; k < 100 && pq_long(sql) > 0; k++)
        usleep(50000);
    cr_assert_eq(pq_long(sql), 0, "sessions still there: %s", where);
}

Test(records_pg, a_connection_dropped_mid_run_fails_the_next_record)
{
    struct rig_records *r;
    cr_assert_eq(rig_records_open(pg.url, "rack-a", &r), 0, "%s", rig_last_error());
    cr_assert_eq(rig_record_measurement(r, &sample[0]), 0, "%s", rig_last_error());
    char where[128];
    snprintf(where, sizeof where, "application_name LIKE 'rig %ld@%%'", (long)getpid());
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE %s",
             where);
    cr_assert_eq(pq_long(sql), 1, "the store's one session, named by application_name");
    wait_sessions_gone(where);
    for (int k = 0; k < 2; k++) { /* and it stays failed: nothing is dropped quietly */
        int rc = rig_record_measurement(r, &sample[1]);
        cr_expect_eq(rc, -EIO, "%d: %s", rc, rig_last_error());
        const char *msg = rig_last_error();
        cr_expect(strstr(msg, pg.url) && strstr(msg, "eol.sealed") && strstr(msg, "check"), "%s",
                  msg);
        cr_expect_null(strchr(msg, '\n'), "%s", msg);
    }
    rig_records_close(r);
    cr_expect_eq(pq_long("SELECT count(*) FROM records"), 1);
}

/* A harness in another process that holds bench: it reports 'L' once the
 * lock is held (or 'o'/'l' when open/lock failed), then on each byte it
 * reads ('c' close now, 'd' close after 300 ms) closes its store and
 * reports 'C'. */
struct harness {
    pid_t pid;
    int cmd, ack;
};

static struct harness harness_start(const char *bench)
{
    int to[2], from[2];
    cr_assert_eq(pipe(to), 0);
    cr_assert_eq(pipe(from), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close(to[1]);
        close(from[0]);
        struct rig_records *r = NULL;
        char c = 'L';
        if (rig_records_open(pg.url, "harness", &r) < 0)
            c = 'o';
        else if (rig_records_lock_bench(r, bench, 0, NULL, 0) < 0)
            c = 'l';
        if (write(from[1], &c, 1) != 1)
            _exit(2);
        char cmd;
        while (read(to[0], &cmd, 1) == 1) {
            if (cmd == 'd')
                usleep(300000);
            rig_records_close(r);
            r = NULL;
            if (write(from[1], "C", 1) != 1)
                _exit(2);
        }
        _exit(0); /* no exit handlers: Criterion's belong to the parent */
    }
    close(to[0]);
    close(from[1]);
    struct harness h = {pid, to[1], from[0]};
    char c = 0;
    cr_assert_eq(read(h.ack, &c, 1), 1);
    cr_assert_eq(c, 'L', "the harness could not %s", c == 'o' ? "open" : "lock");
    return h;
}

static void harness_end(struct harness *h)
{
    close(h->cmd);
    close(h->ack);
    int status;
    waitpid(h->pid, &status, 0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* holder names the harness: "rig PID@HOST since 20..". */
static void expect_holder(const char *holder, pid_t pid)
{
    char want[32];
    snprintf(want, sizeof want, "rig %ld@", (long)pid);
    cr_expect_eq(strncmp(holder, want, strlen(want)), 0, "holder '%s', want '%s...'", holder,
                 want);
    cr_expect(strstr(holder, " since 20"), "holder '%s'", holder);
}

Test(records_pg, a_held_bench_is_busy_names_its_holder_and_is_free_after_close)
{
    struct harness h = harness_start("rack-bench-3");
    struct rig_records *p;
    cr_assert_eq(rig_records_open(pg.url, "rack-bench-3", &p), 0, "%s", rig_last_error());
    char holder[128] = "unset";
    double t0 = now_s();
    int rc = rig_records_lock_bench(p, "rack-bench-3", 0.3, holder, sizeof holder);
    double waited = now_s() - t0;
    cr_assert_eq(rc, -EBUSY, "%d: %s", rc, rig_last_error());
    cr_expect_geq(waited, 0.29, "gave up after %.3f s, not 0.3", waited);
    expect_holder(holder, h.pid);
    cr_expect(strstr(rig_last_error(), holder) && strstr(rig_last_error(), "rack-bench-3"), "%s",
              rig_last_error());
    /* another bench is another key */
    cr_expect_eq(rig_records_lock_bench(p, "rack-bench-4", 0, holder, sizeof holder), 0, "%s",
                 rig_last_error());

    /* the harness closes its store 300 ms from now: a waiting lock gets it */
    cr_assert_eq(write(h.cmd, "d", 1), 1);
    t0 = now_s();
    rc = rig_records_lock_bench(p, "rack-bench-3", 10, holder, sizeof holder);
    waited = now_s() - t0;
    cr_expect_eq(rc, 0, "%d: %s", rc, rig_last_error());
    cr_expect(waited > 0.2 && waited < 5, "waited %.3f s for a bench freed after 0.3 s", waited);
    char c = 0;
    cr_expect_eq(read(h.ack, &c, 1), 1);
    cr_expect_eq(rig_records_lock_bench(p, "rack-bench-3", 0, NULL, 0), 0, "held already");

    /* now this process holds it, and says so to a second store */
    struct rig_records *q;
    cr_assert_eq(rig_records_open(pg.url, "rack-bench-3", &q), 0, "%s", rig_last_error());
    cr_expect_eq(rig_records_lock_bench(q, "rack-bench-3", 0, holder, sizeof holder), -EBUSY);
    expect_holder(holder, getpid());
    rig_records_close(p);
    cr_expect_eq(rig_records_lock_bench(q, "rack-bench-3", 5, holder, sizeof holder), 0, "%s",
                 rig_last_error());
    rig_records_close(q);
    harness_end(&h);
}

Test(records_pg, killing_the_holders_backend_frees_the_bench)
{
    struct harness h = harness_start("rack-bench-5");
    struct rig_records *p;
    cr_assert_eq(rig_records_open(pg.url, NULL, &p), 0, "%s", rig_last_error());
    char holder[128];
    cr_assert_eq(rig_records_lock_bench(p, "rack-bench-5", 0, holder, sizeof holder), -EBUSY);
    /* the lock's own session, as pg_locks shows it; the harness's store
     * session stays */
    char sql[320];
    snprintf(sql, sizeof sql,
             "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l"
             " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
             " AND l.granted AND a.application_name LIKE 'rig %ld@%%'",
             (long)h.pid);
    cr_assert_eq(pq_long(sql), 1);
    int rc = rig_records_lock_bench(p, "rack-bench-5", 5, holder, sizeof holder);
    cr_expect_eq(rc, 0, "%d: %s", rc, rig_last_error());
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'rig %ld@%%'",
             (long)h.pid);
    cr_expect_eq(pq_long(sql), 1, "the harness's records session is not the lock's");
    rig_records_close(p);
    harness_end(&h);
}

Test(records_pg, a_killed_harness_frees_its_bench)
{
    struct harness h = harness_start("rack-bench-6");
    struct rig_records *p;
    cr_assert_eq(rig_records_open(pg.url, NULL, &p), 0, "%s", rig_last_error());
    char holder[128];
    cr_assert_eq(rig_records_lock_bench(p, "rack-bench-6", 0.1, holder, sizeof holder), -EBUSY);
    kill(h.pid, SIGKILL); /* no close: only the server seeing the connection end */
    int rc = rig_records_lock_bench(p, "rack-bench-6", 5, holder, sizeof holder);
    cr_expect_eq(rc, 0, "%d: %s", rc, rig_last_error());
    rig_records_close(p);
    harness_end(&h);
}

Test(records_pg, every_record_acknowledged_before_a_sigkill_is_stored)
{
    int ack[2];
    cr_assert_eq(pipe(ack), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close(ack[0]);
        struct rig_records *r;
        if (rig_records_open(pg.url, "crash", &r) < 0)
            _exit(2);
        for (int seq = 0;; seq++) {
            struct rig_record rec = {.name = "n", .value = seq, .lo = NAN, .hi = NAN,
                                     .verdict = "INFO", .position = 1};
            if (rig_record_measurement(r, &rec) < 0)
                _exit(3);
            if (write(ack[1], &seq, sizeof seq) != sizeof seq)
                _exit(4);
        }
    }
    close(ack[1]);
    int seq = -1, got;
    while (seq < 40 && read(ack[0], &got, sizeof got) == sizeof got)
        seq = got;
    kill(pid, SIGKILL); /* mid-run: no close, no exit handlers */
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "writer status %d", status);
    while (read(ack[0], &got, sizeof got) == sizeof got)
        seq = got;
    close(ack[0]);
    long acked = seq + 1;
    cr_assert_geq(acked, 41);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(DISTINCT value) FROM records WHERE value < %ld", acked);
    cr_expect_eq(pq_long(sql), acked, "a record acknowledged before the kill is missing");
    long rows = pq_long("SELECT count(*) FROM records");
    /* the one in flight may have committed without its acknowledgement */
    cr_expect(rows == acked || rows == acked + 1, "%ld rows, %ld acknowledged", rows, acked);
    cr_expect_eq(pq_long("SELECT count(*) - count(DISTINCT value) FROM records"), 0);
}

Test(records_pg, a_runner_role_without_create_writes_to_existing_tables)
{
    /* A rack's runners need not own the schema: once the tables exist,
     * opening runs no DDL. These grants are all a runner needs. */
    write_sample(pg.url, "setup");
    free(pq_text("CREATE ROLE runner LOGIN;"
                 "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
                 "GRANT SELECT, INSERT ON runs, records TO runner;"
                 "GRANT SELECT ON schema TO runner"));
    char url[sizeof pg.url + 16];
    snprintf(url, sizeof url, "postgresql://runner@/postgres?host=%s", pg.dir);
    struct rig_records *r;
    cr_assert_eq(rig_records_open(url, "rack-b", &r), 0, "%s", rig_last_error());
    cr_expect_eq(rig_record_measurement(r, &sample[0]), 0, "%s", rig_last_error());
    cr_expect_eq(rig_records_lock_bench(r, "rack-b", 0, NULL, 0), 0, "%s", rig_last_error());
    rig_records_close(r);
    cr_expect_eq(pq_long("SELECT count(*) FROM records"), 5);
}

/* A real bench whose file names a PostgreSQL records store is held across
 * the rack: a client on another machine (its own lock directory, so the
 * lock file does not see the first) finds it in use, naming the holder. */
#include "pty_peer.h"
#include "rig/bench.h"

Test(records_pg, a_bench_file_with_a_pg_store_is_held_across_the_rack)
{
    struct pty_peer source, line;
    cr_assert_eq(pty_peer_open(&source), 0);
    cr_assert_eq(pty_peer_open(&line), 0);
    char path[] = "/tmp/rig-test-pgbench-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    dprintf(fd, "[bench]\nname = rack-bench-7\nkind = hw\npositions = 1\nrecords = %s\n"
                "[source]\nport = %s\ntransport = termios\n"
                "[position 1]\nmodel = C80-1M-V3\nrs485 = %s\n",
            pg.url, source.path, line.path);
    close(fd);
    char here[] = "/tmp/rig-test-locks-a-XXXXXX", there[] = "/tmp/rig-test-locks-b-XXXXXX";
    cr_assert(mkdtemp(here) && mkdtemp(there));

    setenv("RIG_LOCK_DIR", here, 1);
    struct rig_bench *first = NULL, *second = NULL;
    cr_assert_eq(rig_bench_open(path, &first), 0, "%s", rig_last_error());
    cr_expect_not_null(rig_bench_records(first), "the bench records to its store");
    setenv("RIG_LOCK_DIR", there, 1);
    cr_expect_eq(rig_bench_open(path, &second), -EBUSY);
    cr_expect(strstr(rig_last_error(), "bench rack-bench-7 in use by rig "), "%s",
              rig_last_error());
    rig_bench_release(first);
    cr_expect_eq(rig_bench_open(path, &second), 0, "free once released: %s", rig_last_error());
    rig_bench_release(second);
    unsetenv("RIG_LOCK_DIR");
    unlink(path);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", here, there);
    (void)!system(cmd);
    pty_peer_close(&line);
    pty_peer_close(&source);
}
