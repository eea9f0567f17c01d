/*
 * suites/ui — the meter's display and buttons (manual Section 3,
 * docs/ui.md) on one simulated unit of every model: every measurement page
 * against the Modbus register of the same quantity, the pages each model
 * has, OCR of every page, a setting edited by buttons and read back over
 * Modbus and the reverse, Login, the 5-minute return, the CT/VT entry.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "ui_walk.h"

#define VOLTS 230.0
#define AMPS 5.0
#define PHASE_DEG 30.0 /* import active and import reactive energy */
#define LOAD_S 120.0

TestSuite(ui, .init = ui_open, .fini = ui_close, .timeout = 300);

static void load(void)
{
    struct rig_source *src = rig_bench_source(ui_bench);
    cr_assert_eq(rig_source_set(src, VOLTS, AMPS, PHASE_DEG, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(ui_bench, LOAD_S), 0, "%s", rig_last_error());
}

Test(ui, every_page_of_every_model_against_modbus_and_ocr)
{
    load();
    unsigned checked = 0, total = 0, pages = 0, ocr_same = 0;
    for (unsigned pos = 1; pos <= POS_COUNT; pos++) {
        struct ui_walk w;
        ui_walk_init(&w, pos);
        struct rig_model_info mi;
        cr_assert_eq(rig_model_info(w.model, &mi), 0);
        if (mi.connection == RIG_CONNECTION_CT)
            ui_ctvt_accept(pos, NULL);
        struct rig_display d;
        ui_read(pos, &d);
        cr_assert_eq(ui_page_marks(&d), M(ENERGY) | M(IMPORT) | M(TOTAL) | M(KWH) | M(MAIN),
                     "position %u (%s) does not start on Total Import Active Energy: '%s'", pos,
                     w.model, d.text);
        ui_walk_all(&w);
        for (size_t j = 0; j < w.n_values; j++)
            cr_expect(w.seen[j], "%s: no page of register %s", w.model, rig_reg_name(w.values[j].reg));
        unsigned want = ui_tree_leaf_total(w.model);
        cr_expect_eq(w.reached, want, "%s: %u leaves reached, the manual's tree has %u", w.model,
                     w.reached, want);
        checked += w.checked;
        total += want;
        pages += w.pages;
        ocr_same += w.ocr_same;
    }
    ui_figure("ui_menu_leaves_checked", checked, "leaves");
    ui_figure("ui_menu_leaves_total", total, "leaves");
    ui_figure("ocr_agreement", pages ? (double)ocr_same / pages : 0.0, "fraction");
    cr_expect_eq(ocr_same, pages, "OCR read %u of %u pages as the frame shows them", ocr_same, pages);
}

/* From the start page to main menu `index` (0 Measurement, 1 Settings, ...). */
static void to_main_menu(unsigned pos, unsigned index)
{
    ui_back(pos);
    ui_back(pos);
    for (unsigned k = 0; k < index; k++)
        ui_next(pos);
}

Test(ui, demand_period_by_buttons_reads_back_over_modbus_and_the_reverse)
{
    unsigned pos = POS_C80;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    to_main_menu(pos, 1);
    ui_expect_shows(pos, "SET");
    ui_enter(pos); /* Serial Communication */
    ui_expect_shows(pos, "SERIAL");
    ui_next(pos);
    ui_expect_shows(pos, "DEMAND");
    ui_enter(pos);
    ui_expect_shows(pos, "METHOD");
    ui_next(pos);
    ui_expect_shows(pos, "PERIOD");
    ui_enter(pos);
    ui_expect_shows(pos, "15");
    ui_next(pos), ui_next(pos); /* 1 -> 3 */
    ui_enter(pos);
    for (int k = 0; k < 5; k++)
        ui_next(pos); /* 5 -> 0 */
    ui_enter(pos);
    ui_expect_shows(pos, "SUCCESS");
    double v;
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_DEMAND_PERIOD, &v), 0, "%s", rig_last_error());
    cr_expect_eq(v, 30.0, "demand period over Modbus %.0f after setting 30 on the display", v);

    /* the reverse: Modbus writes and saves, the display shows it */
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_write_reg(m, MED2_REG_DEMAND_PERIOD, 20), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_save(m), 0, "%s", rig_last_error());
    ui_next(pos); /* the message away */
    ui_expect_shows(pos, "PERIOD");
    ui_enter(pos);
    ui_expect_shows(pos, "20");
    ui_back(pos); /* cancelled: nothing written */
    ui_expect_shows(pos, "PERIOD");
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_DEMAND_PERIOD, &v), 0, "%s", rig_last_error());
    cr_expect_eq(v, 20.0);
}

