/*
 * comtrade_cfg.c — the .cfg of a COMTRADE recording (IEEE C37.111-1999
 * clause 6, -2013 clause 7): station and revision, channel counts, analog
 * and digital channel lines, line frequency, sampling rates, timestamps,
 * data file type and time multiplier. Every refusal names file:line.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "procedures/comtrade_internal.h"

#define CFG_LINE_MAX 512u

unsigned comtrade_split(char *line, char **fields, unsigned max)
{
    unsigned n = 0;
    char *p = line;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        size_t l = strlen(p);
        while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t'))
            p[--l] = '\0';
        if (n == max)
            return max + 1;
        fields[n++] = p;
        if (!comma)
            return n;
        p = comma + 1;
    }
}

bool comtrade_number(const char *s, double *v)
{
    char *end;
    if (*s == '\0')
        return false;
    errno = 0;
    *v = strtod(s, &end);
    return *end == '\0' && errno == 0 && isfinite(*v);
}

bool comtrade_unsigned(const char *s, uint64_t max, uint64_t *v)
{
    char *end;
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end != '\0' || errno != 0 || x > max)
        return false;
    *v = x;
    return true;
}

bool comtrade_next_line(const char *text, size_t len, size_t *pos, char *buf, size_t size,
                        bool *cut)
{
    if (*pos >= len)
        return false;
    size_t n = 0;
    *cut = false;
    while (*pos < len && text[*pos] != '\n') {
        char c = text[(*pos)++];
        if (c == '\r')
            continue;
        if (n + 1 < size)
            buf[n++] = c == '\0' ? '?' : c;
        else
            *cut = true;
    }
    if (*pos < len)
        (*pos)++; /* the '\n' */
    buf[n] = '\0';
    return true;
}

/* The reader's place in the .cfg. */
struct cfg_reader {
    const char *text, *name;
    size_t len, pos;
    unsigned line;
    char buf[CFG_LINE_MAX];
    char *f[COMTRADE_MAX_FIELDS + 1];
    unsigned nf;
};

/* The next line split into fields; want_min..want_max fields or an error. */
static int next_fields(struct cfg_reader *r, const char *what, unsigned want_min,
                       unsigned want_max)
{
    bool cut;
    r->line++;
    if (!comtrade_next_line(r->text, r->len, &r->pos, r->buf, sizeof r->buf, &cut))
        return rig_error_set(-EINVAL, "%s:%u: the file ends where %s should be", r->name,
                             r->line, what);
    if (cut)
        return rig_error_set(-EINVAL, "%s:%u: line longer than %u characters (%s)", r->name,
                             r->line, CFG_LINE_MAX - 1, what);
    r->nf = comtrade_split(r->buf, r->f, COMTRADE_MAX_FIELDS);
    if (r->nf < want_min || r->nf > want_max)
        return rig_error_set(-EINVAL, "%s:%u: %s has %s%u fields, expected %u%s", r->name,
                             r->line, what, r->nf > COMTRADE_MAX_FIELDS ? "more than " : "",
                             r->nf > COMTRADE_MAX_FIELDS ? COMTRADE_MAX_FIELDS : r->nf,
                             want_min, want_max > want_min ? " or more" : "");
    return 0;
}

static int bad_field(const struct cfg_reader *r, const char *what, const char *value)
{
    return rig_error_set(-EINVAL, "%s:%u: %s '%s' is not valid", r->name, r->line, what, value);
}

