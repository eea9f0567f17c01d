/*
 * report_file.h — writing a report file whole or not at all (report_file.c).
 */
#ifndef REPORT_FILE_H
#define REPORT_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Writes the file's content to f; 0, or a negative errno code with err set. */
typedef int (*report_writer_fn)(FILE *f, const void *arg, char *err, size_t errlen);

/*
 * report_write_file — fn into PATH.tmp, renamed to path if it and the close
 * succeeded, removed otherwise. Returns 0, or a negative errno code with one
 * line in err naming the file.
 */
int report_write_file(const char *path, report_writer_fn fn, const void *arg, char *err,
                      size_t errlen);

#endif
