/*
 * cli.h — the `rig` command line: shared helpers (cli_common.c) and one
 * entry point per verb (cmd_*.c).
 */
#ifndef RIG_CLI_H
#define RIG_CLI_H

#include <stdbool.h>

#include "rig/rig.h"

#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

/* Which bench a verb works on: --dir DIR (a `rig sim up` bench) or --bench FILE. */
struct cli_target {
    const char *dir;
    const char *bench_file;
    double wait_s; /* --wait: how long to wait for a bench another client holds */
};

/* --wait SECONDS, the same on every verb that opens a bench. */
#define CLI_WAIT_OPTION {"wait", required_argument, NULL, 'W'}
#define CLI_WAIT_HELP                                                                      \
    "--wait SECONDS  wait that long for a bench another client is using (default: fail\n"   \
    "at once, naming who has it)\n"
double cli_wait(const char *verb, const char *text);

/* The options every verb that opens a bench takes ('d' --dir, 'b' --bench,
 * 'W' --wait): true if c was one of them (and t took it). */
bool cli_target_option(const char *verb, int c, const char *arg, struct cli_target *t);

/* The records store at url (NULL: none) opened for bench and made its
 * store; fails the verb if it cannot be opened. Close it with
 * rig_records_close after rig_bench_set_records(bench, NULL). */
struct rig_records *cli_records(const char *verb, struct rig_bench *bench, const char *url);

/*
 * Open the target's bench and arm the safety net: from here until
 * cli_done(), SIGINT/SIGTERM/SIGHUP and cli_fail() switch the source off.
 * Exits with a one-line error if the bench cannot be opened.
 */
struct rig_bench *cli_open(const char *verb, const struct cli_target *t);

/*
 * Finish a successful verb. The source output is left as it was (only
 * `rig source on|off` change it): on a shared simulated bench several
 * clients work at once, and reading a meter must not de-energise the bench
 * under another one. A private simulated bench (kind = sim file) is stopped.
 */
void cli_done(struct rig_bench *bench);

/* Print "rig VERB: message" (one line), switch the source off, exit 1:
 * after a failure nobody knows what the bench is doing, so it is made safe. */
__attribute__((noreturn, format(printf, 3, 4))) void cli_fail(const char *verb,
                                                              struct rig_bench *bench,
                                                              const char *fmt, ...);

/* cli_fail with the last error of talking to position's unit, saying so
 * first if the bench knows the unit is not running. */
__attribute__((noreturn)) void cli_fail_unit(const char *verb, struct rig_bench *bench,
                                             unsigned position);

/* Print "rig VERB: message — see rig VERB --help" and exit 2. */
__attribute__((noreturn, format(printf, 2, 3))) void cli_usage(const char *verb,
                                                               const char *fmt, ...);

/* Parse a number or fail with a usage error naming what. */
double cli_number(const char *verb, const char *what, const char *text);
unsigned cli_unsigned(const char *verb, const char *what, const char *text, unsigned lo,
                      unsigned hi);

/* Parse --endian: auto (-1) or the rig_endian mode; a usage error otherwise. */
int cli_parse_endian(const char *verb, const char *text);

/* Print "name value [unit]" for a value of id, formatted by its type. */
void cli_print_value(enum med2_reg_id id, double v);

/* Line settings given on the command line, overriding the bench's (0: keep). */
struct cli_line {
    int slave;
    int baud;
    char parity;
    int stop_bits;
};

/* Parse one of --slave/--baud/--parity/--stop into line; usage error if bad. */
void cli_parse_line_option(const char *verb, const char *option, const char *text,
                           struct cli_line *line);

/* Talk to m with the overrides in line (if any); fails the verb on error. */
void cli_apply_line(const char *verb, struct rig_bench *bench, struct rig_meter *m,
                    const struct cli_line *line);

/* What every verb that opens a bench says about the source output. */
#define CLI_OUTPUT_HELP                                                                    \
    "Source output: left as it was if this succeeds (only rig source on|off, or OUTP\n"    \
    "sent with rig source raw, change it); switched off if this fails or is\n"            \
    "interrupted (SIGINT, SIGTERM, SIGHUP).\n"

#define CLI_LINE_HELP                                                                      \
    "--slave N, --baud B, --parity N|E|O, --stop 1|2 talk to the unit with these line\n"   \
    "settings instead of the bench's (e.g. after changing them with rig write).\n"

int cmd_sim(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_source(int argc, char **argv);
int cmd_flash(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_ci(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_press(int argc, char **argv);
int cmd_display(int argc, char **argv);
int cmd_eol(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_pulses(int argc, char **argv);
int cmd_power(int argc, char **argv);

#endif
