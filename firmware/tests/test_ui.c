/*
 * test_ui.c — the display and its two buttons (core/ui*.c) on a meter with
 * the recording hal: the start page, the pages each model has, a setting
 * edited by buttons going through the Modbus path (validated, staged,
 * saved), a refused edit, the password and protection, the language, the
 * backlight, the 5-minute return, and the CT/VT entry at first power-up.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>

#include "hal_record.h"
#include "mb_frames.h"
#include "meter.h"
#include "ui_menu.h"

#define M(x) MED2_LCD_BIT(MED2_LCD_MARK_##x)
#define SHORT_MS 100u
#define LONG_MS 2500u

static struct meter m;
static struct meter_identity ident;

static void boot(enum med2_model model)
{
    hal_record_reset();
    ident = (struct meter_identity){.model = model, .serial = 24110001u};
    meter_init(&m, &ident);
}

static void press(unsigned button, uint32_t ms)
{
    meter_on_button(&m, button, true);
    meter_on_tick(&m, ms);
    meter_on_button(&m, button, false);
}

static void next(void) { press(UI_BUTTON_NEXT, SHORT_MS); }
static void enter(void) { press(UI_BUTTON_ENTER, SHORT_MS); }
static void back(void) { press(UI_BUTTON_ENTER, LONG_MS); }

/* Does the LCD (what the board was last given) show word? */
static bool shows(const char *word)
{
    struct med2_lcd_frame f = {0};
    unsigned d = 0;
    for (const char *p = word; *p && d < MED2_LCD_DIGITS; p++) {
        f.seg[d++] = med2_lcd_glyph(*p);
    }
    /* words are left-aligned */
    return memcmp(f.seg, hal_rec.lcd.seg, MED2_LCD_DIGITS) == 0;
}

static uint64_t page_marks(void)
{
    return hal_rec.lcd.marks & ~(M(BTN_NEXT) | M(BTN_ENTER) | M(BTN_BACK));
}

#define START_MARKS (M(ENERGY) | M(IMPORT) | M(TOTAL) | M(KWH) | M(MAIN))

Test(ui, a_direct_unit_starts_on_total_import_active_energy)
{
    boot(MED2_MODEL_C80_1M_V3);
    cr_expect_eq(page_marks(), START_MARKS);
    cr_expect_gt(hal_rec.lcd_shows, 0u, "the first frame went to the LCD");
    cr_expect_eq(hal_rec.lcd.backlight, 1u);
}

static unsigned leaves(enum med2_model model)
{
    unsigned n = 0;
    for (unsigned k = 0; k < ui_menu_count(); k++) {
        n += ui_menu_is_leaf(k) && ui_menu_visible(k, med2_model_info(model));
    }
    return n;
}

static bool has_page(enum med2_model model, const char *name, unsigned parent_word)
{
    for (unsigned k = 0; k < ui_menu_count(); k++) {
        const struct ui_node *n = ui_menu_node(k);
        if (strcmp(n->name, name) == 0 && (parent_word == UI_WORD_COUNT ||
                                           ui_menu_node(n->parent)->word == parent_word) &&
            ui_menu_visible(k, med2_model_info(model))) {
            return true;
        }
    }
    return false;
}

