/*
 * eol_report.c — report_eol_write: the files of an EOL report, each written
 * whole or not at all (report_file.h), so a reader never sees half a
 * certificate.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_file.h"
#include "report_internal.h"

const char *report_serial(const struct report_eol_unit *u)
{
    return u->serial && u->serial[0] ? u->serial : "unknown";
}

int report_mkdir_p(const char *dir)
{
    char buf[4096];
    if ((size_t)snprintf(buf, sizeof buf, "%s", dir) >= sizeof buf)
        return -ENAMETOOLONG;
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -errno;
            *p = '/';
        }
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return -errno;
    return 0;
}

struct certificate_job {
    const struct report_eol_run *run;
    const struct report_eol_unit *unit;
};

static int certificate(FILE *f, const void *arg, char *err, size_t errlen)
{
    const struct certificate_job *job = arg;
    return report_certificate_write(f, job->run, job->unit, err, errlen);
}

static int index_page(FILE *f, const void *run, char *err, size_t errlen)
{
    return report_index_write(f, run, err, errlen);
}

static int summary(FILE *f, const void *run, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    report_summary_write(f, run);
    return 0;
}

int report_eol_write(const char *dir, const struct report_eol_run *run, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/certificates", dir);
    int rc = report_mkdir_p(path);
    if (rc < 0) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(-rc));
        return rc;
    }
    for (size_t i = 0; i < run->unit_count; i++) {
        const struct report_eol_unit *u = &run->units[i];
        if (!u->serial || !u->serial[0])
            continue;
        snprintf(path, sizeof path, "%s/certificates/%s.txt", dir, u->serial);
        const struct certificate_job job = {run, u};
        if ((rc = report_write_file(path, certificate, &job, err, errlen)) < 0)
            return rc;
    }
    snprintf(path, sizeof path, "%s/index.html", dir);
    if ((rc = report_write_file(path, index_page, run, err, errlen)) < 0)
        return rc;
    snprintf(path, sizeof path, "%s/summary.txt", dir);
    return report_write_file(path, summary, run, err, errlen);
}
