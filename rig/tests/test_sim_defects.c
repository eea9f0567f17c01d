/*
 * test_sim_defects.c — benchd's factory defects and bench temperature
 * through the rig library's clients: a bad
 * --defect refused before anything exists, a defect reaching its position's
 * unit (and only it) and staying there across a flash, bench.json naming
 * it, and TEMP / TEMP?.
 *
 * rig_simbench_start has no defects to pass (the bench file's `defect` key
 * is the rig's part), so these tests start benchd themselves, as `rig sim
 * up` would, with --defect on its command line. What each defect does to a
 * unit is tested at the board, firmware/tests/test_native_defects.c.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rig/rig.h"
#include "rig/sim/simbench.h"
#include "rig/sim/simctl.h"
#include "sim_env.h"

#define SERIAL_1 "24110001"
#define SERIAL_2 "24110002"
#define READY_S RIG_SIMBENCH_READY_S
#define MAX_ARGS 32
/* Uncalibrated simulated units read within +-5 % (firmware/boards/native/afe_model.h). */
#define UNCAL_TOLERANCE 0.10
#define UNSTABLE_CAL_PPM_PER_K 2000.0 /* unstable_cal's default (defect_spec.h) */

static struct {
    char dir[64];
    pid_t pid;
    json_t *json;
    struct rig_simctl *ctl;
    struct rig_source *src;
    struct rig_meter *meter[3];
    struct rig_position pos[3];
} b = {.pid = -1};

static const char *benchd(void)
{
    return getenv("RIG_BENCHD");
}

/* absolute: FLASH wants it so */
static const char *image(void)
{
    static char abs[4096];
    const char *p = getenv("RIG_FIRMWARE_IMAGE");
    return p != NULL && realpath(p, abs) != NULL ? abs : p;
}

static void make_dir(void)
{
    require_sim();
    snprintf(b.dir, sizeof(b.dir), "/tmp/rig-defects-XXXXXX");
    cr_assert_not_null(mkdtemp(b.dir));
}

/* Run benchd on two C80-1M-V3 positions (each on its own line, so both at
 * slave 1, a fresh unit's address) plus `extra` options; its stderr
 * goes to err_fd. Returns its pid. */
static pid_t spawn(const char *const *extra, int err_fd)
{
    const char *argv[MAX_ARGS] = {benchd(), "--dir", b.dir, "--image", image(), "--speed", "0",
                                  "--unit", "C80-1M-V3," SERIAL_1 ",1,38400",
                                  "--unit", "C80-1M-V3," SERIAL_2 ",1,38400"};
    size_t n = 11;
    for (size_t k = 0; extra[k] != NULL && n + 1 < MAX_ARGS; k++) {
        argv[n++] = extra[k];
    }
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(err_fd, 1);
        dup2(err_fd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Start benchd with extra options and attach: control, source, meters. */
static void start_bench(const char *const *extra)
{
    char log[128], path[128];
    snprintf(log, sizeof(log), "%s/benchd.log", b.dir);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    cr_assert_geq(fd, 0);
    b.pid = spawn(extra, fd);
    close(fd);
    snprintf(path, sizeof(path), "%s/bench.json", b.dir);
    double t0 = now_s();
    while (access(path, R_OK) != 0) {
        cr_assert_eq(waitpid(b.pid, NULL, WNOHANG), 0, "benchd exited: see %s", log);
        cr_assert_lt(now_s() - t0, READY_S, "no bench.json after %.0f s", READY_S);
        usleep(10000);
    }
    json_error_t jerr;
    b.json = json_load_file(path, 0, &jerr);
    cr_assert_not_null(b.json, "%s: %s", path, jerr.text);
    const char *control = json_string_value(json_object_get(b.json, "control"));
    cr_assert_eq(rig_simctl_open(control, &b.ctl), 0, "%s", rig_last_error());
    const char *tty = json_string_value(json_object_get(json_object_get(b.json, "source"), "tty"));
    cr_assert_eq(rig_source_open(tty, 115200, RIG_TRANSPORT_TERMIOS, &b.src), 0, "%s",
                 rig_last_error());
    json_t *units = json_object_get(b.json, "units");
    cr_assert_eq(json_array_size(units), 2u);
    for (unsigned k = 1; k <= 2; k++) {
        json_t *u = json_array_get(units, k - 1);
        b.pos[k] = (struct rig_position){
            .number = k,
            .model = json_string_value(json_object_get(u, "model")),
            .serial = json_string_value(json_object_get(u, "serial")),
            .rs485 = json_string_value(json_object_get(u, "rs485")),
            .slave = (int)json_integer_value(json_object_get(u, "slave")),
            .baud = (int)json_integer_value(json_object_get(u, "baud")),
            .parity = 'N',
            .stop_bits = 1,
        };
        cr_assert_eq(rig_meter_open(&b.pos[k], &b.meter[k]), 0, "%s", rig_last_error());
    }
}

static void teardown(void)
{
    for (unsigned k = 1; k <= 2; k++) {
        rig_meter_close(b.meter[k]);
        b.meter[k] = NULL;
    }
    if (b.src != NULL) {
        rig_source_close(b.src);
        b.src = NULL;
    }
    if (b.ctl != NULL) {
        rig_simctl_shutdown(b.ctl);
        rig_simctl_close(b.ctl);
        b.ctl = NULL;
    }
    if (b.pid > 0) {
        /* SHUTDOWN was asked for; a benchd that ignores it is ended here */
        for (int k = 0; k < 500 && waitpid(b.pid, NULL, WNOHANG) == 0; k++) {
            usleep(10000);
        }
        if (kill(b.pid, 0) == 0) {
            kill(b.pid, SIGKILL);
            waitpid(b.pid, NULL, 0);
        }
        b.pid = -1;
    }
    json_decref(b.json);
    b.json = NULL;
    if (b.dir[0] != '\0') {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
        cr_expect_eq(system(cmd), 0);
        b.dir[0] = '\0';
    }
}

TestSuite(sim_defects, .init = make_dir, .fini = teardown, .timeout = 120);

/* ---- a bad --defect ---- */

/* Run benchd with one bad --defect; its exit status and its stderr. */
static int refused(const char *defect, char *err, size_t err_len)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    const char *extra[] = {"--defect", defect, NULL};
    pid_t pid = spawn(extra, p[1]);
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < err_len && (r = read(p[0], err + n, err_len - 1 - n)) > 0) {
        n += (size_t)r;
    }
    err[n] = '\0';
    close(p[0]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st), "benchd did not exit by itself on --defect %s", defect);
    return WEXITSTATUS(st);
}

