/*
 * suites/ui/settings.c — every setting of §3.2 edited by the buttons and
 * read back over Modbus, and the reverse (Modbus writes and saves, the
 * display's edit starts from the new value); the serial line's settings
 * move the rig's client to the new line; the password set on the display
 * is the one Modbus asks; protection, the language switch, the backlight;
 * the partial counter's Start, Stop and Reset.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ui_walk.h"

TestSuite(ui_settings, .init = ui_open, .fini = ui_close, .timeout = 300);

/* From any page to the main menu showing word. */
static void to_main(unsigned pos, const char *word)
{
    for (int k = 0; k < 4; k++)
        ui_back(pos); /* a main menu has no parent: it stays */
    ui_next_until(pos, word);
}

/* From any page to SET > group > leaf (English words). */
static void goto_setting(unsigned pos, const char *group, const char *leaf)
{
    to_main(pos, "SET");
    ui_enter(pos);
    ui_next_until(pos, group);
    ui_enter(pos);
    ui_next_until(pos, leaf);
}

/* In an edit of width digits: type value, confirm. */
static void type_number(unsigned pos, unsigned width, unsigned value)
{
    char want[16];
    snprintf(want, sizeof want, "%0*u", (int)width, value);
    for (unsigned k = 0; k < width; k++) {
        struct rig_display d;
        ui_read(pos, &d);
        unsigned have = (unsigned)(d.text[strlen(d.text) - width + k] - '0');
        for (unsigned s = 0; s < ((unsigned)(want[k] - '0') + 10 - have) % 10; s++)
            ui_next(pos);
        ui_enter(pos);
    }
}

/* In a choice: step to word, confirm. */
static void choose(unsigned pos, const char *word)
{
    ui_next_until(pos, word);
    ui_enter(pos);
}

struct edit {
    const char *group, *leaf;
    enum med2_reg_id reg;
    unsigned width;     /* 0: a choice */
    const char *choice; /* its word */
    double value;       /* the register's value after it */
};

static const struct edit edits[] = {
    {"DEMAND", "METHOD", MED2_REG_DEMAND_METHOD, 0, "ROLLING", 2},
    {"DEMAND", "PERIOD", MED2_REG_DEMAND_PERIOD, 2, NULL, 30},
    {"DEMAND", "SUBINT", MED2_REG_SUB_INTERVAL, 2, NULL, 5},
    {"PULSE", "SOURCE", MED2_REG_PULSE2_SOURCE, 0, "EXP-A", 2},
    {"PULSE", "ENERGY", MED2_REG_PULSE2_ENERGY, 1, NULL, 7},
    {"PULSE", "MULT", MED2_REG_PULSE2_MULTIPLIER, 0, "MUL10", 4},
    {"PULSE", "TIME", MED2_REG_PULSE2_DURATION, 4, NULL, 250},
    {"DATE", "YEAR", MED2_REG_YEAR, 2, NULL, 27},
    {"DATE", "MONTH", MED2_REG_MONTH, 2, NULL, 6},
    {"DATE", "DAY", MED2_REG_DAY, 2, NULL, 15},
    {"DATE", "HOUR", MED2_REG_HOUR, 2, NULL, 13},
    {"DATE", "MINUTE", MED2_REG_MINUTE, 2, NULL, 45},
};

static void edit_by_buttons(unsigned pos, const struct edit *e)
{
    goto_setting(pos, e->group, e->leaf);
    ui_enter(pos);
    if (e->width)
        type_number(pos, e->width, (unsigned)e->value);
    else
        choose(pos, e->choice);
    ui_expect_shows(pos, "SUCCESS");
    ui_next(pos);
}

Test(ui_settings, every_setting_by_buttons_reads_back_over_modbus)
{
    unsigned pos = POS_C80;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    for (size_t k = 0; k < sizeof edits / sizeof edits[0]; k++) {
        edit_by_buttons(pos, &edits[k]);
        double v;
        cr_assert_eq(rig_meter_read_reg(m, edits[k].reg, &v), 0, "%s", rig_last_error());
        cr_expect_eq(v, edits[k].value, "%s > %s: Modbus reads %g", edits[k].group, edits[k].leaf, v);
    }
}

