/*
 * regmap_doc.h — the register table of docs/modbus.md, generated from the
 * X-macro in med2_regmap.h (the one source of truth, STYLE.md).
 */
#ifndef MED2_REGMAP_DOC_H
#define MED2_REGMAP_DOC_H

#include <stdio.h>

/* The lines between these markers in docs/modbus.md are generated. */
#define REGMAP_DOC_BEGIN "<!-- BEGIN GENERATED REGISTER TABLE (firmware/tools/regmap_doc) -->"
#define REGMAP_DOC_END "<!-- END GENERATED REGISTER TABLE -->"

/* Print the Markdown table (without the markers). */
void regmap_doc_print_table(FILE *out);

#endif /* MED2_REGMAP_DOC_H */
