/*
 * test_records.c — the SQLite records store: every field stored, limits
 * NULL when there are none, every record written before a crash (SIGKILL)
 * is in the file; the URL forms, the schema version, and the bench lock
 * that a file store does not need. PostgreSQL: test_records_pg.c.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rig/error.h"
#include "rig/records.h"

static char dir[] = "/tmp/rig-records.XXXXXX";
static char db[128];

static void setup(void)
{
    strcpy(dir, "/tmp/rig-records.XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/r.sqlite", dir);
}

static void teardown(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(records, .init = setup, .fini = teardown);

static void exec_sql(const char *sql)
{
    sqlite3 *s;
    cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(s, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(s));
    sqlite3_close(s);
}

static long query_long(const char *sql)
{
    sqlite3 *s;
    cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(s));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(s);
    return v;
}

Test(records, fields_are_stored)
{
    struct rig_records *r;
    cr_assert_eq(rig_records_open(db, "sim-2", &r), 0, "%s", rig_last_error());
    struct rig_record rec = {.name = "eol.verify.Iref PF 1", .value = 0.012, .unit = "%",
                             .lo = -0.5, .hi = 0.5, .verdict = "PASS", .position = 2,
                             .serial = "24110002", .firmware = "fnv1a64:0123"};
    cr_assert_eq(rig_record_measurement(r, &rec), 0, "%s", rig_last_error());
    rec = (struct rig_record){.name = "eol.sealed", .value = 1, .lo = NAN, .hi = NAN,
                              .verdict = "INFO", .position = 2};
    cr_assert_eq(rig_record_measurement(r, &rec), 0);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM records WHERE run = '%s'", rig_records_run(r));
    rig_records_close(r);
    cr_expect_eq(query_long(sql), 2);
    cr_expect_eq(query_long("SELECT count(*) FROM records WHERE name = 'eol.verify.Iref PF 1' "
                            "AND value = 0.012 AND unit = '%' AND lo = -0.5 AND hi = 0.5 AND "
                            "verdict = 'PASS' AND position = 2 AND serial = '24110002' AND "
                            "firmware = 'fnv1a64:0123' AND ts LIKE '20%Z'"),
                 1);
    cr_expect_eq(query_long("SELECT count(*) FROM records WHERE lo IS NULL AND hi IS NULL"), 1);
    cr_expect_eq(query_long("SELECT count(*) FROM runs WHERE bench = 'sim-2'"), 1);
}

Test(records, records_survive_a_crash)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        struct rig_records *r;
        if (rig_records_open(db, "crash", &r) < 0)
            _exit(2);
        for (int k = 0; k < 25; k++) {
            struct rig_record rec = {.name = "n", .value = k, .lo = NAN, .hi = NAN,
                                     .verdict = "INFO", .position = 1};
            if (rig_record_measurement(r, &rec) < 0)
                _exit(3);
        }
        kill(getpid(), SIGKILL); /* no close, no exit handlers */
        _exit(4);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %d", status);
    cr_expect_eq(query_long("SELECT count(*) FROM records"), 25);
}

Test(records, unwritable_path_is_named)
{
    struct rig_records *r;
    cr_expect_lt(rig_records_open("/nonexistent-dir/x.sqlite", NULL, &r), 0);
    cr_expect(strstr(rig_last_error(), "/nonexistent-dir/x.sqlite"), "%s", rig_last_error());
}

Test(records, sqlite_url_and_a_bare_path_are_the_same_store)
{
    char url[160];
    snprintf(url, sizeof url, "sqlite:%s", db);
    struct rig_records *r;
    cr_assert_eq(rig_records_open(url, "a", &r), 0, "%s", rig_last_error());
    cr_expect_str_eq(rig_records_path(r), db);
    struct rig_record rec = {.name = "x", .value = 1, .lo = NAN, .hi = NAN, .verdict = "INFO"};
    cr_assert_eq(rig_record_measurement(r, &rec), 0);
    rig_records_close(r);
    cr_assert_eq(rig_records_open(db, "b", &r), 0, "%s", rig_last_error());
    cr_assert_eq(rig_record_measurement(r, &rec), 0);
    rig_records_close(r);
    cr_expect_eq(query_long("SELECT count(*) FROM records"), 2);
    cr_expect_eq(query_long("SELECT count(DISTINCT run) FROM records"), 2);
    cr_expect_eq(query_long("SELECT version FROM schema"), 1);
}

Test(records, an_unknown_scheme_is_refused)
{
    struct rig_records *r = NULL;
    cr_expect_eq(rig_records_open("mysql://rig:pw@host/db", NULL, &r), -EINVAL);
    cr_expect_null(r);
    cr_expect(strstr(rig_last_error(), "mysql://") && !strstr(rig_last_error(), "pw"), "%s",
              rig_last_error());
    cr_expect_eq(rig_records_open("sqlite:", NULL, &r), -EINVAL);
}

Test(records, another_schema_version_is_refused_naming_both)
{
    struct rig_records *r;
    cr_assert_eq(rig_records_open(db, "a", &r), 0, "%s", rig_last_error());
    rig_records_close(r);
    exec_sql("UPDATE schema SET version = 2");
    r = NULL;
    int rc = rig_records_open(db, "a", &r);
    cr_expect_eq(rc, -EPROTO, "%d: %s", rc, rig_last_error());
    cr_expect_null(r);
    cr_expect(strstr(rig_last_error(), "schema version 2") &&
                  strstr(rig_last_error(), "writes version 1") && strstr(rig_last_error(), db),
              "%s", rig_last_error());
    cr_expect_eq(query_long("SELECT count(*) FROM runs"), 1);
}

Test(records, a_file_from_before_the_schema_table_is_adopted)
{
    /* the tables as the first records.c wrote them, without `schema` */
    exec_sql("CREATE TABLE runs (run TEXT PRIMARY KEY, started TEXT NOT NULL, bench TEXT,"
             " host TEXT);"
             "CREATE TABLE records (id INTEGER PRIMARY KEY, run TEXT NOT NULL, ts TEXT NOT NULL,"
             " position INTEGER, serial TEXT, firmware TEXT, name TEXT NOT NULL, value REAL,"
             " unit TEXT, lo REAL, hi REAL, verdict TEXT);"
             "INSERT INTO runs VALUES ('old', '2024-01-01T00:00:00.000Z', 'b', 'h');"
             "INSERT INTO records (run, ts, name) VALUES ('old', '2024-01-01T00:00:00.000Z', 'x');");
    struct rig_records *r;
    cr_assert_eq(rig_records_open(db, "a", &r), 0, "%s", rig_last_error());
    rig_records_close(r);
    cr_expect_eq(query_long("SELECT version FROM schema"), 1);
    cr_expect_eq(query_long("SELECT count(*) FROM records"), 1);
    cr_expect_eq(query_long("SELECT count(*) FROM runs"), 2);
}

Test(records, a_bench_lock_on_a_file_store_does_nothing)
{
    struct rig_records *a, *b;
    cr_assert_eq(rig_records_open(db, "a", &a), 0, "%s", rig_last_error());
    cr_assert_eq(rig_records_open(db, "b", &b), 0, "%s", rig_last_error());
    char holder[64] = "unset";
    cr_expect_eq(rig_records_lock_bench(a, "rack-1", 1, holder, sizeof holder), 0);
    cr_expect_eq(rig_records_lock_bench(b, "rack-1", 1, holder, sizeof holder), 0);
    cr_expect_str_eq(holder, "");
    rig_records_close(a);
    rig_records_close(b);
}