Test(sim_defects, bad_defect_stops_benchd_before_it_creates_anything)
{
    static const struct {
        const char *arg, *position, *mentions;
    } cases[] = {
        {"1:cracked_case", "position 1", "unknown defect 'cracked_case'"},
        {"2:wrong_shunt,abc", "position 2", "FACTOR"},
        {"1:wrong_shunt,0", "position 1", "got '0'"},
        {"1:intermittent_contact,1.5", "position 1", "DUTY"},
        {"2:dead_pulse1,1", "position 2", "takes no parameter"},
        {"1:rtc_drift,", "position 1", "PPM"},
        {"3:dead_rs485", "no position 3", "1..2"},
        {"dead_rs485", "N:NAME", "dead_rs485"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char err[2048];
        int status = refused(cases[k].arg, err, sizeof(err));
        cr_expect_eq(status, 2, "--defect %s: exit status %d", cases[k].arg, status);
        char *nl = strchr(err, '\n');
        cr_expect(nl != NULL && nl[1] == '\0', "--defect %s: not one line: %s", cases[k].arg, err);
        cr_expect(strstr(err, cases[k].position), "--defect %s: %s", cases[k].arg, err);
        cr_expect(strstr(err, cases[k].mentions), "--defect %s: %s", cases[k].arg, err);
        cr_expect(strstr(err, "known defects:") && strstr(err, "unstable_cal") &&
                      strstr(err, "wrong_shunt"),
                  "--defect %s: the known names are not listed: %s", cases[k].arg, err);
    }
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", b.dir);
    cr_expect_eq(system(cmd), 0, "benchd left something in %s", b.dir);
}

/* ---- a defect goes to its position only, and stays there ---- */

static uint64_t rising(unsigned position, unsigned output)
{
    uint64_t n = 0, rise, fall;
    cr_assert_eq(rig_simctl_count(b.ctl, position, output, &n, &rise, &fall), 0, "%s",
                 rig_last_error());
    return n;
}

Test(sim_defects, defect_reaches_its_position_in_bench_json_and_across_a_flash)
{
    const char *extra[] = {"--defect", "1:dead_pulse1", NULL};
    start_bench(extra);
    json_t *units = json_object_get(b.json, "units");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(units, 0), "defect")),
                     "dead_pulse1");
    cr_expect_null(json_object_get(json_array_get(units, 1), "defect"), "a good unit has none");

    cr_assert_eq(rig_source_set(b.src, 230, 10, 0, 50), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(b.src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_simctl_advance(b.ctl, 60, NULL), 0, "%s", rig_last_error());
    /* 2.3 kW for a minute: 38 Wh, 1 Wh per pulse */
    cr_expect_eq(rising(1, 1), 0u, "the dead output pulsed");
    cr_expect_geq(rising(2, 1), 30u, "the good unit pulses");

    uint64_t good_before = rising(2, 1);
    char hash[64];
    cr_assert_eq(rig_simctl_request(b.ctl, RIG_SIMCTL_FLASH_TIMEOUT_MS, hash, sizeof(hash),
                                    "FLASH 1 %s", image()),
                 0, "%s", rig_last_error());
    cr_assert_eq(rig_simctl_advance(b.ctl, 60, NULL), 0, "%s", rig_last_error());
    cr_expect_eq(rising(1, 1), 0u, "the flashed unit still has its defect");
    cr_expect_geq(rising(2, 1) - good_before, 30u);
}

