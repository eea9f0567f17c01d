/*
 * cmd_health.c — `rig health`: is the bench fit to run a job? (rig/health.h)
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "rig/health.h"

static void help(void)
{
    printf("usage: rig health (--dir DIR | --bench FILE) [--wait S] [--records FILE]\n\n"
           "Checks the bench before a job: the source answers (*IDN?, no error); every\n"
           "position answers Modbus (or its factory port); at %.0f %% of the rack's\n"
           "smallest Imax, PF 1, every position's pulse output 1 agrees with the\n"
           "reference within %.0f %%; a golden unit (golden = ERROR_PCT,WINDOW_PCT in its\n"
           "[position N]) stays within its window; the source is off afterwards,\n"
           "confirmed by OUTP?. Prints one line per position and the verdict; with\n"
           "--records, every result is a record in that file.\n"
           "Exit status: 0 fit, 1 not fit (or the check could not run), 2 usage.\n"
           CLI_WAIT_HELP,
           80.0, RIG_HEALTH_PULSE_LIMIT * 100.0);
}

int cmd_health(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},  {"bench", required_argument, NULL, 'b'},
        {"records", required_argument, NULL, 'r'}, CLI_WAIT_OPTION,
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    const char *records = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': t.dir = optarg; break;
        case 'b': t.bench_file = optarg; break;
        case 'r': records = optarg; break;
        case 'W': t.wait_s = cli_wait("health", optarg); break;
        case 'h': help(); return 0;
        default: cli_usage("health", "bad option");
        }
    }
    if (optind != argc)
        cli_usage("health", "no operands");
    struct rig_bench *bench = cli_open("health", &t);
    struct rig_records *db = NULL;
    if (records && rig_records_open(records, rig_bench_name(bench), &db) < 0)
        cli_fail("health", bench, "%s", rig_last_error());
    rig_bench_set_records(bench, db);
    unsigned n = rig_bench_position_count(bench);
    struct rig_health h;
    struct rig_health_position *pos = calloc(n ? n : 1, sizeof *pos);
    if (!pos)
        cli_fail("health", bench, "out of memory");
    int rc = rig_health_check(bench, &h, pos);
    printf("bench %s: source %s%s; load %.1f A PF 1; %.1f s of bench time\n",
           rig_bench_name(bench), h.source_ok ? h.source_id : "NOT ANSWERING",
           h.source_off ? ", off (confirmed)" : ", NOT CONFIRMED OFF", h.amps, h.bench_s);
    for (unsigned i = 0; i < n; i++) {
        const struct rig_position *p = rig_bench_position(bench, i + 1);
        printf("position %2u %-10s %-12s %s", i + 1, p->serial ? p->serial : "-", p->model,
               pos[i].pass ? "PASS" : "FAIL");
        if (pos[i].answers && isfinite(pos[i].error) && pos[i].error != 0.0)
            printf("  pulse 1 %+.2f %%%s", pos[i].error * 100.0, pos[i].golden ? " (golden)" : "");
        printf("%s%s\n", pos[i].why[0] ? "  " : "", pos[i].why);
    }
    printf("HEALTH %s%s%s\n", h.pass ? "PASS" : "FAIL", h.why[0] ? ": " : "", h.why);
    free(pos);
    rig_bench_set_records(bench, NULL);
    rig_records_close(db);
    if (rc < 0)
        cli_fail("health", bench, "%s", rig_last_error());
    cli_done(bench);
    return h.pass ? 0 : CLI_EXIT_FAIL;
}
