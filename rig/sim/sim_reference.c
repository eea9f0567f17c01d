/*
 * sim_reference.c — the reference standard's pulse output of the virtual
 * source: wire 1 pulses every 1/constant kWh of active energy, wire 2 every
 * 1/constant kvarh of reactive energy (magnitudes), each edge at the exact
 * virtual instant the exact integral crosses its threshold — a rising edge
 * at each whole pulse, a falling one half a pulse later. The rig's error
 * calculator counts and interpolates these as it does a real reference
 * standard's pulses on a GPIO line (REFEDGES, REFCONST on the control socket).
 *
 * Between two calls the source's conditions are constant, so each crossing
 * is found exactly: t = t0 + (threshold - accumulated) / rate.
 */
#include <math.h>
#include <string.h>

#include "sim_source_internal.h"

void sim_reference_init(struct sim_source *src)
{
    for (unsigned w = 1; w <= SIM_REF_WIRES; w++) {
        struct sim_ref_wire *r = &src->ref[w];
        r->constant = SIM_REF_CONSTANT_DEFAULT;
        r->halves = 0;
        r->frac = 0.0;
        r->rising = 0;
        r->head = r->count = 0;
        r->dropped = 0;
    }
}

static void push(struct sim_ref_wire *r, unsigned wire, uint64_t t_ns, unsigned level)
{
    if (r->count == SIM_REF_QUEUE) {
        r->head = (r->head + 1) % SIM_REF_QUEUE;
        r->count--;
        r->dropped++;
    }
    r->edges[(r->head + r->count) % SIM_REF_QUEUE] =
        (struct sim_edge){.t_ns = t_ns, .output = (uint8_t)wire, .level = (uint8_t)level};
    r->count++;
    if (level)
        r->rising++;
}

int sim_reference_set_constant(struct sim_source *src, unsigned wire, double imp_per_kwh)
{
    if (wire < 1 || wire > SIM_REF_WIRES || !(imp_per_kwh > 0.0) ||
        imp_per_kwh > SIM_REF_CONSTANT_MAX) {
        return -1;
    }
    struct sim_ref_wire *r = &src->ref[wire];
    r->constant = imp_per_kwh;
    /* a pulse in progress ends with the old constant */
    r->halves -= r->halves % 2;
    r->frac = 0.0;
    return 0;
}

void sim_reference_advance(struct sim_source *src, uint64_t t0_ns, uint64_t t1_ns)
{
    if (t1_ns <= t0_ns || !src->output) {
        return;
    }
    double p, q;
    sim_source_power(src, &p, &q);
    double power[SIM_REF_WIRES + 1] = {0.0, fabs(p), fabs(q)};
    double dt = (double)(t1_ns - t0_ns) * 1e-9;
    for (unsigned w = 1; w <= SIM_REF_WIRES; w++) {
        struct sim_ref_wire *r = &src->ref[w];
        /* half pulses per second: W x imp/kWh / 3.6e6 s/h x 2 */
        double rate = power[w] * r->constant / 3.6e6 * 2.0;
        if (w == 1 && sim_fluke_holds_pulses(src)) {
            rate = 0.0; /* its energy function is not set up */
        }
        if (!(rate > 0.0)) {
            continue;
        }
        double end = r->frac + rate * dt; /* in half pulses from the last threshold */
        double k = 1.0;
        if (end > (double)SIM_REF_QUEUE + 1.0) {
            /* more than the queue holds: only the last SIM_REF_QUEUE edges
             * are kept, so the ones before are counted, not computed */
            uint64_t skip = (uint64_t)floor(end) - SIM_REF_QUEUE;
            uint64_t h0 = r->halves;
            r->rising += (h0 + skip + 1) / 2 - (h0 + 1) / 2; /* odd half pulses: rises */
            r->halves += skip;
            r->dropped += r->count + skip;
            r->head = r->count = 0;
            k += (double)skip;
        }
        for (; k <= end; k += 1.0) {
            double t = (double)t0_ns + (k - r->frac) / rate * 1e9;
            uint64_t t_ns = (uint64_t)llround(t);
            if (t_ns <= t0_ns) {
                t_ns = t0_ns + 1;
            }
            if (t_ns > t1_ns) {
                t_ns = t1_ns;
            }
            r->halves++;
            push(r, w, t_ns, (unsigned)(r->halves % 2)); /* odd: a pulse starts */
        }
        r->frac = end - floor(end);
    }
}
