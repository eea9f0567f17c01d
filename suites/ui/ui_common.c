/*
 * ui_common.c — the ui suite's bench and buttons (ui_suite.h).
 */
#include <criterion/criterion.h>

#include "ui_suite.h"

struct rig_bench *ui_bench;

void ui_open(void)
{
    cr_assert_eq(rig_bench_open(UI_BENCH, &ui_bench), 0, "%s", rig_last_error());
}

void ui_close(void)
{
    rig_bench_close(ui_bench);
    ui_bench = NULL;
}

static void press(unsigned pos, enum rig_button b, unsigned ms)
{
    cr_assert_eq(rig_press(ui_bench, pos, b, ms), 0, "%s", rig_last_error());
}

void ui_next(unsigned pos)
{
    press(pos, RIG_BUTTON_NEXT, RIG_PRESS_SHORT_MS);
}

void ui_enter(unsigned pos)
{
    press(pos, RIG_BUTTON_ENTER, RIG_PRESS_SHORT_MS);
}

void ui_back(unsigned pos)
{
    press(pos, RIG_BUTTON_ENTER, RIG_PRESS_LONG_MS);
}

void ui_read(unsigned pos, struct rig_display *d)
{
    cr_assert_eq(rig_display_read(ui_bench, pos, d), 0, "%s", rig_last_error());
}

uint64_t ui_page_marks(const struct rig_display *d)
{
    /* the communication icon comes and goes with Modbus requests */
    return d->frame.marks & ~(M(BTN_NEXT) | M(BTN_ENTER) | M(BTN_BACK) | M(COMM));
}

#define MAX_PAGES 12 /* more than any menu level has */

void ui_next_until(unsigned pos, const char *word)
{
    struct rig_display d;
    for (int k = 0; k < MAX_PAGES; k++) {
        ui_read(pos, &d);
        if (rig_display_shows(&d, word))
            return;
        ui_next(pos);
    }
    cr_assert_fail("position %u: no page %s in this menu (it shows '%s')", pos, word, d.text);
}
