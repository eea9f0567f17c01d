/*
 * test_gpiod_bench.c — a real bench (kind = hw) whose GPIO lines are the
 * libgpiod double's: it opens without its source, its pulse inputs and
 * reference line keep kernel-timestamped edges in bench time, and the error
 * calculator measures on it — the source being benchd's virtual source on
 * its pty, the meter's and the reference standard's pulses fed to the
 * double in real time from a model with a known error.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../sim_env.h"
#include "gpiod_double.h"
#include "rig/lines.h"
#include "rig/measure.h"
#include "rig/rig.h"

static char tmp[64];

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void setup(void)
{
    gpiod_double_reset();
    cr_assert_eq(gpiod_double_add_chip("pinctrl-bcm2711", 58), 0);
    snprintf(tmp, sizeof tmp, "/tmp/rig-gpiod-bench-XXXXXX");
    cr_assert(mkdtemp(tmp));
    char locks[96];
    snprintf(locks, sizeof locks, "%s/locks", tmp);
    setenv("RIG_LOCK_DIR", locks, 1);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    (void)!system(cmd);
    gpiod_double_reset();
}

TestSuite(gpiod_bench, .init = setup, .fini = teardown, .timeout = 60);

/* the measuring tests need benchd's source: skip before anything is made */
static void setup_with_source(void)
{
    require_sim();
    setup();
}

TestSuite(gpiod_measure, .init = setup_with_source, .fini = teardown, .timeout = 60);

/* A hw bench file in tmp: one position, the reference on line 26 (active
 * low, pulled up), the pulse inputs pulled down. */
static const char *bench_file(const char *source_port, const char *constant)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/bench.ini", tmp);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fprintf(f, "[bench]\nname = double-rack\nkind = hw\npositions = 1\n"
               "[source]\nport = %s\ntransport = termios\n"
               "[reference]\nline = pinctrl-bcm2711:26\nconstant = %s\nbias = pull-up\n"
               "active_low = yes\n"
               "[lines]\nbias = pull-down\n"
               "[position 1]\nmodel = C80-1M-V3\nrs485 = %s/no-rs485\npulse1 = gpiochip0:17\n"
               "pulse2 = gpiochip0:27\n",
            source_port, constant, tmp);
    fclose(f);
    return path;
}

