/*
 * test_ui_doc.c — the menu tree committed in docs/ui.md is the one the
 * firmware's menu table generates (regenerate with `make fw-docs`).
 * Runs from the repository root, as `make test` runs it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_block.h"
#include "ui_doc.h"
#include "ui_menu.h"

#define DOC_PATH "docs/ui.md"
#define MAX_DOC (1u << 20)

static const struct doc_block block = {"ui_doc", UI_DOC_BEGIN, UI_DOC_END, "make fw-docs",
                                       ui_doc_print_tree};

Test(ui_doc, committed_tree_is_generated_one)
{
    FILE *f = fopen(DOC_PATH, "r");
    cr_assert_not_null(f, "%s not found (run from the repository root)", DOC_PATH);
    char *doc = malloc(MAX_DOC);
    cr_assert_not_null(doc);
    size_t n = fread(doc, 1, MAX_DOC - 1, f);
    doc[n] = '\0';
    fclose(f);
    int same = doc_block_same(&block, doc);
    cr_assert_neq(same, -1, "%s has no generated menu tree markers", DOC_PATH);
    cr_assert_eq(same, 1, "the menu tree in %s is stale: run make fw-docs", DOC_PATH);
    free(doc);
}

Test(ui_doc, every_page_listed)
{
    size_t len;
    char *gen = doc_block_generated(&block, &len);
    cr_assert_not_null(gen);
    for (unsigned k = 0; k < ui_menu_count(); k++) {
        char item[96];
        snprintf(item, sizeof item, "- **%s**", ui_menu_node(k)->name);
        cr_assert_not_null(strstr(gen, item), "page %s missing", ui_menu_node(k)->name);
    }
    free(gen);
}

Test(ui_doc, a_stale_tree_is_told)
{
    static const char stale[] = "x\n" UI_DOC_BEGIN "\n- **Measurement**\n" UI_DOC_END "\n";
    cr_assert_eq(doc_block_same(&block, stale), 0);
    cr_assert_eq(doc_block_same(&block, "no markers here"), -1);
}
