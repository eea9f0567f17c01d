/*
 * eol_verify.c — verifying the rack (rig_eol_verify, rig/eol.h): every
 * position at the load points of its model's profile (routine or full), in
 * one pass over the union of the rack's points, each error recorded with
 * its limit.
 *
 * A point the calibration measured last with the calibration the unit
 * keeps (same source settings, a gate at least as fine) is that unit's
 * verification at the point: it is taken, not measured again; a point no
 * unit needs is not applied.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/bench.h"

/* Verification points are resolved to a twentieth of their limit, in no
 * longer than the EOL's gate (eol_internal.h). */
#define EOL_VERIFY_RESOLUTION_PER_MPE 0.05

struct vpoint {
    struct rig_point pt;
    char name[40];
};

static int cmp_vpoint(const void *a, const void *b)
{
    const struct vpoint *x = a, *y = b;
    /* PF 1 first, then inductive, then capacitive; current ascending */
    int gx = x->pt.phase_deg == 0.0 ? 0 : x->pt.phase_deg > 0.0 ? 1 : 2;
    int gy = y->pt.phase_deg == 0.0 ? 0 : y->pt.phase_deg > 0.0 ? 1 : 2;
    if (gx != gy)
        return gx - gy;
    return (x->pt.amps > y->pt.amps) - (x->pt.amps < y->pt.amps);
}

static bool same_point(const struct rig_point *a, const struct rig_point *b)
{
    return fabs(a->amps - b->amps) <= 1e-9 * fmax(1.0, a->amps) &&
           fabs(a->phase_deg - b->phase_deg) < 1e-6 && fabs(a->volts - b->volts) < 1e-9;
}

/* The union of the usable units' points, in a settling-friendly order;
 * vp has room for n x RIG_LOAD_POINTS_MAX. Returns how many. */
static size_t rack_points(const struct eol_ctx *c, struct vpoint *vp)
{
    size_t nv = 0;
    for (unsigned i = 0; i < c->n; i++) {
        const struct eol_unit *u = &c->u[i];
        if (!u->usable)
            continue;
        for (unsigned k = 0; k < u->table.count; k++) {
            const struct rig_load_point *lp = &u->table.points[k];
            bool seen = false;
            for (size_t j = 0; j < nv && !seen; j++)
                seen = same_point(&vp[j].pt, &lp->pt);
            if (!seen) {
                vp[nv].pt = lp->pt;
                snprintf(vp[nv].name, sizeof vp[nv].name, "%s", lp->name);
                nv++;
            }
        }
    }
    qsort(vp, nv, sizeof *vp, cmp_vpoint);
    return nv;
}

/* The calibration's last measurement of u at pt with its calibration now,
 * if it has one. */
static const struct eol_point_result *from_calibration(const struct eol_unit *u,
                                                       const struct rig_point *pt)
{
    for (unsigned k = 0; k < EOL_CAL_POINTS; k++)
        if (u->cal_last[k].measured && same_point(&u->cal_pt[k], pt))
            return &u->cal_last[k];
    return NULL;
}

/* Gates of the units that have point pt and still need it measured;
 * returns how many. */
static unsigned plan_point(const struct eol_ctx *c, const struct rig_point *pt,
                           struct eol_point_buf *b)
{
    unsigned count = 0;
    for (unsigned i = 0; i < c->n; i++) {
        const struct eol_unit *u = &c->u[i];
        b->gates[i] = (struct rig_gate){0};
        if (!u->usable || from_calibration(u, pt))
            continue;
        for (unsigned k = 0; k < u->table.count; k++) {
            if (!same_point(&u->table.points[k].pt, pt))
                continue;
            double res = fmax(EOL_VERIFY_RESOLUTION_PER_MPE * u->table.points[k].mpe,
                              EOL_GATE_RESOLUTION);
            eol_plan_gate(u, eol_point_watts(pt), res, &b->gates[i], &b->k[i]);
            count++;
        }
    }
    return count;
}

/* Keep and record each unit's error at pt against its own limit there:
 * measured now (gates with pulses) or by the calibration. */
static void take_errors(struct eol_ctx *c, const struct rig_point *pt,
                        const struct eol_point_buf *b)
{
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        const struct rig_error *e = &b->err[i];
        const struct eol_point_result *cal = u->usable ? from_calibration(u, pt) : NULL;
        if (!b->gates[i].pulses && !cal)
            continue;
        for (unsigned k = 0; k < u->table.count; k++) {
            const struct rig_load_point *lp = &u->table.points[k];
            if (!same_point(&lp->pt, pt))
                continue;
            struct eol_point_result *pr = &u->verify[k];
            if (cal) {
                *pr = *cal;
            } else {
                *pr = (struct eol_point_result){
                    .measured = e->measured,
                    .error = e->error,
                    .gate_s = e->gate_s,
                    .pulses = b->gates[i].pulses,
                    .wh_per_pulse = b->gates[i].wh_per_pulse,
                    .output = b->gates[i].output,
                };
            }
            pr->ratio = pr->measured ? fabs(pr->error) / lp->mpe : INFINITY;
            char name[64];
            snprintf(name, sizeof name, "eol.verify.%s", lp->name);
            double lim = lp->mpe * 100.0;
            eol_record(c, u, name, pr->measured ? pr->error * 100.0 : NAN, "%", -lim, lim,
                       pr->measured && pr->ratio <= 1.0 ? "PASS" : "FAIL");
        }
    }
}

