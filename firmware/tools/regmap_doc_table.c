/*
 * regmap_doc_table.c — the Markdown register table; see regmap_doc.h.
 */
#include "regmap_doc.h"

#include <stdbool.h>

#include "med2_regmap.h"

static const struct med2_reg_info table[MED2_REG_COUNT] = MED2_REG_INFO_TABLE;

static const char *type_name(enum med2_reg_type t)
{
    switch (t) {
    case MED2_T_U16: return "uint16";
    case MED2_T_U32: return "uint32";
    case MED2_T_FLOAT: return "float";
    case MED2_T_DOUBLE: return "double";
    default: return "chars";
    }
}

static const char *access_name(enum med2_reg_access a)
{
    return a == MED2_A_R ? "r" : a == MED2_A_W ? "w" : "r/w";
}

static void print_address(FILE *out, unsigned a)
{
    if (a == MED2_NA) {
        fputs(" — |", out);
    } else {
        fprintf(out, " %u |", a);
    }
}

void regmap_doc_print_table(FILE *out)
{
    fputs("| Name | C80 | B80 | Type | Regs | Access | Unit | Range | Default | Description |\n", out);
    fputs("|---|---:|---:|---|---:|---|---|---|---|---|\n", out);
    for (unsigned k = 0; k < MED2_REG_COUNT; k++) {
        const struct med2_reg_info *r = &table[k];
        fprintf(out, "| %s |", r->name);
        print_address(out, r->address[MED2_MAP_C80]);
        print_address(out, r->address[MED2_MAP_B80]);
        fprintf(out, " %s | %u | %s | %s |", type_name(r->type), MED2_REG_WORDS(r->type),
                access_name(r->access), r->unit[0] ? r->unit : "—");
        bool measurement = r->access == MED2_A_R && r->min == 0 && r->max == 0 && r->def == 0;
        if (measurement || r->type == MED2_T_CHARS) {
            fputs(" — | — |", out);
        } else if (r->access == MED2_A_W) {
            fprintf(out, " %g..%g (see description) | — |", r->min, r->max);
        } else if (r->access == MED2_A_R) {
            fprintf(out, " %g..%g (read-only) | %g |", r->min, r->max, r->def);
        } else {
            fprintf(out, " %g..%g | %g |", r->min, r->max, r->def);
        }
        fprintf(out, " %s |\n", r->description);
    }
}
