/*
 * lock.h — exclusive use of a bench, by an flock on a lock file (lock.c).
 */
#ifndef RIG_BASE_LOCK_H
#define RIG_BASE_LOCK_H

/*
 * rig_lock_take — lock the file at path (created if need be) for what
 * ("bench eol-20"), waiting up to wait_s seconds for another holder;
 * writes "PID HOST SINCE" into it. Returns 0 and *fd_out (keep it open:
 * the lock lasts until rig_lock_drop or the process ends), -EBUSY with
 * "WHAT in use by PID P on HOST since T", or -errno.
 */
int rig_lock_take(const char *path, const char *what, double wait_s, int *fd_out);

/* The environment variable a lock is passed down in (rig_lock_pass_down). */
#define RIG_LOCK_HELD_ENV "RIG_LOCK_HELD"

/*
 * rig_lock_pass_down — let the programs this one starts use the bench it
 * holds: the lock's file stays open across exec and RIG_LOCK_HELD names it;
 * their rig_lock_take of the same path then succeeds at once without
 * locking again. Returns 0 or -errno.
 */
int rig_lock_pass_down(int fd, const char *path);

/* rig_lock_drop — release (fd < 0 is ignored). */
void rig_lock_drop(int fd);

#endif