Test(gpiod_bench, opens_without_its_source_and_keeps_edges)
{
    struct rig_bench *b = NULL;
    char port[96];
    snprintf(port, sizeof port, "%s/no-source", tmp);
    gpiod_double_drive(0, 26, 1, 0); /* the reference idles high (pulled up) */
    cr_assert_eq(rig_bench_open(bench_file(port, "100000"), &b), 0, "%s", rig_last_error());
    cr_expect_null(rig_bench_source(b));
    cr_expect(strstr(rig_last_error(), "opened without its source") && strstr(rig_last_error(), port),
              "%s", rig_last_error());

    struct gpiod_double_line st;
    cr_assert_eq(gpiod_double_line(0, 26, &st), 0);
    cr_expect(st.requested && st.active_low && st.bias == 2, "reference: pull-up, active low");
    cr_assert_eq(gpiod_double_line(0, 17, &st), 0);
    cr_expect(st.requested && !st.active_low && st.bias == 3, "pulse input: pull-down");

    uint64_t t0 = mono_ns();
    gpiod_double_drive(0, 17, 1, t0 + 1000);
    gpiod_double_drive(0, 27, 1, t0 + 1500);
    gpiod_double_drive(0, 17, 0, t0 + 2000);
    gpiod_double_drive(0, 26, 0, t0 + 2500); /* a reference pulse: the pin low */
    gpiod_double_drive(0, 26, 1, t0 + 3500);
    /* the line threads take the events when the scheduler lets them: a
     * loaded machine may need more than a few milliseconds */
    struct rig_pulse_edge e[8];
    size_t n = 0;
    for (int tries = 0; n < 3 && tries < 200; tries++) {
        size_t got = 0;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
        cr_assert_eq(rig_pulse_edges(b, 1, e + n, 8 - n, &got), 0, "%s", rig_last_error());
        n += got;
    }
    cr_assert_eq(n, 3, "both outputs");
    /* one call merges by time; edges of two lines whose threads took them
     * between two calls arrive in two calls, so order what was collected */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && e[j].t_ns < e[j - 1].t_ns; j--) {
            struct rig_pulse_edge t = e[j];
            e[j] = e[j - 1];
            e[j - 1] = t;
        }
    cr_expect(e[0].output == 1 && e[0].level == 1 && e[1].output == 2 && e[2].output == 1);
    cr_expect_eq(e[1].t_ns - e[0].t_ns, 500);
    cr_expect_eq(e[2].t_ns - e[0].t_ns, 1000);
    double now;
    cr_assert_eq(rig_bench_time(b, &now), 0);
    cr_expect(e[0].t_ns > 0 && e[0].t_ns * 1e-9 <= now, "in bench time: %llu ns, now %g s",
              (unsigned long long)e[0].t_ns, now);

    uint64_t dropped = 1;
    n = 0;
    for (int tries = 0; n < 2 && tries < 200; tries++) {
        size_t got = 0;
        cr_assert_eq(rig_reference_edges(b, RIG_REFERENCE_ACTIVE, e + n, 8 - n, &got, &dropped),
                     0, "%s", rig_last_error());
        n += got;
        if (n < 2)
            nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    cr_assert_eq(n, 2);
    cr_expect(e[0].level == 1 && e[1].level == 0, "active low: the low pin is the pulse");
    cr_expect_eq(dropped, 0);
    double k = 0;
    cr_assert_eq(rig_reference_constant(b, RIG_REFERENCE_ACTIVE, &k), 0);
    cr_expect_float_eq(k, 100000.0, 1e-9);
    cr_expect_eq(rig_reference_constant(b, RIG_REFERENCE_REACTIVE, &k), -ENODEV);
    cr_expect(strstr(rig_last_error(), "reactive_line"), "%s", rig_last_error());
    unsigned active = 1;
    cr_assert_eq(rig_pulse_level(b, 1, 1, &active), 0, "%s", rig_last_error());
    cr_expect_eq(active, 0);
    rig_bench_close(b);
    cr_assert_eq(gpiod_double_line(0, 26, &st), 0);
    cr_expect(!st.requested, "closing the bench releases its lines");
}

/* ---- the error calculator on the hw path ---- */

#define METER_WH 0.01   /* Wh per meter pulse */
#define REF_K 1e6       /* reference imp/kWh */
#define POWER_W 1150.0  /* 230 V x 5 A, PF 1 */

struct feeder {
    pthread_t thread;
    atomic_bool stop;
    double meter_error; /* the modelled meter's error */
    double meter_stop_s; /* the meter stops pulsing this long after the start (0: never) */
    bool reference;     /* the reference pulses at all */
    uint64_t start;
};

/* Emit, as real time passes, the modelled edges up to now. */
static void *feed(void *arg)
{
    struct feeder *f = arg;
    double tm = METER_WH * 3600.0 / POWER_W / (1.0 + f->meter_error) * 1e9; /* ns */
    double tr = 3.6e6 / (POWER_W * REF_K) * 1e9;
    uint64_t km = 0, kr = 0; /* next edges: meter (rise, fall), reference (fall, rise) */
    while (!atomic_load(&f->stop)) {
        uint64_t now = mono_ns();
        for (;;) {
            uint64_t m = f->start + (uint64_t)llround((double)(km / 2) * tm) + (km % 2) * 2000000u;
            uint64_t r = f->start + 777 + (uint64_t)llround((double)(kr / 2) * tr + (kr % 2) * tr / 2);
            bool meter_on = !(f->meter_stop_s > 0.0) ||
                            m < f->start + (uint64_t)(f->meter_stop_s * 1e9);
            uint64_t next = meter_on && (!f->reference || m <= r) ? m : f->reference ? r : UINT64_MAX;
            if (next > now)
                break;
            if (next == m) {
                gpiod_double_drive(0, 17, !(km % 2), m);
                km++;
            } else {
                gpiod_double_drive(0, 26, (int)(kr % 2), r); /* active low: falls first */
                kr++;
            }
        }
        nanosleep(&(struct timespec){0, 500000}, NULL);
    }
    return NULL;
}

