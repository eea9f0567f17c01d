/*
 * junit.c — JUnit XML (report/junit.h): <testsuite> with one <testcase> per
 * case, a <failure> where one failed; text escaped for XML.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report/junit.h"

static void xml_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(*s, f);
        }
    }
}

int report_junit_write(const char *path, const char *suite, const struct report_case *cases,
                       size_t n, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
        return -e;
    }
    size_t failures = 0;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        failures += cases[i].failed;
        total += cases[i].time_s;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"");
    xml_escape(f, suite);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n", n,
            failures, total);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  <testcase classname=\"");
        xml_escape(f, cases[i].classname);
        fprintf(f, "\" name=\"");
        xml_escape(f, cases[i].name);
        fprintf(f, "\" time=\"%.3f\"", cases[i].time_s);
        if (!cases[i].failed) {
            fprintf(f, "/>\n");
            continue;
        }
        fprintf(f, ">\n    <failure message=\"");
        xml_escape(f, cases[i].message);
        fprintf(f, "\">");
        xml_escape(f, cases[i].message);
        fprintf(f, "</failure>\n  </testcase>\n");
    }
    fprintf(f, "</testsuite>\n</testsuites>\n");
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
        return -e;
    }
    return 0;
}
