/*
 * cmd_sim.c — `rig sim up|down|advance`: a simulated bench in a directory,
 * left running between commands.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/bench_config.h"
#include "cli/cli.h"
#include "rig/sim/simbench.h"

#define SIM_DEFAULT_UNITS 2
#define SIM_DEFAULT_MODEL "C80-1M-V3"
#define SIM_FIRST_SERIAL 24110001UL /* serials are deterministic: 24110001, 24110002, ... */
#define SIM_SLAVE 1
#define SIM_BAUD 38400 /* the meters' factory default line */

/* --board: NULL (native) or "qemu" (every position under QEMU, sim_qemu.c) */
static const char *sim_board;

static void help(void)
{
    printf("usage: rig sim up --dir DIR [--units N] [--model MODEL] [--speed X|max] [--image PATH]\n"
           "       rig sim up --dir DIR --bench FILE [--speed X|max] [--image PATH]\n"
           "       rig sim down --dir DIR [--wait S]\n"
           "       rig sim advance --dir DIR [--wait S] SECONDS\n\n"
           "up       start benchd in the background with N positions (default %d) of\n"
           "         MODEL (default %s), serials %lu, %lu, ..., slave %d at\n"
           "         %d 8N1, source output off; prints the path of DIR/bench.json once\n"
           "         the bench is ready. The image defaults to $RIG_FIRMWARE_IMAGE or\n"
           "         ../firmware/native/med2-native beside this executable; benchd is\n"
           "         $RIG_BENCHD or beside it. benchd's output goes to DIR/benchd.log.\n"
           "         --bench FILE  the positions of a simulated bench file (kind = sim:\n"
           "                    each one's model, serial, slave, baud and defect, e.g.\n"
           "                    fixtures/benches/eol-3.ini) instead of --units/--model\n"
           "         --speed X  clock rate: 1 real time (default), 50 fifty times real\n"
           "                    time, 0 held (time moves only by rig sim advance), max\n"
           "                    as fast as the units compute.\n"
           "down     stop the bench in DIR (waits up to 5 s, then kills it) — not under a\n"
           "         client using it (see --wait); a benchd.pid that names another\n"
           "         process is stale: removed, nothing is stopped.\n"
           "         --board qemu  every position runs the ARM image (mps2-an386) under\n"
           "                    QEMU: $RIG_QEMU_IMAGE or ../firmware/mps2/med2-mps2.elf.\n"
           "advance  move the bench's virtual clock on by SECONDS; returns when every\n"
           "         unit has reached the new time. The source output is left as it\n"
           "         was; if advance fails or is interrupted, it is switched off.\n"
           CLI_WAIT_HELP,
           SIM_DEFAULT_UNITS, SIM_DEFAULT_MODEL, SIM_FIRST_SERIAL, SIM_FIRST_SERIAL + 1, SIM_SLAVE,
           SIM_BAUD);
}

/* The units of a simulated bench file, into u (room for RIG_MAX_POSITIONS);
 * *cfg keeps their strings until freed. Fails the verb on a bad file. */
static unsigned units_of_file(const char *file, struct rig_sim_unit *u,
                              struct rig_bench_config **cfg)
{
    if (rig_bench_config_load(file, cfg) < 0)
        cli_fail("sim up", NULL, "%s", rig_last_error());
    if ((*cfg)->kind != RIG_BENCH_SIM)
        cli_fail("sim up", NULL, "%s describes a real bench (kind = hw): rig sim up needs a "
                                 "simulated one (kind = sim)",
                 file);
    for (unsigned i = 0; i < (*cfg)->positions; i++) {
        const struct rig_position *p = &(*cfg)->pos[i].pub;
        u[i] = (struct rig_sim_unit){p->model, p->serial, p->slave, p->baud, p->defect};
    }
    return (*cfg)->positions;
}

