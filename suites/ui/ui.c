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

#include "ui_suite.h"

#define VOLTS 230.0
#define AMPS 5.0
#define PHASE_DEG 30.0 /* import active and import reactive energy */
#define LOAD_S 120.0
#define MAX_LEAVES 128
#define MAX_STEPS 40 /* more pages than any menu level has */

TestSuite(ui, .init = ui_open, .fini = ui_close, .timeout = 120);

static void load(void)
{
    struct rig_source *src = rig_bench_source(ui_bench);
    cr_assert_eq(rig_source_set(src, VOLTS, AMPS, PHASE_DEG, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(ui_bench, LOAD_S), 0, "%s", rig_last_error());
}

/* Resolution of a shown quantity (docs/ui.md) and what moves between the
 * display's refresh (1 s) and the register. */
static double tolerance(enum med2_reg_id reg, double modbus)
{
    if (reg >= MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY && reg <= MED2_REG_BALANCE_REACTIVE_ENERGY)
        return 1.0 + VOLTS * AMPS / 3600.0 * 1.5; /* Wh: 1 Wh shown, 1 s of load and a press */
    double res = reg == MED2_REG_CURRENT || reg == MED2_REG_POWER_FACTOR ||
                         reg == MED2_REG_CURRENT_DEMAND || reg == MED2_REG_MAX_CURRENT_DEMAND
                     ? 0.001
                 : reg == MED2_REG_FREQUENCY ? 0.01
                                             : 0.1;
    return res + 0.005 * fabs(modbus);
}

struct walk {
    unsigned pos;
    bool rs485;
    struct ui_leaf leaves[MAX_LEAVES];
    size_t n_leaves;
    bool seen[MAX_LEAVES];
    unsigned checked, pages, ocr_same;
};

static void check_page(struct walk *w, const struct rig_display *d)
{
    struct rig_display ocr;
    w->pages++;
    cr_assert_eq(rig_display_ocr(ui_bench, w->pos, &ocr), 0, "%s", rig_last_error());
    bool same = rig_display_same_digits(&ocr, d);
    w->ocr_same += same;
    int reg = ui_tree_find(w->leaves, w->n_leaves, ui_page_marks(d));
    if (reg < 0)
        return; /* a word: ssocr misreads letters drawn in the lower half only (r, n, o) */
    cr_expect(same, "position %u: OCR reads '%s', the frame shows '%s'", w->pos, ocr.text, d->text);
    for (size_t k = 0; k < w->n_leaves; k++)
        if (w->leaves[k].marks == ui_page_marks(d))
            w->seen[k] = true;
    double shown;
    cr_assert(rig_display_value(d, &shown), "position %u: page of register %s shows '%s'", w->pos,
              rig_reg_name((enum med2_reg_id)reg), d->text);
    if (!w->rs485) {
        w->checked++; /* no Modbus to compare with: the page is there and shows a number */
        return;
    }
    double v;
    cr_assert_eq(rig_meter_read_reg(rig_bench_meter(ui_bench, w->pos), (enum med2_reg_id)reg, &v), 0,
                 "%s", rig_last_error());
    bool energy = reg >= MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY && reg <= MED2_REG_BALANCE_REACTIVE_ENERGY;
    double on_display = energy ? shown * 1000.0 : shown;
    cr_expect_leq(fabs(on_display - v), tolerance((enum med2_reg_id)reg, v),
                  "position %u %s: display '%s', Modbus %.4f", w->pos,
                  rig_reg_name((enum med2_reg_id)reg), d->text, v);
    w->checked++;
}

static bool same_page(const struct rig_display *a, const struct rig_display *b)
{
    /* a value page is named by its marks (its digits move), any other by its word too */
    const uint64_t units = M(KWH) | M(KVARH) | M(V) | M(A) | M(W) | M(VAR) | M(VA) | M(PF) | M(HZ);
    return ui_page_marks(a) == ui_page_marks(b) &&
           ((a->frame.marks & units) != 0 || strcmp(a->text, b->text) == 0);
}

/* Every page under the current group; back at the group afterwards. */
static void walk_leaves(struct walk *w)
{
    struct rig_display first, d;
    ui_enter(w->pos);
    ui_read(w->pos, &first);
    d = first;
    for (int step = 0; step < MAX_STEPS; step++) {
        check_page(w, &d);
        ui_next(w->pos);
        ui_read(w->pos, &d);
        if (same_page(&d, &first))
            break;
    }
    ui_back(w->pos);
}

/* From the start page: every page of Measurement (§3.1). */
static void walk_measurement(struct walk *w)
{
    struct rig_display first, d;
    ui_back(w->pos); /* the Import Active Energy group */
    ui_read(w->pos, &first);
    d = first;
    for (int step = 0; step < MAX_STEPS; step++) {
        walk_leaves(w);
        ui_next(w->pos);
        ui_read(w->pos, &d);
        if (same_page(&d, &first))
            break;
    }
}

static const unsigned direct_positions[] = {POS_C80, POS_B80, POS_B80_0M, POS_B80_0W, POS_B80_0MP};

Test(ui, measurement_pages_match_modbus_on_every_direct_model)
{
    load();
    unsigned checked = 0, total = 0, pages = 0, ocr_same = 0;
    for (size_t k = 0; k < sizeof direct_positions / sizeof direct_positions[0]; k++) {
        struct walk w = {.pos = direct_positions[k]};
        const struct rig_position *p = rig_bench_position(ui_bench, w.pos);
        struct rig_model_info mi;
        cr_assert_eq(rig_model_info(p->model, &mi), 0);
        w.rs485 = mi.rs485;
        w.n_leaves = ui_tree_values(p->model, w.leaves, MAX_LEAVES);
        struct rig_display d;
        ui_read(w.pos, &d);
        cr_assert_eq(ui_page_marks(&d), M(ENERGY) | M(IMPORT) | M(TOTAL) | M(KWH),
                     "position %u (%s) does not start on Total Import Active Energy: '%s'", w.pos,
                     p->model, d.text);
        walk_measurement(&w);
        for (size_t j = 0; j < w.n_leaves; j++)
            cr_expect(w.seen[j], "%s: no page of register %s", p->model,
                      rig_reg_name(w.leaves[j].reg));
        cr_expect_eq(w.checked, w.n_leaves, "%s: %u of %zu measurement pages checked", p->model,
                     w.checked, w.n_leaves);
        checked += w.checked;
        total += (unsigned)w.n_leaves;
        pages += w.pages;
        ocr_same += w.ocr_same;
    }
    ui_figure("ui_menu_leaves_checked", checked, "leaves");
    ui_figure("ui_menu_leaves_total", total, "leaves");
    ui_figure("ocr_agreement", pages ? (double)ocr_same / pages : 0.0, "fraction");
}

/* From the start page to main menu `index` (0 Measurement, 1 Settings, ...). */
static void to_main_menu(unsigned pos, unsigned index)
{
    ui_back(pos);
    ui_back(pos);
    for (unsigned k = 0; k < index; k++)
        ui_next(pos);
}

static void expect_shows(unsigned pos, const char *word)
{
    struct rig_display d;
    ui_read(pos, &d);
    cr_assert(rig_display_shows(&d, word), "position %u shows '%s', expected %s", pos, d.text, word);
}

Test(ui, demand_period_by_buttons_reads_back_over_modbus_and_the_reverse)
{
    unsigned pos = POS_C80;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    to_main_menu(pos, 1);
    expect_shows(pos, "SET");
    ui_enter(pos); /* Serial Communication */
    expect_shows(pos, "SERIAL");
    ui_next(pos);
    expect_shows(pos, "DEMAND");
    ui_enter(pos);
    expect_shows(pos, "METHOD");
    ui_next(pos);
    expect_shows(pos, "PERIOD");
    ui_enter(pos);
    expect_shows(pos, "15");
    ui_next(pos), ui_next(pos); /* 1 -> 3 */
    ui_enter(pos);
    for (int k = 0; k < 5; k++)
        ui_next(pos); /* 5 -> 0 */
    ui_enter(pos);
    expect_shows(pos, "SUCCESS");
    double v;
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_DEMAND_PERIOD, &v), 0, "%s", rig_last_error());
    cr_expect_eq(v, 30.0, "demand period over Modbus %.0f after setting 30 on the display", v);

    /* the reverse: Modbus writes and saves, the display shows it */
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_write_reg(m, MED2_REG_DEMAND_PERIOD, 20), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_save(m), 0, "%s", rig_last_error());
    ui_next(pos); /* the message away */
    expect_shows(pos, "PERIOD");
    ui_enter(pos);
    expect_shows(pos, "20");
    ui_back(pos); /* cancelled: nothing written */
    expect_shows(pos, "PERIOD");
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
    expect_shows(pos, "ERROR");
    double v;
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_DEMAND_PERIOD, &v), 0, "%s", rig_last_error());
    cr_expect_eq(v, 15.0, "a refused edit changed the period to %.0f", v);
}

