/*
 * cmd_source.c — `rig source`: set, switch and query the AC source.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define DEFAULT_PHASE_DEG 0.0
#define DEFAULT_FREQ_HZ 50.0

static void help(void)
{
    printf("usage: rig source (--dir DIR | --bench FILE) [--wait S] COMMAND\n\n"
           "commands:\n"
           "  set V A [PHASE [FREQ]]  rms volts, rms amps, degrees the current lags (default\n"
           "                          0; 60 = PF 0.5 ind, -36.87 = PF 0.8 cap), Hz (default 50)\n"
           "  on                      energise the terminals (OUTP ON)\n"
           "  off                     de-energise them (OUTP OFF, then checks OUTP? says 0)\n"
           "  energy                  reference active energy since reset, Wh (MEAS:ENER?)\n"
           "  reset                   zero the reference energies (MEAS:ENER:RES)\n"
           "  raw 'SCPI'              send one SCPI line; a query (with ?) prints its reply\n\n"
           CLI_WAIT_HELP CLI_OUTPUT_HELP);
}

int cmd_source(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'}, CLI_WAIT_OPTION,
        {"bench", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': t.dir = optarg; break;
        case 'W': t.wait_s = cli_wait("source", optarg); break;
        case 'b': t.bench_file = optarg; break;
        case 'h': help(); return 0;
        default: cli_usage("source", "bad option");
        }
    }
    if (optind >= argc)
        cli_usage("source", "which command? set, on, off, energy, reset or raw");
    const char *cmd = argv[optind];
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    double v = 0, a = 0, phase = DEFAULT_PHASE_DEG, freq = DEFAULT_FREQ_HZ;

    if (strcmp(cmd, "set") == 0) {
        if (nargs < 2 || nargs > 4)
            cli_usage("source", "set takes V A [PHASE [FREQ]]");
        v = cli_number("source", "V", args[0]);
        a = cli_number("source", "A", args[1]);
        if (nargs > 2)
            phase = cli_number("source", "PHASE", args[2]);
        if (nargs > 3)
            freq = cli_number("source", "FREQ", args[3]);
    } else if (strcmp(cmd, "raw") == 0) {
        if (nargs != 1)
            cli_usage("source", "raw takes one quoted SCPI line");
    } else if (strcmp(cmd, "on") && strcmp(cmd, "off") && strcmp(cmd, "energy") &&
               strcmp(cmd, "reset")) {
        cli_usage("source", "unknown command '%s'", cmd);
    } else if (nargs != 0) {
        cli_usage("source", "%s takes no operands", cmd);
    }

    struct rig_bench *bench = cli_open("source", &t);
    struct rig_source *src = rig_bench_source(bench);
    int rc;
    if (!src)
        cli_fail("source", bench, "%s", rig_last_error());
    if (strcmp(cmd, "set") == 0) {
        rc = rig_source_set(src, v, a, phase, freq);
    } else if (strcmp(cmd, "on") == 0 || strcmp(cmd, "off") == 0) {
        rc = rig_source_output(src, strcmp(cmd, "on") == 0);
    } else if (strcmp(cmd, "energy") == 0) {
        double wh = 0;
        rc = rig_source_energy(src, &wh);
        if (rc == 0)
            printf("%.6f Wh\n", wh);
    } else if (strcmp(cmd, "reset") == 0) {
        rc = rig_source_energy_reset(src);
    } else {
        char reply[512];
        rc = rig_source_query(src, args[0], reply, sizeof reply);
        if (rc == 0 && reply[0])
            printf("%s\n", reply);
    }
    if (rc < 0)
        cli_fail("source", bench, "%s", rig_last_error());
    cli_done(bench);
    return 0;
}
