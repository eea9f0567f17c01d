/*
 * cmd_flash.c — `rig flash`: put a firmware image on one or all positions.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void help(void)
{
    printf("usage: rig flash (--dir DIR | --bench FILE) [--wait S] [--position N|all] [IMAGE]\n\n"
           "Flashes IMAGE into position N, or every position (all, the default), and\n"
           "restarts the unit. On a simulated bench IMAGE defaults to $RIG_FIRMWARE_IMAGE\n"
           "or ../firmware/native/med2-native beside this executable, and benchd copies it\n"
           "into the position's slot and checks its hash. On a real bench IMAGE is\n"
           "required (the MCU build); OpenOCD programs it over SWD (the bench file's swd\n"
           "and swd_serial).\n"
           CLI_WAIT_HELP CLI_OUTPUT_HELP);
}

int cmd_flash(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'}, CLI_WAIT_OPTION,      {"bench", required_argument, NULL, 'b'},
        {"position", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    unsigned position = 0; /* 0 = all */
    char image[PATH_MAX];
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': t.dir = optarg; break;
        case 'W': t.wait_s = cli_wait("flash", optarg); break;
        case 'b': t.bench_file = optarg; break;
        case 'p':
            position = strcmp(optarg, "all") == 0 ? 0
                                                  : cli_unsigned("flash", "--position", optarg, 1, 64);
            break;
        case 'h': help(); return 0;
        default: cli_usage("flash", "bad option");
        }
    }
    if (argc - optind > 1)
        cli_usage("flash", "one IMAGE at most");

    struct rig_bench *bench = cli_open("flash", &t);
    if (optind < argc)
        snprintf(image, sizeof image, "%s", argv[optind]);
    else if (rig_flash_default_image(bench, image, sizeof image) < 0)
        cli_fail("flash", bench, "%s", rig_last_error());
    unsigned first = position ? position : 1;
    unsigned last = position ? position : rig_bench_position_count(bench);
    if (position && !rig_bench_position(bench, position))
        cli_fail("flash", bench, "no position %u (the bench has %u)", position,
                 rig_bench_position_count(bench));
    for (unsigned p = first; p <= last; p++) {
        if (rig_flash(bench, p, image) < 0)
            cli_fail("flash", bench, "%s", rig_last_error());
        printf("position %u: flashed %s\n", p, image);
    }
    cli_done(bench);
    return 0;
}