struct measured {
    int rc;
    struct rig_error e;
    char msg[512];
    char outp[32];
};

/* Measure position 1 on a hw bench whose source is a benchd's. */
static struct measured measure_on_double_n(struct feeder *f, unsigned pulses, double timeout_s)
{
    char dir[64];
    struct rig_sim_unit unit = {"C80-1M-V3", "24110001", 1, 38400, NULL};
    pid_t benchd = sim_dir_up(dir, "rig-gpiod-src", &unit, 1);
    struct rig_bench *sim = NULL;
    cr_assert_eq(rig_bench_attach(dir, &sim), 0, "%s", rig_last_error());
    char port[128];
    snprintf(port, sizeof port, "%s", rig_source_port(rig_bench_source(sim)));
    rig_bench_close(sim);

    struct rig_bench *b = NULL;
    char k[32];
    snprintf(k, sizeof k, "%.17g", REF_K);
    gpiod_double_drive(0, 26, 1, 0);
    cr_assert_eq(rig_bench_open(bench_file(port, k), &b), 0, "%s", rig_last_error());
    f->start = mono_ns();
    cr_assert_eq(pthread_create(&f->thread, NULL, feed, f), 0);
    struct rig_point pt = {230.0, 5.0, 0.0, 50.0};
    struct rig_gate g = {.kind = RIG_ENERGY_ACTIVE, .output = 1, .wh_per_pulse = METER_WH,
                         .pulses = pulses, .settle_s = 0.1, .timeout_s = timeout_s};
    struct measured m = {0};
    m.rc = rig_measure_point(b, &pt, &g, &m.e);
    snprintf(m.msg, sizeof m.msg, "%s", rig_last_error());
    rig_source_query(rig_bench_source(b), "OUTP?", m.outp, sizeof m.outp);
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    rig_bench_close(b);
    sim_dir_down(dir, benchd);
    return m;
}

static struct measured measure_on_double(struct feeder *f, double timeout_s)
{
    return measure_on_double_n(f, 20, timeout_s);
}

Test(gpiod_measure, error_calculator_measures_on_the_hw_path)
{
    struct feeder f = {.meter_error = 0.0042, .reference = true};
    struct measured m = measure_on_double(&f, 10.0);
    cr_assert_eq(m.rc, 0, "%s", m.msg);
    cr_assert(m.e.measured, "%s", m.e.why);
    cr_expect_eq(m.e.pulses, 20);
    /* timestamps are exact in the double: only the ns rounding of the model remains */
    cr_expect(fabs(m.e.error - 0.0042) < 2e-6, "error %.9f, modelled 0.0042", m.e.error);
    cr_expect(fabs(m.e.reference_pulses - 20 * METER_WH / 1000.0 * REF_K / 1.0042) < 1e-3,
              "%.6f reference pulses", m.e.reference_pulses);
    cr_expect_str_eq(m.outp, "1", "a point leaves the source on");
}

Test(gpiod_measure, a_meter_that_stops_mid_gate_names_its_line)
{
    /* stopped in real time, 3 s in: well after the gate opens (the bench's
     * set-up takes a fraction of that even on a loaded machine), well before
     * its 200 pulses (6.3 s) are complete */
    struct feeder f = {.meter_stop_s = 3.0, .reference = true};
    struct measured m = measure_on_double_n(&f, 200, 7.0);
    cr_assert_eq(m.rc, 0, "%s", m.msg);
    cr_expect(!m.e.measured);
    cr_expect(strstr(m.e.why, "position 1: pulse output 1 (line gpiochip0:17) stopped after"),
              "%s", m.e.why);
}

Test(gpiod_measure, a_reference_that_never_pulses_fails_the_point_and_switches_off)
{
    struct feeder f = {.reference = false};
    struct measured m = measure_on_double(&f, 10.0);
    cr_expect_eq(m.rc, -EIO);
    cr_expect(strstr(m.msg, "reference line pinctrl-bcm2711:26 gave no pulse"), "%s", m.msg);
    cr_expect(!m.e.measured);
    cr_expect(strstr(m.e.why, "position 1: measure: reference line"), "%s", m.e.why);
    cr_expect_str_eq(m.outp, "0", "the source is off after the failure (OUTP? said \"%s\")", m.outp);
}
