/*
 * eol_drift.c — is the calibration stable as the unit warms up? After
 * verification, each unit is loaded at its Imax for a soak, then measured
 * at Iref PF 1 again and compared with its verification error at Iref PF 1
 * (cold). The current path heats at Imax (a shunt dissipates I^2 R), and a
 * good unit's gain moves a few ppm/K; a unit whose calibration drifts with
 * temperature moves by tenths of a percent and is rejected, so it does not
 * leave the factory right only at the temperature it was calibrated at.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/bench.h"
#include "rig/lines.h"
#include "rig/source.h"

/* With the verification's Imax gate before it, long enough at Imax for the
 * shunt to warm by a kelvin or more (a direct unit's current path warms by
 * ~30 K at Imax with a time constant of ~1.5 min: ~0.3 K/s at first), so a
 * calibration that drifts by 2000 ppm/K moves by tenths of a percent while
 * a good unit (tens of ppm/K) moves by well under the limit. */
#define DRIFT_SOAK_S 5.0
/* A CT unit's current path hardly warms (its burden dissipates a fraction
 * of a direct unit's shunt at 80 A, and Imax is 6 A): it soaks a minute, as
 * long as it takes to warm by a kelvin. */
#define DRIFT_SOAK_CT_S 60.0
/* The warm measurement: the EOL's gate (eol_internal.h); cold and warm
 * each within 1.7e-4, their difference well inside the limit. */
#define DRIFT_RESOLUTION EOL_GATE_RESOLUTION
/* A good unit moves by tens of ppm over the soak; a fifth of the class C
 * limit at Iref (0.5 %) is far outside that and far inside a drifting one. */
#define DRIFT_LIMIT 0.001

/* The soak is a steady load too: output 1's periods over it, after the
 * meter's first windows at the new load, show an intermittent contact that
 * happened not to open in the precheck's few seconds (one opening a
 * minute, say). Output 2's second edges go to the RTC test. */
#define SOAK_WATCH_AFTER_S 0.5
#define EDGE_MAX 4096
#define EDGE_DRAIN_MAX 8

struct soak_watch {
    double since_s;
    double *cv; /* per unit, -1: not watched */
};

static int watch_soak(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    struct soak_watch *w = arg;
    static _Thread_local struct rig_pulse_edge e[EDGE_MAX];
    struct eol_periods per;
    eol_periods_init(&per, u->test_constant ? EOL_TEST_WH_PER_PULSE : 1.0);
    size_t n = EDGE_MAX;
    for (int round = 0; n == EDGE_MAX && round < EDGE_DRAIN_MAX; round++) {
        int rc = rig_pulse_edges(c->bench, u->position, e, EDGE_MAX, &n);
        if (rc < 0)
            return rc; /* a bench without timestamps: nothing to watch */
        for (size_t k = 0; k < n; k++) {
            double t = (double)e[k].t_ns * 1e-9;
            if (e[k].level != 1)
                continue;
            if (e[k].output == 2)
                eol_rtc_edge(u, t);
            else if (t >= w->since_s)
                eol_periods_add(&per, t);
        }
    }
    w->cv[u - c->u] = eol_periods_cv(&per);
    return 0;
}

/* Put cause before whatever u failed for already: it is why. */
static void fail_first(struct eol_unit *u, const char *cause)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s%s%s", cause, u->res->reason[0] ? "; " : "", u->res->reason);
    u->res->verified = false;
    snprintf(u->res->reason, sizeof u->res->reason, "%.*s", (int)sizeof u->res->reason - 1, msg);
}

/* The cold error at Iref PF 1 from verification; false if u has none. */
static bool cold_error(const struct eol_unit *u, double *e)
{
    for (unsigned k = 0; k < u->table.count; k++) {
        const struct rig_load_point *lp = &u->table.points[k];
        if (lp->pt.phase_deg == 0.0 && fabs(lp->pt.amps - u->table.currents.iref) < 1e-9 &&
            u->verify[k].measured) {
            *e = u->verify[k].error;
            return true;
        }
    }
    return false;
}

/* Every unit measured at Iref PF 1, also one that failed verification:
 * heating during the high-current points may be why it failed. */
static bool pick_checked(const struct eol_unit *u)
{
    double e;
    return u->usable && cold_error(u, &e);
}

/* Soak at the rack's lowest Imax (every unit takes it) for as long as its
 * slowest-warming unit needs, then Iref PF 1. */
