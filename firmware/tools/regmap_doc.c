/*
 * regmap_doc.c — print, update or check the generated register table of
 * docs/modbus.md.
 *
 *   regmap_doc                  print the table to stdout
 *   regmap_doc --update FILE    replace the table between the markers in FILE
 *   regmap_doc --check FILE     exit 1 if FILE's table is not what the map gives
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regmap_doc.h"

#define MAX_DOC (1u << 20)

static char *slurp(FILE *f, size_t *len)
{
    char *buf = malloc(MAX_DOC);
    if (buf == NULL) {
        return NULL;
    }
    *len = fread(buf, 1, MAX_DOC - 1, f);
    buf[*len] = '\0';
    return buf;
}

static char *generated(size_t *len)
{
    FILE *t = tmpfile();
    if (t == NULL) {
        return NULL;
    }
    regmap_doc_print_table(t);
    rewind(t);
    char *s = slurp(t, len);
    fclose(t);
    return s;
}

int main(int argc, char **argv)
{
    if (argc == 1) {
        regmap_doc_print_table(stdout);
        return 0;
    }
    if (argc != 3 || (strcmp(argv[1], "--update") != 0 && strcmp(argv[1], "--check") != 0)) {
        fprintf(stderr, "usage: regmap_doc [--update FILE | --check FILE]\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (f == NULL) {
        perror(argv[2]);
        return 2;
    }
    size_t doc_len, gen_len;
    char *doc = slurp(f, &doc_len);
    fclose(f);
    char *gen = generated(&gen_len);
    if (doc == NULL || gen == NULL) {
        fprintf(stderr, "regmap_doc: out of memory\n");
        return 2;
    }
    char *begin = strstr(doc, REGMAP_DOC_BEGIN "\n");
    char *end = begin ? strstr(begin, REGMAP_DOC_END) : NULL;
    if (begin == NULL || end == NULL) {
        fprintf(stderr, "regmap_doc: %s has no generated-table markers\n", argv[2]);
        return 2;
    }
    begin += strlen(REGMAP_DOC_BEGIN "\n");
    bool same = (size_t)(end - begin) == gen_len && memcmp(begin, gen, gen_len) == 0;
    if (strcmp(argv[1], "--check") == 0) {
        if (!same) {
            fprintf(stderr, "regmap_doc: the table in %s is stale; run make fw-docs\n", argv[2]);
        }
        return same ? 0 : 1;
    }
    if (same) {
        return 0;
    }
    f = fopen(argv[2], "w");
    if (f == NULL) {
        perror(argv[2]);
        return 2;
    }
    fwrite(doc, 1, (size_t)(begin - doc), f);
    fwrite(gen, 1, gen_len, f);
    fputs(end, f);
    return fclose(f) == 0 ? 0 : 2;
}
