/*
 * loadpoints.c — currents and accuracy tables from
 * fixtures/loadpoints/NAME.ini (inih); the models themselves are models.c; see rig/loadpoints.h and the files'
 * headers for the schema and the standards they come from.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error_internal.h"
#include "rig/loadpoints.h"
#include "tables/loadpoints_internal.h"

#define LP_ROWS_MAX 16
#define LP_PF_TOLERANCE_DEG 0.5

/* Power factor labels and the phase by which the current lags. */
struct pf_label {
    const char *label;
    double phase_deg;
};
/* Active: PF 1, 0.5 inductive (cos 60), 0.8 capacitive (cos -36.87). */
static const struct pf_label active_pf[] = {{"1", 0.0}, {"0.5L", 60.0}, {"0.8C", -36.869898}};
/* Reactive (sin phi): 1 inductive/capacitive, 0.5 inductive/capacitive. */
static const struct pf_label reactive_pf[] = {
    {"1L", 90.0}, {"1C", -90.0}, {"0.5L", 30.0}, {"0.5C", -30.0}};

const char *rig_loadpoints_dir(void)
{
    const char *d = getenv("RIG_LOADPOINTS");
    return d && *d ? d : "fixtures/loadpoints";
}

static void path_of(char *buf, size_t len, const char *file)
{
    snprintf(buf, len, "%s/%s", rig_loadpoints_dir(), file);
}

int lp_parse_file(const char *file, ini_handler h, void *user, struct parse_ctx *ctx)
{
    char path[512];
    path_of(path, sizeof path, file);
    ctx->msg[0] = '\0';
    int line = ini_parse(path, h, user);
    if (line == -1)
        return rig_error_set(-ENOENT, "load points: cannot open %s — set RIG_LOADPOINTS or run "
                                      "from the repository root",
                             path);
    if (line == -2)
        return rig_error_set(-ENOMEM, "load points: out of memory reading %s", path);
    if (line != 0)
        return rig_error_set(-EINVAL, "%s:%d: %s", path, line,
                             ctx->msg[0] ? ctx->msg : "syntax error");
    return 0;
}

/* ---- currents.ini ---- */

struct currents_ctx {
    struct parse_ctx pc;
    const char *want;
    bool found;
    double imin_class_c;
    struct rig_currents cur;
};

static int parse_number(const char *v, double *out)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end != '\0' || !isfinite(x) || x < 0.0)
        return -1;
    *out = x;
    return 0;
}

static int on_current(void *user, const char *section, const char *key, const char *value)
{
    struct currents_ctx *c = user;
    if (strcmp(section, "direct") != 0 && strcmp(section, "ct") != 0) {
        snprintf(c->pc.msg, sizeof c->pc.msg, "unknown section [%s] (direct, ct)", section);
        return 0;
    }
    if (strcmp(section, c->want) != 0)
        return 1;
    c->found = true;
    struct {
        const char *name;
        double *dst;
    } keys[] = {{"un", &c->cur.un},     {"fn", &c->cur.fn},
                {"imin", &c->cur.imin}, {"itr", &c->cur.itr},   {"iref", &c->cur.iref},
                {"imax", &c->cur.imax}, {"imin_class_c", &c->imin_class_c}};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        if (strcmp(key, keys[k].name) == 0) {
            if (parse_number(value, keys[k].dst) == 0)
                return 1;
            snprintf(c->pc.msg, sizeof c->pc.msg, "'%s' is not a current in A: '%s'", key, value);
            return 0;
        }
    }
    snprintf(c->pc.msg, sizeof c->pc.msg, "unknown key '%s' in [%s]", key, section);
    return 0;
}

