/*
 * bench_lock.c — where a bench's lock file is (the lock itself: base/lock.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"

#define LOCK_DIR_DEFAULT "/run/lock/med2-rig"
#define LOCK_DIR_FALLBACK "/tmp/med2-rig-locks"

int rig_bench_lock_path(const struct rig_bench_config *cfg, const char *sim_dir, char *buf,
                        size_t len)
{
    if (sim_dir)
        return (size_t)snprintf(buf, len, "%s/bench.lock", sim_dir) < len ? 0 : -ENAMETOOLONG;
    const char *dir = getenv("RIG_LOCK_DIR");
    if (!dir || !*dir) {
        dir = LOCK_DIR_DEFAULT;
        if (mkdir(dir, 0777) < 0 && errno != EEXIST)
            dir = LOCK_DIR_FALLBACK;
    }
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return rig_error_set(-errno, "cannot create the lock directory %s: %s — set RIG_LOCK_DIR",
                             dir, strerror(errno));
    /* The bench's name, made a file name. */
    char name[128];
    size_t k = 0;
    for (const char *s = cfg->name; *s && k < sizeof name - 1; s++)
        name[k++] = (*s == '/' || *s == ' ') ? '_' : *s;
    name[k] = '\0';
    return (size_t)snprintf(buf, len, "%s/%s.lock", dir, name) < len ? 0 : -ENAMETOOLONG;
}
