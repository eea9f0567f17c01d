/*
 * template.h — filling the report templates (reports/templates/), which are
 * built into the library as strings (reports.mk turns each file into a C
 * string in templates.c).
 */
#ifndef REPORT_TEMPLATE_H
#define REPORT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* {{name}} in a template becomes value; escaped for HTML when html is set. */
struct report_var {
    const char *name;
    const char *value;
    bool html;
};

/*
 * report_template_write — copy tpl to f with every {{name}} replaced.
 * Returns 0, or -EINVAL with the placeholder's name in err when the
 * template names a variable not in vars (a template and its code disagree).
 */
int report_template_write(FILE *f, const char *tpl, const struct report_var *vars, size_t n,
                          char *err, size_t errlen);

/* report_html_escape — s with < > & " escaped: safe in HTML and XML text
 * and in double-quoted attributes (the report page, JUnit). */
void report_html_escape(FILE *f, const char *s);

/* The templates, one string per file of reports/templates/. */
extern const char report_template_eol_index_html[];
extern const char report_template_certificate_txt[];

#endif
