/*
 * doc_block.c — print, check or update a document's generated block
 * (doc_block.h).
 */
#include "doc_block.h"

#include <stdlib.h>
#include <string.h>

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

char *doc_block_generated(const struct doc_block *b, size_t *len)
{
    FILE *t = tmpfile();
    if (t == NULL) {
        return NULL;
    }
    b->print(t);
    rewind(t);
    char *s = slurp(t, len);
    fclose(t);
    return s;
}

/* Where the block's lines start and end in doc, or false without markers. */
static bool find(const struct doc_block *b, const char *doc, const char **start, const char **stop)
{
    const char *begin = strstr(doc, b->begin);
    if (begin == NULL || strlen(begin) < strlen(b->begin) + 1u || begin[strlen(b->begin)] != '\n') {
        return false;
    }
    *start = begin + strlen(b->begin) + 1u;
    *stop = strstr(*start, b->end);
    return *stop != NULL;
}

int doc_block_same(const struct doc_block *b, const char *doc)
{
    const char *start, *stop;
    if (!find(b, doc, &start, &stop)) {
        return -1;
    }
    size_t len;
    char *gen = doc_block_generated(b, &len);
    int same = gen != NULL && (size_t)(stop - start) == len && memcmp(start, gen, len) == 0;
    free(gen);
    return same;
}

int doc_block_main(const struct doc_block *b, int argc, char **argv)
{
    if (argc == 1) {
        b->print(stdout);
        return 0;
    }
    if (argc != 3 || (strcmp(argv[1], "--update") != 0 && strcmp(argv[1], "--check") != 0)) {
        fprintf(stderr, "usage: %s [--update FILE | --check FILE]\n", b->tool);
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
    char *gen = doc_block_generated(b, &gen_len);
    const char *start, *stop;
    if (doc == NULL || gen == NULL) {
        fprintf(stderr, "%s: out of memory\n", b->tool);
        return 2;
    }
    if (!find(b, doc, &start, &stop)) {
        fprintf(stderr, "%s: %s has no generated-block markers (%s)\n", b->tool, argv[2], b->begin);
        return 2;
    }
    bool same = (size_t)(stop - start) == gen_len && memcmp(start, gen, gen_len) == 0;
    if (strcmp(argv[1], "--check") == 0) {
        if (!same) {
            fprintf(stderr, "%s: the generated part of %s is stale; run %s\n", b->tool, argv[2], b->make);
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
    fwrite(doc, 1, (size_t)(start - doc), f);
    fwrite(gen, 1, gen_len, f);
    fputs(stop, f);
    return fclose(f) == 0 ? 0 : 2;
}
