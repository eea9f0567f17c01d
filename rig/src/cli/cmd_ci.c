/*
 * cmd_ci.c — `rig ci`: one CI job on one bench: lock it, check its health,
 * flash the commit's image, run the suites on it, write JUnit XML and
 * records, release it. One CI runner per bench runs this (scripts/ci/).
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/exe_dir.h"
#include "cli/cli.h"
#include "report/eol.h"
#include "report/junit.h"
#include "rig/health.h"

enum ci_exit {
    CI_PASS = 0,
    CI_SUITE_FAILED = 1,
    CI_USAGE = CLI_EXIT_USAGE,
    CI_BENCH_UNFIT = 3,
    CI_FLASH_FAILED = 4,
    CI_NO_BENCH = 5,
};

#define MAX_SUITES 16
#define DEFAULT_SUITE "smoke"

static void help(void)
{
    printf("usage: rig ci --bench FILE --image PATH [--suite NAME ...] [--report DIR]\n"
           "              [--records FILE] [--wait S]\n\n"
           "One CI job on one bench: holds the bench's lock for the whole job (waiting\n"
           "--wait seconds for another job), checks its health (rig health), flashes\n"
           "PATH into every position, runs each suite (default %s; the binaries\n"
           "beside this rig, ../suites/NAME, or in $RIG_SUITES_DIR) on the bench\n"
           "(RIG_BENCH_FILE, RIG_FIRMWARE_IMAGE; the lock passes down to them), and\n"
           "writes DIR/junit-ci.xml (health and flashing per position),\n"
           "DIR/junit-NAME.xml per suite and the records (default DIR/records.sqlite).\n"
           "DIR defaults to reports/latest.\n\n"
           "Exit status: 0 every step passed; 1 a suite failed; 2 usage; 3 the bench\n"
           "is not fit (health); 4 flashing failed; 5 the bench could not be opened\n"
           "(missing, or in use beyond --wait). The source is off when it ends.\n",
           DEFAULT_SUITE);
}

struct ci {
    const char *bench_file, *image, *report, *records;
    const char *suites[MAX_SUITES];
    unsigned nsuites;
    double wait_s;
    struct report_case cases[2 * 64 + 2];
    char messages[2 * 64 + 2][200];
    char names[2 * 64 + 2][32];
    size_t ncases;
};

static void add_case(struct ci *ci, const char *cls, const char *name, double t, const char *why)
{
    size_t k = ci->ncases++;
    snprintf(ci->names[k], sizeof ci->names[k], "%s", name);
    snprintf(ci->messages[k], sizeof ci->messages[k], "%s", why ? why : "");
    ci->cases[k] = (struct report_case){cls, ci->names[k], t, why && why[0], ci->messages[k]};
}

static void write_junit(struct ci *ci)
{
    char path[PATH_MAX], err[256];
    snprintf(path, sizeof path, "%s/junit-ci.xml", ci->report);
    if (report_junit_write(path, "rig ci", ci->cases, ci->ncases, err, sizeof err) < 0)
        fprintf(stderr, "rig ci: %s\n", err);
}

static int health(struct ci *ci, struct rig_bench *bench)
{
    unsigned n = rig_bench_position_count(bench);
    struct rig_health h;
    struct rig_health_position pos[64];
    int rc = rig_health_check(bench, &h, pos);
    printf("ci: health %s (%.1f s of bench time)%s%s\n", h.pass ? "PASS" : "FAIL", h.bench_s,
           h.why[0] ? ": " : "", h.why);
    add_case(ci, "ci.health", "bench", h.bench_s, rc < 0 || !h.pass ? (h.why[0] ? h.why : "unfit")
                                                                     : NULL);
    for (unsigned i = 0; rc == 0 && i < n && i < 64; i++) {
        char name[32];
        snprintf(name, sizeof name, "position %u", i + 1);
        add_case(ci, "ci.health", name, 0.0, pos[i].pass ? NULL : pos[i].why);
        if (!pos[i].pass)
            printf("ci:   position %u: %s\n", i + 1, pos[i].why);
    }
    return rc == 0 && h.pass ? 0 : -1;
}

static int flash_all(struct ci *ci, struct rig_bench *bench)
{
    int bad = 0;
    for (unsigned p = 1; p <= rig_bench_position_count(bench); p++) {
        char name[32];
        snprintf(name, sizeof name, "flash position %u", p);
        int rc = rig_flash(bench, p, ci->image);
        add_case(ci, "ci.flash", name, 0.0, rc < 0 ? rig_last_error() : NULL);
        if (rc < 0) {
            printf("ci: flashing position %u failed: %s\n", p, rig_last_error());
            bad = -1;
        }
    }
    if (bad == 0)
        printf("ci: flashed %s into %u positions\n", ci->image, rig_bench_position_count(bench));
    return bad;
}

/* The suite binary NAME: $RIG_SUITES_DIR/NAME or <this exe's dir>/../suites/NAME. */
static int suite_path(const char *name, char *buf, size_t len)
{
    const char *dir = getenv("RIG_SUITES_DIR");
    char exe[PATH_MAX];
    int n;
    if (dir && *dir) {
        n = snprintf(buf, len, "%s/%s", dir, name);
    } else {
        int rc = rig_exe_dir(exe, sizeof exe);
        if (rc < 0)
            return rc;
        n = snprintf(buf, len, "%s/../suites/%s", exe, name);
    }
    if (n < 0 || (size_t)n >= len)
        return -ENAMETOOLONG;
    return access(buf, X_OK) == 0 ? 0 : -ENOENT;
}

