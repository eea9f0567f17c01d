/*
 * test_eol_cli.c — the bench's jobs as commands, through the built `rig`
 * and eol_bench against simulated benches: `rig eol` on a mixed rack (the
 * profile's points recorded, the certificates saying which pulse constant
 * was used, the exit status), a rack with a defective unit (exit 1, the
 * unit named and not sealed; eol_bench prints no figure for it), a bad
 * profile (one line naming the file), and `rig sim up --bench FILE`
 * (the file's models and serials, kept running; a real bench's file and
 * --units with --bench refused).
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim_env.h"

static char bindir[PATH_MAX];
static char tmp[64];
static char out[16384], err[16384];

/* Run "PROG ARGS" from bindir with stdout and stderr into out and err;
 * returns the exit status. */
static int sh(const char *prog, const char *args)
{
    char cmd[PATH_MAX + 2400], o[128], e[128];
    snprintf(o, sizeof o, "%s/stdout", tmp);
    snprintf(e, sizeof e, "%s/stderr", tmp);
    snprintf(cmd, sizeof cmd, "%s/%s %s >%s 2>%s", bindir, prog, args, o, e);
    int st = system(cmd);
    const char *paths[2] = {o, e};
    char *bufs[2] = {out, err};
    for (int k = 0; k < 2; k++) {
        FILE *f = fopen(paths[k], "r");
        size_t n = f ? fread(bufs[k], 1, sizeof out - 1, f) : 0;
        bufs[k][n] = '\0';
        if (f)
            fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void setup(void)
{
    require_sim();
    char benchd[PATH_MAX];
    snprintf(benchd, sizeof benchd, "%s", getenv("RIG_BENCHD"));
    snprintf(bindir, sizeof bindir, "%s", dirname(benchd));
    char rig[PATH_MAX + 8];
    snprintf(rig, sizeof rig, "%s/rig", bindir);
    if (access(rig, X_OK) != 0)
        cr_skip_test("no rig binary at %s", rig);
    snprintf(tmp, sizeof tmp, "/tmp/rig-test-eol-cli-XXXXXX");
    cr_assert(mkdtemp(tmp));
}

static void teardown(void)
{
    char cmd[PATH_MAX + 256];
    if (!tmp[0])
        return;
    snprintf(cmd, sizeof cmd, "%s/rig sim down --dir %s/sim >/dev/null 2>&1; rm -rf %s", bindir,
             tmp, tmp);
    (void)!system(cmd);
}

static int first_column(void *out, int ncol, char **values, char **names)
{
    (void)names;
    *(long *)out = ncol > 0 && values[0] ? atol(values[0]) : -1;
    return 0;
}

/* Rows of the records file db matching where (-1: unreadable). */
static long count(const char *db, const char *where)
{
    char sql[512];
    long n = -1;
    sqlite3 *s = NULL;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM records WHERE %s", where);
    if (sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        sqlite3_exec(s, sql, first_column, &n, NULL);
    sqlite3_close(s);
    return n;
}

static unsigned lines_with(const char *text, const char *what)
{
    unsigned n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

TestSuite(eol_cli, .init = setup, .fini = teardown, .timeout = 120);

/* The lab's profile: every EN 50470-3 point of each unit recorded; one
 * progress line per load point; the summary and the certificates. */
Test(eol_cli, full_profile_on_a_mixed_rack)
{
    char args[512], db[128], cert[160];
    snprintf(db, sizeof db, "%s/records.sqlite", tmp);
    snprintf(args, sizeof args,
             "eol --bench fixtures/benches/eol-3.ini --profile full --records %s --report %s/rep",
             db, tmp);
    cr_assert_eq(sh("rig", args), 0, "%s%s", out, err);
    cr_expect_eq(lines_with(out, " PASS "), 3, "%s", out);
    cr_expect(strstr(out, "EOL PASS: 3 of 3 positions passed (profile full)"), "%s", out);
    cr_expect_geq(lines_with(err, "eol: verify "), 10, "a line per point: %s", err);
    cr_expect_eq(count(db, "name LIKE 'eol.verify.%' AND name != 'eol.verify.worst_error_ratio' "
                           "AND verdict = 'PASS' AND lo IS NOT NULL"),
                 3 * 10);
    snprintf(cert, sizeof cert, "%s/rep/certificates/24120003.txt", tmp);
    FILE *f = fopen(cert, "r");
    cr_assert(f, "%s", cert);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    cr_expect(strstr(out, "factory test constant, 100000 imp/kWh") &&
                  strstr(out, "ships at the legal 1000 imp/kWh"),
              "%s", out);
}

/* A unit with a defect: exit 1, named, not sealed; the good ones pass.
 * eol_bench gives no figure for such a rack. */
Test(eol_cli, a_failed_position_is_named_and_gives_no_figure)
{
    char ini[128], args[256];
    snprintf(ini, sizeof ini, "%s/rack.ini", tmp);
    FILE *f = fopen(ini, "w");
    cr_assert(f);
    fprintf(f, "[bench]\nname = two\nkind = sim\npositions = 2\n[source]\nport = sim\n"
               "[position 1]\nmodel = B80-0M-02\nserial = 25110001\n"
               "[position 2]\nmodel = C80-1M-V3\nserial = 25110002\ndefect = wrong_shunt\n");
    fclose(f);
    snprintf(args, sizeof args, "eol --bench %s", ini);
    cr_assert_eq(sh("rig", args), 1, "%s%s", out, err);
    cr_expect(strstr(out, "1    25110001   B80-0M-02    PASS"), "%s", out);
    cr_expect(strstr(out, "wrong shunt or CT"), "%s", out);
    cr_expect(strstr(out, "EOL FAIL: 1 of 2 positions passed"), "%s", out);
    snprintf(args, sizeof args, "--bench %s", ini);
    cr_expect_eq(sh("../rig/perf/eol_bench", args), 1, "%s", err);
    cr_expect_null(strstr(out, "BENCH"), "a figure for a failed rack: %s", out);
    cr_expect(strstr(err, "no figures"), "%s", err);
}

Test(eol_cli, a_bad_profile_is_one_line_naming_the_file)
{
    cr_assert_eq(sh("rig", "eol --bench fixtures/benches/eol-3.ini --profile nosuch"), 1);
    cr_expect(strstr(err, "rig eol: ") && strstr(err, "nosuch.ini"), "%s", err);
    cr_expect_eq(lines_with(err, "\n"), 1, "one line: %s", err);
    cr_assert_eq(sh("rig", "eol --bench fixtures/benches/eol-3.ini --profile ../x"), 1);
    cr_expect(strstr(err, "bad profile name"), "%s", err);
    cr_expect_eq(sh("rig", "eol"), 2, "no bench: usage");
}

Test(eol_cli, sim_up_from_a_bench_file_keeps_running)
{
    char args[256];
    snprintf(args, sizeof args, "sim up --dir %s/sim --bench fixtures/benches/eol-3.ini --speed 0",
             tmp);
    cr_assert_eq(sh("rig", args), 0, "%s", err);
    char json[128];
    snprintf(json, sizeof json, "%s/sim/bench.json", tmp);
    FILE *f = fopen(json, "r");
    cr_assert(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    cr_expect(strstr(out, "C80-1M-V3") && strstr(out, "B80-1M-V2") && strstr(out, "B80-0M-02"),
              "%s", out);
    cr_expect(strstr(out, "\"24120001\"") && strstr(out, "\"24120003\""), "%s", out);
    /* still there for the next command: a unit answers its factory block */
    snprintf(args, sizeof args, "read --dir %s/sim --position 2 voltage", tmp);
    cr_expect_eq(sh("rig", args), 0, "%s", err);
    snprintf(args, sizeof args, "sim down --dir %s/sim", tmp);
    cr_expect_eq(sh("rig", args), 0, "%s", err);
    /* refused: a real bench's file, and --units with --bench */
    snprintf(args, sizeof args, "sim up --dir %s/hw --bench fixtures/benches/pi-rack.ini", tmp);
    cr_expect_eq(sh("rig", args), 1);
    cr_expect(strstr(err, "kind = hw"), "%s", err);
    snprintf(args, sizeof args, "sim up --dir %s/x --bench fixtures/benches/eol-3.ini --units 2",
             tmp);
    cr_expect_eq(sh("rig", args), 2);
    cr_expect(strstr(err, "not with --units"), "%s", err);
}
