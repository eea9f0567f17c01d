/*
 * exe_dir.c — rig_exe_dir (base/exe_dir.h), from /proc/self/exe.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "base/exe_dir.h"

int rig_exe_dir(char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0)
        return -errno;
    exe[n] = '\0';
    if ((size_t)snprintf(buf, len, "%s", dirname(exe)) >= len)
        return -ENAMETOOLONG;
    return 0;
}
