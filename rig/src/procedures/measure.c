/*
 * measure.c — pulse-gated error measurement on every position at once
 * (rig/measure.h).
 *
 * Simulated bench: benchd reports every pulse edge with its virtual
 * timestamp (placed on the meter's own 4 kHz sample, so 250 us is the
 * resolution of one edge). The gate of a position runs from its first
 * rising edge after the settle time to its (N+1)-th; the reference energy
 * over the gate is the source's power (MEAS:POW? or MEAS:POW:REAC?, constant
 * during a point) times the gate time. Virtual time is moved in steps sized
 * from the expected pulse rates, so all positions finish together and
 * benchd's edge queue (SIM_EDGE_QUEUE, 4096 edges a position) never
 * overflows between two drains.
 *
 * Real bench: not implemented yet (-ENOTSUP). The GPIO inputs give kernel
 * timestamps of the edges, but the reference energy must be integrated by
 * the reference standard over exactly the same gate. Instruments built for
 * meter testing do this themselves: a Fluke 6105A-class source takes the
 * meter's pulse output on its pulse input, starts its own energy register on
 * the first counted pulse, stops it after N pulses and returns the error
 * (its ENERgy subsystem); a rack uses one such error calculator per
 * position. The hw path will configure each position's gate (constant, N),
 * start them together and read the N errors; until a driver for such an
 * instrument exists, a real bench refuses the measurement rather than
 * pretending with software timestamps.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "rig/bench.h"
#include "rig/measure.h"
#include "rig/lines.h"
#include "rig/source.h"

#define EDGE_BUF 4096
/* Edges of the gated output a position may queue in benchd between two
 * drains: well below SIM_EDGE_QUEUE (4096), leaving room for the other
 * output's edges (output 1 at 1.1 Un x Imax gives ~11 edges/s). */
#define MAX_EDGES_PER_STEP 1500.0
#define MAX_STEP_S 60.0
#define MIN_STEP_S 0.02
/* An uncalibrated unit may run up to ~10 % fast or slow (two +-5 % gains). */
#define RATE_MARGIN 1.15

