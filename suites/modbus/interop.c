/*
 * interop.c — the simulated meter read and configured by other people's
 * Modbus masters, as a customer would: mbpoll (Debian package mbpoll) and
 * pymodbus (Debian package python3-pymodbus, through suites/modbus/interop.py).
 * The bench clock is held, so they and the rig read the same instant: their
 * values must be the rig's.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mb_suite.h"

#define MBPOLL "mbpoll"
/* Debian's interpreter: python3-pymodbus is installed for it, whatever
 * python3 comes first on PATH. */
#define DEBIAN_PYTHON "/usr/bin/python3"
#define INTEROP_SCRIPT "suites/modbus/interop.py"

static char out[8192];

/* Run argv, its stdout into out (stderr too); returns its exit status. */
static int run(const char *const *argv)
{
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    size_t n = 0;
    ssize_t r;
    while (n < sizeof out - 1 && (r = read(pipefd[0], out + n, sizeof out - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The value mbpoll printed for reference ref ("[ref]: \tvalue"). */
static const char *mbpoll_value(unsigned ref)
{
    char key[16];
    snprintf(key, sizeof key, "[%u]:", ref);
    const char *p = strstr(out, key);
    cr_assert_not_null(p, "no %s in mbpoll's output:\n%s", key, out);
    p += strlen(key);
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static const char *tty(unsigned p)
{
    return rig_bench_position(bench, p)->rs485;
}

TestSuite(interop, .init = suite_open_bench, .fini = suite_close_bench, .timeout = SUITE_TIMEOUT_S);

Test(interop, mbpoll_reads_voltage_and_an_energy_double)
{
    if (access("/usr/bin/" MBPOLL, X_OK) != 0)
        cr_skip_test("mbpoll is not installed (make setup installs it)");
    suite_meter_energy(60.0);
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        /* -0: PDU addresses; -B: big-endian word order (the unit's default). */
        const char *voltage[] = {MBPOLL, "-m", "rtu", "-b", "38400", "-P", "none", "-a", "1", "-0",
                                 "-r", "0", "-c", "1", "-t", "4:float", "-B", "-1", "-o", "1",
                                 tty(p), NULL};
        cr_assert_eq(run(voltage), 0, "%s", out);
        double v_mbpoll = atof(mbpoll_value(0));
        double v_rig = suite_read(p, MED2_REG_VOLTAGE);
        cr_expect(fabs(v_mbpoll - v_rig) < 0.01, "position %u: mbpoll %g V, rig %g V", p, v_mbpoll,
                  v_rig);
        cr_expect(fabs(v_mbpoll - 230.0) < 0.06 * 230.0, "position %u: %g V", p, v_mbpoll);

        /* mbpoll has no doubles: read the 4 words and put them together. */
        char ref[8];
        uint16_t addr = suite_addr(p, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
        snprintf(ref, sizeof ref, "%u", addr);
        const char *energy[] = {MBPOLL, "-m", "rtu", "-b", "38400", "-P", "none", "-a", "1", "-0",
                                "-r", ref, "-c", "4", "-t", "4:hex", "-1", "-o", "1", tty(p),
                                NULL};
        cr_assert_eq(run(energy), 0, "%s", out);
        uint16_t w[4];
        for (unsigned i = 0; i < 4; i++)
            w[i] = (uint16_t)strtoul(mbpoll_value(addr + i), NULL, 16);
        double wh_mbpoll = rig_decode_double(w, RIG_ENDIAN_BE);
        double wh_rig = suite_read(p, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
        cr_expect_eq(wh_mbpoll, wh_rig, "position %u: mbpoll %.6f Wh, rig %.6f Wh", p, wh_mbpoll,
                     wh_rig);
        cr_expect_gt(wh_mbpoll, 10.0, "position %u: %.6f Wh after a minute at ~1 kW", p, wh_mbpoll);
    }
}

Test(interop, mbpoll_enters_the_password_and_writes_a_setting)
{
    if (access("/usr/bin/" MBPOLL, X_OK) != 0)
        cr_skip_test("mbpoll is not installed (make setup installs it)");
    /* Locked: refused. */
    const char *write[] = {MBPOLL, "-m", "rtu", "-b", "38400", "-P", "none", "-a", "1", "-0",
                           "-r", "712", "-t", "4:int", "-B", "-1", "-o", "1", tty(POS_C80), "40",
                           NULL};
    cr_expect_neq(run(write), 0, "a write without the password went through:\n%s", out);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 15);
    /* 0000001 in the manual's layout: 0x0031 0x3030 0x3030 0x3030. */
    const char *password[] = {MBPOLL, "-m", "rtu", "-b", "38400", "-P", "none", "-a", "1", "-0",
                              "-r", "6000", "-t", "4", "-1", "-o", "1", tty(POS_C80), "49",
                              "12336", "12336", "12336", NULL};
    cr_assert_eq(run(password), 0, "%s", out);
    cr_assert_eq(run(write), 0, "%s", out);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 40);
}

/* Run interop.py against position p; returns its JSON (caller decrefs). */
static json_t *pymodbus(unsigned p)
{
    if (access(DEBIAN_PYTHON, X_OK) != 0)
        cr_skip_test("no %s", DEBIAN_PYTHON);
    const char *check[] = {DEBIAN_PYTHON, "-c", "import pymodbus.client, serial_asyncio", NULL};
    if (run(check) != 0)
        cr_skip_test("python3-pymodbus is not installed (make setup installs it): %s", out);
    const char *argv[] = {DEBIAN_PYTHON, INTEROP_SCRIPT, "--port", tty(p), "--demand-period",
                          "35", NULL};
    int rc = run(argv);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    cr_assert_not_null(j, "interop.py printed no JSON (exit %d):\n%s", rc, out);
    json_t *e = json_object_get(j, "error");
    cr_assert_null(e, "position %u: pymodbus: %s", p, json_string_value(e));
    cr_expect_eq(rc, 0, "%s", out);
    return j;
}

static double number(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);
    cr_assert(json_is_number(v), "no number %s in %s", key, out);
    return json_number_value(v);
}

Test(interop, pymodbus_reads_configures_and_identifies_the_unit)
{
    suite_meter_energy(60.0);
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        double v_rig = suite_read(p, MED2_REG_VOLTAGE);
        double f_rig = suite_read(p, MED2_REG_FREQUENCY);
        double wh_rig = suite_read(p, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
        json_t *j = pymodbus(p);
        /* Single precision on the wire both ways: exactly the same float. */
        cr_expect_eq((float)number(j, "voltage"), (float)v_rig, "position %u: %s", p, out);
        cr_expect_eq((float)number(j, "frequency"), (float)f_rig, "position %u: %s", p, out);
        cr_expect_eq(number(j, "total_import_active_energy"), wh_rig, "position %u: %s", p, out);
        cr_expect_eq(number(j, "locked_write_exception"), EX_ILLEGAL_FUNCTION, "%s", out);
        cr_expect_eq(number(j, "demand_period"), 35, "%s", out);
        cr_expect_eq(suite_read(p, MED2_REG_DEMAND_PERIOD), 35);
        json_t *dev = json_object_get(j, "device");
        for (int obj = 0; obj <= 2; obj++) {
            char key[12];
            snprintf(key, sizeof key, "%d", obj);
            const char *s = json_string_value(json_object_get(dev, key));
            cr_expect(s && *s, "position %u: device identification object %d missing: %s", p, obj,
                      out);
        }
        json_decref(j);
    }
}
