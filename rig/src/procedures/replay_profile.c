/*
 * replay_profile.c — a CSV profile (fixtures/profiles/README.md): a header
 * naming the columns t_s, v_rms, i_rms, phase_deg, freq_hz, harmonics,
 * event (any order, all of them), then one row per change of the terminal
 * conditions or per event, in time order. Everything is checked here, so a
 * replay of a bad profile is refused before anything touches the bench.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "procedures/comtrade_internal.h"
#include "procedures/replay_internal.h"
#include "rig/buttons.h"
#include "rig/comtrade.h"
#include "rig/regmap.h"

#define LINE_MAX_CSV 1024
#define MAX_ROWS (10u * 1000u * 1000u)
#define MAX_TIME_S (400.0 * 86400.0) /* a year and a bit of field life */

enum col { C_T, C_V, C_I, C_PHASE, C_FREQ, C_HARM, C_EVENT, C_COUNT };
static const char *const col_names[C_COUNT] = {"t_s",     "v_rms",     "i_rms", "phase_deg",
                                                "freq_hz", "harmonics", "event"};

/* The parser's place. */
struct csv {
    const char *name;
    unsigned line;
    int col_of[C_COUNT]; /* the header's column of each */
    unsigned n_cols;
    struct rig_profile *p;
    size_t cap_steps, cap_events;
};

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 256;
    void *a = realloc(*arr, c * size);
    if (!a)
        return rig_error_set(-ENOMEM, "out of memory");
    *arr = a;
    *cap = c;
    return 0;
}

static int bad(const struct csv *c, const char *fmt, const char *what)
{
    return rig_error_set(-EINVAL, "%s:%u: %s '%s'", c->name, c->line, fmt, what);
}

static int parse_header(struct csv *c, char **f, unsigned nf)
{
    for (unsigned k = 0; k < C_COUNT; k++)
        c->col_of[k] = -1;
    for (unsigned j = 0; j < nf; j++) {
        unsigned k;
        for (k = 0; k < C_COUNT; k++)
            if (strcmp(f[j], col_names[k]) == 0)
                break;
        if (k == C_COUNT)
            return rig_error_set(-EINVAL,
                                 "%s:%u: unknown column '%s' (the columns: t_s, v_rms, i_rms, "
                                 "phase_deg, freq_hz, harmonics, event)",
                                 c->name, c->line, f[j]);
        if (c->col_of[k] >= 0)
            return bad(c, "column twice:", f[j]);
        c->col_of[k] = (int)j;
    }
    for (unsigned k = 0; k < C_COUNT; k++)
        if (c->col_of[k] < 0)
            return rig_error_set(-EINVAL,
                                 "%s:%u: the header has no column '%s' (it needs t_s, v_rms, "
                                 "i_rms, phase_deg, freq_hz, harmonics, event; cells may be empty)",
                                 c->name, c->line, col_names[k]);
    c->n_cols = nf;
    return 0;
}

