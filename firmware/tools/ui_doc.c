/*
 * ui_doc.c — print, update or check docs/ui.md's generated menu tree.
 *
 *   ui_doc                  print the tree to stdout
 *   ui_doc --update FILE    replace the tree between the markers in FILE
 *   ui_doc --check FILE     exit 1 if FILE's tree is not what the menu table gives
 */
#include "doc_block.h"
#include "ui_doc.h"

int main(int argc, char **argv)
{
    static const struct doc_block block = {"ui_doc", UI_DOC_BEGIN, UI_DOC_END, "make fw-docs",
                                           ui_doc_print_tree};
    return doc_block_main(&block, argc, argv);
}
