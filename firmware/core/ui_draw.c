/*
 * ui_draw.c — what the display shows in each state (ui.h): a page of the
 * menu, an edit, a message, the CT/VT entry.
 *
 * Resolution of what is shown (docs/ui.md "Resolution"): energy in kWh /
 * kvarh with 3 decimals (the legal 1 Wh, truncated as a register shows
 * whole units), voltage 0.1 V, current 0.001 A, powers 0.1 W / var / VA,
 * PF 0.001, frequency 0.01 Hz; decimals are dropped, never integer digits,
 * when a number needs more than 7 digits.
 */
#include <string.h>

#include "hal.h"
#include "meter.h"
#include "ui.h"
#include "ui_lcd.h"
#include "ui_menu.h"
#include "version.h"

#define M(x) MED2_LCD_BIT(MED2_LCD_MARK_##x)
#define UI_MODBUS_VERSION "1.0" /* the register map of the manual's §5 */
#define SERIAL_HALF 10000u      /* an 8-digit serial is shown as two halves of 4 */
#define SERIAL_HALF_MS 2000u

static enum ui_language lang(const struct meter *m)
{
    return m->applied.ui.language == UI_LANG_TURKISH ? UI_LANG_TURKISH : UI_LANG_ENGLISH;
}

static void word(const struct meter *m, struct med2_lcd_frame *f, uint8_t w)
{
    ui_lcd_text(f, 0, ui_word_text((enum ui_word)w, lang(m)));
}

static int64_t scaled(float v, unsigned decimals)
{
    float s = v;
    for (unsigned k = 0; k < decimals; k++) {
        s *= 10.0f;
    }
    return (int64_t)(s + (s >= 0.0f ? 0.5f : -0.5f));
}

/* Decimals of a float register on the display. */
static unsigned decimals_of(enum med2_reg_id id)
{
    switch (id) {
    case MED2_REG_CURRENT:
    case MED2_REG_POWER_FACTOR:
    case MED2_REG_CURRENT_DEMAND:
    case MED2_REG_MAX_CURRENT_DEMAND: return 3;
    case MED2_REG_FREQUENCY: return 2;
    default: return 1;
    }
}

