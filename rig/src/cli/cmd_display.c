/*
 * cmd_display.c — `rig display`: what a meter's display shows.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void help(void)
{
    printf("usage: rig display (--dir DIR | --bench FILE) [--wait S] [--position N]\n"
           "                   [--png FILE] [--ocr]\n\n"
           "Prints what position N (default 1) shows: the digits as shown on the first line\n"
           "(blanks kept, '.' after a digit whose point is on), then the unit and icons that\n"
           "are on, then \"backlight on|off\" and, while a value is edited, the blinking\n"
           "digits. --ocr reads a picture of the display with ssocr instead (benchd's\n"
           "rendering on a simulated bench, the position's camera on a real one): the\n"
           "digits only. --png FILE saves that picture.\n" CLI_WAIT_HELP);
}

int cmd_display(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'}, {"bench", required_argument, NULL, 'b'},
        CLI_WAIT_OPTION,                       {"position", required_argument, NULL, 'p'},
        {"png", required_argument, NULL, 'P'}, {"ocr", no_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0},
    };
    struct cli_target t = {0};
    unsigned position = 1;
    const char *png = NULL;
    bool ocr = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (cli_target_option("display", c, optarg, &t))
            continue;
        switch (c) {
        case 'p': position = cli_unsigned("display", "--position", optarg, 1, 64); break;
        case 'P': png = optarg; break;
        case 'o': ocr = true; break;
        case 'h': help(); return 0;
        default: cli_usage("display", "bad option");
        }
    }
    if (optind != argc)
        cli_usage("display", "unexpected '%s'", argv[optind]);
    if (png && png[0] != '/')
        cli_usage("display", "--png wants an absolute path, got '%s'", png);
    struct rig_bench *bench = cli_open("display", &t);
    struct rig_display d;
    if (png && rig_display_picture(bench, position, png) < 0)
        cli_fail("display", bench, "%s", rig_last_error());
    int rc = png && ocr  ? rig_display_ocr_file(png, &d)
             : ocr       ? rig_display_ocr(bench, position, &d)
                         : rig_display_read(bench, position, &d);
    if (rc < 0)
        cli_fail("display", bench, "%s", rig_last_error());
    printf("%s\n", d.text);
    if (d.marks_known) {
        char marks[512];
        rig_display_marks_text(d.frame.marks, marks, sizeof marks);
        printf("%s\nbacklight %s\n", marks, d.frame.backlight ? "on" : "off");
        if (d.frame.blink) {
            printf("blinking");
            for (unsigned k = 0; k < MED2_LCD_DIGITS; k++)
                if (d.frame.blink & (1u << k))
                    printf(" %u", k + 1);
            printf("\n");
        }
    }
    cli_done(bench);
    return 0;
}
