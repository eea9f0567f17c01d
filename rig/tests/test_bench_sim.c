/*
 * test_bench_sim.c — the bench object on the real simulated bench (benchd
 * and the native firmware): opening sim.ini, the clock, runtime values,
 * pulses against the reference energy, attaching, flashing, and the source
 * switched off on close.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rig/rig.h"
#include "rig/sim/simbench.h"
#include "rig/sim/simctl.h"
#include "sim_env.h"

#define SIM_INI "fixtures/benches/sim.ini"
/* Uncalibrated simulated units read wrong by up to ±5 % (gain) (firmware/boards/native/afe_model.h). */
#define UNCAL_TOLERANCE 0.10

static struct rig_bench *bench;

static void open_sim(void)
{
    require_sim();
    cr_assert_eq(rig_bench_open(SIM_INI, &bench), 0, "%s", rig_last_error());
}

static void close_sim(void)
{
    rig_bench_close(bench);
    bench = NULL;
}

TestSuite(bench_sim, .init = open_sim, .fini = close_sim, .timeout = 120);

Test(bench_sim, positions_from_the_bench_file)
{
    cr_expect(rig_bench_is_simulated(bench));
    cr_expect_str_eq(rig_bench_name(bench), "sim-2");
    cr_assert_eq(rig_bench_position_count(bench), 2);
    const struct rig_position *p = rig_bench_position(bench, 2);
    cr_assert(p);
    cr_expect_eq(p->number, 2);
    cr_expect_str_eq(p->serial, "24110002");
    cr_expect_str_eq(p->model, "C80-1M-V3");
    cr_expect(strncmp(p->rs485, "/dev/pts/", 9) == 0, "%s", p->rs485);
    cr_expect_null(rig_bench_position(bench, 3));
    cr_expect_null(rig_bench_position(bench, 0));
    cr_expect_null(rig_bench_meter(bench, 3));
    cr_expect(strstr(rig_last_error(), "no position 3"), "%s", rig_last_error());
}

Test(bench_sim, clock_moves_only_by_rig_sleep)
{
    double t0, t1, t2;
    cr_assert_eq(rig_bench_time(bench, &t0), 0, "%s", rig_last_error());
    usleep(100000);
    cr_assert_eq(rig_bench_time(bench, &t1), 0, "%s", rig_last_error());
    cr_expect_float_eq(t1, t0, 1e-9, "held clock moved from %f to %f", t0, t1);
    cr_assert_eq(rig_sleep(bench, 2.5), 0, "%s", rig_last_error());
    cr_assert_eq(rig_bench_time(bench, &t2), 0, "%s", rig_last_error());
    cr_expect_float_eq(t2 - t1, 2.5, 1e-6);
    cr_expect_eq(rig_sleep(bench, -1), -EINVAL);
}

Test(bench_sim, runtime_values_follow_the_source)
{
    struct rig_source *src = rig_bench_source(bench);
    struct rig_runtime rt;
    cr_assert(src);
    cr_assert_eq(rig_source_set(src, 230, 5, 0, 50), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 2), 0, "%s", rig_last_error());
    for (unsigned pos = 1; pos <= 2; pos++) {
        struct rig_meter *m = rig_bench_meter(bench, pos);
        cr_assert(m, "%s", rig_last_error());
        cr_assert_eq(rig_meter_read_runtime(m, &rt), 0, "%s", rig_last_error());
        cr_expect(fabs(rt.voltage - 230) < 230 * UNCAL_TOLERANCE, "pos %u: V = %f", pos, rt.voltage);
        cr_expect(fabs(rt.current - 5) < 5 * UNCAL_TOLERANCE, "pos %u: I = %f", pos, rt.current);
        cr_expect(fabs(rt.active_power - 1150) < 1150 * 2 * UNCAL_TOLERANCE, "pos %u: P = %f", pos,
                  rt.active_power);
        cr_expect(fabs(rt.frequency - 50) < 0.1, "pos %u: f = %f", pos, rt.frequency);
        cr_expect(rt.power_factor > 0.95, "pos %u: PF = %f", pos, rt.power_factor);
    }
}

Test(bench_sim, pulses_and_energy_against_the_reference)
{
    struct rig_source *src = rig_bench_source(bench);
    double ref_wh = 0, meter_wh = 0;
    uint64_t before = 0, after = 0;
    cr_assert_eq(rig_source_set(src, 230, 10, 0, 50), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_energy_reset(src), 0, "%s", rig_last_error());
    cr_assert_eq(rig_pulse_count(bench, 1, 1, &before), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 60), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_energy(src, &ref_wh), 0, "%s", rig_last_error());
    cr_assert_eq(rig_pulse_count(bench, 1, 1, &after), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_import_energy(rig_bench_meter(bench, 1), &meter_wh), 0, "%s",
                 rig_last_error());
    cr_expect(fabs(ref_wh - 2300.0 / 60) < 0.01, "reference %f Wh", ref_wh);
    /* pulse output 1: 1 Wh per pulse by default */
    double pulses = (double)(after - before);
    cr_expect(fabs(pulses - ref_wh) <= ref_wh * UNCAL_TOLERANCE + 1, "%f pulses for %f Wh",
              pulses, ref_wh);
    cr_expect(fabs(meter_wh - ref_wh) <= ref_wh * UNCAL_TOLERANCE, "meter %f Wh, reference %f Wh",
              meter_wh, ref_wh);
    cr_expect_eq(rig_pulse_count(bench, 1, 3, &after), -EINVAL);
}

