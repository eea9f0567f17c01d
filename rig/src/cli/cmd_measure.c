/*
 * cmd_measure.c — `rig measure`: the error of every position at one load
 * point, as a lab engineer checks a meter by hand: source on, settle, gate
 * (the error calculator, rig/measure.h), source off, a record per position.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rig/gate.h"
#include "rig/measure.h"

#define MEASURE_RESOLUTION 1e-4 /* relative error the gate resolves */
#define MEASURE_MIN_GATE_S 10.0
#define MEASURE_MIN_PULSES 2u

static void help(void)
{
    printf("usage: rig measure (--dir DIR | --bench FILE) [--position N|all] --volts V --amps A\n"
           "                   [--pf 0.5L|0.8C|1|DEG] [--output 1|2] [--records URL] [--wait S]\n\n"
           "Applies the load point (source on), settles, gates each position's pulse output\n"
           "against the reference standard's pulses (at least %.0f s and %u pulses, resolving\n"
           "%.0e), switches the source off and prints each position's error. --pf: a power\n"
           "factor with L (inductive) or C (capacitive), 1, or the degrees the current lags.\n"
           "Output 1 counts 1 Wh a pulse (a sealed unit); output 2's constant is read from the\n"
           "unit. Every position's result, failed ones too, is a record in --records (default:\n"
           "the bench file's records store, if it has one).\n"
           "Exit status 0 if every position was measured, 1 otherwise (each failure is one\n"
           "line naming the position and its line).\n\n" CLI_WAIT_HELP,
           MEASURE_MIN_GATE_S, MEASURE_MIN_PULSES, MEASURE_RESOLUTION);
}

/* "0.5L" -> 60, "0.8C" -> -36.87, "1" -> 0, else degrees */
static double parse_pf(const char *text)
{
    char *end;
    double x = strtod(text, &end);
    if (end == text)
        cli_usage("measure", "--pf '%s': a power factor (0.5L, 0.8C, 1) or degrees", text);
    if ((*end == 'L' || *end == 'C' || *end == 'l' || *end == 'c') && !end[1]) {
        if (!(x > 0.0 && x <= 1.0))
            cli_usage("measure", "--pf '%s': a power factor is 0..1", text);
        double deg = acos(x) * 180.0 / M_PI;
        return *end == 'L' || *end == 'l' ? deg : -deg;
    }
    if (*end || !isfinite(x))
        cli_usage("measure", "--pf '%s': a power factor (0.5L, 0.8C, 1) or degrees", text);
    return x == 1.0 ? 0.0 : x;
}

static void record(struct rig_records *db, struct rig_bench *bench, unsigned p, const char *name,
                   const struct rig_error *e)
{
    if (!db)
        return;
    const struct rig_position *pos = rig_bench_position(bench, p);
    struct rig_record r = {.name = name, .value = e->measured ? e->error * 100.0 : NAN,
                           .unit = "%", .lo = NAN, .hi = NAN,
                           .verdict = e->measured ? "INFO" : "FAIL", .position = p,
                           .serial = pos->serial};
    if (rig_record_measurement(db, &r) < 0)
        fprintf(stderr, "rig measure: WARNING: position %u: not recorded: %s\n", p,
                rig_last_error());
}

int cmd_measure(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},     {"bench", required_argument, NULL, 'b'},
        {"position", required_argument, NULL, 'p'}, {"volts", required_argument, NULL, 'V'},
        {"amps", required_argument, NULL, 'A'},    {"pf", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},  {"records", required_argument, NULL, 'r'},
        CLI_WAIT_OPTION,                           {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    const char *position = "all", *records = NULL;
    double volts = NAN, amps = NAN, phase = 0.0;
    unsigned output = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (cli_target_option("measure", c, optarg, &t))
            continue;
        switch (c) {
        case 'p': position = optarg; break;
        case 'V': volts = cli_number("measure", "--volts", optarg); break;
        case 'A': amps = cli_number("measure", "--amps", optarg); break;
        case 'f': phase = parse_pf(optarg); break;
        case 'o': output = cli_unsigned("measure", "--output", optarg, 1, 2); break;
        case 'r': records = optarg; break;
        case 'h': help(); return 0;
        default: cli_usage("measure", "bad option");
        }
    }
    if (optind != argc)
        cli_usage("measure", "no operands");
    if (!(volts > 0.0) || !(amps > 0.0))
        cli_usage("measure", "give the load point: --volts V --amps A (both > 0)");

    struct rig_bench *bench = cli_open("measure", &t);
    unsigned n = rig_bench_position_count(bench);
    unsigned only = strcmp(position, "all") == 0 ? 0 : cli_unsigned("measure", "--position",
                                                                    position, 1, n);
    struct rig_records *db = NULL;
    if (records && rig_records_open(records, rig_bench_name(bench), &db) < 0)
        cli_fail("measure", bench, "%s", rig_last_error());
    struct rig_gate *gates = calloc(n, sizeof *gates);
    struct rig_error *results = calloc(n, sizeof *results);
    if (!gates || !results)
        cli_fail("measure", bench, "out of memory");
    double watts = volts * amps * cos(phase * M_PI / 180.0);
    for (unsigned i = 0; i < n; i++) {
        if (only && i + 1 != only)
            continue;
        struct rig_gate_need need = {.kind = RIG_ENERGY_ACTIVE, .output = output, .power = watts,
                                     .resolution = MEASURE_RESOLUTION,
                                     .min_gate_s = MEASURE_MIN_GATE_S,
                                     .min_pulses = MEASURE_MIN_PULSES,
                                     .settle_s = RIG_GATE_LAB_SETTLE_S};
        if (rig_gate_output_wh(bench, i + 1, output, &need.wh_per_pulse) < 0)
            cli_fail("measure", bench, "%s", rig_last_error());
        gates[i] = rig_gate_plan(&need);
    }
    char name[96];
    snprintf(name, sizeof name, "measure.%gV %gA %+.2fdeg out%u", volts, amps, phase, output);
    struct rig_point pt = {volts, amps, phase, 50.0};
    int rc = rig_measure_point(bench, &pt, gates, results);
    char failure[512] = "";
    if (rc < 0)
        snprintf(failure, sizeof failure, "%s", rig_last_error());
    struct rig_source *src = rig_bench_source(bench);
    if (rc == 0 && src && rig_source_output(src, false) < 0)
        cli_fail("measure", bench, "%s", rig_last_error());

    struct rig_records *store = db ? db : rig_bench_records(bench);
    bool all = rc == 0;
    for (unsigned i = 0; i < n; i++) {
        if (!gates[i].pulses)
            continue;
        const struct rig_position *p = rig_bench_position(bench, i + 1);
        const struct rig_error *e = &results[i];
        record(store, bench, i + 1, name, e);
        if (e->measured)
            printf("position %2u %-10s %-12s error %+8.4f %%  (%u pulses, gate %.3f s, reference "
                   "%.6f Wh = %.3f pulses)\n",
                   i + 1, p->serial ? p->serial : "-", p->model, e->error * 100.0, e->pulses,
                   e->gate_s, e->reference_wh, e->reference_pulses);
        else
            fprintf(stderr, "rig measure: %s\n", e->why[0] ? e->why : "not measured");
        all = all && e->measured;
    }
    free(gates);
    free(results);
    rig_records_close(db);
    if (rc < 0)
        cli_fail("measure", bench, "%s", failure);
    cli_done(bench);
    return all ? 0 : CLI_EXIT_FAIL;
}