static int run_suite(struct ci *ci, const char *name)
{
    char bin[PATH_MAX], xml[PATH_MAX + 32];
    if (suite_path(name, bin, sizeof bin) < 0) {
        printf("ci: suite %s: no executable %s — build it (make all)\n", name, bin);
        return -1;
    }
    snprintf(xml, sizeof xml, "--xml=%s/junit-%s.xml", ci->report, name);
    printf("ci: suite %s\n", name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* A suite is a Criterion runner of its own: it must not take itself
         * for a worker of a Criterion run that started this rig (a test) */
        unsetenv("BXFI_MAP");
        execl(bin, bin, xml, (char *)NULL);
        fprintf(stderr, "rig ci: cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("ci: suite %s %s\n", name, ok ? "PASS" : "FAIL");
    return ok ? 0 : -1;
}

static int parse(int argc, char **argv, struct ci *ci)
{
    static const struct option opts[] = {
        {"bench", required_argument, NULL, 'b'},  {"image", required_argument, NULL, 'i'},
        {"suite", required_argument, NULL, 's'},  {"report", required_argument, NULL, 'r'},
        {"records", required_argument, NULL, 'd'}, CLI_WAIT_OPTION,
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'b': ci->bench_file = optarg; break;
        case 'i': ci->image = optarg; break;
        case 's':
            if (ci->nsuites == MAX_SUITES)
                cli_usage("ci", "at most %d suites", MAX_SUITES);
            ci->suites[ci->nsuites++] = optarg;
            break;
        case 'r': ci->report = optarg; break;
        case 'd': ci->records = optarg; break;
        case 'W': ci->wait_s = cli_wait("ci", optarg); break;
        case 'h': help(); return 1;
        default: cli_usage("ci", "bad option");
        }
    }
    if (optind != argc)
        cli_usage("ci", "no operands");
    if (!ci->bench_file || !ci->image)
        cli_usage("ci", "--bench FILE and --image PATH are required");
    if (!ci->nsuites)
        ci->suites[ci->nsuites++] = DEFAULT_SUITE;
    if (!ci->report)
        ci->report = "reports/latest";
    return 0;
}

/* What the suites get: the bench, the image, the lock. */
static int hand_down(struct ci *ci, struct rig_bench *bench)
{
    char abs_bench[PATH_MAX], abs_image[PATH_MAX];
    if (!realpath(ci->bench_file, abs_bench) || !realpath(ci->image, abs_image))
        return -errno;
    setenv("RIG_BENCH_FILE", abs_bench, 1);
    setenv("RIG_FIRMWARE_IMAGE", abs_image, 1);
    return rig_bench_share_lock(bench);
}

int cmd_ci(int argc, char **argv)
{
    static struct ci ci;
    if (parse(argc, argv, &ci))
        return 0;
    int rc = report_mkdir_p(ci.report);
    if (rc < 0)
        cli_fail("ci", NULL, "cannot create %s: %s", ci.report, strerror(-rc));
    const struct rig_bench_options opt = {.lock_wait_s = ci.wait_s};
    struct rig_bench *bench = NULL;
    if (rig_bench_open_with(ci.bench_file, &opt, &bench) < 0) {
        fprintf(stderr, "rig ci: %s\n", rig_last_error());
        return CI_NO_BENCH;
    }
    char records[PATH_MAX];
    snprintf(records, sizeof records, "%s/records.sqlite", ci.report);
    struct rig_records *db = NULL;
    if (rig_records_open(ci.records ? ci.records : records, rig_bench_name(bench), &db) < 0)
        cli_fail("ci", bench, "%s", rig_last_error());
    rig_bench_set_records(bench, db);
    printf("ci: bench %s locked, %u positions, image %s\n", rig_bench_name(bench),
           rig_bench_position_count(bench), ci.image);
    int status = CI_PASS;
    if (health(&ci, bench) < 0)
        status = CI_BENCH_UNFIT;
    else if (flash_all(&ci, bench) < 0)
        status = CI_FLASH_FAILED;
    else if (hand_down(&ci, bench) < 0)
        cli_fail("ci", bench, "passing the bench to the suites: %s", rig_last_error());
    /* every suite runs, whatever the one before did */
    bool suites_ran = status == CI_PASS;
    for (unsigned k = 0; suites_ran && k < ci.nsuites; k++)
        if (run_suite(&ci, ci.suites[k]) < 0)
            status = CI_SUITE_FAILED;
    write_junit(&ci);
    rig_bench_set_records(bench, NULL);
    rig_records_close(db);
    rig_bench_close(bench);
    printf("ci: %s (exit %d)\n", status == CI_PASS ? "PASS" : "FAIL", status);
    return status;
}
