/*
 * eol_report.c — report_eol_write: the files of an EOL report, each written
 * whole or not at all (a temporary file renamed into place), so a reader
 * never sees half a certificate.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

typedef int (*writer_fn)(FILE *f, const struct report_eol_run *run, const void *arg, char *err,
                         size_t errlen);

static int write_file(const char *path, writer_fn fn, const struct report_eol_run *run,
                      const void *arg, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
        return -e;
    }
    int rc = fn(f, run, arg, err, errlen);
    if (fclose(f) != 0 && rc == 0) {
        rc = -errno;
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(-rc));
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -errno;
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(-rc));
    }
    if (rc < 0)
        unlink(tmp);
    return rc;
}

static int certificate(FILE *f, const struct report_eol_run *run, const void *arg, char *err,
                       size_t errlen)
{
    return report_certificate_write(f, run, arg, err, errlen);
}

static int index_page(FILE *f, const struct report_eol_run *run, const void *arg, char *err,
                      size_t errlen)
{
    (void)arg;
    return report_index_write(f, run, err, errlen);
}

static int summary(FILE *f, const struct report_eol_run *run, const void *arg, char *err,
                   size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
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
        if ((rc = write_file(path, certificate, run, u, err, errlen)) < 0)
            return rc;
    }
    snprintf(path, sizeof path, "%s/index.html", dir);
    if ((rc = write_file(path, index_page, run, NULL, err, errlen)) < 0)
        return rc;
    snprintf(path, sizeof path, "%s/summary.txt", dir);
    return write_file(path, summary, run, NULL, err, errlen);
}
