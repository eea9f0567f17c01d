/*
 * report_internal.h — the pieces of an EOL report, one file each.
 */
#ifndef REPORT_INTERNAL_H
#define REPORT_INTERNAL_H

#include <stdio.h>

#include "report/eol.h"

/* A position's serial for file names and tables ("unknown" if none). */
const char *report_serial(const struct report_eol_unit *u);

/* certificate.c: certificates/SERIAL.txt of one unit. */
int report_certificate_write(FILE *f, const struct report_eol_run *run,
                             const struct report_eol_unit *u, char *err, size_t errlen);

/* eol_index.c: index.html of the rack. */
int report_index_write(FILE *f, const struct report_eol_run *run, char *err, size_t errlen);

/* error_curve.c: the SVG error curve of one unit (nothing if it has no points). */
void report_error_curve_write(FILE *f, const struct report_eol_unit *u);

/* summary.c: summary.txt, one line per position. */
void report_summary_write(FILE *f, const struct report_eol_run *run);

#endif
