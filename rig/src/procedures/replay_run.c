/*
 * replay_run.c — rig_replay_run (rig/replay.h): a profile applied to
 * positions of a bench in bench time. Everything is checked before the
 * bench is touched; then the bench moves from one instant of interest to
 * the next (a step, an event, a poll, a trace row, the end) with rig_sleep,
 * so a simulated bench replays a day in the time its units take to compute
 * it, and the same firmware gives the same trace.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error_internal.h"
#include "procedures/replay_internal.h"
#include "procedures/replay_trace.h"
#include "rig/bench.h"
#include "rig/buttons.h"
#include "rig/error.h"
#include "rig/lines.h"
#include "rig/loadpoints.h"
#include "rig/modbus.h"
#include "rig/power.h"
#include "rig/regmap.h"
#include "rig/source.h"

#define MAX_POS 64
#define MAX_POLLS 16
#define DEFAULT_TRACE_S 60.0
#define EVENTS_MAX 512
#define EDGES_CHUNK 256
#define EPS_S 1e-9
/* A meter counts energy per measuring block, so its registers lag the power
 * by a fraction of a second: the replay starts and ends with the terminals
 * dead for this long, so that nothing of before counts in it and all of it
 * is counted before the end's check. */
#define SETTLE_S 2.0


/* The registers a trace shows, those of the unit's map. */
static const enum med2_reg_id trace_regs[] = {
    MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY, MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY,
    MED2_REG_T1_2_IMPORT_ACTIVE_ENERGY,  MED2_REG_T1_3_IMPORT_ACTIVE_ENERGY,
    MED2_REG_T1_4_IMPORT_ACTIVE_ENERGY,  MED2_REG_TOTAL_EXPORT_ACTIVE_ENERGY,
    MED2_REG_VOLTAGE,                    MED2_REG_CURRENT,
    MED2_REG_ACTIVE_POWER,               MED2_REG_DAY,
    MED2_REG_HOUR,                       MED2_REG_MINUTE,
    MED2_REG_SECOND,
};

struct poll {
    const struct rig_replay_event *e;
    double next_s;
    unsigned left;
    unsigned failed;
};

struct run {
    struct rig_bench *bench;
    const struct rig_profile *p;
    const struct rig_replay_options *o;
    struct rig_replay_result *r;
    unsigned pos[MAX_POS];
    size_t n_pos;
    enum med2_map map[MAX_POS];
    double limit_pct[MAX_POS];
    double start_wh[MAX_POS];
    long pulses[MAX_POS]; /* -1: output 1 not wired */
    char events[MAX_POS][EVENTS_MAX];
    bool off[MAX_POS];    /* its supply is cut: an unpowered unit does not answer */
    struct poll polls[MAX_POLLS];
    size_t n_polls;
    double t0;            /* bench time at the profile's start */
    bool waveform;        /* a recording on the units' AFEs */
};

