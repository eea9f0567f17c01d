/*
 * cli_common.c — what every verb of `rig` shares: opening the bench, the
 * safety net (source off on a signal or a failure), one-line errors.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* The open source's fd, for the signal handler; -1 when none. */
static volatile sig_atomic_t source_fd = -1;
static struct rig_bench *open_bench;

/* Write all of s to fd (async-signal-safe). */
static void put(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/*
 * Switch the output off and ask whether it is: a reply of "0" to OUTP?
 * within the timeout. Only write, poll and read — async-signal-safe —
 * since this runs in the handler; earlier replies still in the line (an
 * interrupted query) are read past: the last line is OUTP?'s.
 */
#define OFF_CONFIRM_MS 2000
static bool switch_off_confirmed(int fd)
{
    static const char cmd[] = "OUTP OFF\nOUTP?\n";
    char buf[256];
    size_t len = 0;
    put(fd, cmd, sizeof cmd - 1);
    for (int waited = 0; waited < OFF_CONFIRM_MS; waited += 20) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            continue;
        len += (size_t)n;
        if (len >= sizeof buf - 1)
            len = 0; /* only the last line matters */
        /* the last complete line */
        if (len > 0 && buf[len - 1] == '\n') {
            size_t end = len - 1, start = end;
            if (end > 0 && buf[end - 1] == '\r')
                end--;
            while (start > 0 && buf[start - 1] != '\n')
                start--;
            return end - start == 1 && buf[start] == '0';
        }
    }
    return false;
}

static void on_signal(int sig)
{
    static const char ok[] = "rig: interrupted — source output switched off (confirmed)\n";
    static const char unsure[] = "rig: interrupted — OUTP OFF sent, but the source did not "
                                 "confirm it is off: CHECK THE SOURCE\n";
    static const char msg_none[] = "rig: interrupted\n";
    int fd = source_fd;
    if (fd >= 0) {
        bool off = switch_off_confirmed(fd);
        put(2, off ? ok : unsure, off ? sizeof ok - 1 : sizeof unsure - 1);
    } else {
        put(2, msg_none, sizeof msg_none - 1);
    }
    _exit(128 + sig);
}

static void arm(struct rig_bench *bench)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    open_bench = bench;
    source_fd = rig_source_fd(rig_bench_source(bench));
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static void disarm(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    source_fd = -1;
    open_bench = NULL;
}

struct rig_bench *cli_open(const char *verb, const struct cli_target *t)
{
    struct rig_bench *bench = NULL;
    int rc;
    if (t->dir && t->bench_file)
        cli_usage(verb, "give --dir or --bench, not both");
    const struct rig_bench_options opt = {.lock_wait_s = t->wait_s};
    if (t->dir)
        rc = rig_bench_attach_with(t->dir, &opt, &bench);
    else if (t->bench_file)
        rc = rig_bench_open_with(t->bench_file, &opt, &bench);
    else
        cli_usage(verb, "which bench? give --dir DIR (a rig sim up bench) or --bench FILE");
    if (rc < 0)
        cli_fail(verb, NULL, "%s", rig_last_error());
    arm(bench);
    return bench;
}

void cli_fail_unit(const char *verb, struct rig_bench *bench, unsigned position)
{
    char msg[1024], why[160];
    snprintf(msg, sizeof msg, "%s", rig_last_error());
    if (rig_bench_unit_running(bench, position, why, sizeof why) == 0)
        cli_fail(verb, bench, "position %u is not running: %s — flash it again (rig flash "
                              "--position %u) [%s]",
                 position, why, position, msg);
    cli_fail(verb, bench, "%s", msg);
}

double cli_wait(const char *verb, const char *text)
{
    double s = cli_number(verb, "--wait", text);
    if (!(s >= 0.0))
        cli_usage(verb, "--wait must be a number of seconds >= 0");
    return s;
}

void cli_done(struct rig_bench *bench)
{
    disarm();
    rig_bench_release(bench);
}

void cli_fail(const char *verb, struct rig_bench *bench, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!bench)
        bench = open_bench;
    disarm();
    /* Source off first (rig_bench_close does it); then say why we stopped. */
    rig_bench_close(bench);
    /* "rig source: source: ..." says the same thing twice. */
    size_t vl = strlen(verb);
    const char *text = strncmp(msg, verb, vl) == 0 && msg[vl] == ':' && msg[vl + 1] == ' '
                           ? msg + vl + 2
                           : msg;
    fprintf(stderr, "rig %s: %s\n", verb, text);
    exit(CLI_EXIT_FAIL);
}

void cli_usage(const char *verb, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (open_bench) {
        struct rig_bench *b = open_bench;
        disarm();
        rig_bench_close(b);
    }
    fprintf(stderr, "rig %s: %s — see rig %s --help\n", verb, msg, verb);
    exit(CLI_EXIT_USAGE);
}

double cli_number(const char *verb, const char *what, const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v))
        cli_usage(verb, "%s '%s' is not a number", what, text);
    return v;
}

unsigned cli_unsigned(const char *verb, const char *what, const char *text, unsigned lo,
                      unsigned hi)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi || text[0] == '-')
        cli_usage(verb, "%s '%s' is not a number %u..%u", what, text, lo, hi);
    return (unsigned)v;
}

void cli_parse_line_option(const char *verb, const char *option, const char *text,
                           struct cli_line *line)
{
    if (strcmp(option, "slave") == 0) {
        line->slave = (int)cli_unsigned(verb, "--slave", text, 1, 247);
    } else if (strcmp(option, "baud") == 0) {
        line->baud = (int)cli_unsigned(verb, "--baud", text, 1, 4000000);
        if (rig_baud_code(line->baud) < 0)
            cli_usage(verb, "%s", rig_last_error());
    } else if (strcmp(option, "parity") == 0) {
        if (strcmp(text, "N") && strcmp(text, "E") && strcmp(text, "O"))
            cli_usage(verb, "--parity '%s' is not N, E or O", text);
        line->parity = text[0];
    } else {
        line->stop_bits = (int)cli_unsigned(verb, "--stop", text, 1, 2);
    }
}

void cli_apply_line(const char *verb, struct rig_bench *bench, struct rig_meter *m,
                    const struct cli_line *line)
{
    struct rig_line l;
    rig_meter_line(m, &l);
    if (!line->slave && !line->baud && !line->parity && !line->stop_bits)
        return;
    if (line->slave)
        l.slave = line->slave;
    if (line->baud)
        l.baud = line->baud;
    if (line->parity)
        l.parity = line->parity;
    if (line->stop_bits)
        l.stop_bits = line->stop_bits;
    if (rig_meter_set_line(m, &l) < 0)
        cli_fail(verb, bench, "%s", rig_last_error());
}

bool cli_target_option(const char *verb, int c, const char *arg, struct cli_target *t)
{
    switch (c) {
    case 'd': t->dir = arg; return true;
    case 'b': t->bench_file = arg; return true;
    case 'W': t->wait_s = cli_wait(verb, arg); return true;
    default: return false;
    }
}

struct rig_records *cli_records(const char *verb, struct rig_bench *bench, const char *url)
{
    struct rig_records *db = NULL;
    if (url && rig_records_open(url, rig_bench_name(bench), &db) < 0)
        cli_fail(verb, bench, "%s", rig_last_error());
    rig_bench_set_records(bench, db);
    return db;
}
