/*
 * ui_edit.c — editing a value with two buttons, and what a confirmed edit
 * does (ui.h): a setting goes through the meter's one path for settings
 * (validation, staging, save: meter_local_write / meter_local_save, the
 * same code a Modbus write runs), a password is compared, a CT/VT field
 * goes back to the CT/VT entry (ui_ctvt.c).
 *
 * Digits are edited left to right: a short `next` steps the blinking digit
 * 0..9, a short `enter` moves to the next digit and, on the last one,
 * confirms. A choice steps through its values with `next` and is confirmed
 * with `enter`. A long `enter` cancels: nothing is written.
 */
#include <string.h>

#include "meter.h"
#include "ui.h"
#include "ui_menu.h"

#define M(x) MED2_LCD_BIT(MED2_LCD_MARK_##x)
#define W(x) UI_WORD_##x
/* count, first = 0, the words */
#define CHOICES(...) (uint8_t)sizeof((const uint8_t[]){__VA_ARGS__}), 0, (const uint8_t[]){__VA_ARGS__}
#define PASSWORD_MAX 9999999u /* 7 digits, manual §3.2 "Security" */
#define LANGUAGE_LAST 1u
#define BACKLIGHT_LAST 2u
#define BACKLIGHT_MIN_S 10u  /* docs/ui.md: 10..600 s (manual §6) */
#define BACKLIGHT_MAX_S 600u

/* Manual §3.2's lists, in the register's order: value first + k is choices[k]. */
static const struct ui_setting_info settings_table[UI_SET_COUNT] = {
    [UI_SET_SLAVE_ID] = {MED2_REG_SLAVE_ID, 3, 0, 0, NULL, 0, 0, 0},
    [UI_SET_BAUD] = {MED2_REG_BAUDRATE, 0, CHOICES(W(BAUD1200), W(BAUD2400), W(BAUD4800), W(BAUD9600),
                     W(BAUD19200), W(BAUD38400), W(BAUD57600), W(BAUD115200)), 0, 0, 0},
    [UI_SET_PARITY] = {MED2_REG_PARITY, 0, CHOICES(W(NONE), W(ODD), W(EVEN)), 0, 0, 0},
    [UI_SET_STOPBIT] = {MED2_REG_STOPBIT, 0, CHOICES(W(ONE), W(TWO)), 0, 0, 0},
    [UI_SET_ENDIAN] = {MED2_REG_ENDIAN, 0, CHOICES(W(BE), W(LE), W(BESWAP), W(LESWAP)), 0, 0, 0},
    [UI_SET_DEMAND_METHOD] = {MED2_REG_DEMAND_METHOD, 0, CHOICES(W(FIXED), W(SLIDE), W(ROLLING)), 0,
                              0, 0},
    [UI_SET_DEMAND_PERIOD] = {MED2_REG_DEMAND_PERIOD, 2, 0, 0, NULL, M(MIN), 0, 0},
    [UI_SET_SUB_INTERVAL] = {MED2_REG_SUB_INTERVAL, 2, 0, 0, NULL, M(MIN), 0, 0},
    [UI_SET_PULSE2_SOURCE] = {MED2_REG_PULSE2_SOURCE, 0,
                              CHOICES(W(OFF), W(IMPACT), W(EXPACT), W(IMPREACT), W(EXPREACT)), 0, 0, 0},
    [UI_SET_PULSE2_ENERGY] = {MED2_REG_PULSE2_ENERGY, 1, 0, 0, NULL, 0, 0, 0},
    [UI_SET_PULSE2_MULTIPLIER] = {MED2_REG_PULSE2_MULTIPLIER, 0,
                                  CHOICES(W(DIV1000), W(DIV100), W(DIV10), W(MUL1), W(MUL10), W(MUL100),
                                          W(MUL1000)), 0, 0, 0},
    [UI_SET_PULSE2_DURATION] = {MED2_REG_PULSE2_DURATION, 4, 0, 0, NULL, M(MS), 0, 0},
    [UI_SET_LANGUAGE] = {UI_NO_REG, 0, CHOICES(W(TURKISH), W(ENGLISH)), 0, 0, LANGUAGE_LAST},
    [UI_SET_BACKLIGHT] = {UI_NO_REG, 0, CHOICES(W(OFF), W(ON), W(TIMED)), 0, 0, BACKLIGHT_LAST},
    [UI_SET_BACKLIGHT_TIME] = {UI_NO_REG, 3, 0, 0, NULL, M(SEC), BACKLIGHT_MIN_S, BACKLIGHT_MAX_S},
    [UI_SET_YEAR] = {MED2_REG_YEAR, 2, 0, 0, NULL, 0, 0, 0},
    [UI_SET_MONTH] = {MED2_REG_MONTH, 2, 0, 0, NULL, 0, 0, 0},
    [UI_SET_DAY] = {MED2_REG_DAY, 2, 0, 0, NULL, 0, 0, 0},
    [UI_SET_HOUR] = {MED2_REG_HOUR, 2, 0, 0, NULL, 0, 0, 0},
    [UI_SET_MINUTE] = {MED2_REG_MINUTE, 2, 0, 0, NULL, 0, 0, 0},
    [UI_SET_SECOND] = {MED2_REG_SECOND, 2, 0, 0, NULL, 0, 0, 0},
    [UI_SET_PROTECTION] = {UI_NO_REG, 0, CHOICES(W(OFF), W(ON)), 0, 0, 1},
    [UI_SET_PASSWORD] = {UI_NO_REG, 7, 0, 0, NULL, 0, 0, PASSWORD_MAX},
    [UI_SET_CT_SECONDARY] = {UI_NO_REG, 0, CHOICES(W(ONE), W(FIVE)), M(A), 0, 1},
};

