/*
 * junit.c — JUnit XML (report/junit.h): <testsuite> with one <testcase> per
 * case, a <failure> where one failed; text escaped for XML; the file
 * written whole or not at all.
 */
#include <stdio.h>

#include "report/junit.h"
#include "report_file.h"
#include "template.h"

struct junit_job {
    const char *suite;
    const struct report_case *cases;
    size_t n;
};

static int junit(FILE *f, const void *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    const struct junit_job *j = arg;
    size_t failures = 0;
    double total = 0.0;
    for (size_t i = 0; i < j->n; i++) {
        failures += j->cases[i].failed;
        total += j->cases[i].time_s;
    }
    /* every text goes into double-quoted attributes or element content:
     * escaping < > & " is what XML needs there, as HTML does */
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"");
    report_html_escape(f, j->suite);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n",
            j->n, failures, total);
    for (size_t i = 0; i < j->n; i++) {
        const struct report_case *c = &j->cases[i];
        fprintf(f, "  <testcase classname=\"");
        report_html_escape(f, c->classname);
        fprintf(f, "\" name=\"");
        report_html_escape(f, c->name);
        fprintf(f, "\" time=\"%.3f\"", c->time_s);
        if (!c->failed) {
            fprintf(f, "/>\n");
            continue;
        }
        fprintf(f, ">\n    <failure message=\"");
        report_html_escape(f, c->message);
        fprintf(f, "\">");
        report_html_escape(f, c->message);
        fprintf(f, "</failure>\n  </testcase>\n");
    }
    fprintf(f, "</testsuite>\n</testsuites>\n");
    return 0;
}

int report_junit_write(const char *path, const char *suite, const struct report_case *cases,
                       size_t n, char *err, size_t errlen)
{
    const struct junit_job job = {suite, cases, n};
    return report_write_file(path, junit, &job, err, errlen);
}