static void note(struct run *u, size_t k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(struct run *u, size_t k, const char *fmt, ...)
{
    char *buf = u->events[k];
    size_t l = strlen(buf);
    if (l + 4 >= EVENTS_MAX)
        return;
    if (l)
        l += (size_t)snprintf(buf + l, EVENTS_MAX - l, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + l, EVENTS_MAX - l, fmt, ap);
    va_end(ap);
    /* a trace is CSV: no commas inside a cell */
    for (char *c = buf; *c; c++)
        if (*c == ',' || *c == '\n')
            *c = *c == ',' ? '/' : ' ';
}

static int now_s(struct run *u, double *t)
{
    double b;
    int rc = rig_bench_time(u->bench, &b);
    *t = b - u->t0;
    return rc;
}

/* The default check: the model's EN 50470-3 limit at Iref, the wider of PF 1
 * and PF 0.5L (a field profile's power factor varies), fixtures/loadpoints. */
static int class_limit_pct(const char *model, double *pct)
{
    struct rig_currents cur;
    double a, b;
    int rc = rig_model_currents(model, &cur);
    if (rc == 0)
        rc = rig_loadpoints_mpe(model, RIG_ENERGY_ACTIVE, cur.iref, 0, &a);
    if (rc == 0)
        rc = rig_loadpoints_mpe(model, RIG_ENERGY_ACTIVE, cur.iref, 60, &b);
    *pct = 100 * (a > b ? a : b);
    return rc;
}

/* Everything checked before the bench is touched. */
static int validate(struct run *u)
{
    const struct rig_profile *p = u->p;
    struct rig_replay_result *r = u->r;
    for (size_t k = 0; k < u->n_pos; k++) {
        const struct rig_position *pos = rig_bench_position(u->bench, u->pos[k]);
        if (!pos)
            return rig_error_set(-EINVAL, "bench %s has no position %u (it has 1..%u)",
                                 rig_bench_name(u->bench), u->pos[k],
                                 rig_bench_position_count(u->bench));
        int rc = rig_regmap_for_model(pos->model, &u->map[k]);
        u->limit_pct[k] = u->o->limit_pct;
        if (rc == 0 && u->o->limit_pct <= 0)
            rc = class_limit_pct(pos->model, &u->limit_pct[k]);
        if (rc < 0)
            return rig_error_prefix(rc, "position %u", u->pos[k]);
        for (size_t e = 0; e < p->n_events; e++) {
            const struct rig_replay_event *ev = &p->events[e];
            int ids[RIG_REPLAY_MAX_POLL_REGS + 1];
            size_t n = 0;
            if (ev->kind == RIG_REPLAY_WRITE)
                for (unsigned w = 0; w < ev->n_writes; w++)
                    ids[n++] = ev->write_reg[w];
            if (ev->kind == RIG_REPLAY_POLL)
                for (unsigned w = 0; w < ev->n_poll; w++)
                    ids[n++] = ev->poll_reg[w];
            if (ev->kind == RIG_REPLAY_CLOCK)
                ids[n++] = MED2_REG_DAY;
            for (size_t i = 0; i < n; i++)
                if (rig_reg_address(u->map[k], ids[i]) < 0)
                    return rig_error_set(-EINVAL, "%s:%u: position %u (%s) has no register %s",
                                         p->path, ev->line, u->pos[k], pos->model,
                                         ids[i] == MED2_REG_DAY ? "for a clock"
                                                                : rig_reg_name(ids[i]));
            if (ev->kind == RIG_REPLAY_SUPPLY && !rig_bench_is_simulated(u->bench) &&
                !pos->supply)
                return rig_error_set(-ENODEV, "%s:%u: a supply event needs position %u's supply "
                                     "relay (bench file key supply = CHIP:LINE)",
                                     p->path, ev->line, u->pos[k]);
            if (ev->kind == RIG_REPLAY_NOISE && !rig_bench_is_simulated(u->bench))
                return rig_error_set(-ENOTSUP, "%s:%u: noise on the RS485 line needs a simulated "
                                     "bench", p->path, ev->line);
        }
    }
    r->n_regs = 0;
    for (size_t i = 0; i < sizeof trace_regs / sizeof trace_regs[0]; i++) {
        bool all = true;
        for (size_t k = 0; k < u->n_pos; k++)
            all = all && rig_reg_address(u->map[k], trace_regs[i]) >= 0;
        if (all)
            r->regs[r->n_regs++] = trace_regs[i];
    }
    u->waveform = p->recording && rig_bench_is_simulated(u->bench);
    return 0;
}

/* The source to step s; prev: the step before (NULL: none), whose harmonics
 * need clearing only if it had some. */
static int apply_step(struct run *u, const struct rig_replay_step *s,
                      const struct rig_replay_step *prev)
{
    struct rig_source *src = rig_bench_source(u->bench);
    int rc = rig_source_set(src, s->v_rms, s->i_rms, s->phase_deg, s->freq_hz);
    if (rc == 0 && (!prev || prev->n_harm))
        rc = rig_source_clear_harmonics(src);
    for (unsigned h = 0; rc == 0 && h < s->n_harm; h++)
        rc = rig_source_set_harmonic(src, s->harm[h].current, s->harm[h].order, s->harm[h].pct,
                                     s->harm[h].phase_deg);
    return rc < 0 ? rig_error_prefix(rc, "%s:%u: setting the source", u->p->path, s->line) : 0;
}

/* Pulse output 1's rising edges since the last call, added to the count. */
static void take_pulses(struct run *u, size_t k)
{
    if (u->pulses[k] < 0)
        return;
    struct rig_pulse_edge edges[EDGES_CHUNK];
    size_t n;
    do {
        if (rig_pulse_edges(u->bench, u->pos[k], edges, EDGES_CHUNK, &n) < 0) {
            u->pulses[k] = -1;
            return;
        }
        for (size_t i = 0; i < n; i++)
            u->pulses[k] += edges[i].output == 1 && edges[i].level == 1;
    } while (n == EDGES_CHUNK);
}

static int trace_row(struct run *u, double t)
{
    double values[32];
    for (size_t k = 0; k < u->n_pos; k++) {
        struct rig_meter *m = rig_bench_meter(u->bench, u->pos[k]);
        int rc = u->off[k] ? -ENODEV
                 : m       ? rig_meter_read_regs(m, (const enum med2_reg_id *)u->r->regs,
                                                 u->r->n_regs, values)
                           : -EIO;
        if (rc == -ENODEV && u->off[k]) {
            for (size_t i = 0; i < u->r->n_regs; i++)
                values[i] = NAN;
        } else if (rc < 0) {
            for (size_t i = 0; i < u->r->n_regs; i++)
                values[i] = NAN;
            note(u, k, "registers not read (%s)", strerror(-rc));
        }
        take_pulses(u, k);
        rc = replay_trace_add(u->r, u->o->trace, t, u->pos[k], values, u->pulses[k],
                              u->events[k]);
        if (rc < 0)
            return rc;
        u->events[k][0] = '\0';
    }
    return 0;
}

static int check(struct run *u, double t, const char *label)
{
    /* nothing flows after the profile's end */
    double ref = rig_profile_reference_wh(u->p, fmin(t, u->p->end_s));
    for (size_t k = 0; k < u->n_pos; k++) {
        if (u->r->n_checks == RIG_REPLAY_MAX_CHECKS)
            return 0;
        struct rig_replay_check *c = &u->r->checks[u->r->n_checks++];
        memset(c, 0, sizeof *c);
        c->t_s = t;
        c->position = u->pos[k];
        snprintf(c->label, sizeof c->label, "%s", label);
        c->reference_wh = ref;
        c->limit_pct = u->limit_pct[k];
        double wh = NAN;
        struct rig_meter *m = rig_bench_meter(u->bench, u->pos[k]);
        if (!u->off[k] && m && rig_meter_read_import_energy(m, &wh) == 0)
            c->meter_wh = wh - u->start_wh[k];
        else
            c->meter_wh = NAN;
        /* below a hundredth of a Wh of reference the register's own
         * resolution decides: compare absolutely */
        c->error_pct = ref > 0.01 ? (c->meter_wh - ref) / ref * 100
                                  : (fabs(c->meter_wh - ref) <= 0.01 ? 0 : INFINITY);
        c->pass = fabs(c->error_pct) <= c->limit_pct;
        u->r->pass = u->r->pass && c->pass;
    }
    return 0;
}

static void event_on_unit(struct run *u, size_t k, const struct rig_replay_event *e)
{
    unsigned pos = u->pos[k];
    struct rig_meter *m = rig_bench_meter(u->bench, pos);
    int rc = 0;
    switch (e->kind) {
    case RIG_REPLAY_SUPPLY:
        rc = rig_power_set(u->bench, pos, e->on, NULL);
        if (rc == 0)
            u->off[k] = !e->on;
        break;
    case RIG_REPLAY_CLOCK: {
        struct tm tm = {.tm_year = e->tm[0] - 1900, .tm_mon = e->tm[1] - 1, .tm_mday = e->tm[2],
                        .tm_hour = e->tm[3], .tm_min = e->tm[4], .tm_sec = e->tm[5]};
        rc = !m ? -EIO : rig_meter_unlock(m, u->o->password);
        if (rc == 0)
            rc = rig_meter_set_clock(m, &tm);
        break;
    }
    case RIG_REPLAY_WRITE:
        rc = !m ? -EIO : rig_meter_unlock(m, u->o->password);
        for (unsigned w = 0; rc == 0 && w < e->n_writes; w++)
            rc = rig_meter_write_reg(m, e->write_reg[w], e->write_value[w]);
        if (rc == 0)
            rc = rig_meter_save(m);
        break;
    case RIG_REPLAY_PRESS:
        rc = rig_press(u->bench, pos, (enum rig_button)e->button, e->hold_ms);
        break;
    case RIG_REPLAY_NOISE:
        rc = rig_bench_line_noise(u->bench, pos, e->ber);
        break;
    default:
        break;
    }
    /* the reason by its code: a message names ttys, which differ from run to run */
    if (rc < 0)
        note(u, k, "%s: failed (%s)", e->text, strerror(-rc));
    else
        note(u, k, "%s", e->text);
}

static int do_event(struct run *u, const struct rig_replay_event *e, double t)
{
    if (e->kind == RIG_REPLAY_MARK) {
        for (size_t k = 0; k < u->n_pos; k++)
            note(u, k, "%s", e->text);
        return check(u, t, e->text[4] ? e->text + 5 : "mark");
    }
    if (e->kind == RIG_REPLAY_POLL) {
        if (u->n_polls == MAX_POLLS)
            return rig_error_set(-EINVAL, "%s:%u: more than %d polling patterns at once",
                                 u->p->path, e->line, MAX_POLLS);
        u->polls[u->n_polls++] = (struct poll){e, t, e->count, 0};
        for (size_t k = 0; k < u->n_pos; k++)
            note(u, k, "%s", e->text);
        return 0;
    }
    for (size_t k = 0; k < u->n_pos; k++)
        event_on_unit(u, k, e);
    return 0;
}

/* The polls due at t: one read of their registers on every position. */
static void do_polls(struct run *u, double t)
{
    for (size_t i = 0; i < u->n_polls; i++) {
        struct poll *pl = &u->polls[i];
        if (pl->left == 0 || pl->next_s > t + EPS_S)
            continue;
        double values[RIG_REPLAY_MAX_POLL_REGS];
        for (size_t k = 0; k < u->n_pos; k++) {
            struct rig_meter *m = rig_bench_meter(u->bench, u->pos[k]);
            if (u->off[k] || !m || rig_meter_read_regs(m, (const enum med2_reg_id *)pl->e->poll_reg,
                                          pl->e->n_poll, values) < 0)
                pl->failed++;
        }
        pl->next_s += pl->e->period_s;
        if (--pl->left == 0)
            for (size_t k = 0; k < u->n_pos; k++)
                note(u, k, "poll done (%u of %u reads failed over all positions)", pl->failed,
                     pl->e->count * (unsigned)u->n_pos);
    }
}

static double next_poll(const struct run *u)
{
    double t = INFINITY;
    for (size_t i = 0; i < u->n_polls; i++)
        if (u->polls[i].left)
            t = fmin(t, u->polls[i].next_s);
    return t;
}

static int start(struct run *u)
{
    struct rig_source *src = rig_bench_source(u->bench);
    int rc = src ? rig_source_output(src, false) : 0;
    if (rc < 0 || (rc = rig_sleep(u->bench, SETTLE_S)) < 0)
        return rc;
    for (size_t k = 0; k < u->n_pos; k++) {
        u->pulses[k] = rig_pulse_edges_discard(u->bench, u->pos[k]) == 0 ? 0 : -1;
        struct rig_meter *m = rig_bench_meter(u->bench, u->pos[k]);
        rc = m ? rig_meter_read_import_energy(m, &u->start_wh[k]) : -EIO;
        if (rc < 0)
            return rig_error_prefix(rc, "position %u: reading its energy before the replay",
                                    u->pos[k]);
    }
    double b;
    if ((rc = rig_bench_time(u->bench, &b)) < 0)
        return rc;
    u->t0 = b;
    if (u->waveform) {
        for (size_t k = 0; k < u->n_pos; k++)
            if ((rc = rig_bench_waveform(u->bench, u->pos[k], u->p->wave, u->p->n_wave)) < 0)
                return rc;
        return 0;
    }
    return 0;
}

static int loop(struct run *u)
{
    const struct rig_profile *p = u->p;
    double every = u->o->trace_every_s > 0 ? u->o->trace_every_s : DEFAULT_TRACE_S;
    size_t s = 0, e = 0;
    double next_trace = 0;
    bool output = false;
    int rc;
    for (;;) {
        double t;
        if ((rc = now_s(u, &t)) < 0)
            return rc;
        /* steps (not while a recording plays on the AFEs) and events now due */
        bool happened = false;
        while (!u->waveform && s < p->n_steps && p->steps[s].t_s <= t + EPS_S) {
            rc = apply_step(u, &p->steps[s], s ? &p->steps[s - 1] : NULL);
            s++;
            if (rc < 0)
                return rc;
            if (!output && (rc = rig_source_output(rig_bench_source(u->bench), true)) < 0)
                return rc;
            output = true;
        }
        while (e < p->n_events && p->events[e].t_s <= t + EPS_S) {
            if ((rc = do_event(u, &p->events[e++], t)) < 0)
                return rc;
            happened = true;
        }
        do_polls(u, t);
        if (happened || next_trace <= t + EPS_S) {
            if ((rc = trace_row(u, t)) < 0)
                return rc;
            while (next_trace <= t + EPS_S)
                next_trace += every;
        }
        if (t >= p->end_s - EPS_S)
            return 0;
        double next = fmin(next_trace, p->end_s);
        if (!u->waveform && s < p->n_steps)
            next = fmin(next, p->steps[s].t_s);
        if (e < p->n_events)
            next = fmin(next, p->events[e].t_s);
        next = fmin(next, next_poll(u));
        if (next > t && (rc = rig_sleep(u->bench, next - t)) < 0)
            return rc;
    }
}

/* The replay, or only its checks (validate_only). */
static int replay(struct rig_bench *bench, const struct rig_profile *p,
                  const struct rig_replay_options *opt, struct rig_replay_result *result,
                  bool validate_only)
{
    static const unsigned first = 1;
    struct rig_replay_options defaults = {0};
    const struct rig_replay_options *o = opt ? opt : &defaults;
    memset(result, 0, sizeof *result);
    result->pass = true;
    struct run *u = calloc(1, sizeof *u);
    if (!u)
        return rig_error_set(-ENOMEM, "out of memory");
    u->bench = bench;
    u->p = p;
    u->o = o;
    u->r = result;
    u->n_pos = o->positions ? o->n_positions : 1;
    if (u->n_pos == 0 || u->n_pos > MAX_POS) {
        free(u);
        return rig_error_set(-EINVAL, "a replay runs on 1..%d positions", MAX_POS);
    }
    memcpy(u->pos, o->positions ? o->positions : &first, u->n_pos * sizeof *u->pos);
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    int rc = validate(u);
    if (validate_only) {
        free(u);
        return rc;
    }
    if (rc == 0) {
        replay_trace_header(o->trace, result);
        rc = start(u);
    }
    if (rc == 0)
        rc = loop(u);
    /* the end's check: after the terminals went dead and the units settled */
    struct rig_source *src = rig_bench_source(bench);
    double t;
    if (rc == 0 && src)
        rc = rig_source_output(src, false);
    if (rc == 0 && (rc = rig_sleep(bench, SETTLE_S)) == 0 && (rc = now_s(u, &t)) == 0) {
        rc = check(u, t, "end");
        for (size_t k = 0; rc == 0 && k < u->n_pos; k++)
            note(u, k, "end (after %.0f s dead)", SETTLE_S);
        if (rc == 0)
            rc = trace_row(u, t);
    }
    if (src) {
        char saved[1024];
        snprintf(saved, sizeof saved, "%s", rig_last_error());
        int off = rig_source_output(src, false);
        if (rc == 0)
            rc = off;
        else
            rig_error_set(rc, "%s", saved);
    }
    clock_gettime(CLOCK_MONOTONIC, &w1);
    result->wall_s = (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) * 1e-9;
    free(u);
    if (rc < 0)
        rig_replay_result_free(result);
    return rc;
}

int rig_replay_validate(struct rig_bench *bench, const struct rig_profile *p,
                        const struct rig_replay_options *opt)
{
    struct rig_replay_result result;
    return replay(bench, p, opt, &result, true);
}

int rig_replay_run(struct rig_bench *bench, const struct rig_profile *p,
                   const struct rig_replay_options *opt, struct rig_replay_result *result)
{
    return replay(bench, p, opt, result, false);
}
