/*
 * cmd_replay.c — `rig replay`: apply a field profile (CSV or COMTRADE) to
 * positions of a bench, trace it, check the energy against the profile.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rig/eol.h"
#include "rig/nvdump.h"
#include "rig/replay.h"

static void help(void)
{
    printf("usage: rig replay (--dir DIR | --bench FILE) [--wait S] [--position N|all]\n"
           "                  [--trace FILE] [--every S] [--limit PCT] [--password P]\n"
           "                  [--calibrate] [--dump FILE] PROFILE\n\n"
           "Replays PROFILE on position N (default 1) or every position: a CSV profile of\n"
           "terminal conditions and events (fixtures/profiles/README.md), or a COMTRADE\n"
           "recording (PROFILE.cfg with its .dat, C37.111-1999 or -2013). On a simulated\n"
           "bench a recording's samples go to the units' AFEs; on a real one its cycles drive\n"
           "the source. The trace (CSV: time, position, registers, pulses, events) goes to\n"
           "FILE every S seconds (default 60) and at every event; the energy registers are\n"
           "checked at the profile's marks and at the end against its reference integral,\n"
           "within PCT %% (default: the model's class limit). --calibrate first calibrates\n"
           "the units (a fresh simulated unit is not). The profile is read and checked\n"
           "before the bench is opened: a bad one touches nothing.\n"
           "Exit 0: every check passed; 1: one failed, or the replay failed.\n"
           "The source output is on during the replay and off at its end.\n"
           "--dump FILE starts from the field state (simulated bench): FILE, a field unit's\n"
           "register dump (`rig read all` output, fixtures/profiles/README.md), goes into\n"
           "the NV of every replayed position before the replay starts; a bad dump (file:line)\n"
           "writes nothing.\n" CLI_WAIT_HELP);
}

/* Print the checks; true if all passed. */
static bool print_checks(const struct rig_replay_result *r)
{
    printf("%-10s %-4s %-16s %14s %14s %9s %7s %s\n", "t_s", "pos", "check", "meter_wh",
           "reference_wh", "error_%", "limit_%", "result");
    for (size_t k = 0; k < r->n_checks; k++) {
        const struct rig_replay_check *c = &r->checks[k];
        printf("%-10.1f %-4u %-16s %14.4f %14.4f %9.4f %7.2f %s\n", c->t_s, c->position,
               c->label, c->meter_wh, c->reference_wh, c->error_pct, c->limit_pct,
               c->pass ? "PASS" : "FAIL");
    }
    return r->pass;
}

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},      {"bench", required_argument, NULL, 'b'},
        CLI_WAIT_OPTION,                            {"position", required_argument, NULL, 'p'},
        {"trace", required_argument, NULL, 't'},    {"every", required_argument, NULL, 'e'},
        {"limit", required_argument, NULL, 'l'},    {"password", required_argument, NULL, 'P'},
        {"calibrate", no_argument, NULL, 'c'},      {"help", no_argument, NULL, 'h'},
        {"dump", required_argument, NULL, 'D'},     {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    const char *position = "1", *trace_path = NULL, *dump = NULL;
    struct rig_replay_options o = {0};
    bool calibrate = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (cli_target_option("replay", c, optarg, &t))
            continue;
        switch (c) {
        case 'p': position = optarg; break;
        case 't': trace_path = optarg; break;
        case 'e': o.trace_every_s = cli_number("replay", "--every", optarg); break;
        case 'l': o.limit_pct = cli_number("replay", "--limit", optarg); break;
        case 'P': o.password = optarg; break;
        case 'c': calibrate = true; break;
        case 'D': dump = optarg; break;
        case 'h': help(); return 0;
        default: cli_usage("replay", "bad option");
        }
    }
    if (optind + 1 != argc)
        cli_usage("replay", "give one profile (.csv or COMTRADE .cfg)");
    if (o.trace_every_s < 0 || o.limit_pct < 0)
        cli_usage("replay", "--every and --limit are positive");
    struct rig_profile *p;
    if (rig_profile_load(argv[optind], &p) < 0) {
        fprintf(stderr, "rig replay: %s\n", rig_last_error());
        return CLI_EXIT_FAIL;
    }
    FILE *trace = NULL;
    if (trace_path && !(trace = fopen(trace_path, "w"))) {
        fprintf(stderr, "rig replay: %s: cannot write the trace\n", trace_path);
        rig_profile_free(p);
        return CLI_EXIT_FAIL;
    }
    struct rig_bench *bench = cli_open("replay", &t);
    unsigned all[64];
    unsigned n = rig_bench_position_count(bench);
    if (strcmp(position, "all") == 0) {
        for (unsigned k = 0; k < n && k < 64; k++)
            all[k] = k + 1;
        o.n_positions = n < 64 ? n : 64;
    } else {
        all[0] = cli_unsigned("replay", "--position", position, 1, 64);
        o.n_positions = 1;
    }
    o.positions = all;
    o.trace = trace;
    if (rig_replay_validate(bench, p, &o) < 0)
        cli_fail("replay", bench, "%s", rig_last_error());
    if (calibrate) {
        struct rig_eol_result res[64];
        memset(res, 0, sizeof res);
        if (rig_eol_calibrate(bench, res) < 0)
            cli_fail("replay", bench, "calibrating: %s", rig_last_error());
    }
    for (unsigned k = 0; dump && k < o.n_positions; k++)
        if (rig_bench_load_dump(bench, all[k], dump) < 0)
            cli_fail("replay", bench, "%s", rig_last_error());
    struct rig_replay_result r;
    if (rig_replay_run(bench, p, &o, &r) < 0)
        cli_fail("replay", bench, "%s", rig_last_error());
    bool pass = print_checks(&r);
    printf("replayed %.1f s of %s in %.2f s wall, %zu trace rows\n", p->end_s, p->path, r.wall_s,
           r.n_rows);
    rig_replay_result_free(&r);
    rig_profile_free(p);
    if (trace)
        fclose(trace);
    cli_done(bench);
    return pass ? 0 : CLI_EXIT_FAIL;
}