static int currents_for(const struct rig_model_info *m, struct rig_currents *out)
{
    struct currents_ctx c = {.want = m->connection == RIG_CONNECTION_CT ? "ct" : "direct"};
    int rc = lp_parse_file("currents.ini", on_current, &c, &c.pc);
    if (rc < 0)
        return rc;
    if (!c.found || !(c.cur.iref > 0.0) || !(c.cur.imax > 0.0) || !(c.cur.un > 0.0))
        return rig_error_set(-EINVAL, "load points: %s/currents.ini has no complete [%s]",
                             rig_loadpoints_dir(), c.want);
    if (m->active_class == 'C' && c.imin_class_c > 0.0)
        c.cur.imin = c.imin_class_c;
    if (!(c.cur.fn > 0.0))
        c.cur.fn = 50.0;
    c.cur.ist = m->ist;
    *out = c.cur;
    return 0;
}

int rig_model_currents(const char *model, struct rig_currents *out)
{
    struct rig_model_info m;
    int rc = rig_model_info(model, &m);
    return rc < 0 ? rc : currents_for(&m, out);
}

/* ---- accuracy tables ---- */

struct lp_row {
    char pf[48];
    char from[LP_EXPR_MAX], below[LP_EXPR_MAX], to[LP_EXPR_MAX];
    char from_ct[LP_EXPR_MAX], below_ct[LP_EXPR_MAX], to_ct[LP_EXPR_MAX];
    double limit_pct[4]; /* A, B, C, 2; < 0 when not given */
};


struct table_ctx {
    struct parse_ctx pc;
    char name[48];
    enum rig_energy_kind kind;
    unsigned nrows, npoints;
    struct lp_row rows[LP_ROWS_MAX];
    struct lp_point_src points[RIG_LOAD_POINTS_MAX];
    int row_idx[LP_ROWS_MAX + 1];  /* section number -> index, by order of first sight */
};

static int class_index(char cls)
{
    switch (cls) {
    case 'A': return 0;
    case 'B': return 1;
    case 'C': return 2;
    case '2': return 3;
    default: return -1;
    }
}

static bool copy_expr(char *dst, const char *v)
{
    if (strlen(v) >= LP_EXPR_MAX)
        return false;
    strcpy(dst, v);
    return true;
}

/* "row 3" -> the row it names, created on first sight. */
static struct lp_row *row_for(struct table_ctx *c, const char *section, char *prev, size_t plen)
{
    if (strcmp(prev, section) != 0) {
        if (c->nrows == LP_ROWS_MAX)
            return NULL;
        snprintf(prev, plen, "%s", section);
        struct lp_row *r = &c->rows[c->nrows++];
        memset(r, 0, sizeof *r);
        for (int k = 0; k < 4; k++)
            r->limit_pct[k] = -1.0;
    }
    return &c->rows[c->nrows - 1];
}

int lp_on_point(struct lp_point_src *points, unsigned *n, char *last, size_t last_len,
                    const char *section, const char *key, const char *value,
                    struct parse_ctx *pc)
{
    if (*n == 0 || strcmp(last, section) != 0) {
        if (*n == RIG_LOAD_POINTS_MAX) {
            snprintf(pc->msg, sizeof pc->msg, "more than %d points", RIG_LOAD_POINTS_MAX);
            return 0;
        }
        snprintf(last, last_len, "%s", section);
        memset(&points[(*n)++], 0, sizeof points[0]);
    }
    struct lp_point_src *p = &points[*n - 1];
    if (strcmp(key, "current") == 0 && copy_expr(p->current, value))
        return 1;
    if (strcmp(key, "current_ct") == 0 && copy_expr(p->current_ct, value))
        return 1;
    if (strcmp(key, "pf") == 0 && strlen(value) < sizeof p->pf) {
        strcpy(p->pf, value);
        return 1;
    }
    return -1;
}