/*
 * A unit that reads right up to Iref and low only at high currents has an
 * AFE (or a sensor) that saturates below Imax: say so rather than "out of
 * limits at Imax".
 */
#define SATURATION_FROM_IMAX_FRACTION 0.5

static bool saturates(const struct eol_unit *u, unsigned worst_k)
{
    const struct rig_currents *cur = &u->table.currents;
    if (u->table.points[worst_k].pt.amps < SATURATION_FROM_IMAX_FRACTION * cur->imax ||
        u->verify[worst_k].error >= 0.0)
        return false;
    for (unsigned k = 0; k < u->table.count; k++)
        if (u->table.points[k].pt.amps <= cur->iref && u->verify[k].ratio > 1.0)
            return false;
    return true;
}

/* Each unit's verdict: every point measured and within its limit. */
static void judge(struct eol_ctx *c)
{
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (!u->usable)
            continue;
        u->verify_done = true;
        double worst = 0.0;
        int worst_k = -1;
        bool all = true;
        for (unsigned k = 0; k < u->table.count; k++) {
            const struct eol_point_result *pr = &u->verify[k];
            if (!pr->measured) {
                all = false;
                eol_fail_unit(u, "verification: no pulses at %s", u->table.points[k].name);
                worst = INFINITY;
            } else if (pr->ratio > worst) {
                worst = pr->ratio;
                worst_k = (int)k;
            }
        }
        u->res->worst_error_ratio = worst;
        u->res->verified = all && worst <= 1.0;
        if (all && worst > 1.0 && worst_k >= 0 && saturates(u, (unsigned)worst_k))
            eol_fail_unit(u, "current channel saturates: %+.2f %% at %s, within limits up to "
                             "Iref",
                          u->verify[worst_k].error * 100.0, u->table.points[worst_k].name);
        else if (all && worst > 1.0 && worst_k >= 0)
            eol_fail_unit(u, "verification: %+.3f %% at %s, limit +-%.1f %%",
                          u->verify[worst_k].error * 100.0, u->table.points[worst_k].name,
                          u->table.points[worst_k].mpe * 100.0);
        eol_record(c, u, "eol.verify.worst_error_ratio", worst, "", 0.0, 1.0,
                   u->res->verified ? "PASS" : "FAIL");
    }
}

int eol_verify_units(struct eol_ctx *c)
{
    struct eol_point_buf b;
    int rc = eol_point_buf_alloc(&b, c->n);
    struct vpoint *vp = calloc((size_t)c->n * RIG_LOAD_POINTS_MAX + 1, sizeof *vp);
    if (rc == 0 && !vp)
        rc = rig_error_set(-ENOMEM, "eol: out of memory");
    if (rc < 0)
        goto out;
    size_t nv = rack_points(c, vp);
    for (size_t j = 0; j < nv; j++) {
        if (plan_point(c, &vp[j].pt, &b) == 0) {
            take_errors(c, &vp[j].pt, &b); /* from the calibration, if any */
            fprintf(stderr, "eol: verify %zu/%zu %-18s %6.2f A %7.2f deg: from the calibration's "
                            "last pass\n",
                    j + 1, nv, vp[j].name, vp[j].pt.amps, vp[j].pt.phase_deg);
            continue;
        }
        char label[48];
        snprintf(label, sizeof label, "verify %zu/%zu %s", j + 1, nv, vp[j].name);
        if ((rc = eol_measure(c, &vp[j].pt, b.gates, b.k, b.err, label)) < 0) {
            rc = eol_abort_rack(c, rc);
            goto out;
        }
        take_errors(c, &vp[j].pt, &b);
    }
    judge(c);
out:
    rc = eol_end_phase(c, rc);
    eol_point_buf_free(&b);
    free(vp);
    return rc;
}

int rig_eol_verify(struct rig_bench *bench, struct rig_eol_result *results)
{
    struct eol_ctx c;
    int rc = eol_ctx_init(&c, bench, results);
    if (rc < 0)
        return rc;
    snprintf(c.profile, sizeof c.profile, "full");
    for (unsigned i = 0; i < c.n; i++) {
        results[i].verified = false;
        results[i].worst_error_ratio = 0.0;
        snprintf(results[i].profile, sizeof results[i].profile, "%s", c.profile);
    }
    eol_prepare(&c);
    eol_detect_endians(&c);
    eol_test_constant_on(&c);
    rc = eol_verify_units(&c);
    eol_test_constant_off(&c);
    eol_ctx_free(&c);
    return rc;
}
