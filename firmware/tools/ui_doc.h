/*
 * ui_doc.h — the menu tree of docs/ui.md, generated from the firmware's
 * menu table (core/ui_menu.c), so the document cannot drift from the code.
 */
#ifndef MED2_UI_DOC_H
#define MED2_UI_DOC_H

#include <stdio.h>

#define UI_DOC_BEGIN "<!-- BEGIN GENERATED MENU TREE (firmware/tools/ui_doc) -->"
#define UI_DOC_END "<!-- END GENERATED MENU TREE -->"

/* Print the tree and the leaves per model as Markdown (without the markers). */
void ui_doc_print_tree(FILE *out);

#endif /* MED2_UI_DOC_H */
