/*
 * cmd_read.c — `rig read`: a meter's registers by name, from the unit's
 * register map (the shared med2_regmap.h), in as few transactions as the
 * map allows.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void help(void)
{
    printf("usage: rig read (--dir DIR | --bench FILE) [--wait S] [--position N] [--endian MODE]\n"
           "                [--slave N] [--baud B] [--parity N|E|O] [--stop 1|2]\n"
           "                [REGISTER ... | all]\n\n"
           "Reads registers of position N (default 1) by name (case-insensitive, as below)\n"
           "from the unit's register map: C80 for C80-1M-V3(CT), B80 for B80-1M-V2(CT);\n"
           "models without RS485 have none. `all` (the default) reads every readable value\n"
           "of the map. Contiguous values are read together, up to 125 registers a\n"
           "transaction. Prints one line per value, in the order asked:\n"
           "  NAME VALUE [UNIT]\n"
           "MODE is how 2- and 4-register values are decoded: auto (default: read the\n"
           "unit's setting, register 708), be, le, be-swap or le-swap.\n"
           CLI_LINE_HELP CLI_WAIT_HELP CLI_OUTPUT_HELP "\n"
           "registers (address in the C80 / B80 map, - where absent):\n");
    for (int i = 0; i < MED2_REG_COUNT; i++) {
        const struct med2_reg_info *r = rig_reg_info((enum med2_reg_id)i);
        char c80[8] = "-", b80[8] = "-";
        if (r->address[MED2_MAP_C80] != MED2_NA)
            snprintf(c80, sizeof c80, "%u", r->address[MED2_MAP_C80]);
        if (r->address[MED2_MAP_B80] != MED2_NA)
            snprintf(b80, sizeof b80, "%u", r->address[MED2_MAP_B80]);
        printf("  %-30s %5s %5s  %-2s %-4s %s\n", rig_reg_name((enum med2_reg_id)i), c80, b80,
               r->access == MED2_A_R ? "r" : r->access == MED2_A_W ? "w" : "rw", r->unit,
               r->description);
    }
}

int cli_parse_endian(const char *verb, const char *text)
{
    static const char *names[] = {"be", "le", "be-swap", "le-swap"};
    if (strcmp(text, "auto") == 0)
        return -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(text, names[i]) == 0)
            return i;
    cli_usage(verb, "--endian '%s' is not auto, be, le, be-swap or le-swap", text);
}

void cli_print_value(enum med2_reg_id id, double v)
{
    const struct med2_reg_info *r = rig_reg_info(id);
    const char *name = rig_reg_name(id);
    if (r->type == MED2_T_DOUBLE)
        printf("%s %.3f", name, v);
    else if (r->type == MED2_T_FLOAT)
        printf("%s %.6g", name, v);
    else if (r->type == MED2_T_CHARS)
        printf("%s 0x%04x 0x%04x", name, (unsigned)((unsigned long)v >> 16),
               (unsigned)((unsigned long)v & 0xffff));
    else
        printf("%s %.0f", name, v);
    printf(r->unit[0] ? " %s\n" : "\n", r->unit);
}

int cmd_read(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'}, CLI_WAIT_OPTION,      {"bench", required_argument, NULL, 'b'},
        {"position", required_argument, NULL, 'p'}, {"endian", required_argument, NULL, 'e'},
        {"slave", required_argument, NULL, 'S'},    {"baud", required_argument, NULL, 'B'},
        {"parity", required_argument, NULL, 'P'},   {"stop", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    struct cli_line line = {0};
    unsigned position = 1;
    int endian = -1;
    enum med2_reg_id ids[MED2_REG_COUNT * 4];
    size_t nids = 0;
    bool all = false;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': t.dir = optarg; break;
        case 'W': t.wait_s = cli_wait("read", optarg); break;
        case 'b': t.bench_file = optarg; break;
        case 'p': position = cli_unsigned("read", "--position", optarg, 1, 64); break;
        case 'e': endian = cli_parse_endian("read", optarg); break;
        case 'S': cli_parse_line_option("read", "slave", optarg, &line); break;
        case 'B': cli_parse_line_option("read", "baud", optarg, &line); break;
        case 'P': cli_parse_line_option("read", "parity", optarg, &line); break;
        case 'T': cli_parse_line_option("read", "stop", optarg, &line); break;
        case 'h': help(); return 0;
        default: cli_usage("read", "bad option");
        }
    }
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "all") == 0) {
            all = true;
            continue;
        }
        int id = rig_reg_lookup(argv[i]);
        if (id < 0)
            cli_usage("read", "%s", rig_last_error());
        if (!rig_reg_readable((enum med2_reg_id)id))
            cli_usage("read", "register %s is write-only", rig_reg_name((enum med2_reg_id)id));
        if (nids == sizeof ids / sizeof ids[0])
            cli_usage("read", "too many registers (at most %zu)", nids);
        ids[nids++] = (enum med2_reg_id)id;
    }
    if (nids == 0)
        all = true;
    if (all && nids > 0)
        cli_usage("read", "give register names or all, not both");

    struct rig_bench *bench = cli_open("read", &t);
    struct rig_meter *m = rig_bench_meter(bench, position);
    enum med2_map map;
    if (!m || rig_meter_map(m, &map) < 0)
        cli_fail_unit("read", bench, position);
    cli_apply_line("read", bench, m, &line);
    if (endian < 0 && rig_meter_detect_endian(m) < 0)
        cli_fail_unit("read", bench, position);
    if (endian >= 0)
        rig_meter_set_endian(m, (enum rig_endian)endian);
    if (all)
        nids = rig_regmap_readable(map, ids, MED2_REG_COUNT);
    double values[sizeof ids / sizeof ids[0]];
    if (rig_meter_read_regs(m, ids, nids, values) < 0)
        cli_fail_unit("read", bench, position);
    for (size_t i = 0; i < nids; i++)
        cli_print_value(ids[i], values[i]);
    cli_done(bench);
    return 0;
}
