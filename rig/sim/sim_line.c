/*
 * sim_line.c — one newline-terminated reply line, for the source's SCPI
 * replies and the control socket's answers alike.
 */
#include <stdio.h>

#include "sim_bench.h"

size_t sim_format_line(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size - 1, fmt, ap);
    if (n < 0) {
        return 0;
    }
    if ((size_t)n > size - 2) {
        n = (int)size - 2; /* truncated: keep room for the newline */
    }
    buf[n++] = '\n';
    return (size_t)n;
}
