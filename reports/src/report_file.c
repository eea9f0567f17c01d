/*
 * report_file.c — a report file is written whole or not at all: into a
 * temporary file renamed into place, so a reader (a person, a CI system)
 * never sees half of one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report_file.h"

int report_write_file(const char *path, report_writer_fn fn, const void *arg, char *err,
                      size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
        return -e;
    }
    int rc = fn(f, arg, err, errlen);
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
