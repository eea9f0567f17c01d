/*
 * error.c — the thread-local last-error message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/error_internal.h"
#include "rig/error.h"

#define RIG_ERROR_MAX 1024

static _Thread_local char last_error[RIG_ERROR_MAX];

const char *rig_last_error(void)
{
    return last_error[0] ? last_error : "no error";
}

int rig_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return code;
}

int rig_error_prefix(int code, const char *fmt, ...)
{
    char prefix[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t pl = strlen(prefix) + 2; /* "prefix: " */
    size_t ml = strnlen(last_error, sizeof last_error - 1);
    if (ml + pl > sizeof last_error - 1)
        ml = sizeof last_error - 1 - pl;
    memmove(last_error + pl, last_error, ml);
    last_error[pl + ml] = '\0';
    memcpy(last_error, prefix, pl - 2);
    last_error[pl - 2] = ':';
    last_error[pl - 1] = ' ';
    return code;
}