Test(ui, the_capability_table_decides_the_pages)
{
    cr_expect(has_page(MED2_MODEL_C80_1M_V3CT, "Network", UI_WORD_COUNT));
    cr_expect(!has_page(MED2_MODEL_C80_1M_V3, "Network", UI_WORD_COUNT));
    cr_expect(has_page(MED2_MODEL_C80_1M_V3, "T1-4", UI_WORD_IMPORT));
    cr_expect(!has_page(MED2_MODEL_B80_1M_V2, "T1-4", UI_WORD_IMPORT));
    cr_expect(has_page(MED2_MODEL_B80_1M_V2, "T2", UI_WORD_IMPORT));
    cr_expect(!has_page(MED2_MODEL_B80_0M_02, "T2", UI_WORD_IMPORT));
    cr_expect(!has_page(MED2_MODEL_B80_0M_02, "Serial Communication", UI_WORD_COUNT));
    cr_expect(has_page(MED2_MODEL_B80_0M_02, "Pulse", UI_WORD_COUNT));
    cr_expect(!has_page(MED2_MODEL_B80_0W_01, "Pulse", UI_WORD_COUNT));
    cr_expect(!has_page(MED2_MODEL_B80_0W_01, "Runtime Values", UI_WORD_COUNT));
    cr_expect(has_page(MED2_MODEL_B80_0M_02P, "Partial Counter", UI_WORD_COUNT));
    cr_expect(!has_page(MED2_MODEL_B80_0M_02, "Partial Counter", UI_WORD_COUNT));
    cr_expect(!has_page(MED2_MODEL_B80_0M_02, "Date&Time", UI_WORD_COUNT));
    cr_expect_gt(leaves(MED2_MODEL_C80_1M_V3CT), leaves(MED2_MODEL_C80_1M_V3));
    cr_expect_gt(leaves(MED2_MODEL_B80_0M_02), leaves(MED2_MODEL_B80_0W_01));
}

/* From the start page into SET > DEMAND > PERIOD (a C80, with RS485). */
static void to_demand_period(void)
{
    back(), back(); /* Measurement */
    next();
    cr_assert(shows("SET"));
    enter(); /* Serial Communication */
    next();
    cr_assert(shows("DEMAND"));
    enter(), next();
    cr_assert(shows("PERIOD"));
}

Test(ui, a_setting_edited_on_the_display_is_validated_staged_and_saved)
{
    boot(MED2_MODEL_C80_1M_V3);
    to_demand_period();
    unsigned writes = hal_rec.nv_writes;
    enter(); /* 15, the first digit blinks */
    cr_expect_eq(hal_rec.lcd.blink, 1u << 5);
    next(), next(), enter(); /* 35 */
    for (int k = 0; k < 5; k++) {
        next(); /* 5 -> 0 */
    }
    enter();
    cr_assert(shows("SUCCESS"));
    cr_expect_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 30u);
    cr_expect_eq(settings_get(&m.staged, MED2_REG_DEMAND_PERIOD), 30u);
    cr_expect_gt(hal_rec.nv_writes, writes, "saved as command 100 saves");
    cr_expect(!m.session.unlocked, "the Modbus session's password state is its own");
    /* and it survives a reset, as a Modbus save does */
    hal_record_reset_calls();
    meter_init(&m, &ident);
    cr_expect_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 30u);
}

Test(ui, an_out_of_range_edit_is_refused_like_a_modbus_write)
{
    boot(MED2_MODEL_C80_1M_V3);
    to_demand_period();
    enter();
    for (int k = 0; k < 8; k++) {
        next(); /* 15 -> 95 minutes: outside 1..60 */
    }
    enter(), enter();
    cr_expect(shows("ERROR"));
    cr_expect(hal_rec.lcd.marks & M(WARNING), "the warning icon with ERROR");
    cr_expect_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 15u);
    cr_expect_eq(settings_get(&m.staged, MED2_REG_DEMAND_PERIOD), 15u);
    cr_expect_eq(meter_local_write(&m, MED2_REG_DEMAND_PERIOD, 95u), MB_EX_ILLEGAL_VALUE);
}

Test(ui, a_long_enter_cancels_an_edit)
{
    boot(MED2_MODEL_C80_1M_V3);
    to_demand_period();
    enter(), next();
    back();
    cr_expect(shows("PERIOD"));
    cr_expect_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 15u);
}

Test(ui, five_minutes_without_a_button_return_to_the_start_page)
{
    boot(MED2_MODEL_B80_1M_V2);
    back(), back(), next();
    cr_assert(shows("SET"));
    meter_on_tick(&m, UI_RETURN_MS - 1u); /* from the last button's release */
    cr_expect(shows("SET"));
    meter_on_tick(&m, 1u);
    cr_expect_eq(page_marks(), START_MARKS);
}

