/*
 * ui_walk.h — walking a position's whole menu and checking each leaf
 * (ui_walk.c): the pages of §3.1 against their registers, the settings
 * against the registers they configure (or the register map's defaults on
 * a model without RS485), the shown pages against the unit's identity and
 * clock, the actions by what they do.
 */
#ifndef SUITES_UI_WALK_H
#define SUITES_UI_WALK_H

#include "ui_suite.h"

#define UI_WALK_MAX_LEAVES 160

struct ui_walk {
    unsigned pos;
    const char *model;
    bool rs485;
    struct ui_leaf values[UI_WALK_MAX_LEAVES];
    size_t n_values;
    bool seen[UI_WALK_MAX_LEAVES];
    unsigned reached, checked;   /* leaves */
    unsigned pages, ocr_same;    /* every page shown, and those OCR read as the frame */
};

/* Set up w for position pos (the model from the bench). */
void ui_walk_init(struct ui_walk *w, unsigned pos);
/* From the start page: every page of every main menu, each leaf checked;
 * ends on the start page's main menu. */
void ui_walk_all(struct ui_walk *w);
/* Measurement only (§3.1), from the start page. */
void ui_walk_measurement(struct ui_walk *w);
/* The CT/VT entry of a CT unit at power-up, every value confirmed as it is
 * (or CT primary as ct_primary when not NULL, 4 digits). */
void ui_ctvt_accept(unsigned pos, const char *ct_primary);
/* One CT/VT field: its edit, digits typed (NULL: kept), confirmed or not. */
void ui_ctvt_field(unsigned pos, const char *label, unsigned width, const char *digits, bool confirm);
/* Does position show word (asserts it)? */
void ui_expect_shows(unsigned pos, const char *word);

#endif
