/*
 * eol_precheck.c — before calibrating: is each unit whole? One steady load
 * on the rack, and from what the rig can see of each unit — its pulse
 * output 1 (every model has it) and, over RS485, its voltage, current and
 * power — units with a factory defect leave the run with a reason that
 * names it, so they are never calibrated, never sealed, and the reason is
 * not a calibration that "did not converge".
 *
 * Good units read within a few percent before calibration (the AFE's
 * spread), so the limits here are far outside that and far inside what
 * the defects do.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/bench.h"
#include "rig/lines.h"
#include "rig/modbus.h"
#include "rig/source.h"

#define PRECHECK_SETTLE_S 1.0
/* At the legal 1 Wh a pulse: a dozen periods of ~0.8 s. */
#define PRECHECK_GATE_S 12.0
/* With every unit at the test constant (~130 pulses a second at 20 A): an
 * intermittent contact opens for 20..200 ms after at most 19 times that
 * closed (3.8 s, firmware/boards/native/defects.h, as a loose crimp does),
 * so 4.5 s hold at least one whole opening and the span after it. */
#define PRECHECK_TEST_GATE_S 4.5
/* Periods are measured over spans of at least one measurement window
 * (~10 mains cycles): an edge is placed on the meter's 250 us samples,
 * 3 % of a single 8 ms period at the test constant, 0.1 % of a span. */
#define PRECHECK_SPAN_S 0.2
/* Direct units are loaded at a quarter of Imax (20 A: a pulse of 1 Wh every
 * 0.8 s), CT units at Iref — the rack takes the lowest. */
#define PRECHECK_IMAX_FRACTION 0.25
/* Uncalibrated good units read within +-10 % (two channel gains of +-5 %). */
#define PRECHECK_READING_LIMIT 0.15
/* Output 1's pulse periods at a steady load vary by the AFE's sample (250 us
 * of ~0.8 s) on a good unit; an intermittent contact stretches some by
 * tens of milliseconds. */
#define PRECHECK_PERIOD_CV_LIMIT EOL_PERIOD_CV_LIMIT
#define PRECHECK_MIN_PERIODS 3u
#define PULSE1_WH 1.0 /* output 1: 1 Wh per pulse, manual §2.3.3 */
#define EDGE_DRAIN_MAX 8 /* edge buffers per unit: 32768 edges, 250 s at the test constant */
#define EDGE_MAX 4096

struct precheck {
    double volts, amps, watts; /* applied, and the reference's power */
    double gate_s;             /* how long the load was held */
    double wh;                 /* output 1's Wh a pulse */
    unsigned rising;           /* output 1's rising edges in the gate */
    double first_s, last_s;    /* their first and last time */
    double period_cv;          /* of the periods between them */
    unsigned stuck;            /* output 1 active, no edge */
    bool have_runtime;
    struct rig_runtime rt;
};

static double rack_amps(const struct eol_ctx *c)
{
    double amps = INFINITY;
    for (unsigned i = 0; i < c->n; i++) {
        const struct eol_unit *u = &c->u[i];
        if (!u->usable)
            continue;
        const struct rig_currents *cur = &u->table.currents;
        amps = fmin(amps, u->model.connection == RIG_CONNECTION_CT
                              ? cur->iref
                              : PRECHECK_IMAX_FRACTION * cur->imax);
    }
    return amps;
}

void eol_periods_init(struct eol_periods *p, double wh)
{
    *p = (struct eol_periods){.prev = NAN, .span_s = wh >= PULSE1_WH ? 0.0 : PRECHECK_SPAN_S};
}

/* A period: from a span's first edge to the first edge at least span_s
 * later, over the pulses between (one pulse at 1 Wh). */
void eol_periods_add(struct eol_periods *p, double t)
{
    if (isnan(p->prev)) {
        p->prev = t;
        return;
    }
    p->in_span++;
    if (t - p->prev >= p->span_s) {
        double per = (t - p->prev) / p->in_span;
        p->sum += per;
        p->sum2 += per * per;
        p->periods++;
        p->prev = t;
        p->in_span = 0;
    }
}