static int on_table(void *user, const char *section, const char *key, const char *value)
{
    static _Thread_local char last_row[32], last_point[32];
    struct table_ctx *c = user;
    if (strcmp(section, "standard") == 0) {
        if (strcmp(key, "name") == 0) {
            snprintf(c->name, sizeof c->name, "%s", value);
            return 1;
        }
        if (strcmp(key, "energy") == 0 &&
            (strcmp(value, "active") == 0 || strcmp(value, "reactive") == 0)) {
            c->kind = value[0] == 'a' ? RIG_ENERGY_ACTIVE : RIG_ENERGY_REACTIVE;
            return 1;
        }
    } else if (strncmp(section, "row ", 4) == 0) {
        if (c->nrows == 0)
            last_row[0] = '\0';
        struct lp_row *r = row_for(c, section, last_row, sizeof last_row);
        if (!r) {
            snprintf(c->pc.msg, sizeof c->pc.msg, "more than %d rows", LP_ROWS_MAX);
            return 0;
        }
        if (strcmp(key, "pf") == 0 && strlen(value) < sizeof r->pf) {
            strcpy(r->pf, value);
            return 1;
        }
        struct {
            const char *name;
            char *dst;
        } exprs[] = {{"from", r->from},       {"below", r->below},       {"to", r->to},
                     {"from_ct", r->from_ct}, {"below_ct", r->below_ct}, {"to_ct", r->to_ct}};
        for (size_t k = 0; k < sizeof exprs / sizeof exprs[0]; k++)
            if (strcmp(key, exprs[k].name) == 0 && copy_expr(exprs[k].dst, value))
                return 1;
        char cls = (char)toupper((unsigned char)key[6]);
        if (strncmp(key, "class_", 6) == 0 && strlen(key) == 7 && class_index(cls) >= 0 &&
            parse_number(value, &r->limit_pct[class_index(cls)]) == 0)
            return 1;
    } else if (strncmp(section, "point ", 6) == 0) {
        int rc = lp_on_point(c->points, &c->npoints, last_point, sizeof last_point, section, key,
                          value, &c->pc);
        if (rc >= 0)
            return rc;
    } else {
        snprintf(c->pc.msg, sizeof c->pc.msg, "unknown section [%s] (standard, row N, point N)",
                 section);
        return 0;
    }
    snprintf(c->pc.msg, sizeof c->pc.msg, "bad key or value '%s = %s' in [%s]", key, value,
             section);
    return 0;
}

/* "iref", "0.05*iref", "2.5" -> amps. */
int lp_eval_current(const char *expr, const struct rig_currents *cur, double *amps)
{
    double factor = 1.0;
    const char *name = expr;
    const char *star = strchr(expr, '*');
    char buf[LP_EXPR_MAX];
    if (star) {
        size_t n = (size_t)(star - expr);
        if (n >= sizeof buf)
            return -1;
        memcpy(buf, expr, n);
        buf[n] = '\0';
        if (parse_number(buf, &factor) < 0)
            return -1;
        name = star + 1;
    }
    struct {
        const char *n;
        double v;
    } names[] = {{"ist", cur->ist},   {"imin", cur->imin}, {"itr", cur->itr},
                 {"iref", cur->iref}, {"imax", cur->imax}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (strcasecmp(name, names[k].n) == 0) {
            *amps = factor * names[k].v;
            return 0;
        }
    }
    if (!star && parse_number(expr, amps) == 0)
        return 0;
    return -1;
}

/* "0.05*iref" -> "0.05 Iref"; "imin" -> "Imin". */
static void expr_label(const char *expr, char *out, size_t len)
{
    char buf[LP_EXPR_MAX];
    snprintf(buf, sizeof buf, "%s", expr);
    char *star = strchr(buf, '*');
    char *name = buf;
    if (star) {
        *star = ' ';
        name = star + 1;
    }
    if (*name >= 'a' && *name <= 'z')
        *name = (char)(*name - 'a' + 'A');
    snprintf(out, len, "%s", buf);
}

