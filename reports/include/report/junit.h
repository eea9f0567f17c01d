/*
 * report/junit.h — a JUnit XML file of one test suite, the format every CI
 * system reads. The Criterion suites write their own (--xml); rig ci writes
 * its steps (health, flashing) with this.
 */
#ifndef REPORT_JUNIT_H
#define REPORT_JUNIT_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct report_case {
    const char *classname; /* e.g. "ci.health" */
    const char *name;      /* e.g. "position 3" */
    double time_s;
    bool failed;
    const char *message;   /* why it failed (NULL or "" when it passed) */
};

/*
 * report_junit_write — write suite's cases to path (whole or not at all).
 * Returns 0, or a negative errno code with one line in err.
 */
int report_junit_write(const char *path, const char *suite, const struct report_case *cases,
                       size_t n, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* REPORT_JUNIT_H */
