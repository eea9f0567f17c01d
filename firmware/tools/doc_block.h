/*
 * doc_block.h — a generated block of a document: the lines between two
 * marker lines are what a print function writes (docs/modbus.md's register
 * table, docs/ui.md's menu tree). One way to print, check and update them.
 */
#ifndef MED2_DOC_BLOCK_H
#define MED2_DOC_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct doc_block {
    const char *tool;  /* for messages: "regmap_doc" */
    const char *begin; /* the marker lines, without their newline */
    const char *end;
    const char *make;  /* what regenerates it: "make fw-docs" */
    void (*print)(FILE *out);
};

/* What print writes, as a malloc'd string (len set); NULL if out of memory. */
char *doc_block_generated(const struct doc_block *b, size_t *len);

/*
 * Whether the block in `doc` (a whole document, NUL-terminated) is what
 * print writes: 1 same, 0 stale, -1 no markers.
 */
int doc_block_same(const struct doc_block *b, const char *doc);

/*
 * The tool's main: no argument prints the block; --check FILE exits 1 when
 * FILE's block is stale; --update FILE rewrites it. Returns the exit status.
 */
int doc_block_main(const struct doc_block *b, int argc, char **argv);

#endif /* MED2_DOC_BLOCK_H */