Test(ui, login_success_and_wrong_password)
{
    unsigned pos = POS_C80; /* main menus: Measurement, Settings, Date&Time, Info, Login */
    to_main_menu(pos, 4);
    expect_shows(pos, "LOGIN");
    ui_enter(pos);
    for (int k = 0; k < 6; k++)
        ui_enter(pos);
    ui_next(pos); /* 0000001, the default password */
    ui_enter(pos);
    expect_shows(pos, "SUCCESS");
    ui_next(pos);
    ui_enter(pos);
    for (int k = 0; k < 7; k++)
        ui_enter(pos); /* 0000000 */
    expect_shows(pos, "ERROR");
}

Test(ui, five_minutes_without_a_button_return_to_the_start_page)
{
    unsigned pos = POS_B80;
    to_main_menu(pos, 1);
    expect_shows(pos, "SET");
    cr_assert_eq(rig_sleep(ui_bench, 299.0), 0, "%s", rig_last_error());
    expect_shows(pos, "SET");
    cr_assert_eq(rig_sleep(ui_bench, 2.0), 0, "%s", rig_last_error());
    struct rig_display d;
    ui_read(pos, &d);
    cr_expect_eq(ui_page_marks(&d), M(ENERGY) | M(IMPORT) | M(TOTAL) | M(KWH), "after 5 min: '%s'",
                 d.text);
}