int rig_pf_phase(enum rig_energy_kind kind, const char *pf, double *phase_deg)
{
    const struct pf_label *t = kind == RIG_ENERGY_REACTIVE ? reactive_pf : active_pf;
    size_t n = kind == RIG_ENERGY_REACTIVE ? sizeof reactive_pf / sizeof reactive_pf[0]
                                           : sizeof active_pf / sizeof active_pf[0];
    for (size_t k = 0; k < n; k++) {
        if (pf && strcmp(pf, t[k].label) == 0) {
            *phase_deg = t[k].phase_deg;
            return 0;
        }
    }
    return rig_error_set(-EINVAL, "load points: power factor '%s' is not one of the %s table's",
                         pf ? pf : "", kind == RIG_ENERGY_REACTIVE ? "reactive" : "active");
}

/* Does the list "0.5L 0.8C" contain label? */
static bool pf_in_list(const char *list, const char *label)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save))
        if (strcmp(tok, label) == 0)
            return true;
    return false;
}

struct loaded {
    struct rig_model_info model;
    struct rig_currents cur;
    struct table_ctx *t;
    char file[32];
};

static int load_table(const char *model, enum rig_energy_kind kind, struct loaded *L)
{
    int rc = rig_model_info(model, &L->model);
    if (rc < 0)
        return rc;
    if ((rc = currents_for(&L->model, &L->cur)) < 0)
        return rc;
    L->t = calloc(1, sizeof *L->t);
    if (!L->t)
        return rig_error_set(-ENOMEM, "load points: out of memory");
    snprintf(L->file, sizeof L->file, "%s",
             kind == RIG_ENERGY_REACTIVE ? "iec62053-23.ini" : "en50470-3.ini");
    L->t->kind = kind;
    if ((rc = lp_parse_file(L->file, on_table, L->t, &L->t->pc)) < 0) {
        free(L->t);
        L->t = NULL;
        return rc;
    }
    if (L->t->kind != kind) {
        free(L->t);
        L->t = NULL;
        return rig_error_set(-EINVAL, "load points: %s/%s is not a table of %s energy",
                             rig_loadpoints_dir(), L->file,
                             kind == RIG_ENERGY_REACTIVE ? "reactive" : "active");
    }
    return 0;
}

static char class_of(const struct loaded *L, enum rig_energy_kind kind)
{
    return kind == RIG_ENERGY_REACTIVE ? L->model.reactive_class : L->model.active_class;
}

/* The MPE (relative) of the row covering amps at pf label; -ERANGE if none. */
static int mpe_at(const struct loaded *L, enum rig_energy_kind kind, double amps,
                  const char *pf, double *mpe)
{
    bool ct = L->model.connection == RIG_CONNECTION_CT;
    int ci = class_index(class_of(L, kind));
    for (unsigned k = 0; k < L->t->nrows; k++) {
        const struct lp_row *r = &L->t->rows[k];
        if (!pf_in_list(r->pf, pf))
            continue;
        const char *from = ct && r->from_ct[0] ? r->from_ct : r->from;
        const char *below = ct && (r->below_ct[0] || r->to_ct[0]) ? r->below_ct : r->below;
        const char *to = ct && (r->below_ct[0] || r->to_ct[0]) ? r->to_ct : r->to;
        double lo = 0.0, hi = INFINITY;
        bool hi_inclusive = true;
        if (from[0] && lp_eval_current(from, &L->cur, &lo) < 0)
            return rig_error_set(-EINVAL, "load points: %s: bad current '%s'", L->file, from);
        if (below[0]) {
            if (lp_eval_current(below, &L->cur, &hi) < 0)
                return rig_error_set(-EINVAL, "load points: %s: bad current '%s'", L->file, below);
            hi_inclusive = false;
        } else if (to[0] && lp_eval_current(to, &L->cur, &hi) < 0) {
            return rig_error_set(-EINVAL, "load points: %s: bad current '%s'", L->file, to);
        }
        double tol = LP_CURRENT_REL_TOL * fmax(1.0, amps);
        if (amps < lo - tol)
            continue;
        if (hi_inclusive ? amps > hi + tol : amps >= hi - tol)
            continue;
        if (ci < 0 || r->limit_pct[ci] < 0.0)
            return rig_error_set(-EINVAL, "load points: %s: row %u has no limit for class %c",
                                 L->file, k + 1, class_of(L, kind));
        *mpe = r->limit_pct[ci] / 100.0;
        return 0;
    }
    return rig_error_set(-ERANGE, "load points: no row of %s covers %g A at PF %s for %s", L->file,
                         amps, pf, L->model.name);
}

