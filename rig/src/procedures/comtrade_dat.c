/*
 * comtrade_dat.c — the samples of a COMTRADE recording: the .dat in ASCII
 * (one line per sample: n, timestamp, analog..., digital...) or binary
 * (little-endian records: uint32 n, uint32 timestamp, int16/int32/float32
 * per analog channel, 16 digital channels per uint16 word), checked against
 * what the .cfg declares; and loading a .cfg/.dat pair from disk.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "procedures/comtrade_internal.h"

#define DAT_LINE_MAX (32u * (2u + 2u * RIG_COMTRADE_MAX_CHANNELS))
#define MISSING_1999_ASCII 99999.0 /* C37.111-1999 6.4.1: a missing analog sample */
#define MISSING_BINARY16 (-32768)  /* 0x8000: a missing BINARY sample */

void rig_comtrade_free(struct rig_comtrade *rec)
{
    if (!rec)
        return;
    free(rec->analog);
    free(rec->t_s);
    free(rec->values);
    free(rec);
}

/* The time of sample i (0-based) from the .cfg's rates, or -1 if the .cfg
 * gives none (then the .dat's timestamps count). */
static double rate_time(const struct comtrade_cfg *cfg, uint64_t i)
{
    if (cfg->n_rates == 0)
        return -1;
    double t = 0;
    uint64_t start = 0;
    for (unsigned k = 0; k < cfg->n_rates; k++) {
        uint64_t end = cfg->end_sample[k];
        if (i < end)
            return t + (double)(i - start) / cfg->rate_hz[k];
        t += (double)(end - start) / cfg->rate_hz[k];
        start = end;
    }
    return t;
}

static int store_time(struct comtrade_cfg *cfg, uint64_t i, double timestamp)
{
    double t = rate_time(cfg, i);
    cfg->rec->t_s[i] = t >= 0 ? t : timestamp * cfg->timemult * 1e-6;
    return 0;
}