Test(ui, the_backlight_goes_dark_after_its_time_and_a_press_lights_it)
{
    boot(MED2_MODEL_C80_1M_V3);
    meter_on_tick(&m, SETTINGS_BACKLIGHT_DEFAULT_S * 1000u - 1u);
    cr_expect_eq(hal_rec.lcd.backlight, 1u);
    meter_on_tick(&m, 2u);
    cr_expect_eq(hal_rec.lcd.backlight, 0u);
    next();
    cr_expect_eq(hal_rec.lcd.backlight, 1u);
    struct settings s = m.staged;
    s.ui.backlight = 1; /* on */
    cr_assert_eq(meter_local_save(&m, &s), MB_OK);
    meter_on_tick(&m, 700000u);
    cr_expect_eq(hal_rec.lcd.backlight, 1u);
    s.ui.backlight_s = 5; /* below 10 s: not a configuration */
    cr_expect_eq(meter_local_save(&m, &s), MB_EX_ILLEGAL_VALUE);
}

Test(ui, turkish_words_after_the_language_switch)
{
    boot(MED2_MODEL_C80_1M_V3);
    struct settings s = m.staged;
    s.ui.language = UI_LANG_TURKISH;
    cr_assert_eq(meter_local_save(&m, &s), MB_OK);
    back(), back();
    cr_expect(shows("OLCUM"));
    next();
    cr_expect(shows("AYAR"));
}

static void type_password(const char *digits)
{
    for (int k = 0; k < 7; k++) {
        for (int s = 0; s < digits[k] - '0'; s++) {
            next();
        }
        enter();
    }
}

Test(ui, protection_asks_the_password_before_the_settings)
{
    boot(MED2_MODEL_C80_1M_V3);
    struct settings s = m.staged;
    s.ui.protection = 1;
    cr_assert_eq(meter_local_save(&m, &s), MB_OK);
    back(), back(), next();
    enter();
    cr_expect(hal_rec.lcd.marks & M(LOCK), "the password edit");
    type_password("0000002");
    cr_expect(shows("ERROR"));
    next(); /* the message away */
    enter();
    type_password("0000001");
    cr_expect(shows("SERIAL"), "into the settings");
}

Test(ui, login_says_success_only_for_the_right_password)
{
    boot(MED2_MODEL_B80_0M_02); /* Measurement, Settings, Info, Login */
    back(), back(), next(), next(), next();
    cr_assert(shows("LOGIN"));
    enter();
    type_password("0000001");
    cr_expect(shows("SUCCESS"));
    next(), enter();
    type_password("1234567");
    cr_expect(shows("ERROR"));
}

/* One CT/VT field: open its edit, step digit `bump` once (none: -1), go
 * through its digits (or take the choice), then confirm (yes) or not. */
static void ctvt_field(unsigned width, int bump, bool yes)
{
    enter();
    for (unsigned k = 0; k < width; k++) {
        if ((int)k == bump) {
            next();
        }
        enter();
    }
    if (width == 0u) {
        enter();
    }
    if (yes) {
        enter();
    } else {
        next();
    }
}

/* All four, the ratios shown twice, then the final answer. */
static void ctvt_all(int ct_primary_bump, bool final_yes)
{
    ctvt_field(4, ct_primary_bump, true);
    ctvt_field(0, -1, true);
    ctvt_field(7, -1, true);
    ctvt_field(3, -1, true);
    meter_on_tick(&m, 4u * UI_RATIO_SHOW_MS);
    cr_assert(shows("CONFIRM"));
    if (final_yes) {
        enter();
    } else {
        next();
    }
}