/* One CT/VT field: enter its edit, type digits (NULL: keep), confirm it. */
static void ctvt_field(unsigned pos, const char *label, unsigned width, const char *digits, bool confirm)
{
    expect_shows(pos, label);
    ui_enter(pos);
    for (unsigned k = 0; k < width; k++) {
        struct rig_display d;
        ui_read(pos, &d);
        unsigned have = (unsigned)(d.text[7 - width + k] - '0');
        unsigned want = digits ? (unsigned)(digits[k] - '0') : have;
        for (unsigned s = 0; s < (want + 10 - have) % 10; s++)
            ui_next(pos);
        ui_enter(pos);
    }
    if (width == 0)
        ui_enter(pos); /* the choice as it is */
    if (confirm)
        ui_enter(pos);
    else
        ui_next(pos);
}

Test(ui, ct_vt_entry_at_first_power_up_refused_then_confirmed_and_fixed)
{
    unsigned pos = POS_C80CT;
    struct rig_meter *m = rig_bench_meter(ui_bench, pos);
    double v;
    /* metering and Modbus go on while the prompt waits */
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_VOLTAGE, &v), 0, "%s", rig_last_error());
    ctvt_field(pos, "CT-PRI", 4, "0100", false); /* not confirmed: asked again */
    ctvt_field(pos, "CT-PRI", 4, "0100", true);
    ctvt_field(pos, "CT-SEC", 0, NULL, true);
    ctvt_field(pos, "VT-PRI", 7, NULL, true);
    ctvt_field(pos, "VT-SEC", 3, NULL, true);
    for (int k = 0; k < 4; k++) { /* CT, VT, CT, VT */
        struct rig_display d;
        ui_read(pos, &d);
        cr_expect(rig_display_shows(&d, k % 2 ? "1.00" : "20.00"), "ratio page %d shows '%s'", k, d.text);
        cr_assert_eq(rig_sleep(ui_bench, 2.0), 0, "%s", rig_last_error());
    }
    expect_shows(pos, "CONFIRM");
    ui_next(pos); /* refused: all four again */
    ctvt_field(pos, "CT-PRI", 4, NULL, true);
    ctvt_field(pos, "CT-SEC", 0, NULL, true);
    ctvt_field(pos, "VT-PRI", 7, NULL, true);
    ctvt_field(pos, "VT-SEC", 3, NULL, true);
    cr_assert_eq(rig_sleep(ui_bench, 8.0), 0, "%s", rig_last_error());
    expect_shows(pos, "CONFIRM");
    ui_enter(pos);
    expect_shows(pos, "SUCCESS");
    cr_assert_eq(rig_meter_read_reg(m, MED2_REG_CT_PRIMARY, &v), 0, "%s", rig_last_error());
    cr_expect_eq(v, 100.0, "CT primary %.1f after entering 100", v);
    /* fixed: Modbus cannot write it, a restart does not ask again */
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    cr_expect_neq(rig_meter_write_reg(m, MED2_REG_CT_PRIMARY, 200), 0, "CT primary is writable");
    cr_assert_eq(rig_meter_restart(m), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(ui_bench, 1.0), 0, "%s", rig_last_error());
    struct rig_display d;
    ui_read(pos, &d);
    cr_expect_eq(ui_page_marks(&d), M(ENERGY) | M(IMPORT) | M(TOTAL) | M(KWH),
                 "after a restart the CT unit shows '%s', not the start page", d.text);
}
