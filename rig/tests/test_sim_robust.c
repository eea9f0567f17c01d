/*
 * test_sim_robust.c — the simulated bench survives what its users do to
 * it: a unit's process that dies does not stop the others (and a flash
 * brings it back), an image that does not start leaves the previous one
 * running, a client that gives up an ADVANCE frees the bench, and a dead
 * unit is named as such.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rig/rig.h"
#include "rig/sim/simbench.h"
#include "sim_env.h"

static char dir[64];
static pid_t benchd;
static struct rig_bench *bench;
static const struct rig_sim_unit units[2] = {{"C80-1M-V3", "24110031", 1, 38400, NULL},
                                             {"C80-1M-V3", "24110032", 1, 38400, NULL}};

static void up(void)
{
    benchd = sim_dir_up(dir, "rig-test-robust", units, 2);
    cr_assert_eq(rig_bench_attach(dir, &bench), 0, "%s", rig_last_error());
}

static void down(void)
{
    rig_bench_close(bench);
    sim_dir_down(dir, benchd);
}

TestSuite(sim_robust, .init = up, .fini = down, .timeout = 60);

/* The pid of the unit with this serial on this test's bench (its slot's
 * image process, under this bench's directory: tests run in parallel). */
static pid_t unit_pid(const char *serial)
{
    char cmd[192];
    long pid = 0;
    snprintf(cmd, sizeof cmd, "pgrep -f '^%s/.*--serial %s' | head -n 1", dir, serial);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    if (fscanf(p, "%ld", &pid) != 1)
        pid = 0;
    pclose(p);
    cr_assert_gt(pid, 1, "no process for unit %s", serial);
    return (pid_t)pid;
}

static double reg(unsigned position, enum med2_reg_id id)
{
    double v = NAN;
    cr_assert_eq(rig_meter_read_reg(rig_bench_meter(bench, position), id, &v), 0, "%s",
                 rig_last_error());
    return v;
}

Test(sim_robust, a_dead_unit_does_not_stop_the_others)
{
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_eq(rig_source_set(src, 230, 5, 0, 50), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 10), 0, "%s", rig_last_error());
    kill(unit_pid("24110031"), SIGKILL);
    double e0 = reg(2, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    cr_expect_eq(rig_sleep(bench, 60), 0, "the clock moves: %s", rig_last_error());
    double e1 = reg(2, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    cr_expect_gt(e1 - e0, 15.0, "the living unit metered a minute at 1150 W (%.3f Wh)", e1 - e0);
    char why[160] = "";
    cr_expect_eq(rig_bench_unit_running(bench, 1, why, sizeof why), 0);
    cr_expect(strstr(why, "killed by signal 9"), "%s", why);
    cr_expect_eq(rig_bench_unit_running(bench, 2, why, sizeof why), 1);
    /* flashing brings it back, and it meters again */
    cr_assert_eq(rig_flash(bench, 1, getenv("RIG_FIRMWARE_IMAGE")), 0, "%s", rig_last_error());
    cr_expect_eq(rig_bench_unit_running(bench, 1, why, sizeof why), 1);
    double a0 = reg(1, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    cr_assert_eq(rig_sleep(bench, 60), 0, "%s", rig_last_error());
    cr_expect_gt(reg(1, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY) - a0, 15.0);
}

Test(sim_robust, an_image_that_does_not_start_leaves_the_old_one_running)
{
    char bad[96];
    snprintf(bad, sizeof bad, "%s/not-an-image", dir);
    FILE *f = fopen(bad, "w");
    cr_assert_not_null(f);
    fputs("this is not a firmware image\n", f);
    fclose(f);
    cr_expect_lt(rig_flash(bench, 1, bad), 0);
    cr_expect(strstr(rig_last_error(), "the previous image runs again"), "%s", rig_last_error());
    char why[160];
    cr_expect_eq(rig_bench_unit_running(bench, 1, why, sizeof why), 1, "%s", why);
    cr_expect_gt(reg(1, MED2_REG_FREQUENCY) + 1.0, 0.0, "the unit answers");
}

Test(sim_robust, a_client_that_gives_up_an_advance_frees_the_bench)
{
    /* A raw control client asks for a year of metering and goes away. */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s/control.sock", dir);
    cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    static const char req[] = "ADVANCE 31000000\n";
    cr_assert_eq(write(fd, req, sizeof req - 1), (ssize_t)(sizeof req - 1));
    struct timespec nap = {0, 200000000};
    nanosleep(&nap, NULL);
    close(fd);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double now;
    cr_expect_eq(rig_bench_time(bench, &now), 0, "benchd answers again: %s", rig_last_error());
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    cr_expect_lt(waited, 5.0, "within a step of the advance, not after a year (%.1f s)", waited);
    cr_expect_lt(now, 31000000.0, "the year was not computed (t = %.0f s)", now);
}
