/*
 * cmd_read.c — `rig read`: a meter's registers by name, from the shared
 * register map.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: rig read (--dir DIR | --bench FILE) [--position N] [REGISTER ...]\n\n"
           "Reads registers of position N (default 1) by name (case-insensitive, as in\n"
           "med2_regmap.h), default all, and prints one line per register:\n"
           "  NAME VALUE UNIT\n"
           "registers:\n");
    for (int i = 0; i < MED2_REG_COUNT; i++) {
        const struct med2_reg_info *r = rig_reg_info((enum med2_reg_id)i);
        char name[64];
        size_t n = 0;
        for (; r->name[n] && n < sizeof name - 1; n++)
            name[n] = (char)tolower((unsigned char)r->name[n]);
        name[n] = '\0';
        printf("  %-28s %5u  %-4s %s\n", name, r->address, r->unit, r->description);
    }
}

static void print_value(const struct med2_reg_info *r, double v)
{
    char name[64];
    size_t n = 0;
    for (; r->name[n] && n < sizeof name - 1; n++)
        name[n] = (char)tolower((unsigned char)r->name[n]);
    name[n] = '\0';
    if (r->type == MED2_T_DOUBLE)
        printf("%s %.3f", name, v);
    else if (r->type == MED2_T_FLOAT)
        printf("%s %.6g", name, v);
    else
        printf("%s %.0f", name, v);
    printf(r->unit[0] ? " %s\n" : "\n", r->unit);
}

int cmd_read(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},      {"bench", required_argument, NULL, 'b'},
        {"position", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    unsigned position = 1;
    int ids[MED2_REG_COUNT * 4];
    int nids = 0;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': t.dir = optarg; break;
        case 'b': t.bench_file = optarg; break;
        case 'p': position = cli_unsigned("read", "--position", optarg, 1, 64); break;
        case 'h': help(); return 0;
        default: cli_usage("read", "bad option");
        }
    }
    for (int i = optind; i < argc; i++) {
        int id = rig_reg_lookup(argv[i]);
        if (id < 0)
            cli_usage("read", "%s", rig_last_error());
        if (nids < (int)(sizeof ids / sizeof ids[0]))
            ids[nids++] = id;
    }
    if (nids == 0)
        for (int i = 0; i < MED2_REG_COUNT; i++)
            ids[nids++] = i;

    struct rig_bench *bench = cli_open("read", &t);
    struct rig_meter *m = rig_bench_meter(bench, position);
    if (!m)
        cli_fail("read", bench, "%s", rig_last_error());
    for (int i = 0; i < nids; i++) {
        double v;
        if (rig_meter_read_reg(m, (enum med2_reg_id)ids[i], &v) < 0)
            cli_fail("read", bench, "%s", rig_last_error());
        print_value(rig_reg_info((enum med2_reg_id)ids[i]), v);
    }
    cli_done(bench);
    return 0;
}
