/*
 * template.c — {{name}} substitution for the report templates.
 */
#include "template.h"

#include <errno.h>
#include <string.h>

void report_html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static const struct report_var *lookup(const struct report_var *vars, size_t n, const char *name,
                                       size_t len)
{
    for (size_t k = 0; k < n; k++)
        if (strlen(vars[k].name) == len && strncmp(vars[k].name, name, len) == 0)
            return &vars[k];
    return NULL;
}

int report_template_write(FILE *f, const char *tpl, const struct report_var *vars, size_t n,
                          char *err, size_t errlen)
{
    const char *p = tpl;
    for (;;) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) {
            fputs(p, f);
            return 0;
        }
        fwrite(p, 1, (size_t)(open - p), f);
        const struct report_var *v = lookup(vars, n, open + 2, (size_t)(close - open - 2));
        if (!v) {
            snprintf(err, errlen, "report template names {{%.*s}}, which nothing fills",
                     (int)(close - open - 2), open + 2);
            return -EINVAL;
        }
        if (v->html)
            report_html_escape(f, v->value);
        else
            fputs(v->value ? v->value : "", f);
        p = close + 2;
    }
}
