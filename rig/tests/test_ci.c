/*
 * test_ci.c — `rig ci` as a CI runner calls it: a good image passes with
 * JUnit XML and records; an image that does not start fails at flashing
 * (exit 4) and no suite runs; a missing bench is exit 5.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim_env.h"

static char report[64];
static char out[65536];

static int ci(const char *bench, const char *image, const char *suite)
{
    char exe[512], cmd[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert_gt(n, 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(cmd, sizeof cmd, "%s/../../bin/rig ci --bench %s --image %s --suite %s --report %s 2>&1",
             exe, bench, image, suite, report);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t len = fread(out, 1, sizeof out - 1, p);
    out[len] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool exists(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", report, name);
    return access(path, F_OK) == 0;
}

static void setup(void)
{
    require_sim();
    snprintf(report, sizeof report, "/tmp/rig-test-ci-XXXXXX");
    cr_assert(mkdtemp(report));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", report);
    (void)!system(cmd);
}

TestSuite(ci, .init = setup, .fini = teardown, .timeout = 120);

Test(ci, a_good_image_passes_with_junit_and_records)
{
    cr_expect_eq(ci("fixtures/benches/sim.ini", getenv("RIG_FIRMWARE_IMAGE"), "smoke"), 0, "%s",
                 out);
    cr_expect(strstr(out, "ci: health PASS"), "%s", out);
    cr_expect(strstr(out, "ci: suite smoke PASS"), "%s", out);
    cr_expect(exists("junit-ci.xml") && exists("junit-smoke.xml") && exists("records.sqlite"));
}

Test(ci, an_image_that_does_not_start_stops_the_job_at_flashing)
{
    char bad[96];
    snprintf(bad, sizeof bad, "%s/bad-image", report);
    FILE *f = fopen(bad, "w");
    fputs("not an image\n", f);
    fclose(f);
    cr_expect_eq(ci("fixtures/benches/sim.ini", bad, "smoke"), 4, "%s", out);
    cr_expect(strstr(out, "flashing position 1 failed"), "%s", out);
    cr_expect_null(strstr(out, "ci: suite smoke"), "no suite runs on a bad image: %s", out);
    cr_expect(exists("junit-ci.xml"), "the failure is in JUnit");
}

Test(ci, a_missing_bench_is_exit_5)
{
    cr_expect_eq(ci("fixtures/benches/no-such.ini", getenv("RIG_FIRMWARE_IMAGE"), "smoke"), 5,
                 "%s", out);
    cr_expect(strstr(out, "no-such.ini"), "%s", out);
}
