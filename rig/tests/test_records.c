/*
 * test_records.c — the SQLite records store: every field stored, limits
 * NULL when there are none, and every record written before a crash
 * (SIGKILL) is in the file.
 */
#include <criterion/criterion.h>
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