/* "V3:10:0 I5:30:180": channel, order, % of the fundamental, phase. */
static int parse_harmonics(struct csv *c, char *cell, struct rig_replay_step *s)
{
    char *save = NULL;
    for (char *tok = strtok_r(cell, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        unsigned order;
        double pct, ph;
        char ch, tail;
        if (sscanf(tok, "%c%u:%lf:%lf%c", &ch, &order, &pct, &ph, &tail) != 4 ||
            (ch != 'V' && ch != 'I') || order < 2 || order > 63 || !(pct >= 0 && pct <= 100) ||
            !isfinite(ph))
            return bad(c, "a harmonic is V|I<order 2..63>:<percent 0..100>:<phase deg>, not", tok);
        if (s->n_harm == RIG_REPLAY_MAX_HARMONICS)
            return bad(c, "more than 8 harmonics at", tok);
        s->harm[s->n_harm].current = ch == 'I';
        s->harm[s->n_harm].order = order;
        s->harm[s->n_harm].pct = pct;
        s->harm[s->n_harm].phase_deg = ph;
        s->n_harm++;
    }
    return 0;
}

static bool number(const char *s, double *v)
{
    char *end;
    if (*s == '\0')
        return false;
    *v = strtod(s, &end);
    return *end == '\0' && isfinite(*v);
}

static int parse_register(struct csv *c, const char *name, bool writable)
{
    int id = rig_reg_lookup(name);
    if (id < 0)
        return bad(c, "no register named", name);
    if (writable ? !rig_reg_writable(id) : !rig_reg_readable(id))
        return bad(c, writable ? "not a writable register:" : "not a readable register:", name);
    return id;
}

static int parse_event(struct csv *c, char *cell, struct rig_replay_event *e)
{
    snprintf(e->text, sizeof e->text, "%s", cell);
    char *argv[2 + 2 * RIG_REPLAY_MAX_WRITES + RIG_REPLAY_MAX_POLL_REGS] = {NULL};
    unsigned argc = 0;
    char *save = NULL;
    for (char *t = strtok_r(cell, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (argc == sizeof argv / sizeof argv[0])
            return bad(c, "too many words in event", e->text);
        argv[argc++] = t;
    }
    if (argc == 0)
        return bad(c, "an empty event:", e->text);
    const char *verb = argv[0];
    double x;
    if (strcmp(verb, "supply") == 0) {
        if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
            return bad(c, "supply wants on or off:", e->text);
        e->kind = RIG_REPLAY_SUPPLY;
        e->on = strcmp(argv[1], "on") == 0;
    } else if (strcmp(verb, "clock") == 0) {
        int *t = e->tm;
        char tail;
        if (argc != 2 || sscanf(argv[1], "%d-%d-%dT%d:%d:%d%c", &t[0], &t[1], &t[2], &t[3], &t[4],
                                &t[5], &tail) != 6 ||
            t[0] < 2000 || t[0] > 2099 || t[1] < 1 || t[1] > 12 || t[2] < 1 || t[2] > 31 ||
            t[3] < 0 || t[3] > 23 || t[4] < 0 || t[4] > 59 || t[5] < 0 || t[5] > 59)
            return bad(c, "clock wants YYYY-MM-DDTHH:MM:SS (2000..2099):", e->text);
        e->kind = RIG_REPLAY_CLOCK;
    } else if (strcmp(verb, "write") == 0) {
        if (argc < 3 || argc % 2 != 1 || (argc - 1) / 2 > RIG_REPLAY_MAX_WRITES)
            return bad(c, "write wants NAME VALUE pairs (1..8):", e->text);
        e->kind = RIG_REPLAY_WRITE;
        for (unsigned k = 1; k < argc; k += 2) {
            int id = parse_register(c, argv[k], true);
            if (id < 0)
                return id;
            if (!number(argv[k + 1], &x))
                return bad(c, "not a number:", argv[k + 1]);
            if (rig_reg_check_value(id, x) < 0)
                return rig_error_prefix(-EINVAL, "%s:%u", c->name, c->line);
            e->write_reg[e->n_writes] = id;
            e->write_value[e->n_writes++] = x;
        }
    } else if (strcmp(verb, "press") == 0) {
        int b = argc >= 2 ? rig_button_parse(argv[1]) : -1;
        if (b < 0 || argc > 3 || (argc == 3 && (!number(argv[2], &x) || x < 1 || x > 60000)))
            return bad(c, "press wants next|enter [MS 1..60000]:", e->text);
        e->kind = RIG_REPLAY_PRESS;
        e->button = (unsigned)b;
        e->hold_ms = argc == 3 ? (unsigned)x : 0;
    } else if (strcmp(verb, "noise") == 0) {
        if (argc != 2 || !number(argv[1], &e->ber) || e->ber < 0 || e->ber > 0.5)
            return bad(c, "noise wants a bit error rate 0..0.5:", e->text);
        e->kind = RIG_REPLAY_NOISE;
    } else if (strcmp(verb, "poll") == 0) {
        if (argc < 4 || argc - 3 > RIG_REPLAY_MAX_POLL_REGS || !number(argv[1], &e->period_s) ||
            e->period_s < 0.05 || !number(argv[2], &x) || x < 1 || x > 100000 || x != floor(x))
            return bad(c, "poll wants PERIOD_S (>= 0.05) COUNT NAME... (1..8 registers):",
                       e->text);
        e->kind = RIG_REPLAY_POLL;
        e->count = (unsigned)x;
        for (unsigned k = 3; k < argc; k++) {
            int id = parse_register(c, argv[k], false);
            if (id < 0)
                return id;
            e->poll_reg[e->n_poll++] = id;
        }
    } else if (strcmp(verb, "mark") == 0) {
        e->kind = RIG_REPLAY_MARK;
    } else {
        return bad(c, "unknown event (supply, clock, write, press, noise, poll, mark):", verb);
    }
    return 0;
}

static int parse_row(struct csv *c, char **f, unsigned nf)
{
    struct rig_profile *p = c->p;
    if (nf != c->n_cols)
        return rig_error_set(-EINVAL, "%s:%u: %u cells, the header has %u columns", c->name,
                             c->line, nf, c->n_cols);
    double t;
    const char *tc = f[c->col_of[C_T]];
    if (!number(tc, &t) || t < 0 || t > MAX_TIME_S)
        return bad(c, "t_s is seconds from the profile's start, not", tc);
    if (t < p->end_s)
        return bad(c, "rows must be in time order; t_s goes back to", tc);
    p->end_s = t;
    unsigned filled = 0;
    for (unsigned k = C_V; k <= C_FREQ; k++)
        filled += f[c->col_of[k]][0] != '\0';
    if (filled != 0 && filled != 4)
        return rig_error_set(-EINVAL, "%s:%u: give all of v_rms, i_rms, phase_deg, freq_hz "
                             "(new conditions) or none (unchanged)", c->name, c->line);
    if (filled == 0 && f[c->col_of[C_HARM]][0] != '\0')
        return rig_error_set(-EINVAL, "%s:%u: harmonics without v_rms..freq_hz", c->name, c->line);
    if (filled) {
        int rc = grow((void **)&p->steps, &c->cap_steps, p->n_steps, sizeof *p->steps);
        if (rc < 0)
            return rc;
        struct rig_replay_step *s = &p->steps[p->n_steps];
        memset(s, 0, sizeof *s);
        s->t_s = t;
        s->line = c->line;
        double *dst[] = {&s->v_rms, &s->i_rms, &s->phase_deg, &s->freq_hz};
        static const double lo[] = {0, 0, -360, 40}, hi[] = {300, 120, 360, 70};
        for (unsigned k = 0; k < 4; k++) {
            const char *cell = f[c->col_of[C_V + k]];
            if (!number(cell, dst[k]) || *dst[k] < lo[k] || *dst[k] > hi[k]) {
                char what[96];
                snprintf(what, sizeof what, "%s must be %g..%g, not", col_names[C_V + k], lo[k],
                         hi[k]);
                return bad(c, what, cell);
            }
        }
        if ((rc = parse_harmonics(c, f[c->col_of[C_HARM]], s)) < 0)
            return rc;
        p->n_steps++;
    }
    char *ev = f[c->col_of[C_EVENT]];
    if (ev[0] != '\0') {
        int rc = grow((void **)&p->events, &c->cap_events, p->n_events, sizeof *p->events);
        if (rc < 0)
            return rc;
        struct rig_replay_event *e = &p->events[p->n_events];
        memset(e, 0, sizeof *e);
        e->t_s = t;
        e->line = c->line;
        if ((rc = parse_event(c, ev, e)) < 0)
            return rc;
        p->n_events++;
    }
    if (p->n_steps + p->n_events > MAX_ROWS)
        return rig_error_set(-EINVAL, "%s:%u: more than %u rows", c->name, c->line, MAX_ROWS);
    return 0;
}

int replay_profile_parse_csv(FILE *in, const char *name, struct rig_profile *p)
{
    struct csv c = {.name = name, .p = p};
    char line[LINE_MAX_CSV];
    char *f[C_COUNT + 2];
    bool header = false;
    while (fgets(line, sizeof line, in)) {
        c.line++;
        if (!strchr(line, '\n') && !feof(in))
            return rig_error_set(-EINVAL, "%s:%u: line longer than %d characters", name, c.line,
                                 LINE_MAX_CSV - 2);
        line[strcspn(line, "\r\n")] = '\0';
        char *s = line + strspn(line, " \t\r");
        if (*s == '\0' || *s == '#')
            continue;
        unsigned nf = comtrade_split(s, f, C_COUNT + 1);
        int rc = header ? parse_row(&c, f, nf) : parse_header(&c, f, nf);
        if (rc < 0)
            return rc;
        header = true;
    }
    if (!header)
        return rig_error_set(-EINVAL, "%s: no header line (t_s,v_rms,i_rms,phase_deg,freq_hz,"
                             "harmonics,event)", name);
    if (p->n_steps == 0 || p->steps[0].t_s != 0)
        return rig_error_set(-EINVAL, "%s: the first row (t_s 0) must set the terminal "
                             "conditions", name);
    return 0;
}

int rig_profile_load(const char *path, struct rig_profile **out)
{
    *out = NULL;
    struct rig_profile *p = calloc(1, sizeof *p);
    if (!p || !(p->path = strdup(path))) {
        free(p);
        return rig_error_set(-ENOMEM, "out of memory");
    }
    size_t l = strlen(path);
    int rc;
    if (l > 4 && strcasecmp(path + l - 4, ".cfg") == 0) {
        rc = replay_profile_from_recording(path, p);
    } else if (l > 4 && strcasecmp(path + l - 4, ".csv") == 0) {
        FILE *in = fopen(path, "r");
        if (!in) {
            rc = rig_error_set(-errno, "%s: %s", path, strerror(errno));
        } else {
            rc = replay_profile_parse_csv(in, path, p);
            fclose(in);
        }
    } else {
        rc = rig_error_set(-EINVAL, "%s: a profile is a .csv or a COMTRADE .cfg", path);
    }
    if (rc < 0) {
        rig_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void rig_profile_free(struct rig_profile *p)
{
    if (!p)
        return;
    free(p->path);
    free(p->steps);
    free(p->events);
    rig_comtrade_free(p->recording);
    free(p->wave);
    free(p);
}
