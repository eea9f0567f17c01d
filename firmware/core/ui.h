/*
 * ui.h — the meter's display and buttons (manual Section 3, §2.4).
 *
 * Two buttons, `next` and `enter` (docs/ui.md, "Buttons"): a short `next`
 * goes to the next page or the next value of the digit being edited; a
 * short `enter` goes into a menu, to the next digit, or confirms; a long
 * `enter` (held >= UI_LONG_PRESS_MS) goes back one level or cancels an
 * edit. The UI is driven by button events and the tick and draws a frame
 * (med2_lcd.h) that the board puts on the LCD (hal_lcd_show) whenever the
 * picture changes.
 *
 * A setting edited here goes through the same validation, staging and save
 * as a Modbus write (meter_local_write, meter_local_save in meter.h). While
 * the CT/VT entry of a CT model is pending, metering and Modbus go on: the
 * prompt only owns the display and the buttons.
 */
#ifndef MED2_UI_H
#define MED2_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_lcd.h"

struct meter;

#define UI_LONG_PRESS_MS 2000u
#define UI_RETURN_MS (5u * 60u * 1000u) /* MID: back to the start page (manual §3.1) */
#define UI_REFRESH_MS 1000u             /* measurements are redrawn this often */
#define UI_MESSAGE_MS 2000u             /* "SUCCESS", "ERROR" stay this long */
#define UI_RATIO_SHOW_MS 2000u          /* each CT/VT ratio page while they are shown */
#define UI_CTVT_FIELDS 4u
#define UI_COMM_MS 1000u                /* the communication icon after a Modbus request */

enum ui_button { UI_BUTTON_NEXT = 1, UI_BUTTON_ENTER = 2 };

enum ui_mode { UI_BROWSE = 0, UI_EDIT, UI_MESSAGE, UI_CTVT };

/* What an edit is for. */
enum ui_edit_purpose { UI_EDIT_SETTING = 0, UI_EDIT_PASSWORD_SET, UI_EDIT_PASSWORD_LOGIN, UI_EDIT_CTVT };

enum ui_ctvt_step { UI_CTVT_LABEL = 0, UI_CTVT_EDIT, UI_CTVT_CONFIRM, UI_CTVT_RATIOS, UI_CTVT_FINAL };

struct ui {
    struct med2_lcd_frame frame; /* what the LCD shows */
    enum ui_mode mode;
    uint8_t node;                /* the page (ui_menu.h index) */
    bool unlocked;               /* the password was given (protection, Login) */
    uint32_t idle_ms;            /* since the last button */
    uint32_t refresh_ms;
    uint32_t light_ms;           /* backlight: lit this long since the last button */
    uint32_t comm_ms;            /* the communication icon: on while > 0 */
    bool held[3];                /* per enum ui_button */
    uint64_t held_since_ms[3];
    uint64_t now_ms;
    /* a message, then back to BROWSE (or the CT/VT prompt) */
    uint8_t message_word;
    uint32_t message_ms;
    enum ui_mode after_message;
    /* an edit */
    enum ui_edit_purpose purpose;
    uint32_t value;
    uint8_t width;               /* digits; 0: a choice */
    uint8_t digit;               /* the digit being edited, 0 = leftmost of width */
    uint8_t setting;             /* enum ui_setting */
    /* the CT/VT entry of a CT model (manual §3.2 "Network Settings") */
    enum ui_ctvt_step ctvt_step;
    uint8_t ctvt_field;          /* 0 CT primary, 1 CT secondary, 2 VT primary, 3 VT secondary */
    uint32_t ctvt[UI_CTVT_FIELDS];
    uint8_t ctvt_shown;          /* ratio pages shown so far (4: both twice) */
    uint32_t ctvt_show_ms;
};

/* Power-up: the start page, or the CT/VT entry on a CT model that has
 * never confirmed it. Draws the first frame. */
void ui_init(struct meter *m);

/* A button went down (pressed) or up. The action happens on release:
 * short or long by how long it was held. */
void ui_on_button(struct meter *m, enum ui_button b, bool pressed);

/* Time: the 5-minute return, the backlight, messages, redraws. */
void ui_on_tick(struct meter *m, uint32_t elapsed_ms);

/* A Modbus request was answered: the communication icon for UI_COMM_MS. */
void ui_on_comm(struct meter *m);

/* The frame the LCD shows now. */
const struct med2_lcd_frame *ui_frame(const struct meter *m);

/* ---- between the UI's files (ui.c, ui_edit.c, ui_ctvt.c, ui_draw.c) ---- */

/* Draw the current state and show it if it changed. */
void ui_redraw(struct meter *m);
/* Start a message (word) that leaves to `after`. */
void ui_message(struct meter *m, uint8_t word, enum ui_mode after);
/* Edits: begin, a short next / short enter / long enter in UI_EDIT. */
void ui_edit_begin(struct meter *m, enum ui_edit_purpose purpose, uint8_t setting, uint32_t value,
                   uint8_t width);
void ui_edit_press(struct meter *m, enum ui_button b, bool long_press);
/* The current value of a setting, as the edit starts from it. */
uint32_t ui_setting_value(const struct meter *m, uint8_t setting);
/* CT/VT: start, a press, the tick, and what a finished edit of a field gives. */
void ui_ctvt_start(struct meter *m);
void ui_ctvt_press(struct meter *m, enum ui_button b, bool long_press);
bool ui_ctvt_tick(struct meter *m, uint32_t elapsed_ms); /* true: a new page */
void ui_ctvt_edited(struct meter *m, uint32_t value);
/* The CT ratio (vt false) or the VT ratio being entered, x100. */
uint32_t ui_ctvt_ratio_x100(const struct meter *m, bool vt);
/* After the password for the settings menu was right: into it. */
void ui_enter_unlocked(struct meter *m);
/* Whether the backlight is lit (the Device settings and the last button). */
bool ui_backlight_lit(const struct meter *m);
/* Draw into f: the page, an edit, a message, the CT/VT prompt. */
void ui_draw(const struct meter *m, struct med2_lcd_frame *f);

#endif /* MED2_UI_H */