Test(sim_defects, dead_rs485_position_does_not_answer)
{
    const char *extra[] = {"--defect", "2:dead_rs485", NULL};
    start_bench(extra);
    struct rig_runtime rt;
    cr_assert_eq(rig_meter_read_runtime(b.meter[1], &rt), 0, "%s", rig_last_error());
    cr_expect_eq(rig_meter_read_runtime(b.meter[2], &rt), -ETIMEDOUT, "%s", rig_last_error());
}

/* ---- bench temperature ---- */

static double temp(void)
{
    char reply[64];
    cr_assert_eq(rig_simctl_request(b.ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof(reply), "TEMP?"),
                 0, "%s", rig_last_error());
    return atof(reply);
}

static double current(unsigned position)
{
    struct rig_runtime rt;
    cr_assert_eq(rig_meter_read_runtime(b.meter[position], &rt), 0, "%s", rig_last_error());
    return rt.current;
}

Test(sim_defects, temp_round_trips_refuses_out_of_range_and_reaches_the_units)
{
    /* unstable_cal shows the unit's temperature in its current reading; at
     * 5 A it warms itself by (5/80)^2 x 20 K = 0.08 K at most (defects.h) */
    const char *extra[] = {"--defect", "1:unstable_cal", NULL};
    start_bench(extra);
    char reply[256];
    cr_expect_float_eq(temp(), 23.0, 1e-9, "the default, SIM_AMBIENT_DEFAULT_C");
    cr_assert_eq(rig_source_set(b.src, 230, 5, 0, 50), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(b.src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_simctl_advance(b.ctl, 3, NULL), 0, "%s", rig_last_error());
    double i1_23 = current(1), i2_23 = current(2);
    cr_expect(fabs(i1_23 - 5) < 5 * UNCAL_TOLERANCE, "%f A", i1_23);

    cr_assert_eq(rig_simctl_request(b.ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof(reply),
                                    "TEMP 73"), 0, "%s", rig_last_error());
    cr_expect_str_eq(reply, "73");
    cr_expect_float_eq(temp(), 73.0, 1e-9);
    /* the units follow the bench through their thermal time constant */
    cr_assert_eq(rig_simctl_advance(b.ctl, 600, NULL), 0, "%s", rig_last_error());
    double ratio = current(1) / i1_23;
    /* 50 K above 23 degC x 2000 ppm/K = +10 % */
    cr_expect_float_eq(ratio, 1.0 + 50 * UNSTABLE_CAL_PPM_PER_K * 1e-6, 0.003, "ratio %f", ratio);
    /* a good unit drifts at most 25 ppm/K: 0.125 % over 50 K */
    cr_expect_float_eq(current(2) / i2_23, 1.0, 0.002, "the good unit moved");

    static const char *const bad[] = {"TEMP 85.5", "TEMP -40.1", "TEMP warm", "TEMP", "TEMP nan"};
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        int r = rig_simctl_request(b.ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof(reply), "%s", bad[k]);
        cr_expect_eq(r, -EREMOTEIO, "%s: %d", bad[k], r);
        cr_expect(strstr(rig_last_error(), "-40..85"), "%s: %s", bad[k], rig_last_error());
    }
    cr_expect_float_eq(temp(), 73.0, 1e-9, "a refused TEMP changes nothing");
    cr_assert_eq(rig_simctl_request(b.ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof(reply),
                                    "TEMP -40"), 0, "%s", rig_last_error());
    cr_expect_str_eq(reply, "-40");
}
