/*
 * cmd_eol.c — `rig eol`: the factory end-of-line job on a rack as an
 * operator runs it (rig/eol.h): progress per load point, the per-position
 * summary, and an exit status that says whether every position passed.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void help(void)
{
    printf("usage: rig eol (--dir DIR | --bench FILE) [--profile routine|full] [--no-seal]\n"
           "               [--report DIR] [--records URL] [--image FILE] [--wait S]\n\n"
           "Runs the factory end-of-line on every position of the bench at once: flash\n"
           "(every probe at once; a real bench flashes the MCU image, never the host\n"
           "build), precheck, calibrate, verify, drift and clock checks, identify, seal.\n"
           "Pulse output 1 runs at the factory test constant (100000 imp/kWh) while\n"
           "measuring, so every position gates a load point in seconds; sealing gives\n"
           "the legal 1000 imp/kWh back.\n\n"
           "--profile NAME  verification points, fixtures/loadpoints/NAME.ini: routine\n"
           "                (default: Imin PF 1, Itr PF 0.5L, Iref PF 1, Imax PF 1) or full\n"
           "                (every EN 50470-3 point)\n"
           "--no-seal       calibrate and verify, but leave the units unsealed (locked)\n"
           "--report DIR    certificates/SERIAL.txt, index.html and summary.txt under DIR\n"
           "--records URL   record every measurement: an SQLite file or a postgresql:// URL\n"
           "--image FILE    the firmware to flash (default: the bench's own image)\n"
           CLI_WAIT_HELP
           "\nProgress, one line per load point, goes to stderr; the summary, one line per\n"
           "position, to stdout. A unit that fails is never sealed; its line says why.\n"
           "Exit status: 0 every position passed, 1 some did not (or the rack was\n"
           "aborted: the source is switched off), 2 usage.\n"
           CLI_OUTPUT_HELP);
}

static void summary(struct rig_bench *bench, const struct rig_eol_result *r, unsigned n)
{
    printf("%-4s %-10s %-12s %-6s %-11s %-7s %-8s %s\n", "pos", "serial", "model", "result",
           "worst_ratio", "sealed", "imp/kWh", "reason");
    for (unsigned i = 0; i < n; i++) {
        const struct rig_position *p = rig_bench_position(bench, i + 1);
        char ratio[16] = "-";
        if (isfinite(r[i].worst_error_ratio) && (r[i].verified || r[i].worst_error_ratio > 0))
            snprintf(ratio, sizeof ratio, "%.3f", r[i].worst_error_ratio);
        printf("%-4u %-10s %-12s %-6s %-11s %-7s %-8u %s\n", i + 1,
               p && p->serial ? p->serial : "-", p && p->model ? p->model : "-",
               r[i].pass ? "PASS" : "FAIL", ratio, r[i].sealed ? "yes" : "no",
               r[i].pulse1_imp_per_kwh, r[i].reason);
    }
}

int cmd_eol(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},     {"bench", required_argument, NULL, 'b'},
        {"profile", required_argument, NULL, 'p'}, {"no-seal", no_argument, NULL, 'n'},
        {"report", required_argument, NULL, 'r'},  {"records", required_argument, NULL, 'R'},
        {"image", required_argument, NULL, 'i'},   CLI_WAIT_OPTION,
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    struct rig_eol_options opt = {.seal = true, .profile = RIG_PROFILE_DEFAULT};
    const char *records = NULL;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "+h", opts, NULL)) != -1;) {
        if (cli_target_option("eol", c, optarg, &t))
            continue;
        switch (c) {
        case 'p': opt.profile = optarg; break;
        case 'n': opt.seal = false; break;
        case 'r': opt.report_dir = optarg; break;
        case 'R': records = optarg; break;
        case 'i': opt.image = optarg; break;
        case 'h': help(); return 0;
        default: cli_usage("eol", "bad option");
        }
    }
    if (optind != argc)
        cli_usage("eol", "no operands (did you mean --bench FILE?)");
    if (!t.dir && !t.bench_file)
        cli_usage("eol", "which bench: --dir DIR or --bench FILE");
    struct rig_bench *bench = cli_open("eol", &t);
    struct rig_records *db = cli_records("eol", bench, records);
    unsigned n = rig_bench_position_count(bench);
    struct rig_eol_result *r = calloc(n ? n : 1, sizeof *r);
    if (!r)
        cli_fail("eol", bench, "out of memory");
    int rc = rig_eol_run(bench, &opt, r);
    char why[1024];
    snprintf(why, sizeof why, "%s", rig_last_error());
    summary(bench, r, n);
    unsigned passed = 0;
    for (unsigned i = 0; i < n; i++)
        passed += r[i].pass;
    printf("EOL %s: %u of %u positions passed (profile %s)\n", rc == 0 ? "PASS" : "FAIL", passed,
           n, opt.profile);
    free(r);
    rig_bench_set_records(bench, NULL);
    rig_records_close(db);
    if (rc < 0)
        cli_fail("eol", bench, "%s", why);
    cli_done(bench);
    return rc == 0 ? 0 : CLI_EXIT_FAIL;
}
