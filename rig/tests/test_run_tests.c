/*
 * test_run_tests.c — the test runner (scripts/run-tests.sh) does not let a
 * skipped test pass for a green run: test_bench_sim without the bench
 * environment skips most of its tests, and the run must fail, naming them,
 * unless they are declared expected.
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[65536];

/* Run the runner on test_bench_sim (beside this binary) with a clean
 * environment (no bench, and none of this Criterion worker's own
 * variables); returns its exit status, its output in out. */
static int run(const char *expected_skips)
{
    char exe[PATH_MAX], cmd[3 * PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert_gt(n, 0);
    exe[n] = '\0';
    snprintf(cmd, sizeof cmd,
             "env -i PATH=/usr/local/bin:/usr/bin:/bin EXPECTED_SKIPS=%s TEST_JOBS=1 "
             "scripts/run-tests.sh '' %s/test_bench_sim 2>&1",
             expected_skips, dirname(exe));
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t len = fread(out, 1, sizeof out - 1, p);
    out[len] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(run_tests, an_undeclared_skip_fails_the_run, .timeout = 60)
{
    cr_expect_eq(run("/dev/null"), 1, "%s", out);
    cr_expect(strstr(out, "not declared expected in /dev/null: bench_sim::"), "%s", out);
    cr_expect(strstr(out, "[====] Skipped: 8 (8 not declared expected)"), "%s", out);
}

Test(run_tests, declared_skips_pass, .timeout = 60)
{
    char list[] = "/tmp/rig-expected-skips-XXXXXX";
    int fd = mkstemp(list);
    cr_assert_geq(fd, 0);
    static const char skips[] =
        "bench_sim::runtime_values_follow_the_source  no bench\n"
        "bench_sim::pulses_and_energy_against_the_reference  no bench\n"
        "bench_sim::positions_from_the_bench_file  no bench\n"
        "bench_sim::flash_restarts_the_unit  no bench\n"
        "bench_sim::clock_moves_only_by_rig_sleep  no bench\n"
        "bench_errors::benchd_that_fails_is_reported  no bench\n"
        "bench_attached::close_switches_the_output_off  no bench\n"
        "bench_attached::a_second_bench_in_the_same_dir_is_refused  no bench\n";
    cr_assert_eq(write(fd, skips, sizeof skips - 1), (ssize_t)(sizeof skips - 1));
    close(fd);
    int rc = run(list);
    unlink(list);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "[====] Skipped: 8 (0 not declared expected)"), "%s", out);
}
