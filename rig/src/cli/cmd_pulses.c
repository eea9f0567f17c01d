/*
 * cmd_pulses.c — `rig pulses`: watch a pulse output of one position for a
 * while and print every pulse: its timestamp (bench time), its width, the
 * time since the previous one and the power that implies, and the energy
 * they add up to.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>

#include "cli/cli.h"
#include "rig/gate.h"

#define PULSES_STEP_S 1.0 /* edges are taken at least this often */
#define PULSES_BUF 4096

static void help(void)
{
    printf("usage: rig pulses (--dir DIR | --bench FILE) --position N [--output 1|2]\n"
           "                  --for SECONDS [--wait S]\n\n"
           "Counts pulse output 1 (default) or 2 of position N for SECONDS of bench time and\n"
           "prints each pulse: its start (bench time, s), its width, the time since the one\n"
           "before and the power that implies at the output's constant (output 1: 1 Wh a\n"
           "pulse; output 2: read from the unit), then the count and the energy.\n\n"
           CLI_WAIT_HELP CLI_OUTPUT_HELP);
}

struct watch {
    unsigned output;
    double wh;
    bool have_rise, have_prev;
    uint64_t rise_ns, prev_rise_ns;
    unsigned count;
};

static void print_pulse(struct watch *w, uint64_t fall_ns)
{
    printf("pulse %5u  t %14.6f s  width %9.3f ms", w->count, w->rise_ns * 1e-9,
           (double)(fall_ns - w->rise_ns) * 1e-6);
    if (w->have_prev) {
        double period = (double)(w->rise_ns - w->prev_rise_ns) * 1e-9;
        printf("  period %10.6f s  %12.3f W", period, w->wh * 3600.0 / period);
    }
    printf("\n");
}

static void take(struct watch *w, const struct rig_pulse_edge *e, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (e[k].output != w->output)
            continue;
        if (e[k].level == 1) {
            if (w->have_rise)
                w->prev_rise_ns = w->rise_ns, w->have_prev = true;
            w->rise_ns = e[k].t_ns;
            w->have_rise = true;
            w->count++;
        } else if (w->have_rise) {
            print_pulse(w, e[k].t_ns);
        }
    }
}

int cmd_pulses(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},      {"bench", required_argument, NULL, 'b'},
        {"position", required_argument, NULL, 'p'}, {"output", required_argument, NULL, 'o'},
        {"for", required_argument, NULL, 'f'},      CLI_WAIT_OPTION,
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    const char *position = NULL;
    double seconds = NAN;
    struct watch w = {.output = 1};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (cli_target_option("pulses", c, optarg, &t))
            continue;
        switch (c) {
        case 'p': position = optarg; break;
        case 'o': w.output = cli_unsigned("pulses", "--output", optarg, 1, 2); break;
        case 'f': seconds = cli_number("pulses", "--for", optarg); break;
        case 'h': help(); return 0;
        default: cli_usage("pulses", "bad option");
        }
    }
    if (optind != argc)
        cli_usage("pulses", "no operands");
    if (!position)
        cli_usage("pulses", "which position? --position N");
    if (!(seconds > 0.0))
        cli_usage("pulses", "how long? --for SECONDS (> 0)");
    struct rig_bench *bench = cli_open("pulses", &t);
    unsigned pos = cli_unsigned("pulses", "--position", position, 1,
                                rig_bench_position_count(bench));
    if (rig_gate_output_wh(bench, pos, w.output, &w.wh) < 0 ||
        rig_pulse_edges_discard(bench, pos) < 0)
        cli_fail("pulses", bench, "%s", rig_last_error());
    static struct rig_pulse_edge edges[PULSES_BUF];
    for (double done = 0.0; done < seconds;) {
        double step = fmin(PULSES_STEP_S, seconds - done);
        size_t n = 0;
        if (rig_sleep(bench, step) < 0 || rig_pulse_edges(bench, pos, edges, PULSES_BUF, &n) < 0)
            cli_fail("pulses", bench, "%s", rig_last_error());
        take(&w, edges, n);
        done += step;
    }
    printf("position %u output %u: %u pulses in %g s = %.6g Wh at %g Wh a pulse\n", pos, w.output,
           w.count, seconds, w.count * w.wh, w.wh);
    cli_done(bench);
    return 0;
}
