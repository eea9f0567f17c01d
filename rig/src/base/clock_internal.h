/*
 * clock_internal.h — monotonic milliseconds, for deadlines.
 */
#ifndef RIG_CLOCK_INTERNAL_H
#define RIG_CLOCK_INTERNAL_H

#include <stdint.h>
#include <time.h>

static inline int64_t rig_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline (>= 0); deadline < 0 means none (-1). */
static inline int rig_ms_left(int64_t deadline)
{
    if (deadline < 0)
        return -1;
    int64_t left = deadline - rig_now_ms();
    return left < 0 ? 0 : (int)left;
}

#endif
