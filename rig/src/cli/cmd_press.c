/*
 * cmd_press.c — `rig press`: press one of a meter's buttons.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void help(void)
{
    printf("usage: rig press (--dir DIR | --bench FILE) [--wait S] [--position N]\n"
           "                 [--hold MS] next|enter\n\n"
           "Presses button next or enter of position N (default 1) for MS milliseconds\n"
           "(default %u; %u or more is a long press: back one level, cancel an edit) and\n"
           "returns once it is released. A simulated bench presses in virtual time (its clock\n"
           "moves on by MS), a real one through the button's relay (bench file button_next,\n"
           "button_enter). docs/ui.md describes what each press does.\n" CLI_WAIT_HELP,
           RIG_PRESS_SHORT_MS, RIG_PRESS_LONG_MS);
}

int cmd_press(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},      {"bench", required_argument, NULL, 'b'},
        CLI_WAIT_OPTION,                            {"position", required_argument, NULL, 'p'},
        {"hold", required_argument, NULL, 'H'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    unsigned position = 1, hold = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (cli_target_option("press", c, optarg, &t))
            continue;
        switch (c) {
        case 'p': position = cli_unsigned("press", "--position", optarg, 1, 64); break;
        case 'H': hold = cli_unsigned("press", "--hold", optarg, 1, 60000); break;
        case 'h': help(); return 0;
        default: cli_usage("press", "bad option");
        }
    }
    if (optind + 1 != argc)
        cli_usage("press", "give one button: next or enter");
    int button = rig_button_parse(argv[optind]);
    if (button < 0)
        cli_usage("press", "'%s' is not a button: next or enter", argv[optind]);
    struct rig_bench *bench = cli_open("press", &t);
    if (rig_press(bench, position, (enum rig_button)button, hold) < 0)
        cli_fail("press", bench, "%s", rig_last_error());
    cli_done(bench);
    return 0;
}