static int sim_up(const char *dir, unsigned units, const char *model, const char *speed,
                  const char *image, double wait_s, const char *bench_file)
{
    struct rig_sim_unit u[RIG_MAX_POSITIONS > 64 ? RIG_MAX_POSITIONS : 64];
    char serials[64][16];
    struct rig_bench_config *cfg = NULL;
    pid_t pid;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        cli_fail("sim up", NULL, "cannot create %s: %s", dir, strerror(errno));
    if (bench_file)
        units = units_of_file(bench_file, u, &cfg);
    for (unsigned i = 0; !bench_file && i < units; i++) {
        snprintf(serials[i], sizeof serials[i], "%lu", SIM_FIRST_SERIAL + i);
        u[i] = (struct rig_sim_unit){model, serials[i], SIM_SLAVE, SIM_BAUD, NULL};
    }
    struct rig_simbench_options opt = {
        .dir = dir, .image = image, .speed = speed, .units = u, .unit_count = units, .detach = true,
        .lock_wait_s = wait_s, .board = sim_board,
    };
    int rc = rig_simbench_start(&opt, &pid);
    rig_bench_config_free(cfg);
    if (rc < 0)
        cli_fail("sim up", NULL, "%s", rig_last_error());
    printf("%s/bench.json\n", dir);
    return 0;
}

int cmd_sim(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},   {"units", required_argument, NULL, 'n'},
        {"model", required_argument, NULL, 'm'}, {"speed", required_argument, NULL, 's'},
        {"image", required_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'},
        {"bench", required_argument, NULL, 'b'},
        CLI_WAIT_OPTION,
        {"board", required_argument, NULL, 'B'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL, *model = SIM_DEFAULT_MODEL, *speed = "1", *image = NULL;
    const char *bench_file = NULL;
    bool units_given = false;
    unsigned units = SIM_DEFAULT_UNITS;
    double wait_s = 0.0;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help();
        return argc < 2 ? CLI_EXIT_USAGE : 0;
    }
    const char *sub = argv[1];
    char verb[32];
    snprintf(verb, sizeof verb, "sim %s", sub);
    if (strcmp(sub, "up") && strcmp(sub, "down") && strcmp(sub, "advance"))
        cli_usage("sim", "unknown command '%s' (up, down, advance)", sub);

    argc--;
    argv++;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dir = optarg; break;
        case 'n':
            units = cli_unsigned(verb, "--units", optarg, 1, 64);
            units_given = true;
            break;
        case 'm': model = optarg; units_given = true; break;
        case 'b': bench_file = optarg; break;
        case 's':
            if (strcmp(optarg, "max") != 0 && cli_number(verb, "--speed", optarg) < 0)
                cli_usage(verb, "--speed must be >= 0 or max");
            speed = optarg;
            break;
        case 'i': image = optarg; break;
        case 'W': wait_s = cli_wait(verb, optarg); break;
        case 'B':
            if (strcmp(optarg, "qemu") != 0 && strcmp(optarg, "native") != 0)
                cli_usage(verb, "--board wants native or qemu, got '%s'", optarg);
            sim_board = strcmp(optarg, "qemu") == 0 ? "qemu" : NULL;
            break;
        case 'h': help(); return 0;
        default: cli_usage("sim", "bad option");
        }
    }
    if (!dir)
        cli_usage("sim", "--dir DIR is required");

    if (strcmp(sub, "up") == 0) {
        if (optind != argc)
            cli_usage("sim", "up takes no operands");
        if (bench_file && units_given)
            cli_usage(verb, "--bench FILE names the positions: not with --units or --model");
        return sim_up(dir, units, model, speed, image, wait_s, bench_file);
    }
    if (strcmp(sub, "down") == 0) {
        if (optind != argc)
            cli_usage("sim", "down takes no operands");
        if (rig_simbench_down(dir, wait_s) < 0)
            cli_fail(verb, NULL, "%s", rig_last_error());
        return 0;
    }
    if (optind + 1 != argc)
        cli_usage("sim", "advance takes SECONDS");
    double seconds = cli_number(verb, "SECONDS", argv[optind]);
    if (seconds < 0)
        cli_usage("sim", "SECONDS must not be negative");
    struct cli_target t = {.dir = dir, .wait_s = wait_s};
    struct rig_bench *bench = cli_open(verb, &t);
    if (rig_sleep(bench, seconds) < 0)
        cli_fail(verb, bench, "%s", rig_last_error());
    cli_done(bench);
    return 0;
}