static void copy_field(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

static int parse_header(struct cfg_reader *r, struct comtrade_cfg *cfg)
{
    struct rig_comtrade *rec = cfg->rec;
    int rc = next_fields(r, "station_name,rec_dev_id,rev_year", 2, 3);
    if (rc < 0)
        return rc;
    copy_field(rec->station, sizeof rec->station, r->f[0]);
    uint64_t year = 1991; /* the first edition had no rev_year */
    if (r->nf == 3 && !comtrade_unsigned(r->f[2], 9999, &year))
        return bad_field(r, "rev_year", r->f[2]);
    if (year != 1999 && year != 2013)
        return rig_error_set(-ENOTSUP,
                             "%s:%u: COMTRADE revision %u is not supported (1999 and 2013 are)",
                             r->name, r->line, (unsigned)year);
    rec->rev_year = (unsigned)year;

    rc = next_fields(r, "TT,##A,##D", 3, 3);
    if (rc < 0)
        return rc;
    cfg->counts_line = r->line;
    uint64_t tt, na, nd;
    size_t la = strlen(r->f[1]), ld = strlen(r->f[2]);
    if (!comtrade_unsigned(r->f[0], 2 * RIG_COMTRADE_MAX_CHANNELS, &tt))
        return bad_field(r, "total channel count", r->f[0]);
    if (la < 2 || toupper((unsigned char)r->f[1][la - 1]) != 'A')
        return bad_field(r, "analog channel count (##A)", r->f[1]);
    if (ld < 2 || toupper((unsigned char)r->f[2][ld - 1]) != 'D')
        return bad_field(r, "digital channel count (##D)", r->f[2]);
    r->f[1][la - 1] = r->f[2][ld - 1] = '\0';
    if (!comtrade_unsigned(r->f[1], RIG_COMTRADE_MAX_CHANNELS, &na))
        return bad_field(r, "analog channel count", r->f[1]);
    if (!comtrade_unsigned(r->f[2], RIG_COMTRADE_MAX_CHANNELS, &nd))
        return bad_field(r, "digital channel count", r->f[2]);
    if (tt != na + nd)
        return rig_error_set(-EINVAL, "%s:%u: %u channels in all but %u analog + %u digital",
                             r->name, r->line, (unsigned)tt, (unsigned)na, (unsigned)nd);
    rec->n_analog = (unsigned)na;
    rec->n_digital = (unsigned)nd;
    return 0;
}

static int parse_analog(struct cfg_reader *r, unsigned k, struct rig_comtrade_channel *ch)
{
    /* An,ch_id,ph,ccbm,uu,a,b,skew,min,max,primary,secondary,PS */
    int rc = next_fields(r, "an analog channel line", 13, 13);
    if (rc < 0)
        return rc;
    uint64_t index;
    if (!comtrade_unsigned(r->f[0], RIG_COMTRADE_MAX_CHANNELS, &index) || index != k + 1)
        return rig_error_set(-EINVAL, "%s:%u: analog channel index '%s', expected %u", r->name,
                             r->line, r->f[0], k + 1);
    copy_field(ch->name, sizeof ch->name, r->f[1]);
    copy_field(ch->phase, sizeof ch->phase, r->f[2]);
    copy_field(ch->unit, sizeof ch->unit, r->f[4]);
    double min, max;
    static const char *const names[] = {"a", "b", "skew", "min", "max", "primary", "secondary"};
    double *dst[] = {&ch->a, &ch->b, &ch->skew_us, &min, &max, &ch->primary, &ch->secondary};
    for (unsigned i = 0; i < 7; i++)
        if (!comtrade_number(r->f[5 + i], dst[i]))
            return bad_field(r, names[i], r->f[5 + i]);
    const char *ps = r->f[12];
    if ((ps[0] != 'P' && ps[0] != 'S' && ps[0] != 'p' && ps[0] != 's') || ps[1] != '\0')
        return bad_field(r, "PS (P or S)", ps);
    ch->ps = (char)toupper((unsigned char)ps[0]);
    return 0;
}

static int parse_sampling(struct cfg_reader *r, struct comtrade_cfg *cfg)
{
    struct rig_comtrade *rec = cfg->rec;
    int rc = next_fields(r, "the line frequency", 1, 1);
    if (rc < 0)
        return rc;
    if (!comtrade_number(r->f[0], &rec->line_freq_hz) || rec->line_freq_hz < 0)
        return bad_field(r, "line frequency", r->f[0]);
    if ((rc = next_fields(r, "nrates", 1, 1)) < 0)
        return rc;
    uint64_t nrates;
    if (!comtrade_unsigned(r->f[0], COMTRADE_MAX_RATES, &nrates))
        return bad_field(r, "nrates", r->f[0]);
    cfg->n_rates = (unsigned)nrates;
    uint64_t prev_end = 0;
    for (unsigned k = 0; k < (nrates ? nrates : 1); k++) {
        if ((rc = next_fields(r, "samp,endsamp", 2, 2)) < 0)
            return rc;
        double samp;
        uint64_t end;
        if (!comtrade_number(r->f[0], &samp) || samp < 0 || samp > 1e9)
            return bad_field(r, "samp", r->f[0]);
        if (!comtrade_unsigned(r->f[1], COMTRADE_MAX_VALUES, &end) || end <= prev_end)
            return bad_field(r, "endsamp", r->f[1]);
        if (nrates && samp == 0)
            return bad_field(r, "samp (nrates > 0 needs a rate)", r->f[0]);
        cfg->rate_hz[k] = samp;
        cfg->end_sample[k] = end;
        prev_end = end;
    }
    cfg->rates_line = r->line;
    cfg->n_samples = prev_end;
    if (rec->n_analog && cfg->n_samples > COMTRADE_MAX_VALUES / rec->n_analog)
        return rig_error_set(-EINVAL, "%s:%u: %llu samples of %u channels is beyond %u values",
                             r->name, r->line, (unsigned long long)cfg->n_samples,
                             rec->n_analog, COMTRADE_MAX_VALUES);
    /* start and trigger time: dd/mm/yyyy,hh:mm:ss.ssssss — kept as read */
    for (unsigned k = 0; k < 2; k++)
        if ((rc = next_fields(r, k ? "the trigger time" : "the start time", 2, 2)) < 0)
            return rc;
    return 0;
}

static int parse_format(struct cfg_reader *r, struct comtrade_cfg *cfg)
{
    struct rig_comtrade *rec = cfg->rec;
    int rc = next_fields(r, "the data file type", 1, 1);
    if (rc < 0)
        return rc;
    static const struct {
        const char *name;
        enum rig_comtrade_format format;
        unsigned since;
    } formats[] = {{"ASCII", RIG_COMTRADE_ASCII, 1999},
                   {"BINARY", RIG_COMTRADE_BINARY, 1999},
                   {"BINARY32", RIG_COMTRADE_BINARY32, 2013},
                   {"FLOAT32", RIG_COMTRADE_FLOAT32, 2013}};
    unsigned k;
    for (k = 0; k < sizeof formats / sizeof formats[0]; k++)
        if (strcasecmp(r->f[0], formats[k].name) == 0)
            break;
    if (k == sizeof formats / sizeof formats[0] || formats[k].since > rec->rev_year)
        return rig_error_set(-ENOTSUP, "%s:%u: data file type '%s' is not one of revision %u's",
                             r->name, r->line, r->f[0], rec->rev_year);
    rec->format = formats[k].format;
    if ((rc = next_fields(r, "timemult", 1, 1)) < 0)
        return rc;
    if (!comtrade_number(r->f[0], &cfg->timemult) || cfg->timemult <= 0)
        return bad_field(r, "timemult", r->f[0]);
    return 0;
}

int comtrade_cfg_parse(const char *text, size_t len, const char *name, struct comtrade_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    struct cfg_reader r = {.text = text, .name = name, .len = len};
    cfg->rec = calloc(1, sizeof *cfg->rec);
    if (!cfg->rec)
        return rig_error_set(-ENOMEM, "%s: out of memory", name);
    int rc = parse_header(&r, cfg);
    if (rc < 0)
        return rc;
    struct rig_comtrade *rec = cfg->rec;
    rec->analog = calloc(rec->n_analog ? rec->n_analog : 1, sizeof *rec->analog);
    if (!rec->analog)
        return rig_error_set(-ENOMEM, "%s: out of memory", name);
    for (unsigned k = 0; k < rec->n_analog; k++)
        if ((rc = parse_analog(&r, k, &rec->analog[k])) < 0)
            return rc;
    for (unsigned k = 0; k < rec->n_digital; k++) {
        /* Dn,ch_id,ph,ccbm,y: only their number matters to the .dat */
        if ((rc = next_fields(&r, "a digital channel line", 5, 5)) < 0)
            return rc;
        uint64_t index;
        if (!comtrade_unsigned(r.f[0], RIG_COMTRADE_MAX_CHANNELS, &index) || index != k + 1)
            return rig_error_set(-EINVAL, "%s:%u: digital channel index '%s', expected %u",
                                 name, r.line, r.f[0], k + 1);
    }
    if ((rc = parse_sampling(&r, cfg)) < 0 || (rc = parse_format(&r, cfg)) < 0)
        return rc;
    if (rec->rev_year == 2013) {
        /* time_code,local_code and tmq_code,leapsec: required by 2013 */
        if ((rc = next_fields(&r, "time_code,local_code", 2, 2)) < 0 ||
            (rc = next_fields(&r, "tmq_code,leapsec", 2, 2)) < 0)
            return rc;
    }
    return 0;
}