Test(ui_settings, every_setting_written_over_modbus_shows_on_the_display)
{
    unsigned pos = POS_C80;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    for (size_t k = 0; k < sizeof edits / sizeof edits[0]; k++) {
        const struct edit *e = &edits[k];
        if (e->reg >= MED2_REG_DAY && e->reg <= MED2_REG_SECOND)
            continue; /* the clock is not a staged setting: set above by the display */
        cr_assert_eq(rig_meter_write_reg(m, e->reg, e->value), 0, "%s", rig_last_error());
    }
    cr_assert_eq(rig_meter_save(m), 0, "%s", rig_last_error());
    for (size_t k = 0; k < sizeof edits / sizeof edits[0]; k++) {
        const struct edit *e = &edits[k];
        if (e->reg >= MED2_REG_DAY && e->reg <= MED2_REG_SECOND)
            continue;
        goto_setting(pos, e->group, e->leaf);
        ui_enter(pos);
        struct rig_display d;
        ui_read(pos, &d);
        double shown;
        if (e->width)
            cr_expect(rig_display_value(&d, &shown) && shown == e->value, "%s shows '%s'", e->leaf, d.text);
        else
            cr_expect(rig_display_shows(&d, e->choice), "%s shows '%s', not %s", e->leaf, d.text, e->choice);
        ui_back(pos); /* cancel */
    }
}

Test(ui_settings, the_serial_line_set_on_the_display_moves_the_modbus_line)
{
    unsigned pos = POS_B80;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    const struct edit line[] = {
        {"SERIAL", "ADDR", MED2_REG_SLAVE_ID, 3, NULL, 7},
        {"SERIAL", "BAUD", MED2_REG_BAUDRATE, 0, "9600", 3},
        {"SERIAL", "PARITY", MED2_REG_PARITY, 0, "EVEN", 2},
        {"SERIAL", "STOPBIT", MED2_REG_STOPBIT, 0, "2", 1},
        {"SERIAL", "DATA", MED2_REG_ENDIAN, 0, "LE-SWAP", 3},
    };
    for (size_t k = 0; k < sizeof line / sizeof line[0]; k++)
        edit_by_buttons(pos, &line[k]);
    double v;
    /* the old line is silent now */
    cr_expect_neq(rig_meter_read_reg(m, MED2_REG_SLAVE_ID, &v), 0, "the unit still answers at 38400 8N1, slave 1");
    struct rig_line l = {.slave = 7, .baud = 9600, .parity = 'E', .stop_bits = 2};
    cr_assert_eq(rig_meter_set_line(m, &l), 0, "%s", rig_last_error());
    rig_meter_set_endian(m, RIG_ENDIAN_LE_SWAP);
    for (size_t k = 0; k < sizeof line / sizeof line[0]; k++) {
        cr_assert_eq(rig_meter_read_reg(m, line[k].reg, &v), 0, "%s", rig_last_error());
        cr_expect_eq(v, line[k].value, "%s: Modbus reads %g", line[k].leaf, v);
    }
}

Test(ui_settings, a_password_set_on_the_display_is_the_one_modbus_asks)
{
    unsigned pos = POS_C80;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    goto_setting(pos, "SECURE", "PASS");
    ui_enter(pos);
    type_number(pos, 7, 2468135);
    ui_expect_shows(pos, "SUCCESS");
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    cr_expect_neq(rig_meter_write_reg(m, MED2_REG_DEMAND_PERIOD, 20), 0, "the default password still unlocks");
    cr_assert_eq(rig_meter_unlock(m, "2468135"), 0, "%s", rig_last_error());
    cr_expect_eq(rig_meter_write_reg(m, MED2_REG_DEMAND_PERIOD, 20), 0, "%s", rig_last_error());
}

Test(ui_settings, protection_asks_the_password_before_the_settings)
{
    unsigned pos = POS_B80_0M; /* no RS485: the display is its only way in */
    goto_setting(pos, "SECURE", "PROTECT");
    ui_enter(pos);
    choose(pos, "ON");
    ui_expect_shows(pos, "SUCCESS");
    ui_next(pos);
    /* leave it for 5 minutes: the display goes home and forgets any password */
    cr_assert_eq(rig_sleep(ui_bench, 301.0), 0, "%s", rig_last_error());
    to_main(pos, "SET");
    ui_enter(pos);
    struct rig_display d;
    ui_read(pos, &d);
    cr_expect(d.frame.marks & M(LOCK), "protected: a password edit, not '%s'", d.text);
    type_number(pos, 7, 2);
    ui_expect_shows(pos, "ERROR");
    ui_next(pos), ui_enter(pos);
    type_number(pos, 7, 1);
    ui_read(pos, &d);
    cr_expect(!(d.frame.marks & M(INPUT)), "the right password opens Settings: '%s'", d.text);
}

