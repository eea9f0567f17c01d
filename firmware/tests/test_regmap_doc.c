/*
 * test_regmap_doc.c — the register table committed in docs/modbus.md is
 * the one the register map generates (regenerate with `make fw-docs`).
 * Runs from the repository root, as `make test` runs it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med2_regmap.h"
#include "regmap_doc.h"

#define DOC_PATH "docs/modbus.md"
#define MAX_DOC (1u << 20)

static char *read_all(FILE *f, size_t *len)
{
    char *buf = malloc(MAX_DOC);
    cr_assert_not_null(buf);
    *len = fread(buf, 1, MAX_DOC - 1, f);
    buf[*len] = '\0';
    return buf;
}

Test(regmap_doc, committed_table_is_generated_one)
{
    FILE *f = fopen(DOC_PATH, "r");
    cr_assert_not_null(f, "%s not found (run from the repository root)", DOC_PATH);
    size_t doc_len, gen_len;
    char *doc = read_all(f, &doc_len);
    fclose(f);
    FILE *t = tmpfile();
    cr_assert_not_null(t);
    regmap_doc_print_table(t);
    rewind(t);
    char *gen = read_all(t, &gen_len);
    fclose(t);
    char *begin = strstr(doc, REGMAP_DOC_BEGIN "\n");
    cr_assert_not_null(begin, "no begin marker");
    begin += strlen(REGMAP_DOC_BEGIN "\n");
    char *end = strstr(begin, REGMAP_DOC_END);
    cr_assert_not_null(end, "no end marker");
    cr_assert_eq((size_t)(end - begin), gen_len, "stale table in %s: run make fw-docs", DOC_PATH);
    cr_assert_eq(memcmp(begin, gen, gen_len), 0, "stale table in %s: run make fw-docs", DOC_PATH);
    free(doc);
    free(gen);
}

Test(regmap_doc, every_register_listed)
{
    FILE *t = tmpfile();
    regmap_doc_print_table(t);
    rewind(t);
    size_t len;
    char *gen = read_all(t, &len);
    fclose(t);
    static const struct med2_reg_info table[MED2_REG_COUNT] = MED2_REG_INFO_TABLE;
    for (unsigned k = 0; k < MED2_REG_COUNT; k++) {
        char cell[80];
        snprintf(cell, sizeof(cell), "| %s |", table[k].name);
        cr_assert_not_null(strstr(gen, cell), "%s missing", table[k].name);
    }
    free(gen);
}
