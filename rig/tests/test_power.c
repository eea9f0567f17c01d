/*
 * test_power.c — `rig power` and rig/power.h on a simulated bench: the
 * command line's one-line errors, a warned cut that reports its hold-up
 * time, an armed hard cut that happens when time reaches it, and a bench
 * stopped and started again (`rig sim down` / `up` on the same directory):
 * a clean stop is a warned cut, so nothing metered is lost, and the RTC
 * never goes backwards although the bench's clock starts at 0 again.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rig/rig.h"
#include "cli_run.h"
#include "sim_env.h"

static void setup(void)
{
    cli_setup("rig-test-power");
}

static void teardown(void)
{
    cli_teardown();
}

TestSuite(power, .init = setup, .fini = teardown, .timeout = 60);

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

Test(power, command_line_mistakes_are_one_line_and_exit_2)
{
    cr_assert_eq(RUN("power", "--dir", dir, "off"), 2);
    cr_assert(strstr(err, "--position") != NULL, "%s", err);
    cr_assert_eq(lines(err), 1, "%s", err);
    cr_assert_eq(RUN("power", "--dir", dir, "--position", "1", "sideways"), 2);
    cr_assert(strstr(err, "on or off") != NULL, "%s", err);
    cr_assert_eq(RUN("power", "--dir", dir, "--position", "1", "off", "--after", "2"), 2);
    cr_assert(strstr(err, "--after goes with --hard") != NULL, "%s", err);
    cr_assert_eq(RUN("power", "--dir", dir, "--position", "1", "on", "--hard"), 2);
    cr_assert_eq(RUN("power", "--dir", dir, "--position", "1", "off", "--hold", "-1"), 2);
}

static struct rig_bench *attach(void)
{
    struct rig_bench *b;
    cr_assert_eq(rig_bench_attach(dir, &b), 0, "%s", rig_last_error());
    return b;
}

Test(power, warned_and_hard_cuts_on_a_running_bench)
{
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "2", "--speed", "0"), 0, "%s", err);
    cr_assert_eq(RUN("power", "--dir", dir, "--position", "3", "off"), 1);
    cr_assert(strstr(err, "no position 3") != NULL, "%s", err);
    cr_assert_eq(lines(err), 1, "%s", err);

    cr_assert_eq(RUN("power", "--dir", dir, "--position", "2", "off"), 0, "%s", err);
    cr_assert(strstr(out, "warned cut; its save used") != NULL, "%s", out);
    struct rig_bench *b = attach();
    struct rig_power_status st;
    cr_assert_eq(rig_power_status(b, 2, &st), 0, "%s", rig_last_error());
    cr_assert(!st.on);
    cr_assert_eq(st.warned_cuts, 1u);
    cr_assert(st.last_holdup_used_s > 0.0 && st.last_holdup_used_s < st.holdup_s);
    cr_assert_eq(rig_power_status(b, 1, &st), 0, "%s", rig_last_error());
    cr_assert(st.on, "the other position is not touched");
    struct rig_meter *m2 = rig_bench_meter(b, 2);
    cr_assert_not_null(m2);
    rig_meter_set_timeout(m2, 200);
    double wh;
    cr_assert_lt(rig_meter_read_import_energy(m2, &wh), 0, "an unpowered unit does not answer");
    rig_bench_close(b);

    cr_assert_eq(RUN("power", "--dir", dir, "--position", "2", "on"), 0, "%s", err);
    cr_assert_eq(RUN("power", "--dir", dir, "--position", "1", "off", "--hard", "--after", "1.5"), 0, "%s",
                 err);
    cr_assert(strstr(out, "armed") != NULL, "%s", out);
    b = attach();
    cr_assert_eq(rig_power_status(b, 1, &st), 0, "%s", rig_last_error());
    cr_assert(st.armed);
    cr_assert_eq(rig_sleep(b, 2.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_power_status(b, 1, &st), 0, "%s", rig_last_error());
    cr_assert(!st.on && !st.armed);
    cr_assert_eq(st.hard_cuts, 1u);
    cr_assert_float_eq(st.last_down_s, 1.5, 1e-3, "the cut happened at %g s", st.last_down_s);
    cr_assert_eq(rig_power_hard_cut_in_write(b, 1, 0, 0.5), -EINVAL);
    cr_assert_eq(rig_power_hard_cut(b, 1, -1.0), -EINVAL);
    rig_bench_close(b);
}

static double clock_s(struct rig_meter *m)
{
    double d, h, mi, s;
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_DAY, &d), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_HOUR, &h), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_MINUTE, &mi), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_SECOND, &s), 0, "%s", rig_last_error());
    return ((d * 24.0 + h) * 60.0 + mi) * 60.0 + s;
}

Test(power, a_bench_stopped_and_started_loses_nothing_and_its_clocks_go_on)
{
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "1", "--speed", "0"), 0, "%s", err);
    cr_assert_eq(RUN("source", "--dir", dir, "set", "230", "80"), 0, "%s", err);
    cr_assert_eq(RUN("source", "--dir", dir, "on"), 0, "%s", err);
    cr_assert_eq(RUN("sim", "advance", "--dir", dir, "3725"), 0, "%s", err); /* not on a save */
    struct rig_bench *b = attach();
    struct rig_meter *m = rig_bench_meter(b, 1);
    double e0, c0;
    cr_assert_eq(rig_meter_read_import_energy(m, &e0), 0, "%s", rig_last_error());
    c0 = clock_s(m);
    cr_assert_gt(e0, 1000.0);
    rig_bench_close(b);
    cr_assert_eq(RUN("sim", "down", "--dir", dir), 0, "%s", err);
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "1", "--speed", "0"), 0, "%s", err);
    b = attach();
    m = rig_bench_meter(b, 1);
    double e1, c1;
    cr_assert_eq(rig_meter_read_import_energy(m, &e1), 0, "%s", rig_last_error());
    c1 = clock_s(m);
    cr_assert(fabs(e1 - e0) < 0.002, "a clean stop lost %.4f Wh", e0 - e1);
    cr_assert(c1 >= c0 && c1 <= c0 + 60.0, "the RTC read %.0f s before the stop, %.0f after", c0, c1);
    rig_bench_close(b);
}
