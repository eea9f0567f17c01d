/*
 * comtrade_write.c — write a two-channel COMTRADE recording (voltage and
 * current, one digital channel), as a power-quality analyzer exports one:
 * the recordings the tests and figures replay are generated, not edited.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "rig/comtrade.h"

/* The largest raw magnitude of each format used for full scale. */
static double raw_full_scale(enum rig_comtrade_format f)
{
    switch (f) {
    case RIG_COMTRADE_BINARY: return 32767;
    case RIG_COMTRADE_BINARY32: return 2147483647.0;
    case RIG_COMTRADE_FLOAT32: return 1;
    default: return 99998; /* ASCII: 99999 marks a missing sample (1999) */
    }
}

static const char *format_name(enum rig_comtrade_format f)
{
    static const char *const names[] = {"ASCII", "BINARY", "BINARY32", "FLOAT32"};
    return names[f];
}

static void put32(FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    fwrite(b, 1, 4, f);
}

static void put_sample(FILE *f, enum rig_comtrade_format fmt, double raw)
{
    if (fmt == RIG_COMTRADE_BINARY) {
        uint16_t s = (uint16_t)(int16_t)lround(raw);
        unsigned char b[2] = {(unsigned char)s, (unsigned char)(s >> 8)};
        fwrite(b, 1, 2, f);
    } else if (fmt == RIG_COMTRADE_BINARY32) {
        put32(f, (uint32_t)(int32_t)lround(raw));
    } else {
        float x = (float)raw;
        uint32_t u;
        memcpy(&u, &x, sizeof u);
        put32(f, u);
    }
}

int rig_comtrade_write(const char *base, const struct rig_comtrade_spec *s)
{
    if ((s->rev_year != 1999 && s->rev_year != 2013) || s->rate_hz <= 0 || s->n_samples == 0 ||
        !(s->v_full_scale > 0) || !(s->i_full_scale > 0) ||
        (s->rev_year == 1999 && s->format > RIG_COMTRADE_BINARY))
        return rig_error_set(-EINVAL, "%s: nothing sensible to write (revision %u, format %s)",
                             base, s->rev_year, format_name(s->format));
    double full = raw_full_scale(s->format);
    double a_v = s->v_full_scale / full, a_i = s->i_full_scale / full;
    char path[4096];
    snprintf(path, sizeof path, "%s.cfg", base);
    FILE *f = fopen(path, "w");
    if (!f)
        return rig_error_set(-errno, "%s: %s", path, strerror(errno));
    fprintf(f, "MED2 RIG,replay generator,%u\r\n3,2A,1D\r\n", s->rev_year);
    fprintf(f, "1,V,,,V,%.9g,0,0,%d,%d,1,1,P\r\n", a_v, -(int)full, (int)full);
    fprintf(f, "2,I,,,A,%.9g,0,0,%d,%d,1,1,P\r\n", a_i, -(int)full, (int)full);
    fprintf(f, "1,supply,,,0\r\n50\r\n1\r\n%.9g,%zu\r\n", s->rate_hz, s->n_samples);
    fprintf(f, "01/12/2026,00:00:00.000000\r\n01/12/2026,00:00:00.000000\r\n%s\r\n1\r\n",
            format_name(s->format));
    if (s->rev_year == 2013)
        fprintf(f, "+0,+0\r\n0,0\r\n");
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return rig_error_set(-EIO, "%s: write failed", path);
    snprintf(path, sizeof path, "%s.dat", base);
    f = fopen(path, "wb");
    if (!f)
        return rig_error_set(-errno, "%s: %s", path, strerror(errno));
    for (size_t k = 0; k < s->n_samples; k++) {
        uint32_t ts = (uint32_t)llround((double)k * 1e6 / s->rate_hz);
        double rv = s->v[k] / a_v, ri = s->i[k] / a_i;
        if (s->format == RIG_COMTRADE_ASCII) {
            fprintf(f, "%zu,%u,%ld,%ld,0\r\n", k + 1, ts, lround(rv), lround(ri));
        } else {
            put32(f, (uint32_t)(k + 1));
            put32(f, ts);
            put_sample(f, s->format, rv);
            put_sample(f, s->format, ri);
            fwrite("\0\0", 1, 2, f);
        }
    }
    bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return rig_error_set(-EIO, "%s: write failed", path);
    return 0;
}
