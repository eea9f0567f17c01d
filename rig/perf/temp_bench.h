/*
 * temp_bench.h — a simulated bench file written on the fly, for the figure
 * programs that need racks the fixtures do not have (many serials, one
 * defect per position). Header-only: each program in rig/perf is one file.
 */
#ifndef RIG_PERF_TEMP_BENCH_H
#define RIG_PERF_TEMP_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct temp_unit {
    const char *model;
    unsigned long serial;
    const char *defect; /* NULL: a good unit */
};

/* Write a kind = sim bench of n units to a new file; its path in path
 * (>= 64 bytes). Returns 0 or -1. */
static inline int temp_bench_write(const char *name, const struct temp_unit *u, unsigned n,
                                   char *path)
{
    snprintf(path, 64, "/tmp/med2-perf-bench-XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return -1;
    fprintf(f, "[bench]\nname = %s\nkind = sim\npositions = %u\n[source]\nport = sim\n", name, n);
    for (unsigned i = 0; i < n; i++) {
        fprintf(f, "[position %u]\nmodel = %s\nserial = %08lu\n", i + 1, u[i].model,
                u[i].serial);
        if (u[i].defect)
            fprintf(f, "defect = %s\n", u[i].defect);
    }
    return fclose(f) == 0 ? 0 : -1;
}

#endif
