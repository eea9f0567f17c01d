/*
 * test_source_scpi.c — the SCPI source driver against a fake instrument
 * thread on a real pty: settings and queries, SYST:ERR? reporting, the
 * no-answer timeout.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pty_peer.h"
#include "rig/error.h"
#include "rig/source.h"

struct fake {
    struct pty_peer pty;
    pthread_t thread;
    atomic_bool stop;
    atomic_bool mute;
    double volt, curr, phase, freq, energy;
    bool output;
    int errors[8];
    int nerr;
    char log[64][128];
    atomic_int nlog;
};

static struct fake fake;

static void reply(struct fake *f, const char *fmt, double v)
{
    char buf[128];
    int n = fmt ? snprintf(buf, sizeof buf, fmt, v) : 0;
    buf[n++] = '\n';
    (void)!write(f->pty.master, buf, (size_t)n);
}

static void push(struct fake *f, int code)
{
    if (f->nerr < 8)
        f->errors[f->nerr++] = code;
}

static void set_or_query(struct fake *f, const char *arg, double *slot, double max)
{
    if (arg[0] == '?') {
        reply(f, "%.6g", *slot);
        return;
    }
    double v = strtod(arg, NULL);
    if (v > max)
        push(f, -222);
    else
        *slot = v;
}

static void execute(struct fake *f, char *line)
{
    int i = atomic_fetch_add(&f->nlog, 1);
    if (i < 64)
        snprintf(f->log[i], sizeof f->log[i], "%.127s", line);
    if (atomic_load(&f->mute))
        return;
    if (strcmp(line, "*IDN?") == 0) {
        (void)!write(f->pty.master, "FAKE,SOURCE,1,0.1\n", 18);
    } else if (strcmp(line, "SYST:ERR?") == 0) {
        if (f->nerr == 0) {
            (void)!write(f->pty.master, "0,\"No error\"\n", 13);
        } else {
            int code = f->errors[0];
            memmove(f->errors, f->errors + 1, sizeof f->errors[0] * (size_t)--f->nerr);
            reply(f, code == -222 ? "%.0f,\"Data out of range\"" : "%.0f,\"Undefined header\"",
                  code);
        }
    } else if (strncmp(line, "SOUR:VOLT", 9) == 0) {
        set_or_query(f, line + 9 + (line[9] == ' '), &f->volt, 480);
    } else if (strncmp(line, "SOUR:CURR", 9) == 0) {
        set_or_query(f, line + 9 + (line[9] == ' '), &f->curr, 120);
    } else if (strncmp(line, "SOUR:PHAS", 9) == 0) {
        set_or_query(f, line + 9 + (line[9] == ' '), &f->phase, 360);
    } else if (strncmp(line, "SOUR:FREQ", 9) == 0) {
        set_or_query(f, line + 9 + (line[9] == ' '), &f->freq, 70);
    } else if (strcmp(line, "OUTP ON") == 0) {
        f->output = true;
    } else if (strcmp(line, "OUTP OFF") == 0) {
        f->output = false;
    } else if (strcmp(line, "OUTP?") == 0) {
        reply(f, "%.0f", f->output);
    } else if (strcmp(line, "MEAS:ENER?") == 0) {
        reply(f, "%.6f", f->energy);
    } else if (strcmp(line, "MEAS:ENER:RES") == 0) {
        f->energy = 0;
    } else {
        push(f, -113);
    }
}

static void *serve(void *arg)
{
    struct fake *f = arg;
    char line[256];
    size_t len = 0;
    while (!atomic_load(&f->stop)) {
        struct pollfd p = {.fd = f->pty.master, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        char c;
        while (read(f->pty.master, &c, 1) == 1) {
            if (c == '\n') {
                line[len] = '\0';
                execute(f, line);
                len = 0;
            } else if (len < sizeof line - 1) {
                line[len++] = c;
            }
            struct pollfd q = {.fd = f->pty.master, .events = POLLIN};
            if (poll(&q, 1, 0) <= 0)
                break;
        }
    }
    return NULL;
}

static struct rig_source *src;

static void setup(void)
{
    memset(&fake, 0, sizeof fake);
    fake.energy = 12.5;
    cr_assert_eq(pty_peer_open(&fake.pty), 0);
    cr_assert_eq(pthread_create(&fake.thread, NULL, serve, &fake), 0);
    cr_assert_eq(rig_source_open(fake.pty.path, 115200, RIG_TRANSPORT_TERMIOS, &src), 0, "%s",
                 rig_last_error());
}

static void teardown(void)
{
    rig_source_close(src);
    atomic_store(&fake.stop, true);
    pthread_join(fake.thread, NULL);
    pty_peer_close(&fake.pty);
}

TestSuite(source_scpi, .init = setup, .fini = teardown);

Test(source_scpi, set_sends_each_setting_and_checks_errors)
{
    cr_assert_eq(rig_source_set(src, 230, 5, 60, 50), 0, "%s", rig_last_error());
    cr_expect_float_eq(fake.volt, 230, 1e-9);
    cr_expect_float_eq(fake.curr, 5, 1e-9);
    cr_expect_float_eq(fake.phase, 60, 1e-9);
    cr_expect_float_eq(fake.freq, 50, 1e-9);
    /* every setting is followed by SYST:ERR? */
    cr_expect_str_eq(fake.log[0], "SOUR:VOLT 230");
    cr_expect_str_eq(fake.log[1], "SYST:ERR?");
    cr_expect_str_eq(fake.log[2], "SOUR:CURR 5");
    cr_expect_str_eq(fake.log[3], "SYST:ERR?");
    double v;
    cr_assert_eq(rig_source_measure(src, "SOUR:VOLT?", &v), 0, "%s", rig_last_error());
    cr_expect_float_eq(v, 230, 1e-9);
}

