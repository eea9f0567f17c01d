/*
 * cmd_power.c — `rig power`: a position's supply relay (docs/power.md).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void help(void)
{
    printf("usage: rig power (--dir DIR | --bench FILE) [--wait S] --position N on|off\n"
           "                 [--hard [--after S]] [--hold S]\n\n"
           "Switches position N's supply. off is a warned cut: the unit gets the mains-fail\n"
           "warning and saves within its hold-up time (a simulated unit reports the hold-up\n"
           "time its save used). on powers it again; it starts from what it saved.\n\n"
           "Simulated bench: the cut stays until `rig power ... on`. --hard cuts without\n"
           "the warning (the CPU stops; what was not saved is lost), now or --after S\n"
           "virtual seconds from now (the cut happens while the bench's time advances).\n\n"
           "Real bench: the bench file's supply = CHIP:LINE drives the relay, whose\n"
           "normally-closed contact feeds the unit; a relay can only make warned cuts, and\n"
           "it holds a cut only while rig runs: off needs --hold S (cut, wait S seconds,\n"
           "supply back).\n"
           CLI_WAIT_HELP CLI_OUTPUT_HELP);
}

int cmd_power(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'}, CLI_WAIT_OPTION, {"bench", required_argument, NULL, 'b'},
        {"position", required_argument, NULL, 'p'}, {"hard", no_argument, NULL, 'H'},
        {"after", required_argument, NULL, 'a'}, {"hold", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    unsigned position = 0;
    bool hard = false;
    double after = NAN, hold = NAN; /* not given */
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': t.dir = optarg; break;
        case 'W': t.wait_s = cli_wait("power", optarg); break;
        case 'b': t.bench_file = optarg; break;
        case 'p': position = cli_unsigned("power", "--position", optarg, 1, 64); break;
        case 'H': hard = true; break;
        case 'a': after = cli_number("power", "--after", optarg); break;
        case 'o': hold = cli_number("power", "--hold", optarg); break;
        case 'h': help(); return 0;
        default: cli_usage("power", "bad option");
        }
    }
    if (position == 0)
        cli_usage("power", "which position? --position N");
    if (argc - optind != 1 || (strcmp(argv[optind], "on") != 0 && strcmp(argv[optind], "off") != 0))
        cli_usage("power", "say on or off");
    bool on = strcmp(argv[optind], "on") == 0;
    bool has_after = !isnan(after), has_hold = !isnan(hold);
    if (on && (hard || has_after || has_hold))
        cli_usage("power", "--hard, --after and --hold go with off");
    if (has_after && !hard)
        cli_usage("power", "--after goes with --hard");
    if ((has_after && !(after >= 0.0 && isfinite(after))) || (has_hold && !(hold >= 0.0 && isfinite(hold))))
        cli_usage("power", "--after and --hold want seconds >= 0");

    struct rig_bench *bench = cli_open("power", &t);
    if (!rig_bench_position(bench, position))
        cli_fail("power", bench, "no position %u (the bench has %u)", position,
                 rig_bench_position_count(bench));
    bool sim = rig_bench_is_simulated(bench);
    if (!on && !sim && !has_hold)
        cli_fail("power", bench, "position %u: a real bench's supply relay holds a cut only while "
                                 "rig runs — give --hold SECONDS", position);
    if (hard) {
        if (rig_power_hard_cut(bench, position, has_after ? after : 0.0) < 0)
            cli_fail("power", bench, "%s", rig_last_error());
        if (has_after && after > 0.0)
            printf("position %u: hard cut armed %.9g s from now\n", position, after);
        else
            printf("position %u: supply off (hard cut)\n", position);
    } else {
        double used = 0.0;
        if (rig_power_set(bench, position, on, &used) < 0)
            cli_fail("power", bench, "%s", rig_last_error());
        if (on)
            printf("position %u: supply on\n", position);
        else if (sim)
            printf("position %u: supply off (warned cut; its save used %.3f ms of hold-up time)\n",
                   position, used * 1e3);
        else
            printf("position %u: supply off (warned cut)\n", position);
    }
    if (!on && has_hold) {
        if (rig_sleep(bench, hold) < 0 || rig_power_set(bench, position, true, NULL) < 0)
            cli_fail("power", bench, "%s", rig_last_error());
        printf("position %u: supply on again after %.9g s\n", position, hold);
    }
    cli_done(bench);
    return 0;
}