Test(ui, out_of_range_edit_is_refused_and_changes_nothing)
{
    unsigned pos = POS_C80;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    to_main_menu(pos, 1);
    ui_enter(pos), ui_next(pos), ui_enter(pos), ui_next(pos); /* SET > DEMAND > PERIOD */
    ui_enter(pos);
    for (int k = 0; k < 8; k++)
        ui_next(pos); /* 1 -> 9: 95 minutes */
    ui_enter(pos), ui_enter(pos);
    ui_expect_shows(pos, "ERROR");
    double v;
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_DEMAND_PERIOD, &v), 0, "%s", rig_last_error());
    cr_expect_eq(v, 15.0, "a refused edit changed the period to %.0f", v);
}

Test(ui, login_success_and_wrong_password)
{
    unsigned pos = POS_C80; /* main menus: Measurement, Settings, Date&Time, Info, Login */
    to_main_menu(pos, 4);
    ui_expect_shows(pos, "LOGIN");
    ui_enter(pos);
    for (int k = 0; k < 6; k++)
        ui_enter(pos);
    ui_next(pos); /* 0000001, the default password */
    ui_enter(pos);
    ui_expect_shows(pos, "SUCCESS");
    ui_next(pos);
    ui_enter(pos);
    for (int k = 0; k < 7; k++)
        ui_enter(pos); /* 0000000 */
    ui_expect_shows(pos, "ERROR");
}

Test(ui, five_minutes_without_a_button_return_to_the_start_page)
{
    unsigned pos = POS_B80;
    to_main_menu(pos, 1);
    ui_expect_shows(pos, "SET");
    cr_assert_eq(rig_sleep(ui_bench, 299.0), 0, "%s", rig_last_error());
    ui_expect_shows(pos, "SET");
    cr_assert_eq(rig_sleep(ui_bench, 2.0), 0, "%s", rig_last_error());
    struct rig_display d;
    ui_read(pos, &d);
    cr_expect_eq(ui_page_marks(&d), M(ENERGY) | M(IMPORT) | M(TOTAL) | M(KWH) | M(MAIN), "after 5 min: '%s'",
                 d.text);
}

Test(ui, ct_vt_entry_at_first_power_up_refused_then_confirmed_and_fixed)
{
    unsigned pos = POS_C80CT;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    double v;
    /* metering and Modbus go on while the prompt waits */
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_VOLTAGE, &v), 0, "%s", rig_last_error());
    ui_ctvt_field(pos, "CT-PRI", 4, "0100", false); /* not confirmed: asked again */
    ui_ctvt_field(pos, "CT-PRI", 4, "0100", true);
    ui_ctvt_field(pos, "CT-SEC", 0, NULL, true);
    ui_ctvt_field(pos, "VT-PRI", 7, NULL, true);
    ui_ctvt_field(pos, "VT-SEC", 3, NULL, true);
    for (int k = 0; k < 4; k++) { /* CT, VT, CT, VT */
        struct rig_display d;
        ui_read(pos, &d);
        cr_expect(rig_display_shows(&d, k % 2 ? "1.00" : "20.00"), "ratio page %d shows '%s'", k, d.text);
        cr_assert_eq(rig_sleep(ui_bench, 2.0), 0, "%s", rig_last_error());
    }
    ui_expect_shows(pos, "CONFIRM");
    ui_next(pos); /* refused: all four again */
    ui_ctvt_field(pos, "CT-PRI", 4, NULL, true);
    ui_ctvt_field(pos, "CT-SEC", 0, NULL, true);
    ui_ctvt_field(pos, "VT-PRI", 7, NULL, true);
    ui_ctvt_field(pos, "VT-SEC", 3, NULL, true);
    cr_assert_eq(rig_sleep(ui_bench, 8.0), 0, "%s", rig_last_error());
    ui_expect_shows(pos, "CONFIRM");
    ui_enter(pos);
    ui_expect_shows(pos, "SUCCESS");
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_CT_PRIMARY, &v), 0, "%s", rig_last_error());
    cr_expect_eq(v, 100.0, "CT primary %.1f after entering 100", v);
    /* fixed: Modbus cannot write it, a restart does not ask again */
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    cr_expect_neq(rig_meter_write_reg(m, MED2_REG_CT_PRIMARY, 200), 0, "CT primary is writable");
    cr_assert_eq(rig_meter_restart(m), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(ui_bench, 1.0), 0, "%s", rig_last_error());
    struct rig_display d;
    ui_read(pos, &d);
    cr_expect_eq(ui_page_marks(&d), M(ENERGY) | M(IMPORT) | M(TOTAL) | M(KWH) | M(MAIN),
                 "after a restart the CT unit shows '%s', not the start page", d.text);
}