struct gate_state {
    bool active;    /* measured at this point */
    bool done;
    unsigned seen;  /* rising edges counted since the gate opened */
    uint64_t first_ns, last_ns;
    double rate;    /* expected pulses per second */
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

static int drain(struct rig_bench *bench, unsigned position, const struct rig_gate *g,
                 struct gate_state *st)
{
    static _Thread_local struct rig_pulse_edge edges[EDGE_BUF];
    size_t n = 0;
    int rc = rig_pulse_edges(bench, position, edges, EDGE_BUF, &n);
    if (rc < 0)
        return rig_error_prefix(rc, "measure: position %u", position);
    for (size_t k = 0; k < n && !st->done; k++) {
        if (edges[k].output != g->output || edges[k].level != 1)
            continue;
        if (st->seen == 0)
            st->first_ns = edges[k].t_ns;
        st->seen++;
        if (st->seen == g->pulses + 1) {
            st->last_ns = edges[k].t_ns;
            st->done = true;
        }
    }
    return 0;
}

/* What the point needs: the longest settle, which reference powers.
 * Marks the positions that are gated. */
static int plan(unsigned n, const struct rig_gate *gate, struct gate_state *st, double *settle,
                bool *want_p, bool *want_q)
{
    for (unsigned i = 0; i < n; i++) {
        int rc = check_gate(i + 1, &gate[i]);
        if (rc < 0)
            return rc;
        if (gate[i].pulses == 0)
            continue;
        st[i].active = true;
        *settle = fmax(*settle, gate[i].settle_s);
        if (gate[i].kind == RIG_ENERGY_REACTIVE)
            *want_q = true;
        else
            *want_p = true;
    }
    return 0;
}

/*
 * Move bench time on in steps sized from the expected pulse rates until
 * every gate has its N+1 edges or its timeout, draining the edges after
 * each step (so all positions finish together and benchd's queue never
 * overflows).
 */
static int run_gates(struct rig_bench *bench, unsigned n, const struct rig_gate *gate,
                     struct gate_state *st)
{
    double elapsed = 0.0;
    for (;;) {
        double step = 0.0, max_rate = 0.0;
        bool pending = false;
        for (unsigned i = 0; i < n; i++) {
            if (!st[i].active || st[i].done || elapsed >= gate[i].timeout_s)
                continue;
            pending = true;
            double left = gate[i].timeout_s - elapsed;
            double need = st[i].rate > 0.0
                              ? (double)(gate[i].pulses + 1 - st[i].seen) / st[i].rate * RATE_MARGIN
                              : left;
            step = fmax(step, fmin(need, left));
            max_rate = fmax(max_rate, st[i].rate);
        }
        if (!pending)
            return 0;
        if (max_rate > 0.0)
            step = fmin(step, MAX_EDGES_PER_STEP / (2.0 * max_rate));
        step = fmin(fmax(step, MIN_STEP_S), MAX_STEP_S);
        int rc = rig_sleep(bench, step);
        if (rc < 0)
            return rc;
        elapsed += step;
        for (unsigned i = 0; i < n; i++)
            if (st[i].active && !st[i].done && (rc = drain(bench, i + 1, &gate[i], &st[i])) < 0)
                return rc;
    }
}

/* Each gated position's error: N pulses' energy against the reference
 * power times the time between its first and (N+1)-th edge. */
static void take_results(unsigned n, const struct rig_gate *gate, const struct gate_state *st,
                         double p_w, double q_var, struct rig_error *results)
{
    for (unsigned i = 0; i < n; i++) {
        if (!st[i].active)
            continue;
        struct rig_error *r = &results[i];
        r->pulses = st[i].seen ? st[i].seen - 1 : 0;
        if (!st[i].done)
            continue;
        double pw = gate[i].kind == RIG_ENERGY_REACTIVE ? q_var : fabs(p_w);
        r->gate_s = (double)(st[i].last_ns - st[i].first_ns) * 1e-9;
        r->meter_wh = gate[i].pulses * gate[i].wh_per_pulse;
        r->reference_wh = pw * r->gate_s / 3600.0;
        r->pulses = gate[i].pulses;
        if (r->reference_wh > 0.0) {
            r->error = r->meter_wh / r->reference_wh - 1.0;
            r->measured = true;
        }
    }
}

/* Apply pt, settle, read the reference powers, open the gates (nothing
 * from before them counts), run them, take the results. */
static int measure(struct rig_bench *bench, const struct rig_point *pt,
                   const struct rig_gate *gate, struct gate_state *st, struct rig_error *results)
{
    unsigned n = rig_bench_position_count(bench);
    double settle = 0.0, p_w = 0.0, q_var = 0.0;
    bool want_p = false, want_q = false;
    int rc = plan(n, gate, st, &settle, &want_p, &want_q);
    if (rc < 0)
        return rc;
    struct rig_source *src = rig_bench_source(bench);
    if (!src)
        return -ENODEV;
    double freq = pt->freq_hz > 0.0 ? pt->freq_hz : 50.0;
    if ((rc = rig_source_set(src, pt->volts, pt->amps, pt->phase_deg, freq)) < 0 ||
        (rc = rig_source_output(src, true)) < 0 || (rc = rig_sleep(bench, settle)) < 0)
        return rc;
    /* The reference standard's power: constant during the point. */
    if (want_p && (rc = rig_source_measure(src, "MEAS:POW?", &p_w)) < 0)
        return rc;
    if (want_q && (rc = rig_source_measure(src, "MEAS:POW:REAC?", &q_var)) < 0)
        return rc;
    q_var = fabs(q_var);
    for (unsigned i = 0; i < n; i++) {
        if (!st[i].active)
            continue;
        if ((rc = rig_pulse_edges_discard(bench, i + 1)) < 0)
            return rig_error_prefix(rc, "measure: position %u", i + 1);
        double pw = gate[i].kind == RIG_ENERGY_REACTIVE ? q_var : fabs(p_w);
        st[i].rate = pw / 3600.0 / gate[i].wh_per_pulse;
    }
    if ((rc = run_gates(bench, n, gate, st)) < 0)
        return rc;
    take_results(n, gate, st, p_w, q_var, results);
    return 0;
}

int rig_measure_point(struct rig_bench *bench, const struct rig_point *pt,
                      const struct rig_gate *gate, struct rig_error *results)
{
    unsigned n = rig_bench_position_count(bench);
    for (unsigned i = 0; i < n; i++)
        results[i] = (struct rig_error){0};
    if (!rig_bench_is_simulated(bench))
        return rig_error_set(-ENOTSUP,
                             "measure: pulse-gated error measurement on a real bench needs the "
                             "reference instrument's pulse-gated energy function, which has no "
                             "driver yet (rig/src/procedures/measure.c)");
    if (!pt || !isfinite(pt->volts) || !isfinite(pt->amps) || !isfinite(pt->phase_deg))
        return rig_error_set(-EINVAL, "measure: no load point or a non-finite value in it");
    struct gate_state *st = calloc(n ? n : 1, sizeof *st);
    if (!st)
        return rig_error_set(-ENOMEM, "measure: out of memory");
    int rc = measure(bench, pt, gate, st, results);
    free(st);
    return rc;
}
