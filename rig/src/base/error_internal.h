/*
 * error_internal.h — setting the thread-local last-error message (error.c).
 */
#ifndef RIG_ERROR_INTERNAL_H
#define RIG_ERROR_INTERNAL_H

/*
 * rig_error_set — format the last-error message and return code (a negative
 * errno value), so a failure is one line: return rig_error_set(-EIO, ...).
 */
int rig_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* rig_error_prefix — put "<prefix>: " in front of the current message; returns code. */
int rig_error_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
