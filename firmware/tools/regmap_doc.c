/*
 * regmap_doc.c — print, update or check the generated register table of
 * docs/modbus.md.
 *
 *   regmap_doc                  print the table to stdout
 *   regmap_doc --update FILE    replace the table between the markers in FILE
 *   regmap_doc --check FILE     exit 1 if FILE's table is not what the map gives
 */
#include "doc_block.h"
#include "regmap_doc.h"

int main(int argc, char **argv)
{
    static const struct doc_block block = {"regmap_doc", REGMAP_DOC_BEGIN, REGMAP_DOC_END,
                                           "make fw-docs", regmap_doc_print_table};
    return doc_block_main(&block, argc, argv);
}
