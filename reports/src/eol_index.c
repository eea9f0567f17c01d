/*
 * eol_index.c — the rack's index.html (templates/eol-index.html): one row
 * per position with its result, and each verified unit's error curve.
 */
#include <stdlib.h>

#include "report_internal.h"
#include "template.h"

static void row(FILE *f, const struct report_eol_unit *u)
{
    const char *result = u->pass ? "PASS" : "FAIL";
    fprintf(f, "<tr class='%s'><td>%u</td><td>", result, u->position);
    report_html_escape(f, report_serial(u));
    fprintf(f, "</td><td>");
    report_html_escape(f, u->model ? u->model : "?");
    fprintf(f, "</td><td>%s</td><td>%.3f</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
               "<td><a href='certificates/",
            result, u->worst_error_ratio, u->calibrated ? "yes" : "no",
            u->verified ? "yes" : "no", u->identified ? "yes" : "no", u->sealed ? "yes" : "no");
    report_html_escape(f, report_serial(u));
    fprintf(f, ".txt'>");
    report_html_escape(f, report_serial(u));
    fprintf(f, ".txt</a></td><td>");
    report_html_escape(f, u->reason);
    fprintf(f, "</td></tr>\n");
}

static void curve(FILE *f, const struct report_eol_unit *u)
{
    if (!u->verify_done)
        return;
    fprintf(f, "<h3>Position %u — ", u->position);
    report_html_escape(f, report_serial(u));
    fprintf(f, " ");
    report_html_escape(f, u->model ? u->model : "?");
    fprintf(f, " (class %c)</h3>\n", u->active_class ? u->active_class : '?');
    report_error_curve_write(f, u);
}

/* fn over every unit, into a malloc'd string (NULL: out of memory). */
static char *render_units(void (*fn)(FILE *, const struct report_eol_unit *),
                          const struct report_eol_run *run)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    for (size_t i = 0; i < run->unit_count; i++)
        fn(f, &run->units[i]);
    fclose(f);
    return text;
}

int report_index_write(FILE *f, const struct report_eol_run *run, char *err, size_t errlen)
{
    unsigned passed = 0;
    for (size_t i = 0; i < run->unit_count; i++)
        passed += run->units[i].pass;
    char npass[16], npos[16], plan[32];
    snprintf(npass, sizeof npass, "%u", passed);
    snprintf(npos, sizeof npos, "%zu", run->unit_count);
    snprintf(plan, sizeof plan, "%.0f", run->plan_s);

    char *records = NULL, *aborted = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&records, &len);
    if (m) {
        if (run->records_path) {
            fprintf(m, " · records <code>");
            report_html_escape(m, run->records_path);
            fprintf(m, "</code> run <code>");
            report_html_escape(m, run->records_run);
            fprintf(m, "</code>");
        }
        fclose(m);
    }
    m = open_memstream(&aborted, &len);
    if (m) {
        if (run->aborted) {
            fprintf(m, "<p class='FAIL'><b>Rack aborted, source switched off:</b> ");
            report_html_escape(m, run->abort_reason);
            fprintf(m, "</p>\n");
        }
        fclose(m);
    }
    char *rows = render_units(row, run);
    char *curves = render_units(curve, run);
    const struct report_var vars[] = {
        {"bench", run->bench, true},        {"started", run->started, true},
        {"firmware", run->firmware, true},  {"passed", npass, false},
        {"positions", npos, false},         {"plan_s", plan, false},
        {"records", records, false},        {"aborted", aborted, false},
        {"rows", rows, false},              {"curves", curves, false},
    };
    int rc = report_template_write(f, report_template_eol_index_html, vars,
                                   sizeof vars / sizeof vars[0], err, errlen);
    free(records);
    free(aborted);
    free(rows);
    free(curves);
    return rc;
}