static void draw_value(const struct meter *m, struct med2_lcd_frame *f, enum med2_reg_id id)
{
    if (id >= MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY && id <= MED2_REG_PARTIAL_EXPORT_REACTIVE_ENERGY) {
        unsigned k = (unsigned)(id - MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
        uint64_t mwh = energy_register_mwh(&m->energy, (enum energy_kind)(k / ENERGY_SLOT_COUNT),
                                           (enum energy_slot)(k % ENERGY_SLOT_COUNT));
        ui_lcd_fixed(f, (int64_t)(mwh / ENERGY_MWH_PER_WH), 3);
    } else if (id == MED2_REG_BALANCE_ACTIVE_ENERGY || id == MED2_REG_BALANCE_REACTIVE_ENERGY) {
        int64_t mwh = energy_balance_mwh(&m->energy, id == MED2_REG_BALANCE_REACTIVE_ENERGY);
        ui_lcd_fixed(f, mwh / (int64_t)ENERGY_MWH_PER_WH, 3);
    } else {
        ui_lcd_fixed(f, scaled(meter_measurement(m, id), decimals_of(id)), decimals_of(id));
    }
}

static float float_setting(const struct meter *m, enum med2_reg_id id)
{
    uint32_t bits = settings_get(&m->applied, id);
    float v;
    memcpy(&v, &bits, sizeof(v));
    return v;
}

/* prefix at the left, the number right-aligned */
static void labelled(struct med2_lcd_frame *f, const char *prefix, int64_t v, unsigned decimals)
{
    ui_lcd_fixed(f, v, decimals);
    ui_lcd_text(f, 0, prefix);
}

static void draw_show(const struct meter *m, struct med2_lcd_frame *f, enum ui_show s)
{
    struct calendar_time t;
    calendar_from_seconds(hal_rtc_get(), &t);
    char text[16];
    uint32_t serial = m->factory.saved_serial;
    switch (s) {
    case UI_SHOW_DATE:
    case UI_SHOW_TIME: {
        unsigned a = s == UI_SHOW_DATE ? (unsigned)(t.year - CALENDAR_BASE_YEAR) % CALENDAR_YEARS : t.hour;
        unsigned b = s == UI_SHOW_DATE ? t.month : t.minute;
        unsigned c = s == UI_SHOW_DATE ? t.day : t.second;
        const char *fmt = s == UI_SHOW_DATE ? "d00.00.00" : "t00.00.00";
        memcpy(text, fmt, 10);
        text[1] = (char)('0' + a / 10u), text[2] = (char)('0' + a % 10u);
        text[4] = (char)('0' + b / 10u), text[5] = (char)('0' + b % 10u);
        text[7] = (char)('0' + c / 10u), text[8] = (char)('0' + c % 10u);
        ui_lcd_text(f, 0, text);
        break;
    }
    case UI_SHOW_ORDER: ui_lcd_fixed(f, m->info->order_number, 0); break;
    case UI_SHOW_SERIAL: {
        /* two halves of 4 digits, high ("SnH") then low ("SnL") */
        bool low = m->ui.now_ms / SERIAL_HALF_MS % 2u == 1u;
        uint32_t half = low ? serial % SERIAL_HALF : serial / SERIAL_HALF % SERIAL_HALF;
        memcpy(text, low ? "SnL0000" : "SnH0000", 8);
        for (unsigned k = 0; k < 4u; k++) {
            text[6u - k] = (char)('0' + half % 10u);
            half /= 10u;
        }
        ui_lcd_text(f, 0, text);
        break;
    }
    case UI_SHOW_FIRMWARE:
    case UI_SHOW_MODBUS: {
        const char *v = s == UI_SHOW_FIRMWARE ? MED2_FW_VERSION : UI_MODBUS_VERSION;
        size_t digits = 0;
        for (const char *p = v; *p; p++) {
            digits += *p != '.';
        }
        ui_lcd_text(f, 0, s == UI_SHOW_FIRMWARE ? "F" : "Mb");
        ui_lcd_text(f, (unsigned)(MED2_LCD_DIGITS - digits), v);
        break;
    }
    case UI_SHOW_HARDWARE: labelled(f, "H", m->factory.rec.hw_version, 0); break;
    case UI_SHOW_CT_PRIMARY: labelled(f, "P", (int64_t)float_setting(m, MED2_REG_CT_PRIMARY), 0); break;
    case UI_SHOW_CT_SECONDARY:
        labelled(f, "S", settings_get(&m->applied, MED2_REG_CT_SECONDARY) ? 5 : 1, 0);
        break;
    case UI_SHOW_VT_PRIMARY: labelled(f, "P", (int64_t)float_setting(m, MED2_REG_VT_PRIMARY), 0); break;
    default: labelled(f, "S", (int64_t)float_setting(m, MED2_REG_VT_SECONDARY), 0); break;
    }
}

static void draw_page(const struct meter *m, struct med2_lcd_frame *f)
{
    const struct ui_node *n = ui_menu_node(m->ui.node);
    f->marks |= n->marks | M(BTN_NEXT);
    if (n->parent != UI_ROOT) {
        f->marks |= M(BTN_BACK);
    }
    switch (n->kind) {
    case UI_VALUE: draw_value(m, f, (enum med2_reg_id)n->item); break;
    case UI_SHOW: draw_show(m, f, (enum ui_show)n->item); break;
    case UI_ACTION:
        f->marks |= M(BTN_ENTER);
        if (n->item == UI_ACT_PARTIAL_START_STOP) {
            bool running = energy_partial_running(&m->energy);
            word(m, f, running ? UI_WORD_STOP : UI_WORD_START);
            f->marks |= running ? M(RUN) : 0u;
        } else {
            word(m, f, n->word);
        }
        break;
    default:
        f->marks |= M(BTN_ENTER);
        word(m, f, n->word);
        break;
    }
}

static void draw_edit(const struct meter *m, struct med2_lcd_frame *f)
{
    const struct ui *u = &m->ui;
    f->marks |= M(INPUT) | M(BTN_NEXT) | M(BTN_ENTER) | M(BTN_BACK);
    if (u->purpose == UI_EDIT_CTVT) {
        f->marks |= u->ctvt_field < 2u ? M(A) : M(V);
    } else if (u->purpose == UI_EDIT_SETTING) {
        f->marks |= ui_setting_info((enum ui_setting)u->setting)->marks;
    } else {
        f->marks |= M(LOCK);
    }
    if (u->width == 0u) {
        const struct ui_setting_info *s = ui_setting_info((enum ui_setting)u->setting);
        word(m, f, s->choices[u->value - s->first]);
        for (unsigned d = 0; d < MED2_LCD_DIGITS; d++) {
            f->blink |= f->seg[d] != 0u ? (uint8_t)(1u << d) : 0u;
        }
        return;
    }
    ui_lcd_digits(f, u->value, u->width);
    f->blink = (uint8_t)(1u << (MED2_LCD_DIGITS - u->width + u->digit));
}

static void draw_ctvt(const struct meter *m, struct med2_lcd_frame *f)
{
    static const uint8_t labels[UI_CTVT_FIELDS] = {UI_WORD_CTPRI, UI_WORD_CTSEC, UI_WORD_VTPRI,
                                                   UI_WORD_VTSEC};
    const struct ui *u = &m->ui;
    f->marks |= M(INPUT) | M(BTN_NEXT) | M(BTN_ENTER);
    switch (u->ctvt_step) {
    case UI_CTVT_CONFIRM: {
        uint32_t v = u->ctvt[u->ctvt_field];
        ui_lcd_fixed(f, u->ctvt_field == 1u ? (v ? 5 : 1) : (int64_t)v, 0);
        f->marks |= u->ctvt_field < 2u ? M(A) : M(V);
        f->blink = 0x7Fu; /* the whole value: confirm it (enter) or not (next) */
        break;
    }
    case UI_CTVT_RATIOS: {
        bool vt = u->ctvt_shown % 2u == 1u;
        ui_lcd_fixed(f, ui_ctvt_ratio_x100(m, vt), 2);
        f->marks = (f->marks & ~(M(BTN_NEXT) | M(BTN_ENTER))) | (vt ? M(V) : M(A));
        break;
    }
    case UI_CTVT_FINAL: word(m, f, UI_WORD_CONFIRM); break;
    default: word(m, f, labels[u->ctvt_field]); break;
    }
}

void ui_draw(const struct meter *m, struct med2_lcd_frame *f)
{
    memset(f, 0, sizeof(*f));
    f->backlight = ui_backlight_lit(m) ? 1u : 0u;
    f->marks = m->ui.comm_ms > 0u ? M(COMM) : 0u;
    switch (m->ui.mode) {
    case UI_MESSAGE:
        word(m, f, m->ui.message_word);
        f->marks |= m->ui.message_word == UI_WORD_ERROR ? M(WARNING) : 0u; /* §2.4 */
        break;
    case UI_EDIT: draw_edit(m, f); break;
    case UI_CTVT: draw_ctvt(m, f); break;
    default: draw_page(m, f); break;
    }
}
