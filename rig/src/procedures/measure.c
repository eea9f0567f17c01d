/*
 * measure.c — the error calculator (rig/measure.h): every position's pulses
 * gated against the reference standard's pulses, both as timestamped edges,
 * on a real bench (GPIO lines, kernel timestamps) and on the simulated one
 * (benchd's wires, virtual timestamps) alike.
 *
 * A position's gate opens on its first rising edge after the settle time
 * that has a reference pulse before it, and closes on its (N+1)-th; the
 * reference energy over the gate is R(t_end) - R(t_start) reference pulses,
 * R(t) being the pulse count interpolated linearly in time between the two
 * reference pulses around t — so the gate also waits for one reference
 * pulse after its last edge. The conditions are constant during a point,
 * so the interpolation is exact up to the timestamps' resolution.
 *
 * Bench time moves in steps sized from the expected pulse rates (from the
 * point's V, I and phase) so that all positions finish together and neither
 * the meters' edge queues (MAX_EDGES_PER_STEP) nor the reference's
 * (MAX_REF_EDGES_PER_STEP) overflow between two drains.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "rig/bench.h"
#include "rig/error.h"
#include "rig/lines.h"
#include "rig/measure.h"
#include "rig/source.h"

#define EDGE_BUF 4096
/* Edges of the gated output a position may queue between two drains:
 * below benchd's SIM_EDGE_QUEUE (4096) and a GPIO line's default queue,
 * leaving room for the other output's edges. */
#define MAX_EDGES_PER_STEP 1500.0
/* Reference edges between two drains: below benchd's SIM_REF_QUEUE (65536). */
#define MAX_REF_EDGES_PER_STEP 30000.0
#define REF_BUF 65536
#define MAX_STEP_S 60.0
#define MIN_STEP_S 0.02
/* An uncalibrated unit may run up to ~10 % fast or slow (two +-5 % gains). */
#define RATE_MARGIN 1.15
/* A reference line that gives no pulse for this many expected periods
 * (plus REF_QUIET_MARGIN_S) under load is dead or miswired. */
#define REF_QUIET_PERIODS 3.0
#define REF_QUIET_MARGIN_S 2.0

struct gate_state {
    bool active; /* measured at this point */
    bool done;   /* N+1 edges seen */
    unsigned seen; /* rising edges counted since the gate opened */
    uint64_t first_ns, last_ns, latest_ns;
    double rate; /* expected pulses per second */
};

/* The reference pulses of one wire: rising edges since the gates opened. */
struct reference {
    bool wanted;
    double constant; /* imp/kWh */
    double rate;     /* expected pulses per second */
    uint64_t *t;     /* rising edges, oldest first */
    size_t n, cap;
    const char *name;
};

struct point_run {
    struct rig_bench *bench;
    struct rig_pulse_edge *buf; /* REF_BUF edges taken at a time */
    unsigned n;
    const struct rig_gate *gate;
    struct gate_state *st;
    struct rig_error *results;
    struct reference ref[3]; /* [1] active, [2] reactive */
};

static int check_gate(unsigned position, const struct rig_gate *g)
{
    if (g->pulses == 0)
        return 0; /* not measured at this point */
    if (g->output != 1 && g->output != 2)
        return rig_error_set(-EINVAL, "measure: position %u: pulse output %u (1 or 2)", position,
                             g->output);
    if (!(g->wh_per_pulse > 0.0) || !isfinite(g->wh_per_pulse))
        return rig_error_set(-EINVAL, "measure: position %u: pulse constant %g Wh", position,
                             g->wh_per_pulse);
    if (!(g->timeout_s > 0.0) || !(g->settle_s >= 0.0))
        return rig_error_set(-EINVAL, "measure: position %u: timeout %g s, settle %g s",
                             position, g->timeout_s, g->settle_s);
    return 0;
}

static unsigned wire_of(const struct rig_gate *g)
{
    return g->kind == RIG_ENERGY_REACTIVE ? RIG_REFERENCE_REACTIVE : RIG_REFERENCE_ACTIVE;
}

/* the line a position's output comes in on, for messages */
static const char *pulse_line(struct rig_bench *bench, unsigned position, unsigned output)
{
    const struct rig_position *p = rig_bench_position(bench, position);
    const char *spec = p ? p->pulse[output - 1] : NULL;
    return spec ? spec : rig_bench_is_simulated(bench) ? "benchd's pulse wire" : "(not wired)";
}