Test(ui_settings, turkish_after_the_language_switch)
{
    unsigned pos = POS_B80;
    goto_setting(pos, "DEVICE", "LANG");
    ui_enter(pos);
    choose(pos, "TURKCE");
    ui_expect_shows(pos, "TAMAM");
    ui_next(pos);
    ui_expect_shows(pos, "DIL");
    ui_back(pos), ui_back(pos);
    ui_expect_shows(pos, "AYAR");
    ui_next(pos), ui_next(pos); /* OLCUM, AYAR, BILGI, GIRIS */
    ui_expect_shows(pos, "GIRIS");
}

Test(ui_settings, the_backlight_by_its_setting)
{
    unsigned pos = POS_B80;
    struct rig_display d;
    ui_read(pos, &d);
    cr_expect_eq(d.frame.backlight, 1);
    cr_assert_eq(rig_sleep(ui_bench, 61.0), 0, "%s", rig_last_error());
    ui_read(pos, &d);
    cr_expect_eq(d.frame.backlight, 0, "time-dependent, 60 s: dark after them");
    goto_setting(pos, "DEVICE", "LTIME"); /* a press lights it again */
    ui_read(pos, &d);
    cr_expect_eq(d.frame.backlight, 1);
    ui_enter(pos);
    type_number(pos, 3, 10);
    ui_expect_shows(pos, "SUCCESS");
    cr_assert_eq(rig_sleep(ui_bench, 9.0), 0, "%s", rig_last_error());
    ui_read(pos, &d);
    cr_expect_eq(d.frame.backlight, 1);
    cr_assert_eq(rig_sleep(ui_bench, 1.5), 0, "%s", rig_last_error());
    ui_read(pos, &d);
    cr_expect_eq(d.frame.backlight, 0, "10 s after the last press");
    ui_next(pos); /* lit again; the page is Time */
    ui_back(pos);
    ui_expect_shows(pos, "DEVICE");
    ui_enter(pos), ui_next(pos);
    ui_expect_shows(pos, "LIGHT");
    ui_enter(pos);
    choose(pos, "OFF");
    ui_read(pos, &d);
    cr_expect_eq(d.frame.backlight, 0, "off: dark even after a press");
    ui_next(pos);
    ui_enter(pos);
    choose(pos, "ON");
    cr_assert_eq(rig_sleep(ui_bench, 700.0), 0, "%s", rig_last_error());
    ui_read(pos, &d);
    cr_expect_eq(d.frame.backlight, 1, "on: lit for good");
    goto_setting(pos, "DEVICE", "LTIME");
    ui_enter(pos);
    type_number(pos, 3, 5);
    ui_expect_shows(pos, "ERROR"); /* 10..600 s */
}

/* Measurement > Partial Counter: Start, Stop and Reset by buttons, checked
 * by what the partial import register counts under a load. */
Test(ui_settings, partial_counter_start_stop_reset_by_buttons)
{
    unsigned pos = POS_C80;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    struct rig_source *src = rig_bench_source(ui_bench);
    double v0, v1, v2;
    cr_assert_eq(rig_source_set(src, 230.0, 5.0, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    to_main(pos, "MEASURE");
    ui_enter(pos);
    ui_next_until(pos, "PARTIAL");
    ui_enter(pos);
    for (int k = 0; k < 4; k++)
        ui_next(pos); /* past the four partial energies */
    ui_expect_shows(pos, "START");
    ui_enter(pos);
    ui_expect_shows(pos, "SUCCESS");
    ui_next(pos);
    ui_expect_shows(pos, "STOP");
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY, &v0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(ui_bench, 60.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY, &v1), 0, "%s", rig_last_error());
    cr_expect_gt(v1 - v0, 15.0, "running: 1150 W for 60 s is ~19 Wh, counted %.2f", v1 - v0);
    ui_enter(pos), ui_next(pos); /* Stop */
    ui_expect_shows(pos, "START");
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY, &v1), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(ui_bench, 60.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY, &v2), 0, "%s", rig_last_error());
    cr_expect_eq(v2, v1, "stopped: nothing counted");
    ui_next(pos);
    ui_expect_shows(pos, "RESET");
    ui_enter(pos);
    ui_expect_shows(pos, "SUCCESS");
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY, &v2), 0, "%s", rig_last_error());
    cr_expect_eq(v2, 0.0);
}
