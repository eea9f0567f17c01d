/*
 * ui.c — the display's state machine: pages, buttons, the 5-minute return,
 * the backlight, messages (ui.h). Edits are ui_edit.c, the CT/VT entry
 * ui_ctvt.c, drawing ui_draw.c.
 */
#include "ui.h"

#include <string.h>

#include "hal.h"
#include "meter.h"
#include "ui_menu.h"

/* Manual §3.2 "Device Settings": register-free settings of the display. */
#define BACKLIGHT_OFF 0u
#define BACKLIGHT_ON 1u

static struct ui *ui_of(struct meter *m)
{
    return &m->ui;
}

void ui_redraw(struct meter *m)
{
    struct med2_lcd_frame f;
    ui_draw(m, &f);
    if (memcmp(&f, &m->ui.frame, sizeof(f)) != 0) {
        m->ui.frame = f;
        hal_lcd_show(&m->ui.frame);
    }
}

void ui_message(struct meter *m, uint8_t word, enum ui_mode after)
{
    struct ui *u = ui_of(m);
    u->mode = UI_MESSAGE;
    u->message_word = word;
    u->message_ms = 0;
    u->after_message = after;
}

static void go_start(struct meter *m)
{
    struct ui *u = ui_of(m);
    u->mode = UI_BROWSE;
    u->node = (uint8_t)ui_menu_start();
    u->unlocked = false; /* the password holds until the display goes home */
}

void ui_init(struct meter *m)
{
    struct ui *u = ui_of(m);
    memset(u, 0, sizeof(*u));
    go_start(m);
    if (m->info->is_ct && !m->applied.ui.ct_vt_confirmed) {
        ui_ctvt_start(m);
    }
    /* an impossible frame, so the first draw is always shown */
    memset(&u->frame, 0xFF, sizeof(u->frame));
    ui_redraw(m);
}

static void do_action(struct meter *m, const struct ui_node *n)
{
    enum mb_status st = MB_OK;
    switch (n->item) {
    case UI_ACT_LOGIN:
        ui_edit_begin(m, UI_EDIT_PASSWORD_LOGIN, 0, 0, SETTINGS_PASSWORD_DIGITS);
        return;
    case UI_ACT_PARTIAL_START_STOP:
        st = meter_local_command(m, MED2_REG_COUNTER_COMMAND, METER_CMD_START_STOP_PARTIAL);
        break;
    case UI_ACT_PARTIAL_RESET:
    case UI_ACT_CLEAR_PARTIAL:
        st = meter_local_command(m, MED2_REG_COUNTER_COMMAND, METER_CMD_RESET_PARTIAL);
        break;
    case UI_ACT_CLEAR_SETTINGS:
        st = meter_local_command(m, MED2_REG_SYSTEM_COMMAND, METER_CMD_RETURN_TO_DEFAULTS);
        break;
    case UI_ACT_CLEAR_DEMAND:
        meter_clear_demand(m);
        break;
    default: /* UI_ACT_CLEAR_ALL: what the three above clear */
        st = meter_local_command(m, MED2_REG_SYSTEM_COMMAND, METER_CMD_RETURN_TO_DEFAULTS);
        if (st == MB_OK && m->info->has_partial) {
            st = meter_local_command(m, MED2_REG_COUNTER_COMMAND, METER_CMD_RESET_PARTIAL);
        }
        if (st == MB_OK) {
            meter_clear_demand(m);
        }
        break;
    }
    ui_message(m, st == MB_OK ? UI_WORD_SUCCESS : UI_WORD_ERROR, UI_BROWSE);
}

static void enter_group(struct meter *m, unsigned node)
{
    struct ui *u = ui_of(m);
    int child = ui_menu_first_child(node, m->info);
    if (child >= 0) {
        u->node = (uint8_t)child;
    }
}

/* Settings (manual §3.2 "Security"): with protection on, the password first. */
static bool protected_group(const struct meter *m, unsigned node)
{
    const struct ui_node *n = ui_menu_node(node);
    return n->parent == UI_ROOT && n->word == UI_WORD_SET && m->applied.ui.protection &&
           !m->ui.unlocked;
}

