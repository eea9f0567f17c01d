/*
 * test_junit.c — the JUnit XML a CI system reads: counts, a failure with
 * its message, text escaped.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/junit.h"

Test(junit, cases_failures_and_escaping)
{
    char path[] = "/tmp/report-junit-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    const struct report_case cases[] = {
        {"ci.health", "position 1", 0.5, false, NULL},
        {"ci.health", "position 2", 0.25, true, "no pulses on output 1 at <64 A> & \"more\""},
    };
    char err[256] = "";
    cr_assert_eq(report_junit_write(path, "ci <bench>", cases, 2, err, sizeof err), 0, "%s", err);
    FILE *f = fopen(path, "r");
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    cr_expect(strstr(text, "<testsuite name=\"ci &lt;bench&gt;\" tests=\"2\" failures=\"1\""), "%s",
              text);
    cr_expect(strstr(text, "<testcase classname=\"ci.health\" name=\"position 1\" time=\"0.500\"/>"),
              "%s", text);
    cr_expect(strstr(text, "<failure message=\"no pulses on output 1 at &lt;64 A&gt; &amp; "
                           "&quot;more&quot;\">"),
              "%s", text);
    cr_expect_eq(report_junit_write("/nonexistent-dir/x.xml", "s", cases, 2, err, sizeof err) < 0,
                 1);
    cr_expect(strstr(err, "/nonexistent-dir/x.xml"), "%s", err);
}
