/*
 * main.c — `rig`: the MED2 HIL rig's command line. Dispatches to a verb.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} verbs[] = {
    {"sim", cmd_sim, "start, stop or fast-forward a simulated bench (up, down, advance)"},
    {"read", cmd_read, "read a meter's registers by name"},
    {"write", cmd_write, "configure a meter: password, write, save, read back"},
    {"source", cmd_source, "set, switch and query the AC source"},
    {"flash", cmd_flash, "flash a firmware image into one or all positions"},
    {"ci", cmd_ci, "one CI job on a bench: lock, health, flash, suites, JUnit, records"},
    {"health", cmd_health, "check the bench before a job: source, lines, pulses, golden unit"},
    {"serve", cmd_serve, "the operator page of a bench: live EOL progress, PASS/FAIL, report"},
    {"press", cmd_press, "press a meter's button (next, enter), short or held"},
    {"display", cmd_display, "read what a meter's display shows (frame or OCR), or save its picture"},
    {"measure", cmd_measure, "the error of every position at one load point (error calculator)"},
    {"pulses", cmd_pulses, "watch a pulse output: each pulse's time, width and implied power"},
    {"eol", cmd_eol, "factory end-of-line on a rack: flash, calibrate, verify, seal, summary"},
    {"power", cmd_power, "switch a position's supply: on, a warned cut, or a hard cut (simulated)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: rig VERB [OPTIONS] ...\n\n"
               "The MED2 hardware-in-the-loop rig. A bench is either a simulated one started\n"
               "with `rig sim up --dir DIR` (then --dir DIR) or one described by a bench file\n"
               "(--bench fixtures/benches/NAME.ini). Options come before operands.\n\n"
               "verbs:\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(f, "\n`rig VERB --help` describes a verb. Errors are one line on stderr and a\n"
               "non-zero exit. A verb that succeeds leaves the source output as it was (only\n"
               "rig source on|off change it); a verb that fails or is interrupted switches\n"
               "it off.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(argv[1], verbs[i].name) == 0)
            return verbs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "rig: unknown verb '%s' — see rig --help\n", argv[1]);
    return CLI_EXIT_USAGE;
}