double eol_periods_cv(const struct eol_periods *p)
{
    if (p->periods < PRECHECK_MIN_PERIODS)
        return 0.0;
    double mean = p->sum / p->periods;
    return sqrt(fmax(0.0, p->sum2 / p->periods - mean * mean)) / mean;
}

/* Output 1's edges in the gate: count, span and the spread of the periods. */
static int read_pulses(struct eol_ctx *c, struct eol_unit *u, struct precheck *pc)
{
    static _Thread_local struct rig_pulse_edge e[EDGE_MAX];
    size_t n = EDGE_MAX;
    struct eol_periods per;
    eol_periods_init(&per, pc->wh);
    for (int round = 0; n == EDGE_MAX && round < EDGE_DRAIN_MAX; round++) {
        int rc = rig_pulse_edges(c->bench, u->position, e, EDGE_MAX, &n);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < n; k++) {
            if (e[k].output != 1 || e[k].level != 1)
                continue;
            double t = (double)e[k].t_ns * 1e-9;
            if (pc->rising++ == 0)
                pc->first_s = t;
            pc->last_s = t;
            eol_periods_add(&per, t);
        }
    }
    pc->period_cv = eol_periods_cv(&per);
    if (pc->rising == 0 && rig_pulse_level(c->bench, u->position, 1, &pc->stuck) < 0)
        pc->stuck = 0; /* a bench that cannot tell: "no pulses" says enough */
    return 0;
}

static int observe(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    struct precheck *pc = &((struct precheck *)arg)[u - c->u];
    int rc = read_pulses(c, u, pc);
    if (rc < 0 || !u->model.rs485)
        return rc;
    if ((rc = rig_meter_read_runtime(u->m, &pc->rt)) < 0)
        return rc;
    pc->have_runtime = true;
    return 0;
}

/* The defect u shows, as its reason; false if none. */
static bool diagnose(struct eol_unit *u, const struct precheck *pc, char *why, size_t len)
{
    double v_err = pc->have_runtime ? pc->rt.voltage / pc->volts - 1.0 : 0.0;
    double i_err = pc->have_runtime ? pc->rt.current / pc->amps - 1.0 : 0.0;
    double e_err = pc->rising > PRECHECK_MIN_PERIODS
                       ? (pc->rising - 1) * pc->wh * 3600.0 / (pc->last_s - pc->first_s) /
                                 pc->watts - 1.0
                       : 0.0;
    if (pc->have_runtime && pc->rt.active_power < 0.0)
        snprintf(why, len, "reversed current polarity: P reads %.0f W with %.0f W applied",
                 pc->rt.active_power, pc->watts);
    else if (pc->period_cv > PRECHECK_PERIOD_CV_LIMIT)
        snprintf(why, len, "intermittent contact: output 1's pulse periods vary by %.1f %% at a "
                           "steady %.0f W", pc->period_cv * 100.0, pc->watts);
    else if (fabs(v_err) > PRECHECK_READING_LIMIT)
        snprintf(why, len, "broken voltage divider: the voltage reads %+.0f %% (%.1f V at %.1f V)",
                 v_err * 100.0, pc->rt.voltage, pc->volts);
    else if (fabs(i_err) > PRECHECK_READING_LIMIT)
        snprintf(why, len, "wrong shunt or CT: the current reads %+.0f %% (%.3f A at %.3f A)",
                 i_err * 100.0, pc->rt.current, pc->amps);
    else if (pc->rising == 0 && pc->stuck)
        snprintf(why, len, "pulse output 1 stuck on: active, no pulse in %.0f s at %.0f W",
                 pc->gate_s, pc->watts);
    else if (pc->rising == 0)
        snprintf(why, len, u->model.rs485 ? "dead pulse output 1: no pulse in %.0f s at %.0f W"
                                          : "dead pulse output 1 or reversed current polarity: "
                                            "no pulse in %.0f s at %.0f W",
                 pc->gate_s, pc->watts);
    else if (!u->model.rs485 && fabs(e_err) > PRECHECK_READING_LIMIT)
        snprintf(why, len, "energy reads %+.0f %% at %.0f W: wrong shunt or CT, or broken voltage "
                           "divider", e_err * 100.0, pc->watts);
    else
        return false;
    return true;
}