Test(ui, ct_vt_are_asked_until_confirmed_then_fixed_for_good)
{
    boot(MED2_MODEL_C80_1M_V3CT);
    cr_expect(shows("CT-PRI"));
    /* metering and Modbus go on: the prompt is the display's only */
    cr_expect_eq(m.ui.mode, UI_CTVT);
    ctvt_field(4, 0, false); /* 1005, not confirmed: asked again */
    cr_expect(shows("CT-PRI"));
    ctvt_all(-1, false);
    cr_expect(shows("CT-PRI"), "refused: from the first value");
    hal_record_reset_calls();
    meter_init(&m, &ident); /* a power-up before confirming: asked again */
    cr_expect(shows("CT-PRI"));
    ctvt_all(1, true); /* 0105 */
    cr_expect(shows("SUCCESS"));
    cr_expect_eq(m.applied.ui.ct_vt_confirmed, 1u);
    cr_expect_float_eq(settings_ct_ratio(&m.applied), 105.0f / 5.0f, 1e-6f);
    cr_expect_eq(meter_local_commission(&m, 200.0f, 1u, 100.0f, 100.0f), MB_EX_ILLEGAL_FUNCTION);
    hal_record_reset_calls();
    meter_init(&m, &ident);
    cr_expect_eq(page_marks(), START_MARKS, "confirmed once: never asked again");
    cr_expect_float_eq(settings_ct_ratio(&m.applied), 21.0f, 1e-6f);
    settings_return_to_defaults(&m.staged);
    cr_expect_eq(m.staged.ui.ct_vt_confirmed, 1u, "Clear settings keeps the CT/VT entry");
}

Test(ui, a_direct_unit_has_no_ct_vt_entry)
{
    boot(MED2_MODEL_B80_1M_V2);
    cr_expect_eq(meter_local_commission(&m, 100.0f, 1u, 100.0f, 100.0f), MB_EX_ILLEGAL_FUNCTION);
}

Test(ui, settings_saved_before_the_display_settings_existed_are_kept)
{
    boot(MED2_MODEL_C80_1M_V3CT);
    struct settings old;
    settings_defaults(&old);
    settings_set(&old, MED2_REG_DEMAND_PERIOD, 30u);
    memcpy(old.password, "7654321", 8);
    /* the record as a firmware without the display wrote it: no `ui` part */
    cr_assert_eq(nvstore_save(&m.nv, NVSTORE_SETTINGS, &old, offsetof(struct settings, ui)), 0);
    hal_record_reset_calls();
    meter_init(&m, &ident);
    cr_expect_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 30u);
    cr_expect_str_eq(m.applied.password, "7654321");
    cr_expect_eq(m.applied.ui.backlight_s, SETTINGS_BACKLIGHT_DEFAULT_S);
    cr_expect_eq(m.nv.status[NVSTORE_SETTINGS], NVSTORE_OK);
    cr_expect(shows("CT-PRI"), "a CT unit is then asked CT/VT, which it could not be given before");
}

Test(ui, the_communication_icon_follows_a_modbus_request)
{
    boot(MED2_MODEL_C80_1M_V3);
    cr_expect(!(hal_rec.lcd.marks & M(COMM)));
    uint8_t req[16];
    size_t n = mbf_read(req, 1, 0, 2); /* voltage */
    meter_on_uart_rx(&m, req, n);
    meter_on_uart_idle(&m);
    cr_expect(hal_rec.lcd.marks & M(COMM), "on after the reply");
    meter_on_tick(&m, UI_COMM_MS - 1u);
    cr_expect(hal_rec.lcd.marks & M(COMM));
    meter_on_tick(&m, 1u);
    cr_expect(!(hal_rec.lcd.marks & M(COMM)), "off a second later");
    /* a setting edited on the display is no request over the line */
    cr_assert_eq(meter_local_write(&m, MED2_REG_DEMAND_PERIOD, 20u), MB_OK);
    cr_expect(!(hal_rec.lcd.marks & M(COMM)));
}

Test(ui, a_display_save_saves_what_modbus_staged_as_a_100_would)
{
    boot(MED2_MODEL_C80_1M_V3);
    /* a Modbus client staged a change and has not saved it */
    settings_set(&m.staged, MED2_REG_SUB_INTERVAL, 5u);
    cr_assert_eq(meter_local_write(&m, MED2_REG_DEMAND_PERIOD, 30u), MB_OK);
    cr_expect_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 30u);
    cr_expect_eq(settings_get(&m.applied, MED2_REG_SUB_INTERVAL), 5u, "docs/ui.md: saved with it");
    cr_expect_eq(meter_local_write(&m, MED2_REG_VOLTAGE, 1u), MB_EX_ILLEGAL_ADDRESS,
                 "not a setting: refused as a Modbus write of it is");
    cr_expect_eq(meter_local_command(&m, MED2_REG_SLAVE_ID, 1u), MB_EX_ILLEGAL_ADDRESS);
}
