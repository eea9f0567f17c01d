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
#include <sys/file.h>
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

int rig_lock_take(const char *path, const char *what, double wait_s, int *fd_out)
{
    *fd_out = -1;
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

void rig_lock_drop(int fd)
{
    if (fd >= 0) {
        (void)!ftruncate(fd, 0); /* nobody holds it now; the lock itself goes with close */
        close(fd);
    }
}
