/*
 * cmd_write.c — `rig write`: configure a meter by register name: unlock
 * with the password, write, save, read back and report.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_SETTINGS 64

static void help(void)
{
    printf("usage: rig write (--dir DIR | --bench FILE) [--wait S] [--position N] [--password DIGITS]\n"
           "                 [--endian MODE] [--slave N] [--baud B] [--parity N|E|O]\n"
           "                 [--stop 1|2] [--no-save] NAME VALUE [NAME VALUE ...]\n\n"
           "Configures position N (default 1) over Modbus, in one transaction:\n"
           "  1. enters the password (default 0000001) into registers 6000..6003 in the\n"
           "     manual's byte layout; without it every write is refused (exception 01);\n"
           "  2. writes each NAME VALUE (names as in `rig read --help`; values are\n"
           "     checked against the register map's range first, nothing is sent if one\n"
           "     is out of range) — commands (system_command, counter_command) with\n"
           "     function 06, every other value with function 10;\n"
           "  3. saves the configuration (system_command 100) unless --no-save: the\n"
           "     values are then only staged, and a restart drops them. After a save\n"
           "     that changes slave_id, baudrate, parity, stopbit or endian the rig\n"
           "     talks to the unit with the new settings;\n"
           "  4. runs the commands given, in order, and reads every written readable\n"
           "     value back, printing NAME VALUE [UNIT] (a command: NAME VALUE sent);\n"
           "     a value that reads back differently is an error.\n"
           "MODE decodes values as in `rig read`: auto (default, register 708), be, le,\n"
           "be-swap, le-swap.\n"
           CLI_LINE_HELP CLI_WAIT_HELP CLI_OUTPUT_HELP "\n"
           "examples:\n"
           "  rig write --dir /tmp/b demand_period 30 pulse2_duration 250\n"
           "  rig write --dir /tmp/b --position 2 baudrate 3 parity 2\n"
           "  rig write --dir /tmp/b system_command 110     # return to defaults\n");
}

int cmd_write(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'}, CLI_WAIT_OPTION,      {"bench", required_argument, NULL, 'b'},
        {"position", required_argument, NULL, 'p'}, {"password", required_argument, NULL, 'w'},
        {"endian", required_argument, NULL, 'e'},   {"no-save", no_argument, NULL, 'n'},
        {"slave", required_argument, NULL, 'S'},    {"baud", required_argument, NULL, 'B'},
        {"parity", required_argument, NULL, 'P'},   {"stop", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    struct cli_line line = {0};
    unsigned position = 1;
    const char *password = RIG_PASSWORD_DEFAULT;
    bool save = true;
    int endian = -1;
    struct rig_setting settings[MAX_SETTINGS];
    size_t n = 0;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': t.dir = optarg; break;
        case 'W': t.wait_s = cli_wait("write", optarg); break;
        case 'b': t.bench_file = optarg; break;
        case 'p': position = cli_unsigned("write", "--position", optarg, 1, 64); break;
        case 'w': password = optarg; break;
        case 'e': endian = cli_parse_endian("write", optarg); break;
        case 'n': save = false; break;
        case 'S': cli_parse_line_option("write", "slave", optarg, &line); break;
        case 'B': cli_parse_line_option("write", "baud", optarg, &line); break;
        case 'P': cli_parse_line_option("write", "parity", optarg, &line); break;
        case 'T': cli_parse_line_option("write", "stop", optarg, &line); break;
        case 'h': help(); return 0;
        default: cli_usage("write", "bad option");
        }
    }
    uint16_t pw[4];
    if (rig_password_words(password, pw) < 0)
        cli_usage("write", "%s", rig_last_error());
    if (optind >= argc)
        cli_usage("write", "what to write? give NAME VALUE pairs");
    if ((argc - optind) % 2)
        cli_usage("write", "'%s' has no value: give NAME VALUE pairs", argv[argc - 1]);
    bool values = false;
    for (int i = optind; i < argc; i += 2) {
        int id = rig_reg_lookup(argv[i]);
        if (id < 0)
            cli_usage("write", "%s", rig_last_error());
        if (n == MAX_SETTINGS)
            cli_usage("write", "too many values (at most %d)", MAX_SETTINGS);
        double v = cli_number("write", argv[i], argv[i + 1]);
        if (rig_reg_check_value((enum med2_reg_id)id, v) < 0)
            cli_usage("write", "%s", rig_last_error());
        settings[n++] = (struct rig_setting){(enum med2_reg_id)id, v};
        values |= !rig_reg_is_command((enum med2_reg_id)id);
    }

    struct rig_bench *bench = cli_open("write", &t);
    struct rig_meter *m = rig_bench_meter(bench, position);
    if (!m)
        cli_fail_unit("write", bench, position);
    cli_apply_line("write", bench, m, &line);
    if (endian < 0 && rig_meter_detect_endian(m) < 0)
        cli_fail_unit("write", bench, position);
    if (endian >= 0)
        rig_meter_set_endian(m, (enum rig_endian)endian);
    double readback[MAX_SETTINGS];
    /* Only commands: nothing staged to save. */
    if (rig_meter_configure(m, password, settings, n, save && values, readback) < 0)
        cli_fail_unit("write", bench, position);
    for (size_t i = 0; i < n; i++) {
        if (rig_reg_readable(settings[i].id))
            cli_print_value(settings[i].id, readback[i]);
        else
            printf("%s %.0f sent\n", rig_reg_name(settings[i].id), settings[i].value);
    }
    if (values)
        printf(save && values ? "saved\n" : "staged, not saved (--no-save)\n");
    cli_done(bench);
    return 0;
}