const struct ui_setting_info *ui_setting_info(enum ui_setting s)
{
    return (unsigned)s < UI_SET_COUNT ? &settings_table[s] : NULL;
}

uint32_t ui_setting_value(const struct meter *m, uint8_t setting)
{
    const struct settings_ui *d = &m->staged.ui;
    struct calendar_time now;
    calendar_from_seconds(hal_rtc_get(), &now);
    switch (setting) {
    case UI_SET_LANGUAGE: return d->language;
    case UI_SET_BACKLIGHT: return d->backlight;
    case UI_SET_BACKLIGHT_TIME: return d->backlight_s;
    case UI_SET_PROTECTION: return d->protection;
    case UI_SET_PASSWORD: return 0; /* never shown: a new one is typed */
    case UI_SET_YEAR: return (uint32_t)(now.year - CALENDAR_BASE_YEAR) % CALENDAR_YEARS;
    case UI_SET_MONTH: return now.month;
    case UI_SET_DAY: return now.day;
    case UI_SET_HOUR: return now.hour;
    case UI_SET_MINUTE: return now.minute;
    case UI_SET_SECOND: return now.second;
    default: return settings_get(&m->staged, (enum med2_reg_id)settings_table[setting].reg);
    }
}

void ui_edit_begin(struct meter *m, enum ui_edit_purpose purpose, uint8_t setting, uint32_t value,
                   uint8_t width)
{
    struct ui *u = &m->ui;
    u->mode = UI_EDIT;
    u->purpose = purpose;
    u->setting = setting;
    u->value = value;
    u->width = width;
    u->digit = 0;
}

static uint32_t pow10u(unsigned n)
{
    uint32_t p = 1;
    while (n-- > 0u) {
        p *= 10u;
    }
    return p;
}

static void password_text(uint32_t v, char out[SETTINGS_PASSWORD_DIGITS + 1u])
{
    for (unsigned k = SETTINGS_PASSWORD_DIGITS; k-- > 0u;) {
        out[k] = (char)('0' + v % 10u);
        v /= 10u;
    }
    out[SETTINGS_PASSWORD_DIGITS] = '\0';
}

/* The display's own settings: the same staging and save as the registers. */
static enum mb_status save_display_setting(struct meter *m, uint8_t setting, uint32_t v)
{
    const struct ui_setting_info *s = ui_setting_info((enum ui_setting)setting);
    if (v < s->min || v > s->max) {
        return MB_EX_ILLEGAL_VALUE;
    }
    struct settings next = m->staged;
    switch (setting) {
    case UI_SET_LANGUAGE: next.ui.language = (uint8_t)v; break;
    case UI_SET_BACKLIGHT: next.ui.backlight = (uint8_t)v; break;
    case UI_SET_BACKLIGHT_TIME: next.ui.backlight_s = (uint16_t)v; break;
    case UI_SET_PROTECTION: next.ui.protection = (uint8_t)v; break;
    default: password_text(v, next.password); break;
    }
    return meter_local_save(m, &next);
}

static bool password_right(const struct meter *m, uint32_t v)
{
    char typed[SETTINGS_PASSWORD_DIGITS + 1u];
    password_text(v, typed);
    return memcmp(typed, m->applied.password, SETTINGS_PASSWORD_DIGITS) == 0;
}

static void commit(struct meter *m)
{
    struct ui *u = &m->ui;
    enum mb_status st;
    switch (u->purpose) {
    case UI_EDIT_CTVT:
        ui_ctvt_edited(m, u->value);
        return;
    case UI_EDIT_PASSWORD_SET:
        if (password_right(m, u->value)) {
            u->unlocked = true;
            u->mode = UI_BROWSE;
            ui_enter_unlocked(m);
        } else {
            ui_message(m, UI_WORD_ERROR, UI_BROWSE);
        }
        return;
    case UI_EDIT_PASSWORD_LOGIN:
        u->unlocked = u->unlocked || password_right(m, u->value);
        ui_message(m, password_right(m, u->value) ? UI_WORD_SUCCESS : UI_WORD_ERROR, UI_BROWSE);
        return;
    default:
        break;
    }
    uint16_t reg = settings_table[u->setting].reg;
    st = reg == UI_NO_REG ? save_display_setting(m, u->setting, u->value)
                          : meter_local_write(m, (enum med2_reg_id)reg, u->value);
    ui_message(m, st == MB_OK ? UI_WORD_SUCCESS : UI_WORD_ERROR, UI_BROWSE);
}

static void cancel(struct meter *m)
{
    struct ui *u = &m->ui;
    if (u->purpose == UI_EDIT_CTVT) {
        ui_ctvt_start(m); /* the CT/VT entry cannot be left: from its first value */
        return;
    }
    u->mode = UI_BROWSE;
}

void ui_edit_press(struct meter *m, enum ui_button b, bool long_press)
{
    struct ui *u = &m->ui;
    if (b == UI_BUTTON_ENTER && long_press) {
        cancel(m);
        return;
    }
    if (b == UI_BUTTON_NEXT) {
        if (u->width == 0u) {
            const struct ui_setting_info *s = ui_setting_info((enum ui_setting)u->setting);
            u->value = u->value + 1u >= (uint32_t)s->first + s->choice_count ? s->first : u->value + 1u;
        } else {
            uint32_t place = pow10u((unsigned)(u->width - 1u - u->digit));
            uint32_t d = u->value / place % 10u;
            u->value = u->value - d * place + (d + 1u) % 10u * place;
        }
        return;
    }
    if (u->width != 0u && u->digit + 1u < u->width) {
        u->digit++;
        return;
    }
    commit(m);
}
