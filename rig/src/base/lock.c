/*
 * lock.c — one user of a resource at a time: an flock on a lock file, held
 * until it is dropped. The kernel drops an flock when its holder dies
 * however it dies, so a crashed client never leaves a bench locked. The
 * holder writes who it is into the file, so the next client can say who
 * has it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "base/lock.h"

#define LOCK_POLL_NS 50000000L /* 50 ms */

/* Who holds the lock, from what the holder wrote, into buf. */
static void holder(int fd, char *buf, size_t len)
{
    char text[160];
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    long pid;
    char host[64], since[32];
    if (sscanf(text, "%ld %63s %31s", &pid, host, since) == 3)
        snprintf(buf, len, "PID %ld on %s since %s", pid, host, since);
    else
        snprintf(buf, len, "another process (it has not said who)");
}

static void say_who(int fd)
{
    char host[64] = "unknown", since[32];
    gethostname(host, sizeof host - 1);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char text[160];
    int n = snprintf(text, sizeof text, "%ld %s %s\n", (long)getpid(), host, since);
    if (ftruncate(fd, 0) == 0)
        (void)!pwrite(fd, text, (size_t)n, 0);
}

/*
 * A job that holds a bench runs other programs on it (rig ci runs the
 * suites): it passes its lock down as RIG_LOCK_HELD=FD:PATH with FD open
 * across exec. A program that finds its own lock path there, with FD open
 * on that very file, already holds the lock.
 */
static bool inherited(const char *path)
{
    const char *held = getenv(RIG_LOCK_HELD_ENV);
    if (!held)
        return false;
    char *colon;
    long fd = strtol(held, &colon, 10);
    struct stat open_file, wanted;
    return fd >= 0 && *colon == ':' && fstat((int)fd, &open_file) == 0 &&
           stat(path, &wanted) == 0 && open_file.st_dev == wanted.st_dev &&
           open_file.st_ino == wanted.st_ino;
}

int rig_lock_take(const char *path, const char *what, double wait_s, int *fd_out)
{
    *fd_out = -1;
    if (inherited(path))
        return 0; /* held by the job that started us, for as long as it runs */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return rig_error_set(-errno, "cannot open the lock file %s of %s: %s", path, what, strerror(errno));
    struct timespec start, now, nap = {0, LOCK_POLL_NS};
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int e = errno;
            close(fd);
            return rig_error_set(-e, "cannot lock %s: %s", path, strerror(e));
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited = (double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) * 1e-9;
        if (!(waited < wait_s)) {
            char who[128];
            holder(fd, who, sizeof who);
            close(fd);
            return rig_error_set(-EBUSY, "%s in use by %s%s", what, who,
                                 wait_s > 0 ? " (waited the --wait time)" : " — wait with --wait SECONDS");
        }
        nanosleep(&nap, NULL);
    }
    say_who(fd);
    *fd_out = fd;
    return 0;
}

int rig_lock_pass_down(int fd, const char *path)
{
    int kept = fcntl(fd, F_DUPFD, 3); /* without FD_CLOEXEC: it crosses exec */
    if (kept < 0)
        return rig_error_set(-errno, "passing the lock of %s on: %s", path, strerror(errno));
    char value[4200];
    snprintf(value, sizeof value, "%d:%s", kept, path);
    setenv(RIG_LOCK_HELD_ENV, value, 1);
    return 0;
}

void rig_lock_drop(int fd)
{
    if (fd >= 0) {
        (void)!ftruncate(fd, 0); /* nobody holds it now; the lock itself goes with close */
        close(fd);
    }
}
