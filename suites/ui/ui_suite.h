/*
 * ui_suite.h — the ui suite's helpers: one bench of every model
 * (fixtures/benches/ui.ini), buttons, reading the display, and the manual's
 * menu tree as the suite knows it (ui_tree.c), independent of the
 * firmware's table.
 */
#ifndef SUITES_UI_SUITE_H
#define SUITES_UI_SUITE_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_models.h"
#include "rig/rig.h"

#define UI_BENCH "fixtures/benches/ui.ini"
#define M(x) MED2_LCD_BIT(MED2_LCD_MARK_##x)

/* Positions of ui.ini. */
enum { POS_C80 = 1, POS_C80CT, POS_B80, POS_B80_0M, POS_B80_0W, POS_B80CT, POS_B80_0MP, POS_COUNT = 7 };

extern struct rig_bench *ui_bench;

void ui_open(void);
void ui_close(void);
/* short / long press, asserting it worked */
void ui_next(unsigned pos);
void ui_enter(unsigned pos);
void ui_back(unsigned pos);
void ui_read(unsigned pos, struct rig_display *d);
/* Press next until the page shows word (English); asserts it is there. */
void ui_next_until(unsigned pos, const char *word);
/* The display's marks without the button-function and communication icons. */
uint64_t ui_page_marks(const struct rig_display *d);

/* A value page of the manual's tree: the marks that name it, its register. */
struct ui_leaf {
    uint64_t marks;
    enum med2_reg_id reg;
};

/* The value pages of Measurement (§3.1) the model has, per the manual and
 * the capability table. Returns how many (<= max). */
size_t ui_tree_values(const char *model, struct ui_leaf *out, size_t max);
/* All leaves of the manual's tree for the model (values, settings,
 * actions, shown pages). */
unsigned ui_tree_leaf_total(const char *model);
/* The register a page's marks name, or -1. */
int ui_tree_find(const struct ui_leaf *leaves, size_t n, uint64_t marks);

/* Where figures go (RIG_UI_FIGURES, for make bench), NULL if unset. */
void ui_figure(const char *name, double value, const char *unit);

#endif