static void browse_press(struct meter *m, enum ui_button b, bool long_press)
{
    struct ui *u = ui_of(m);
    const struct ui_node *n = ui_menu_node(u->node);
    if (b == UI_BUTTON_NEXT) {
        if (!long_press) {
            u->node = (uint8_t)ui_menu_next_sibling(u->node, m->info);
        }
        return;
    }
    if (long_press) {
        if (n->parent != UI_ROOT) {
            u->node = n->parent;
        }
        return;
    }
    switch (n->kind) {
    case UI_GROUP:
        if (protected_group(m, u->node)) {
            ui_edit_begin(m, UI_EDIT_PASSWORD_SET, 0, 0, SETTINGS_PASSWORD_DIGITS);
        } else {
            enter_group(m, u->node);
        }
        break;
    case UI_SETTING: {
        const struct ui_setting_info *s = ui_setting_info((enum ui_setting)n->item);
        ui_edit_begin(m, UI_EDIT_SETTING, (uint8_t)n->item, ui_setting_value(m, (uint8_t)n->item),
                      s->width);
        break;
    }
    case UI_ACTION:
        do_action(m, n);
        break;
    default:
        break; /* values and shown pages have nothing under them */
    }
}

void ui_enter_unlocked(struct meter *m)
{
    enter_group(m, m->ui.node);
}

static void press(struct meter *m, enum ui_button b, bool long_press)
{
    struct ui *u = ui_of(m);
    switch (u->mode) {
    case UI_MESSAGE:
        u->mode = u->after_message; /* a press only takes the message away */
        break;
    case UI_EDIT:
        ui_edit_press(m, b, long_press);
        break;
    case UI_CTVT:
        ui_ctvt_press(m, b, long_press);
        break;
    default:
        browse_press(m, b, long_press);
        break;
    }
}

void ui_on_button(struct meter *m, enum ui_button b, bool pressed)
{
    struct ui *u = ui_of(m);
    if (b != UI_BUTTON_NEXT && b != UI_BUTTON_ENTER) {
        return;
    }
    u->idle_ms = 0;
    u->light_ms = 0;
    if (pressed) {
        u->held[b] = true;
        u->held_since_ms[b] = u->now_ms;
    } else if (u->held[b]) {
        u->held[b] = false;
        press(m, b, u->now_ms - u->held_since_ms[b] >= UI_LONG_PRESS_MS);
    }
    ui_redraw(m);
}

void ui_on_comm(struct meter *m)
{
    bool was_on = m->ui.comm_ms > 0u;
    m->ui.comm_ms = UI_COMM_MS;
    if (!was_on) {
        ui_redraw(m);
    }
}

void ui_on_tick(struct meter *m, uint32_t elapsed_ms)
{
    struct ui *u = ui_of(m);
    bool redraw = false;
    u->now_ms += elapsed_ms;
    if (u->comm_ms > 0u) {
        u->comm_ms = elapsed_ms >= u->comm_ms ? 0u : u->comm_ms - elapsed_ms;
        redraw |= u->comm_ms == 0u;
    }
    if (u->idle_ms < UI_RETURN_MS) {
        u->idle_ms += elapsed_ms;
        if (u->idle_ms >= UI_RETURN_MS && u->mode != UI_CTVT) {
            go_start(m); /* an edit left alone is dropped, nothing saved */
            redraw = true;
        }
    }
    if (u->light_ms < UINT32_MAX - elapsed_ms) {
        uint32_t before = u->light_ms;
        u->light_ms += elapsed_ms;
        uint32_t limit = (uint32_t)m->applied.ui.backlight_s * 1000u;
        redraw |= before < limit && u->light_ms >= limit;
    }
    if (u->mode == UI_MESSAGE) {
        u->message_ms += elapsed_ms;
        if (u->message_ms >= UI_MESSAGE_MS) {
            u->mode = u->after_message;
            redraw = true;
        }
    }
    if (u->mode == UI_CTVT) {
        redraw |= ui_ctvt_tick(m, elapsed_ms);
    }
    u->refresh_ms += elapsed_ms;
    if (u->refresh_ms >= UI_REFRESH_MS) {
        u->refresh_ms = 0;
        redraw = true;
    }
    if (redraw) {
        ui_redraw(m);
    }
}

bool ui_backlight_lit(const struct meter *m)
{
    switch (m->applied.ui.backlight) {
    case BACKLIGHT_OFF: return false;
    case BACKLIGHT_ON: return true;
    default: return m->ui.light_ms < (uint32_t)m->applied.ui.backlight_s * 1000u;
    }
}

const struct med2_lcd_frame *ui_frame(const struct meter *m)
{
    return &m->ui.frame;
}
