/*
 * ui_ctvt.c — the CT/VT entry of a CT model (manual §3.2 "Network
 * Settings", docs/ui.md): on every power-up until it has been confirmed
 * once, the unit asks CT primary, CT secondary, VT primary and VT
 * secondary, each confirmed; then shows both ratios twice and asks for a
 * final confirmation. Refused, it asks again from the first value. Once
 * confirmed the values are saved (the meter's one settings path,
 * meter_local_commission) and never change again: registers 824..830 stay
 * read-only and the Network menu only shows them.
 *
 * Only the display and the buttons are taken: metering, pulses and Modbus
 * run on while the prompt waits (the EOL is never blocked by it).
 */
#include <string.h>

#include "meter.h"
#include "regmap.h"
#include "ui.h"
#include "ui_menu.h"

#define FIELD_CT_PRIMARY 0u
#define FIELD_CT_SECONDARY 1u
#define FIELD_VT_PRIMARY 2u
#define FIELD_VT_SECONDARY 3u
#define RATIO_PAGES 4u /* CT, VT, CT, VT: "shown on the screen 2 times" */

static const enum med2_reg_id field_reg[UI_CTVT_FIELDS] = {
    MED2_REG_CT_PRIMARY, MED2_REG_CT_SECONDARY, MED2_REG_VT_PRIMARY, MED2_REG_VT_SECONDARY,
};
/* digits of each field's edit: 9999 A, (1/5 A is a choice), 1000000 V, 500 V */
static const uint8_t field_width[UI_CTVT_FIELDS] = {4, 0, 7, 3};

/* The value a field starts from: what the unit holds (the defaults at first). */
static uint32_t held_value(const struct meter *m, unsigned field)
{
    uint32_t bits = settings_get(&m->staged, field_reg[field]);
    if (regmap_info(field_reg[field])->type != MED2_T_FLOAT) {
        return bits;
    }
    float f;
    memcpy(&f, &bits, sizeof(f));
    return (uint32_t)(f + 0.5f);
}

void ui_ctvt_start(struct meter *m)
{
    struct ui *u = &m->ui;
    u->mode = UI_CTVT;
    u->ctvt_step = UI_CTVT_LABEL;
    u->ctvt_field = 0;
    for (unsigned k = 0; k < UI_CTVT_FIELDS; k++) {
        u->ctvt[k] = held_value(m, k);
    }
}

static bool field_valid(unsigned field, uint32_t v)
{
    const struct med2_reg_info *r = regmap_info(field_reg[field]);
    return (double)v >= r->min && (double)v <= r->max;
}

void ui_ctvt_edited(struct meter *m, uint32_t value)
{
    struct ui *u = &m->ui;
    if (!field_valid(u->ctvt_field, value)) {
        ui_message(m, UI_WORD_ERROR, UI_CTVT); /* then the same field again */
        u->ctvt_step = UI_CTVT_LABEL;
        return;
    }
    u->ctvt[u->ctvt_field] = value;
    u->mode = UI_CTVT;
    u->ctvt_step = UI_CTVT_CONFIRM;
}

static void edit_field(struct meter *m)
{
    struct ui *u = &m->ui;
    /* CT secondary is a choice, 1 A or 5 A (register 826: 0, 1); the others digits */
    ui_edit_begin(m, UI_EDIT_CTVT, UI_SET_CT_SECONDARY, u->ctvt[u->ctvt_field],
                  field_width[u->ctvt_field]);
}

static void finish(struct meter *m)
{
    struct ui *u = &m->ui;
    enum mb_status st = meter_local_commission(m, (float)u->ctvt[FIELD_CT_PRIMARY],
                                               u->ctvt[FIELD_CT_SECONDARY],
                                               (float)u->ctvt[FIELD_VT_PRIMARY],
                                               (float)u->ctvt[FIELD_VT_SECONDARY]);
    if (st != MB_OK) {
        ui_message(m, UI_WORD_ERROR, UI_CTVT);
        u->ctvt_step = UI_CTVT_LABEL;
        u->ctvt_field = 0;
        return;
    }
    u->node = (uint8_t)ui_menu_start(); /* "the product starting page appears" */
    ui_message(m, UI_WORD_SUCCESS, UI_BROWSE);
}

void ui_ctvt_press(struct meter *m, enum ui_button b, bool long_press)
{
    struct ui *u = &m->ui;
    if (long_press) {
        return; /* there is no way out of the entry but through it */
    }
    switch (u->ctvt_step) {
    case UI_CTVT_LABEL:
        if (b == UI_BUTTON_ENTER) {
            edit_field(m);
        }
        break;
    case UI_CTVT_CONFIRM:
        if (b == UI_BUTTON_NEXT) {
            u->ctvt_step = UI_CTVT_LABEL; /* not confirmed: enter it again */
        } else if (u->ctvt_field + 1u < UI_CTVT_FIELDS) {
            u->ctvt_field++;
            u->ctvt_step = UI_CTVT_LABEL;
        } else {
            u->ctvt_step = UI_CTVT_RATIOS;
            u->ctvt_shown = 0;
            u->ctvt_show_ms = 0;
        }
        break;
    case UI_CTVT_FINAL:
        if (b == UI_BUTTON_ENTER) {
            finish(m);
        } else {
            u->ctvt_step = UI_CTVT_LABEL; /* refused: all four again */
            u->ctvt_field = 0;
        }
        break;
    default:
        break; /* the ratios are shown for their time whatever is pressed */
    }
}

bool ui_ctvt_tick(struct meter *m, uint32_t elapsed_ms)
{
    struct ui *u = &m->ui;
    bool turned = false;
    if (u->ctvt_step != UI_CTVT_RATIOS) {
        return false;
    }
    u->ctvt_show_ms += elapsed_ms;
    while (u->ctvt_show_ms >= UI_RATIO_SHOW_MS && u->ctvt_step == UI_CTVT_RATIOS) {
        u->ctvt_show_ms -= UI_RATIO_SHOW_MS;
        turned = true;
        if (++u->ctvt_shown >= RATIO_PAGES) {
            u->ctvt_step = UI_CTVT_FINAL;
        }
    }
    return turned;
}

uint32_t ui_ctvt_ratio_x100(const struct meter *m, bool vt)
{
    const struct ui *u = &m->ui;
    if (vt) {
        uint32_t sec = u->ctvt[FIELD_VT_SECONDARY] ? u->ctvt[FIELD_VT_SECONDARY] : 1u;
        return (uint32_t)((uint64_t)u->ctvt[FIELD_VT_PRIMARY] * 100u / sec);
    }
    uint32_t sec = u->ctvt[FIELD_CT_SECONDARY] ? 5u : 1u; /* register 826: 0 = 1 A, 1 = 5 A */
    return (uint32_t)((uint64_t)u->ctvt[FIELD_CT_PRIMARY] * 100u / sec);
}