Test(source_scpi, negative_phase_is_sent_as_is)
{
    cr_assert_eq(rig_source_set(src, 230, 10, -36.87, 50), 0, "%s", rig_last_error());
    cr_expect_float_eq(fake.phase, -36.87, 1e-9);
}

Test(source_scpi, instrument_error_is_reported_with_the_command)
{
    int rc = rig_source_set(src, 999, 5, 0, 50);
    cr_assert_eq(rc, -ERANGE);
    cr_expect(strstr(rig_last_error(), "-222,\"Data out of range\""), "%s", rig_last_error());
    cr_expect(strstr(rig_last_error(), "SOUR:VOLT 999"), "%s", rig_last_error());
    /* the queue was read out: the next command is clean */
    cr_expect_eq(rig_source_set(src, 230, 5, 0, 50), 0, "%s", rig_last_error());
}

Test(source_scpi, raw_command_and_query)
{
    char reply[64];
    cr_assert_eq(rig_source_query(src, "*IDN?", reply, sizeof reply), 0, "%s", rig_last_error());
    cr_expect_str_eq(reply, "FAKE,SOURCE,1,0.1");
    cr_expect_eq(rig_source_query(src, "BOGUS:CMD 1", reply, sizeof reply), -EREMOTEIO);
    cr_expect(strstr(rig_last_error(), "-113"), "%s", rig_last_error());
    cr_expect(strstr(rig_last_error(), "BOGUS:CMD 1"), "%s", rig_last_error());
}

Test(source_scpi, output_and_energy)
{
    double wh = 0;
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_expect(fake.output);
    cr_assert_eq(rig_source_energy(src, &wh), 0, "%s", rig_last_error());
    cr_expect_float_eq(wh, 12.5, 1e-9);
    cr_assert_eq(rig_source_energy_reset(src), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_energy(src, &wh), 0, "%s", rig_last_error());
    cr_expect_float_eq(wh, 0, 1e-12);
    cr_assert_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
    cr_expect(!fake.output);
}

Test(source_scpi, no_answer_gives_the_clear_error)
{
    double wh;
    atomic_store(&fake.mute, true);
    rig_source_set_timeout(src, 200);
    cr_assert_eq(rig_source_energy(src, &wh), -ETIMEDOUT);
    char expect[160];
    snprintf(expect, sizeof expect, "source: no answer on %s", fake.pty.path);
    cr_expect(strstr(rig_last_error(), expect), "%s", rig_last_error());
    cr_expect(strstr(rig_last_error(), "check the cable, baud and that the instrument is on"), "%s",
              rig_last_error());
}

Test(source_scpi, signal_handler_fd_reaches_the_instrument)
{
    int fd = rig_source_fd(src);
    cr_assert_geq(fd, 0);
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(write(fd, "OUTP OFF\n", 9), 9);
    double on = 1;
    cr_assert_eq(rig_source_measure(src, "OUTP?", &on), 0, "%s", rig_last_error());
    cr_expect_float_eq(on, 0, 1e-12);
}
