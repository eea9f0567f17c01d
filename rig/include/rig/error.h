/*
 * rig/error.h — the rig's last-error message.
 *
 * Every rig function that fails returns a negative errno-style code (or NULL)
 * and leaves a message, private to the calling thread, that names the thing
 * that failed and what to check, e.g.
 *   "position 2: no answer from slave 1 on /dev/pts/5 at 38400 8N1 — check
 *    wiring and the unit's serial settings".
 */
#ifndef RIG_ERROR_H
#define RIG_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * rig_last_error — the message of the calling thread's last failure.
 * Returns: a string owned by the library, valid until the thread's next rig
 * call; "no error" if nothing has failed yet. Never NULL.
 */
const char *rig_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* RIG_ERROR_H */