Test(bench_sim, flash_restarts_the_unit)
{
    double wh;
    cr_assert_eq(rig_flash(bench, 1, getenv("RIG_FIRMWARE_IMAGE")), 0, "%s", rig_last_error());
    cr_expect_eq(rig_meter_read_import_energy(rig_bench_meter(bench, 1), &wh), 0, "%s",
                 rig_last_error());
    cr_expect_eq(rig_flash(bench, 1, "/tmp/rig-no-such-image"), -ENOENT);
    cr_expect_eq(rig_flash(bench, 5, getenv("RIG_FIRMWARE_IMAGE")), -EINVAL);
}

/* A shared bench in a directory, as `rig sim up` leaves it. */
static char dir[64];
static pid_t benchd;

static void up(void)
{
    static const struct rig_sim_unit unit = {"C80-1M-V3", "24110001", 1, 38400, NULL};
    benchd = sim_dir_up(dir, "rig-test-sim", &unit, 1);
}

static void down(void)
{
    sim_dir_down(dir, benchd);
}

static void output_state(char *reply, size_t len)
{
    struct rig_bench *b;
    cr_assert_eq(rig_bench_attach(dir, &b), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_query(rig_bench_source(b), "OUTP?", reply, len), 0, "%s",
                 rig_last_error());
    rig_bench_release(b);
}

Test(bench_attached, close_switches_the_output_off, .init = up, .fini = down, .timeout = 60)
{
    struct rig_bench *b;
    char reply[16];
    cr_assert_eq(rig_bench_attach(dir, &b), 0, "%s", rig_last_error());
    cr_expect_eq(rig_bench_position_count(b), 1);
    cr_assert_eq(rig_source_output(rig_bench_source(b), true), 0, "%s", rig_last_error());
    rig_bench_release(b);
    output_state(reply, sizeof reply);
    cr_expect_str_eq(reply, "1", "release leaves the output as it was");

    cr_assert_eq(rig_bench_attach(dir, &b), 0, "%s", rig_last_error());
    rig_bench_close(b);
    output_state(reply, sizeof reply);
    cr_expect_str_eq(reply, "0", "close switches it off");

    /* the bench outlives an attached client */
    cr_assert_eq(rig_bench_attach(dir, &b), 0, "%s", rig_last_error());
    cr_expect_not_null(rig_bench_simctl(b));
    cr_expect_eq(rig_simctl_ping(rig_bench_simctl(b)), 0, "%s", rig_last_error());
    rig_bench_close(b);
}

Test(bench_attached, a_second_bench_in_the_same_dir_is_refused, .init = up, .fini = down)
{
    static const struct rig_sim_unit unit = {"C80-1M-V3", "24110009", 1, 38400, NULL};
    struct rig_simbench_options opt = {.dir = dir, .speed = "0", .units = &unit, .unit_count = 1};
    pid_t pid;
    cr_expect_eq(rig_simbench_start(&opt, &pid), -EALREADY);
    cr_expect(strstr(rig_last_error(), "rig sim down"), "%s", rig_last_error());
}

Test(bench_errors, benchd_that_fails_is_reported)
{
    struct rig_bench *b = NULL;
    require_sim();
    setenv("RIG_BENCHD", "/bin/false", 1);
    cr_expect_eq(rig_bench_open(SIM_INI, &b), -EIO);
    cr_expect_null(b);
    cr_expect(strstr(rig_last_error(), "benchd exited (status 1)"), "%s", rig_last_error());
    setenv("RIG_BENCHD", "/tmp/rig-no-such-benchd", 1);
    cr_expect_eq(rig_bench_open(SIM_INI, &b), -ENOENT);
    cr_expect(strstr(rig_last_error(), "check RIG_BENCHD"), "%s", rig_last_error());
}

Test(bench_errors, attach_without_a_bench)
{
    struct rig_bench *b = NULL;
    cr_expect_eq(rig_bench_attach("/tmp/rig-no-such-bench", &b), -ENOENT);
    cr_expect(strstr(rig_last_error(), "rig sim up --dir /tmp/rig-no-such-bench"), "%s",
              rig_last_error());
}

Test(bench_errors, hw_bench_with_missing_ports)
{
    struct rig_bench *b = NULL;
    /* the missing source does not stop it (reading and flashing need none:
     * test_gpiod_v1/v2 open such a bench); the missing GPIO chip does */
    cr_expect_eq(rig_bench_open("fixtures/benches/pi-rack.ini", &b), -ENODEV);
    cr_expect(strstr(rig_last_error(), "pi-rack.ini: position 1: pulse input gpiochip0:17: no GPIO "
                                       "chip 'gpiochip0'"),
              "%s", rig_last_error());
}