static void record(struct eol_ctx *c, const struct eol_unit *u, const struct precheck *pc,
                   bool bad)
{
    const char *verdict = bad ? "FAIL" : "PASS";
    eol_record(c, u, "eol.precheck.pulse1_count", pc->rising, "", NAN, NAN, verdict);
    eol_record(c, u, "eol.precheck.pulse1_period_cv", pc->period_cv, "", 0,
               PRECHECK_PERIOD_CV_LIMIT, verdict);
    if (pc->have_runtime) {
        eol_record(c, u, "eol.precheck.voltage", pc->rt.voltage, "V", NAN, NAN, verdict);
        eol_record(c, u, "eol.precheck.current", pc->rt.current, "A", NAN, NAN, verdict);
        eol_record(c, u, "eol.precheck.active_power", pc->rt.active_power, "W", NAN, NAN,
                   verdict);
    }
}

/* Apply the load and gate it; the source is left on. */
static int load_rack(struct eol_ctx *c, struct precheck *pc0)
{
    const struct eol_unit *first = NULL;
    for (unsigned i = 0; i < c->n && !first; i++)
        if (c->u[i].usable)
            first = &c->u[i];
    if (!first)
        return 0;
    struct rig_source *src = rig_bench_source(c->bench);
    double fn = first->table.currents.fn, watts;
    pc0->volts = first->table.currents.un;
    pc0->amps = rack_amps(c);
    pc0->gate_s = PRECHECK_TEST_GATE_S;
    for (unsigned i = 0; i < c->n; i++) /* one unit at 1 Wh sets the pace */
        if (c->u[i].usable && !c->u[i].test_constant)
            pc0->gate_s = PRECHECK_GATE_S;
    int rc;
    if (!src)
        return -ENODEV;
    if ((rc = rig_source_set(src, pc0->volts, pc0->amps, 0.0, fn)) < 0 ||
        (rc = rig_source_output(src, true)) < 0 || (rc = eol_sleep(c, PRECHECK_SETTLE_S)) < 0)
        return rc;
    for (unsigned i = 0; i < c->n; i++) /* nothing before the gate counts */
        if (c->u[i].usable && (rc = rig_pulse_edges_discard(c->bench, i + 1)) < 0)
            return rc;
    if ((rc = rig_source_measure(src, "MEAS:POW?", &watts)) < 0 ||
        (rc = rig_sleep(c->bench, pc0->gate_s)) < 0)
        return rc;
    pc0->watts = watts;
    fprintf(stderr, "eol: precheck at %.2f A PF 1 for %.1f s\n", pc0->amps, pc0->gate_s);
    return 0;
}

int eol_precheck_units(struct eol_ctx *c)
{
    struct precheck *pc = calloc(c->n ? c->n : 1, sizeof *pc);
    if (!pc)
        return rig_error_set(-ENOMEM, "eol: out of memory");
    int rc = load_rack(c, &pc[0]);
    if (rc < 0) {
        free(pc);
        return eol_abort_rack(c, rc);
    }
    for (unsigned i = 1; i < c->n; i++) {
        pc[i].volts = pc[0].volts;
        pc[i].amps = pc[0].amps;
        pc[i].watts = pc[0].watts;
        pc[i].gate_s = pc[0].gate_s;
    }
    for (unsigned i = 0; i < c->n; i++)
        pc[i].wh = c->u[i].test_constant ? EOL_TEST_WH_PER_PULSE : PULSE1_WH;
    eol_for_units(c, eol_pick_usable, observe, pc, "precheck", NULL);
    struct rig_source *src = rig_bench_source(c->bench);
    if (src && (rc = rig_source_output(src, false)) < 0)
        rc = eol_abort_rack(c, rc);
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        char why[160];
        if (!u->usable)
            continue;
        bool bad = diagnose(u, &pc[i], why, sizeof why);
        record(c, u, &pc[i], bad);
        if (bad) {
            u->usable = false;
            u->cal_active = false;
            eol_fail_unit(u, "%s", why);
        }
    }
    free(pc);
    return rc;
}