static int soak_and_measure(struct eol_ctx *c, struct eol_point_buf *b, struct rig_point *warm,
                            double *soak_s, struct soak_watch *w)
{
    struct rig_point soak = {0};
    bool any = false;
    *soak_s = DRIFT_SOAK_S;
    for (unsigned i = 0; i < c->n; i++) {
        const struct eol_unit *u = &c->u[i];
        b->gates[i] = (struct rig_gate){0};
        if (!pick_checked(u))
            continue;
        const struct rig_currents *cur = &u->table.currents;
        if (!any || cur->imax < soak.amps)
            soak = (struct rig_point){cur->un, cur->imax, 0.0, cur->fn};
        *warm = (struct rig_point){cur->un, cur->iref, 0.0, cur->fn};
        if (u->model.connection == RIG_CONNECTION_CT)
            *soak_s = DRIFT_SOAK_CT_S;
        any = true;
    }
    if (!any)
        return 0;
    struct rig_source *src = rig_bench_source(c->bench);
    int rc;
    if (!src)
        return -ENODEV;
    if ((rc = rig_source_set(src, soak.volts, soak.amps, 0.0, soak.freq_hz)) < 0 ||
        (rc = rig_source_output(src, true)) < 0 || (rc = rig_bench_time(c->bench, &w->since_s)) < 0)
        return rc;
    w->since_s += SOAK_WATCH_AFTER_S;
    if ((rc = eol_sleep(c, *soak_s)) < 0)
        return rc;
    eol_for_units(c, pick_checked, watch_soak, w, NULL, NULL);
    fprintf(stderr, "eol: drift: %.0f s at %.1f A, then Iref PF 1 again\n", *soak_s, soak.amps);
    for (unsigned i = 0; i < c->n; i++)
        if (pick_checked(&c->u[i]))
            eol_plan_gate(&c->u[i], eol_point_watts(warm), DRIFT_RESOLUTION, &b->gates[i],
                          &b->k[i]);
    return eol_measure(c, warm, b->gates, b->k, b->err, "drift: Iref PF 1 warm");
}

int eol_drift_units(struct eol_ctx *c)
{
    struct eol_point_buf b;
    struct rig_point warm;
    double soak_s = DRIFT_SOAK_S;
    struct soak_watch w = {.cv = calloc(c->n ? c->n : 1, sizeof *w.cv)};
    int rc = eol_point_buf_alloc(&b, c->n);
    if (rc == 0 && !w.cv)
        rc = rig_error_set(-ENOMEM, "eol: out of memory");
    if (rc < 0) {
        free(w.cv);
        return eol_end_phase(c, rc);
    }
    for (unsigned i = 0; i < c->n; i++)
        w.cv[i] = -1.0;
    if ((rc = soak_and_measure(c, &b, &warm, &soak_s, &w)) < 0) {
        rc = eol_abort_rack(c, rc);
        goto out;
    }
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        double cold;
        if (!b.gates[i].pulses || !cold_error(u, &cold))
            continue;
        if (!b.err[i].measured) {
            u->res->verified = false;
            eol_fail_unit(u, "drift: no pulses at Iref PF 1 after %.0f s at Imax", soak_s);
            continue;
        }
        double drift = b.err[i].error - cold;
        bool ok = fabs(drift) <= DRIFT_LIMIT;
        eol_record(c, u, "eol.drift.iref_pf1", drift * 100.0, "%", -DRIFT_LIMIT * 100.0,
                   DRIFT_LIMIT * 100.0, ok ? "PASS" : "FAIL");
        if (!ok) {
            /* the cause of a failed verification too: say it first */
            char msg[256];
            snprintf(msg, sizeof msg,
                     "unstable calibration: the error at Iref PF 1 moved %+.3f %% after %.0f s at "
                     "Imax (limit %.2f %%)",
                     drift * 100.0, soak_s, DRIFT_LIMIT * 100.0);
            fail_first(u, msg);
        }
    }
    for (unsigned i = 0; i < c->n; i++) { /* the cause of the above, if so: first */
        struct eol_unit *u = &c->u[i];
        if (w.cv[i] < 0.0)
            continue;
        bool bad = w.cv[i] > EOL_PERIOD_CV_LIMIT;
        eol_record(c, u, "eol.drift.pulse1_period_cv", w.cv[i], "", 0.0, EOL_PERIOD_CV_LIMIT,
                   bad ? "FAIL" : "PASS");
        if (bad) {
            char msg[160];
            snprintf(msg, sizeof msg, "intermittent contact: output 1's pulse periods vary by "
                                      "%.1f %% at a steady Imax (the drift soak)",
                     w.cv[i] * 100.0);
            fail_first(u, msg);
        }
    }
out:
    rc = eol_end_phase(c, rc);
    eol_point_buf_free(&b);
    free(w.cv);
    return rc;
}