/* Interpolated reference pulse count at t: needs a pulse at or before t and one after. */
static bool ref_count_at(const struct reference *r, uint64_t t, double *count)
{
    if (r->n < 2 || t < r->t[0] || t >= r->t[r->n - 1])
        return false;
    size_t lo = 0, hi = r->n - 1; /* t[lo] <= t < t[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->t[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    *count = (double)lo + (double)(t - r->t[lo]) / (double)(r->t[hi] - r->t[lo]);
    return true;
}

static int ref_push(struct reference *r, uint64_t t)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 4096;
        uint64_t *grown = realloc(r->t, cap * sizeof *grown);
        if (!grown)
            return rig_error_set(-ENOMEM, "measure: out of memory");
        r->t = grown;
        r->cap = cap;
    }
    r->t[r->n++] = t;
    return 0;
}

/* Take the reference wires' new edges; lost edges void the point. */
static int drain_reference(struct point_run *run)
{
    struct rig_pulse_edge *edges = run->buf;
    for (unsigned w = 1; w <= 2; w++) {
        struct reference *r = &run->ref[w];
        if (!r->wanted)
            continue;
        size_t n = 0;
        uint64_t dropped = 0;
        int rc = rig_reference_edges(run->bench, w, edges, REF_BUF, &n, &dropped);
        if (rc < 0)
            return rig_error_prefix(rc, "measure");
        if (dropped)
            return rig_error_set(-EIO, "measure: reference line %s lost %llu edges (taken too "
                                       "slowly) — the point is void; lower the bench file's "
                                       "[reference] constant",
                                 r->name, (unsigned long long)dropped);
        for (size_t k = 0; k < n; k++)
            if (edges[k].level == 1 && (rc = ref_push(r, edges[k].t_ns)) < 0)
                return rc;
    }
    return 0;
}

/* Take a position's new edges: the gate opens on a rising edge with a
 * reference pulse before it (drain the reference first). */
static int drain_position(struct point_run *run, unsigned i)
{
    static _Thread_local struct rig_pulse_edge edges[EDGE_BUF];
    const struct rig_gate *g = &run->gate[i];
    struct gate_state *st = &run->st[i];
    size_t n = 0;
    int rc = rig_pulse_edges(run->bench, i + 1, edges, EDGE_BUF, &n);
    if (rc < 0)
        return rig_error_prefix(rc, "measure: position %u", i + 1);
    const struct reference *r = &run->ref[wire_of(g)];
    for (size_t k = 0; k < n && !st->done; k++) {
        if (edges[k].output != g->output || edges[k].level != 1)
            continue;
        if (st->seen == 0 && (r->n == 0 || r->t[0] > edges[k].t_ns))
            continue; /* no reference pulse before it yet */
        if (st->seen == 0)
            st->first_ns = edges[k].t_ns;
        st->latest_ns = edges[k].t_ns;
        st->seen++;
        if (st->seen == g->pulses + 1) {
            st->last_ns = edges[k].t_ns;
            st->done = true;
        }
    }
    return 0;
}

/* A done position whose gate the reference does not yet cover at its end. */
static bool waits_for_reference(const struct point_run *run, unsigned i)
{
    const struct reference *r = &run->ref[wire_of(&run->gate[i])];
    return run->st[i].done && (r->n == 0 || r->t[r->n - 1] <= run->st[i].last_ns);
}

/* The next step of bench time, 0 when nothing waits any more. */
static double next_step(const struct point_run *run, double elapsed)
{
    double step = 0.0, max_rate = 0.0, max_ref_rate = 0.0;
    bool pending = false;
    for (unsigned i = 0; i < run->n; i++) {
        const struct rig_gate *g = &run->gate[i];
        const struct gate_state *st = &run->st[i];
        const struct reference *r = &run->ref[wire_of(g)];
        if (!st->active || elapsed >= g->timeout_s)
            continue;
        if (st->done && !waits_for_reference(run, i))
            continue;
        pending = true;
        double left = g->timeout_s - elapsed;
        double need = st->done ? (r->rate > 0.0 ? 1.5 / r->rate : left)
                      : st->rate > 0.0 ? (double)(g->pulses + 1 - st->seen) / st->rate * RATE_MARGIN
                                       : left;
        step = fmax(step, fmin(need, left));
        max_rate = fmax(max_rate, st->rate);
        max_ref_rate = fmax(max_ref_rate, r->rate);
    }
    if (!pending)
        return 0.0;
    if (max_rate > 0.0)
        step = fmin(step, MAX_EDGES_PER_STEP / (2.0 * max_rate));
    if (max_ref_rate > 0.0)
        step = fmin(step, MAX_REF_EDGES_PER_STEP / (2.0 * max_ref_rate));
    return fmin(fmax(step, MIN_STEP_S), MAX_STEP_S);
}

/* Under load a reference wire that has been quiet too long is dead. */
static int check_reference_alive(const struct point_run *run, double elapsed)
{
    for (unsigned w = 1; w <= 2; w++) {
        const struct reference *r = &run->ref[w];
        if (!r->wanted || !(r->rate > 0.0) || r->n > 0)
            continue;
        double quiet = REF_QUIET_PERIODS / r->rate + REF_QUIET_MARGIN_S;
        if (elapsed >= quiet)
            return rig_error_set(-EIO, "measure: reference line %s gave no pulse in %.1f s under "
                                       "load (expected one every %.3g s at %.9g imp/kWh) — check "
                                       "the reference standard's pulse output, its constant and "
                                       "its wiring to that line",
                                 r->name, elapsed, 1.0 / r->rate, r->constant);
    }
    return 0;
}

static int run_gates(struct point_run *run)
{
    double elapsed = 0.0;
    for (;;) {
        double step = next_step(run, elapsed);
        if (step <= 0.0)
            return 0;
        int rc = rig_sleep(run->bench, step);
        if (rc < 0)
            return rc;
        elapsed += step;
        /* the reference first: a meter edge then finds every reference
         * pulse before it (on a real bench, some after it too) */
        if ((rc = drain_reference(run)) < 0 || (rc = check_reference_alive(run, elapsed)) < 0)
            return rc;
        for (unsigned i = 0; i < run->n; i++)
            if (run->st[i].active && !run->st[i].done && (rc = drain_position(run, i)) < 0)
                return rc;
    }
}

/* Each gated position's error, or why it has none. */
static void take_results(struct point_run *run)
{
    for (unsigned i = 0; i < run->n; i++) {
        const struct rig_gate *g = &run->gate[i];
        const struct gate_state *st = &run->st[i];
        struct rig_error *r = &run->results[i];
        const struct reference *ref = &run->ref[wire_of(g)];
        if (!st->active)
            continue;
        r->pulses = st->seen ? st->seen - 1 : 0;
        double c0, c1;
        if (!st->done) {
            if (st->seen == 0)
                snprintf(r->why, sizeof r->why, "position %u: no pulse on output %u (line %s) "
                                                "within %.1f s — check the meter's pulse output "
                                                "and its wiring",
                         i + 1, g->output, pulse_line(run->bench, i + 1, g->output), g->timeout_s);
            else
                snprintf(r->why, sizeof r->why, "position %u: pulse output %u (line %s) stopped "
                                                "after %u of %u pulses in %.1f s — check the "
                                                "meter and its line",
                         i + 1, g->output, pulse_line(run->bench, i + 1, g->output), st->seen,
                         g->pulses + 1, g->timeout_s);
            continue;
        }
        if (!ref_count_at(ref, st->first_ns, &c0) || !ref_count_at(ref, st->last_ns, &c1)) {
            snprintf(r->why, sizeof r->why, "position %u: reference line %s gave no pulse after "
                                            "the gate's end within %.1f s — check the reference "
                                            "standard",
                     i + 1, ref->name, g->timeout_s);
            continue;
        }
        r->gate_s = (double)(st->last_ns - st->first_ns) * 1e-9;
        r->meter_wh = g->pulses * g->wh_per_pulse;
        r->reference_pulses = c1 - c0;
        r->reference_wh = r->reference_pulses / ref->constant * 1000.0;
        r->pulses = g->pulses;
        if (r->reference_wh > 0.0) {
            r->error = r->meter_wh / r->reference_wh - 1.0;
            r->measured = true;
        }
    }
}

/* What the point needs: gated positions, the longest settle, which
 * reference wires, their constants and the expected rates. */
static int plan(struct point_run *run, const struct rig_point *pt, double *settle)
{
    const double deg = M_PI / 180.0;
    double power[3] = {0.0, fabs(pt->volts * pt->amps * cos(pt->phase_deg * deg)),
                       fabs(pt->volts * pt->amps * sin(pt->phase_deg * deg))};
    for (unsigned i = 0; i < run->n; i++) {
        const struct rig_gate *g = &run->gate[i];
        int rc = check_gate(i + 1, g);
        if (rc < 0)
            return rc;
        if (g->pulses == 0)
            continue;
        run->st[i].active = true;
        run->st[i].rate = power[wire_of(g)] / 3600.0 / g->wh_per_pulse;
        *settle = fmax(*settle, g->settle_s);
        run->ref[wire_of(g)].wanted = true;
    }
    for (unsigned w = 1; w <= 2; w++) {
        struct reference *r = &run->ref[w];
        if (!r->wanted)
            continue;
        int rc = rig_reference_constant(run->bench, w, &r->constant);
        if (rc < 0)
            return rig_error_prefix(rc, "measure");
        r->rate = power[w] * r->constant / 3.6e6;
        r->name = rig_reference_name(run->bench, w);
    }
    return 0;
}

/* Apply pt (the reference pulses too, where the source makes them),
 * settle, open the gates (nothing from before counts), run them. */
static int measure(struct point_run *run, const struct rig_point *pt)
{
    double settle = 0.0;
    int rc = plan(run, pt, &settle);
    if (rc < 0)
        return rc;
    struct rig_source *src = rig_bench_source(run->bench);
    if (!src)
        return rig_error_prefix(-ENODEV, "measure");
    double freq = pt->freq_hz > 0.0 ? pt->freq_hz : 50.0;
    if ((rc = rig_source_set(src, pt->volts, pt->amps, pt->phase_deg, freq)) < 0)
        return rc;
    if (rig_source_dialect(src) == RIG_SOURCE_FLUKE6105 && run->ref[1].wanted &&
        (rc = rig_source_pulse_output(src, run->ref[1].constant)) < 0)
        return rc;
    if ((rc = rig_source_output(src, true)) < 0 || (rc = rig_sleep(run->bench, settle)) < 0)
        return rc;
    for (unsigned i = 0; i < run->n; i++)
        if (run->st[i].active && (rc = rig_pulse_edges_discard(run->bench, i + 1)) < 0)
            return rig_error_prefix(rc, "measure: position %u", i + 1);
    if ((rc = drain_reference(run)) < 0)
        return rc;
    for (unsigned w = 1; w <= 2; w++)
        run->ref[w].n = 0; /* pulses from before the gates opened */
    if ((rc = run_gates(run)) < 0)
        return rc;
    take_results(run);
    return 0;
}

/* After a failure: the source off (keeping the failure's message), and
 * every gated position told why it has no result. */
static void fail_point(struct point_run *run, int rc)
{
    char why[512];
    snprintf(why, sizeof why, "%s", rig_last_error());
    struct rig_source *src = rig_bench_source(run->bench);
    if (src && rig_source_output(src, false) < 0)
        fprintf(stderr, "rig: WARNING: measure: could not switch the source off: %s\n",
                rig_last_error());
    for (unsigned i = 0; i < run->n; i++)
        if (run->st[i].active && !run->results[i].measured)
            snprintf(run->results[i].why, sizeof run->results[i].why, "position %u: %.200s",
                     i + 1, why);
    rig_error_set(rc, "%s", why);
}

int rig_measure_point(struct rig_bench *bench, const struct rig_point *pt,
                      const struct rig_gate *gate, struct rig_error *results)
{
    unsigned n = rig_bench_position_count(bench);
    for (unsigned i = 0; i < n; i++)
        results[i] = (struct rig_error){0};
    if (!pt || !isfinite(pt->volts) || !isfinite(pt->amps) || !isfinite(pt->phase_deg))
        return rig_error_set(-EINVAL, "measure: no load point or a non-finite value in it");
    struct point_run run = {.bench = bench, .n = n, .gate = gate, .results = results};
    run.st = calloc(n ? n : 1, sizeof *run.st);
    run.buf = malloc(REF_BUF * sizeof *run.buf);
    int rc = run.st && run.buf ? measure(&run, pt) : rig_error_set(-ENOMEM, "measure: out of memory");
    if (rc < 0 && rc != -EINVAL)
        fail_point(&run, rc);
    free(run.st);
    free(run.buf);
    free(run.ref[1].t);
    free(run.ref[2].t);
    return rc;
}
