/*
 * ui_doc_table.c — docs/ui.md's menu tree from the menu table (ui_doc.h).
 */
#include "ui_doc.h"

#include <string.h>

#include "model.h"
#include "regmap.h"
#include "ui_menu.h"

static const char *const mark_text[MED2_LCD_MARK_COUNT] = {
#define MARK_TEXT(id, text) text,
    MED2_LCD_MARKS(MARK_TEXT)
#undef MARK_TEXT
};

static const char *const action_text[] = {
    [UI_ACT_PARTIAL_START_STOP] = "starts or stops the partial counters (command 3000 <- 210); the page says what enter will do, START or STOP",
    [UI_ACT_PARTIAL_RESET] = "resets the partial counters (3000 <- 200)",
    [UI_ACT_CLEAR_SETTINGS] = "returns the settings to their defaults (2000 <- 110), CT/VT kept",
    [UI_ACT_CLEAR_PARTIAL] = "resets the partial counters (3000 <- 200)",
    [UI_ACT_CLEAR_DEMAND] = "clears demand and maximum demand",
    [UI_ACT_CLEAR_ALL] = "all three above",
    [UI_ACT_LOGIN] = "asks the password (7 digits); SUCCESS opens the protected menus until the display goes home",
};

static const char *const show_text[] = {
    [UI_SHOW_DATE] = "the date, `dYY.MM.DD`",
    [UI_SHOW_TIME] = "the time, `tHH.MM.SS`",
    [UI_SHOW_ORDER] = "the order number",
    [UI_SHOW_SERIAL] = "the serial number in two halves, `SnH` + 4 digits and `SnL` + 4 digits, 2 s each",
    [UI_SHOW_FIRMWARE] = "the firmware version, `F` and the version",
    [UI_SHOW_HARDWARE] = "the hardware version (factory block), `H` and the number",
    [UI_SHOW_MODBUS] = "the Modbus (register map) version, `Mb` and the version",
    [UI_SHOW_CT_PRIMARY] = "CT primary (register 824), `P` and amperes, display only",
    [UI_SHOW_CT_SECONDARY] = "CT secondary (826), `S` and 1 or 5 A, display only",
    [UI_SHOW_VT_PRIMARY] = "VT primary (828), `P` and volts, display only",
    [UI_SHOW_VT_SECONDARY] = "VT secondary (830), `S` and volts, display only",
};

static void print_marks(FILE *out, uint64_t marks)
{
    const char *sep = "";
    for (unsigned k = 0; k < MED2_LCD_MARK_COUNT; k++) {
        if (marks & MED2_LCD_BIT(k)) {
            fprintf(out, "%s%s", sep, mark_text[k]);
            sep = " ";
        }
    }
}

static void print_models(FILE *out, unsigned index)
{
    unsigned n = 0;
    for (unsigned m = 0; m < MED2_MODEL_COUNT; m++) {
        n += ui_menu_visible(index, med2_model_info((enum med2_model)m));
    }
    if (n == MED2_MODEL_COUNT) {
        return;
    }
    fprintf(out, "; only ");
    const char *sep = "";
    for (unsigned m = 0; m < MED2_MODEL_COUNT; m++) {
        const struct med2_model_info *info = med2_model_info((enum med2_model)m);
        if (ui_menu_visible(index, info)) {
            fprintf(out, "%s%s", sep, info->name);
            sep = ", ";
        }
    }
}

static void print_setting(FILE *out, const struct ui_setting_info *s)
{
    if (s->reg != UI_NO_REG) {
        fprintf(out, "sets %s", regmap_info((enum med2_reg_id)s->reg)->name);
    } else {
        fprintf(out, "a setting of the display (no register)");
    }
    if (s->width > 0u) {
        fprintf(out, ", %u digits", s->width);
        if (s->reg == UI_NO_REG) {
            fprintf(out, " %lu..%lu", (unsigned long)s->min, (unsigned long)s->max);
        }
        return;
    }
    fprintf(out, ", one of");
    for (unsigned k = 0; k < s->choice_count; k++) {
        fprintf(out, " `%s`", ui_word_text((enum ui_word)s->choices[k], UI_LANG_ENGLISH));
    }
}

static void print_node(FILE *out, unsigned index, unsigned depth)
{
    const struct ui_node *n = ui_menu_node(index);
    fprintf(out, "%*s- **%s**", (int)(2 * depth), "", n->name);
    if (n->kind != UI_VALUE && n->kind != UI_SHOW) {
        fprintf(out, " `%s` / `%s`", ui_word_text((enum ui_word)n->word, UI_LANG_ENGLISH),
                ui_word_text((enum ui_word)n->word, UI_LANG_TURKISH));
    }
    fprintf(out, " — ");
    switch (n->kind) {
    case UI_GROUP: fprintf(out, "menu"); break;
    case UI_VALUE: fprintf(out, "shows %s", regmap_info((enum med2_reg_id)n->item)->name); break;
    case UI_SETTING: print_setting(out, ui_setting_info((enum ui_setting)n->item)); break;
    case UI_ACTION: fprintf(out, "%s", action_text[n->item]); break;
    default: fprintf(out, "shows %s", show_text[n->item]); break;
    }
    if (n->marks) {
        fprintf(out, "; marks: ");
        print_marks(out, n->marks);
    }
    print_models(out, index);
    fprintf(out, "\n");
    for (unsigned k = 0; k < ui_menu_count(); k++) {
        if (ui_menu_node(k)->parent == index) {
            print_node(out, k, depth + 1u);
        }
    }
}

void ui_doc_print_tree(FILE *out)
{
    for (unsigned k = 0; k < ui_menu_count(); k++) {
        if (ui_menu_node(k)->parent == UI_ROOT) {
            print_node(out, k, 0);
        }
    }
    fprintf(out, "\n| model | pages (leaves) |\n|---|---|\n");
    for (unsigned m = 0; m < MED2_MODEL_COUNT; m++) {
        const struct med2_model_info *info = med2_model_info((enum med2_model)m);
        unsigned leaves = 0;
        for (unsigned k = 0; k < ui_menu_count(); k++) {
            leaves += ui_menu_is_leaf(k) && ui_menu_visible(k, info);
        }
        fprintf(out, "| %s | %u |\n", info->name, leaves);
    }
}