static int parse_ascii(struct comtrade_cfg *cfg, const char *dat, size_t len, const char *name,
                       const char *cfg_name)
{
    struct rig_comtrade *rec = cfg->rec;
    unsigned want = 2 + rec->n_analog + rec->n_digital;
    char *line = malloc(DAT_LINE_MAX);
    char **f = malloc((want + 1) * sizeof *f);
    int rc = 0;
    if (!line || !f) {
        rc = rig_error_set(-ENOMEM, "%s: out of memory", name);
        goto out;
    }
    size_t pos = 0;
    uint64_t i = 0;
    unsigned lineno = 0;
    bool cut;
    while (comtrade_next_line(dat, len, &pos, line, DAT_LINE_MAX, &cut)) {
        lineno++;
        if (line[0] == '\0' || line[0] == '\x1a') /* a blank end, or DOS end of file */
            continue;
        if (i == cfg->n_samples) {
            rc = rig_error_set(-EINVAL, "%s:%u: more samples than the %llu %s:%u declares",
                               name, lineno, (unsigned long long)cfg->n_samples, cfg_name,
                               cfg->rates_line);
            goto out;
        }
        unsigned nf = cut ? want + 1 : comtrade_split(line, f, want);
        if (nf != want) {
            rc = rig_error_set(-EINVAL,
                               "%s:%u: %s%u values, but %s:%u declares %u analog and %u digital "
                               "channels (%u values per line)",
                               name, lineno, nf > want ? "more than " : "", nf > want ? want : nf,
                               cfg_name, cfg->counts_line, rec->n_analog, rec->n_digital, want);
            goto out;
        }
        uint64_t n;
        double ts = 0;
        if (!comtrade_unsigned(f[0], UINT32_MAX, &n) || n != i + 1) {
            rc = rig_error_set(-EINVAL, "%s:%u: sample number '%s', expected %llu", name,
                               lineno, f[0], (unsigned long long)(i + 1));
            goto out;
        }
        if (!comtrade_number(f[1], &ts) && (cfg->n_rates == 0 || f[1][0] != '\0')) {
            rc = rig_error_set(-EINVAL, "%s:%u: timestamp '%s' is not a number", name, lineno,
                               f[1]);
            goto out;
        }
        store_time(cfg, i, ts);
        for (unsigned k = 0; k < rec->n_analog; k++) {
            double x;
            if (!comtrade_number(f[2 + k], &x) ||
                (rec->rev_year == 1999 && x == MISSING_1999_ASCII)) {
                rc = rig_error_set(-EINVAL, "%s:%u: analog channel %u: '%s' is not a sample%s",
                                   name, lineno, k + 1, f[2 + k],
                                   f[2 + k][0] == '\0' || x == MISSING_1999_ASCII
                                       ? " (missing data cannot be replayed)"
                                       : "");
                goto out;
            }
            rec->values[i * rec->n_analog + k] = rec->analog[k].a * x + rec->analog[k].b;
        }
        i++;
    }
    if (i < cfg->n_samples)
        rc = rig_error_set(-EINVAL, "%s: truncated: %llu samples, %s:%u declares %llu", name,
                           (unsigned long long)i, cfg_name, cfg->rates_line,
                           (unsigned long long)cfg->n_samples);
out:
    free(line);
    free(f);
    return rc;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int parse_binary(struct comtrade_cfg *cfg, const unsigned char *dat, size_t len,
                        const char *name, const char *cfg_name)
{
    struct rig_comtrade *rec = cfg->rec;
    size_t width = rec->format == RIG_COMTRADE_BINARY ? 2 : 4;
    size_t record = 8 + width * rec->n_analog + 2 * ((rec->n_digital + 15) / 16);
    const char *counts = "the .cfg's channel counts disagree with the data";
    if (len % record != 0)
        return rig_error_set(-EINVAL,
                             "%s: %zu bytes is not a whole number of %zu-byte records (%u analog "
                             "and %u digital channels, %s:%u): %s, or the file is truncated",
                             name, len, record, rec->n_analog, rec->n_digital, cfg_name,
                             cfg->counts_line, counts);
    if (len / record < cfg->n_samples)
        return rig_error_set(-EINVAL, "%s: truncated: %zu records of %zu bytes, %s:%u declares %llu",
                             name, len / record, record, cfg_name, cfg->rates_line,
                             (unsigned long long)cfg->n_samples);
    if (len / record > cfg->n_samples)
        return rig_error_set(-EINVAL, "%s: %zu records of %zu bytes, %s:%u declares %llu: %s",
                             name, len / record, record, cfg_name, cfg->rates_line,
                             (unsigned long long)cfg->n_samples, counts);
    for (uint64_t i = 0; i < cfg->n_samples; i++) {
        const unsigned char *p = dat + i * record;
        if (le32(p) != i + 1)
            return rig_error_set(-EINVAL,
                                 "%s: record %llu (byte %llu) has sample number %u: %s (%s:%u)",
                                 name, (unsigned long long)(i + 1),
                                 (unsigned long long)(i * record), le32(p), counts, cfg_name,
                                 cfg->counts_line);
        store_time(cfg, i, (double)le32(p + 4));
        for (unsigned k = 0; k < rec->n_analog; k++) {
            const unsigned char *q = p + 8 + width * k;
            double x;
            if (width == 2) {
                int16_t s = (int16_t)(uint16_t)(q[0] | q[1] << 8);
                if (s == MISSING_BINARY16)
                    return rig_error_set(-EINVAL,
                                         "%s: record %llu, analog channel %u: missing sample "
                                         "(0x8000) cannot be replayed",
                                         name, (unsigned long long)(i + 1), k + 1);
                x = s;
            } else if (rec->format == RIG_COMTRADE_BINARY32) {
                x = (int32_t)le32(q);
            } else {
                uint32_t u = le32(q);
                float fl;
                memcpy(&fl, &u, sizeof fl);
                x = fl;
                if (!isfinite(x))
                    return rig_error_set(-EINVAL,
                                         "%s: record %llu, analog channel %u: not a number",
                                         name, (unsigned long long)(i + 1), k + 1);
            }
            rec->values[i * rec->n_analog + k] = rec->analog[k].a * x + rec->analog[k].b;
        }
    }
    return 0;
}

int rig_comtrade_parse(const char *cfg_text, size_t cfg_len, const char *cfg_name,
                       const void *dat, size_t dat_len, const char *dat_name,
                       struct rig_comtrade **out)
{
    struct comtrade_cfg cfg;
    *out = NULL;
    int rc = comtrade_cfg_parse(cfg_text, cfg_len, cfg_name, &cfg);
    if (rc < 0)
        goto fail;
    struct rig_comtrade *rec = cfg.rec;
    rec->n_samples = (size_t)cfg.n_samples;
    rec->t_s = calloc(rec->n_samples ? rec->n_samples : 1, sizeof *rec->t_s);
    rec->values = calloc(rec->n_samples * rec->n_analog + 1, sizeof *rec->values);
    if (!rec->t_s || !rec->values) {
        rc = rig_error_set(-ENOMEM, "%s: out of memory for %zu samples", dat_name,
                           rec->n_samples);
        goto fail;
    }
    rc = rec->format == RIG_COMTRADE_ASCII
             ? parse_ascii(&cfg, dat, dat_len, dat_name, cfg_name)
             : parse_binary(&cfg, dat, dat_len, dat_name, cfg_name);
    if (rc < 0)
        goto fail;
    for (size_t i = 1; i < rec->n_samples; i++)
        if (!(rec->t_s[i] > rec->t_s[i - 1])) {
            rc = rig_error_set(-EINVAL, "%s: sample %zu's time does not follow sample %zu's",
                               dat_name, i + 1, i);
            goto fail;
        }
    *out = rec;
    return 0;
fail:
    rig_comtrade_free(cfg.rec);
    return rc;
}

/* Read path whole; -ENOENT with a message if it cannot be opened. */
static int slurp(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rig_error_set(-errno, "%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t got;
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!b || err) {
        free(b);
        return rig_error_set(b ? -EIO : -ENOMEM, "%s: cannot read it", path);
    }
    *buf = b;
    *len = n;
    return 0;
}

int rig_comtrade_load(const char *cfg_path, struct rig_comtrade **out)
{
    *out = NULL;
    size_t l = strlen(cfg_path);
    if (l < 4 || strcasecmp(cfg_path + l - 4, ".cfg") != 0)
        return rig_error_set(-EINVAL, "%s: a COMTRADE recording is named by its .cfg", cfg_path);
    char *dat_path = strdup(cfg_path);
    if (!dat_path)
        return rig_error_set(-ENOMEM, "out of memory");
    /* the .dat beside it, in the .cfg's case */
    memcpy(dat_path + l - 3, cfg_path[l - 3] == 'C' ? "DAT" : "dat", 3);
    char *cfg = NULL, *dat = NULL;
    size_t cfg_len = 0, dat_len = 0;
    int rc = slurp(cfg_path, &cfg, &cfg_len);
    if (rc == 0)
        rc = slurp(dat_path, &dat, &dat_len);
    if (rc == 0)
        rc = rig_comtrade_parse(cfg, cfg_len, cfg_path, dat, dat_len, dat_path, out);
    free(cfg);
    free(dat);
    free(dat_path);
    return rc;
}

/* The factor from a channel's unit to V or A, 0 if it is neither. */
static double unit_factor(const char *unit, char quantity)
{
    char q = quantity;
    if (unit[0] == q && unit[1] == '\0')
        return 1;
    if (unit[1] == q && unit[2] == '\0')
        return unit[0] == 'k' ? 1e3 : unit[0] == 'm' ? 1e-3 : 0;
    return 0;
}

int rig_comtrade_find(const struct rig_comtrade *rec, char quantity)
{
    for (unsigned k = 0; k < rec->n_analog; k++)
        if (unit_factor(rec->analog[k].unit, quantity) != 0)
            return (int)k;
    return rig_error_set(-ENOENT, "the recording (station '%s') has no channel in %c",
                         rec->station, quantity);
}

double rig_comtrade_value(const struct rig_comtrade *rec, size_t i, unsigned ch)
{
    const char *u = rec->analog[ch].unit;
    double f = unit_factor(u, 'V');
    if (f == 0)
        f = unit_factor(u, 'A');
    return rec->values[i * rec->n_analog + ch] * (f == 0 ? 1 : f);
}