int lp_fill_table(const char *model, enum rig_energy_kind kind, struct rig_load_table *out)
{
    struct loaded L = {0};
    int rc = load_table(model, kind, &L);
    if (rc < 0)
        return rc;
    memset(out, 0, sizeof *out);
    out->model = L.model;
    out->currents = L.cur;
    snprintf(out->standard, sizeof out->standard, "%s", L.t->name);
    bool ct = L.model.connection == RIG_CONNECTION_CT;
    for (unsigned k = 0; k < L.t->npoints; k++) {
        const struct lp_point_src *s = &L.t->points[k];
        const char *expr = ct && s->current_ct[0] ? s->current_ct : s->current;
        struct rig_load_point *p = &out->points[out->count];
        double phase;
        if ((rc = rig_pf_phase(kind, s->pf, &phase)) < 0 ||
            lp_eval_current(expr, &L.cur, &p->pt.amps) < 0) {
            rc = rig_error_set(-EINVAL, "load points: %s/%s: point %u: bad current '%s' or pf '%s'",
                               rig_loadpoints_dir(), L.file, k + 1, expr, s->pf);
            goto out;
        }
        p->pt.volts = L.cur.un;
        p->pt.freq_hz = L.cur.fn;
        p->pt.phase_deg = phase;
        p->kind = kind;
        snprintf(p->pf, sizeof p->pf, "%s", s->pf);
        char label[LP_EXPR_MAX];
        expr_label(expr, label, sizeof label);
        snprintf(p->name, sizeof p->name, "%s %s %s", label,
                 kind == RIG_ENERGY_REACTIVE ? "sin" : "PF", s->pf);
        if ((rc = mpe_at(&L, kind, p->pt.amps, s->pf, &p->mpe)) < 0)
            goto out;
        out->count++;
    }
    rc = 0;
out:
    free(L.t);
    return rc;
}

int rig_loadpoints_active(const char *model, struct rig_load_table *out)
{
    return lp_fill_table(model, RIG_ENERGY_ACTIVE, out);
}

int rig_loadpoints_reactive(const char *model, struct rig_load_table *out)
{
    return lp_fill_table(model, RIG_ENERGY_REACTIVE, out);
}

int rig_loadpoints_mpe(const char *model, enum rig_energy_kind kind, double amps,
                       double phase_deg, double *mpe)
{
    const struct pf_label *t = kind == RIG_ENERGY_REACTIVE ? reactive_pf : active_pf;
    size_t n = kind == RIG_ENERGY_REACTIVE ? sizeof reactive_pf / sizeof reactive_pf[0]
                                           : sizeof active_pf / sizeof active_pf[0];
    const char *pf = NULL;
    for (size_t k = 0; k < n; k++)
        if (fabs(phase_deg - t[k].phase_deg) <= LP_PF_TOLERANCE_DEG)
            pf = t[k].label;
    if (!pf)
        return rig_error_set(-ERANGE, "load points: no %s power factor at %g deg",
                             kind == RIG_ENERGY_REACTIVE ? "reactive" : "active", phase_deg);
    struct loaded L = {0};
    int rc = load_table(model, kind, &L);
    if (rc < 0)
        return rc;
    rc = mpe_at(&L, kind, amps, pf, mpe);
    free(L.t);
    return rc;
}
