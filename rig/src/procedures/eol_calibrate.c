/*
 * eol_calibrate.c — calibrating the rack (rig_eol_calibrate, rig/eol.h):
 * measure the calibration points, fit each unit's error model, write the
 * correction, measure again until within target or out of passes.
 *
 * The points: the three of eol_internal.h (Iref PF 1, Iref PF 0.5L, the
 * rack's low current PF 1), kept in the unit's cal_error for the report,
 * and a fourth, the rack's Itr at PF 0.5L, kept here: a current sensor
 * whose phase changes with current (a CT's magnetising current) cannot be
 * corrected from Iref alone, and Itr is the lowest current EN 50470-3
 * verifies at PF 0.5L.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/bench.h"
#include "rig/error.h"
#include "rig/modbus.h"
#include "rig/source.h"

/* Calibration points: the EOL's gate (eol_internal.h). */
#define EOL_CAL_RESOLUTION EOL_GATE_RESOLUTION
/* A calibrated unit is within a fifth of its class limit at the
 * calibration points. */
#define EOL_CAL_TARGET_FRACTION 0.2
/* The class C limit at Iref PF 1 (EN 50470-3), when a table has no row. */
#define EOL_CAL_FALLBACK_MPE 0.005
/* The points fitted (eol_internal.h): Iref PF 1, Iref PF 0.5L, Ilow PF 1,
 * Itr PF 0.5L. */
#define FIT_POINTS EOL_CAL_POINTS
#define FIT_ITR_PF05 3u
/* The firmware's slopes count decades of current below this (metrology.h,
 * METRO_SLOPE_REF_A: Iref of both connections, at the terminals). */
#define SLOPE_REF_A 5.0
#define SLOPE_MAX_DECADES 3.0
/* Fixed-point passes between the gain and phase slopes (each uses the
 * other's estimate); two reach 1e-6. */
#define SLOPE_FIT_ROUNDS 3

static const char *fit_point_name(unsigned k)
{
    return eol_cal_point_names[k];
}

static double point_error(const struct eol_ctx *c, const struct eol_unit *u, unsigned pass,
                          unsigned k)
{
    (void)c;
    return u->cal_error[pass][k];
}

/* Decades below Iref, as the firmware counts them. */
static double decades(double amps)
{
    double l = log10(amps / SLOPE_REF_A);
    return l > 0.0 ? 0.0 : l < -SLOPE_MAX_DECADES ? -SLOPE_MAX_DECADES : l;
}

static int write_cal(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    for (unsigned k = 0; k < FIT_POINTS; k++) /* measured with another calibration */
        u->cal_last[k].measured = false;
    int rc = rig_factory_unlock(u->m);
    return rc < 0 ? rc : rig_factory_write_cal(u->m, &u->cal);
}

static int save_cal(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    int rc = rig_factory_unlock(u->m);
    return rc < 0 ? rc : rig_factory_save(u->m);
}

static int read_runtime(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    u->v_reg = 0.0;
    if (!u->model.rs485)
        return 0;
    struct rig_runtime rt;
    int rc = rig_meter_read_runtime(u->m, &rt);
    if (rc == 0)
        u->v_reg = rt.voltage;
    return rc;
}

/* Is the fitted value inside the factory block's adjustment range? */
static bool adjustable(struct eol_unit *u, enum med2_factory_id id, double v)
{
    double lo, hi;
    rig_factory_range(id, &lo, &hi, NULL);
    if (v >= lo && v <= hi)
        return true;
    eol_fail_unit(u, "needs %s = %.4f, outside the adjustment range %g..%g: not adjustable",
                  rig_factory_name(id), v, lo, hi);
    return false;
}

/*
 * The new calibration of u from the errors of one pass (see rig/eol.h).
 * The model of what is left: the gain G and extra lag eps at Iref, and
 * below Iref a gain and a lag that change per decade of current (L =
 * log10(I / Iref) <= 0), as a current sensor's magnetising current makes
 * them (a CT reads lower and leads more at low current):
 *     1 + e = G (1 + sg L) cos(phi + eps + sp L) / cos(phi).
 * Iref PF 1 and 0.5L give G and eps as before; the low current at PF 1
 * gives sg, Itr at PF 0.5L sp (each with the other's estimate, a few
 * rounds). The firmware applies the same law (metrology.h), so the
 * correction composes: I gain / G, phase + eps, gain slope - sg, phase
 * slope + sp. The current offset is kept (scaled with the gain): a fixed
 * deficit in amps is what the gain slope now takes, for every power factor.
 */
static int adjust(const struct eol_ctx *c, struct eol_unit *u, unsigned pass,
                  const struct rig_point pts[FIT_POINTS], double volts_src)
{
    const double deg = M_PI / 180.0;
    double e[FIT_POINTS];
    for (unsigned k = 0; k < FIT_POINTS; k++)
        e[k] = point_error(c, u, pass, k);
    if (!(pts[0].amps > 0 && pts[2].amps > 0 && pts[FIT_ITR_PF05].amps > 0) ||
        !(1.0 + e[0] > 0.0) || !(1.0 + e[1] > 0.0))
        return -EINVAL;
    double r = (1.0 + e[1]) / (1.0 + e[0]);        /* cos(60 + eps) / (cos 60 cos eps) */
    double eps = atan((1.0 - r) / sqrt(3.0));       /* extra lag at Iref, rad */
    double g = (1.0 + e[0]) / cos(eps);
    double l_low = decades(pts[2].amps), l_itr = decades(pts[FIT_ITR_PF05].amps);
    double sg = 0.0, sp = 0.0;
    for (int round = 0; round < SLOPE_FIT_ROUNDS; round++) {
        if (l_low < 0.0)
            sg = ((1.0 + e[2]) / (g * cos(eps + sp * l_low)) - 1.0) / l_low;
        if (l_itr < 0.0) {
            double cphi = cos(60.0 * deg) * (1.0 + e[FIT_ITR_PF05]) / (g * (1.0 + sg * l_itr));
            if (!(cphi > -1.0 && cphi < 1.0))
                return -EINVAL;
            double eps_itr = acos(cphi) - 60.0 * deg; /* extra lag at Itr */
            sp = (eps_itr - eps) / l_itr;
        }
    }
    double fv = u->v_reg > 0.0 && volts_src > 0.0 ? volts_src / u->v_reg : 1.0;
    double gi = g * fv; /* what is left of the current's gain once V is right */
    struct rig_factory_cal n = u->cal;
    n.v_gain = u->cal.v_gain * fv;
    n.i_gain = u->cal.i_gain / gi;
    n.phase_deg = u->cal.phase_deg + eps / deg;
    n.i_gain_slope = u->cal.i_gain_slope - sg;
    n.phase_slope = u->cal.phase_slope + sp / deg;
    /* I = I_GAIN x I_measured - I_OFFSET: keep the offset in true amps */
    n.i_offset = u->cal.i_offset / gi;
    if (!adjustable(u, MED2_FACTORY_V_GAIN, n.v_gain) ||
        !adjustable(u, MED2_FACTORY_I_GAIN, n.i_gain) ||
        !adjustable(u, MED2_FACTORY_PHASE_DEG, n.phase_deg) ||
        !adjustable(u, MED2_FACTORY_I_OFFSET, n.i_offset) ||
        !adjustable(u, MED2_FACTORY_I_GAIN_SLOPE, n.i_gain_slope) ||
        !adjustable(u, MED2_FACTORY_PHASE_SLOPE, n.phase_slope))
        return -ERANGE;
    u->cal = n;
    return 0;
}

static double cal_target(const struct eol_unit *u, const struct rig_point *pt)
{
    double mpe = EOL_CAL_FALLBACK_MPE;
    if (rig_loadpoints_mpe(u->pos->model, RIG_ENERGY_ACTIVE, pt->amps, pt->phase_deg, &mpe) < 0)
        mpe = EOL_CAL_FALLBACK_MPE;
    return EOL_CAL_TARGET_FRACTION * mpe;
}

/* The rack's points: Iref at PF 1 and 0.5L, the highest Imin of the rack
 * at PF 1 and its highest Itr at PF 0.5L (so each is inside every unit's
 * table). false: no unit. */
static bool rack_points(const struct eol_ctx *c, struct rig_point pts[FIT_POINTS])
{
    bool any = false;
    for (unsigned i = 0; i < c->n; i++) {
        const struct eol_unit *u = &c->u[i];
        if (!eol_pick_active(u))
            continue;
        const struct rig_currents *cur = &u->table.currents;
        if (!any) {
            pts[0] = (struct rig_point){cur->un, cur->iref, 0.0, cur->fn};
            pts[1] = (struct rig_point){cur->un, cur->iref, 60.0, cur->fn};
            pts[2] = (struct rig_point){cur->un, cur->imin, 0.0, cur->fn};
            pts[FIT_ITR_PF05] = (struct rig_point){cur->un, cur->itr, 60.0, cur->fn};
            any = true;
        }
        pts[2].amps = fmax(pts[2].amps, cur->imin);
        pts[FIT_ITR_PF05].amps = fmax(pts[FIT_ITR_PF05].amps, cur->itr);
    }
    return any;
}

/* Keep and record what point k of pass measured on each unit. */
static void take_errors(struct eol_ctx *c, unsigned pass, unsigned k,
                        const struct rig_point *pt, const struct eol_point_buf *b)
{
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (!eol_pick_active(u))
            continue;
        const struct rig_error *e = &b->err[i];
        if (!e->measured) {
            u->cal_active = false;
            eol_fail_unit(u, "calibration: no %u pulses on output %u at %s within %.0f s",
                          b->gates[i].pulses + 1, b->gates[i].output, fit_point_name(k),
                          b->gates[i].timeout_s);
            continue;
        }
        u->cal_error[pass][k] = e->error;
        u->cal_error_valid[pass][k] = true;
        u->cal_pt[k] = *pt;
        u->cal_last[k] = (struct eol_point_result){
            .measured = true,
            .error = e->error,
            .gate_s = e->gate_s,
            .pulses = b->gates[i].pulses,
            .wh_per_pulse = b->gates[i].wh_per_pulse,
            .output = b->gates[i].output,
        };
        char name[64];
        snprintf(name, sizeof name, "eol.cal.pass%u.%s", pass + 1, fit_point_name(k));
        double t = cal_target(u, pt) * 100.0;
        const char *verdict = pass == 0 ? "INFO" : fabs(e->error) * 100.0 <= t ? "PASS" : "FAIL";
        eol_record(c, u, name, e->error * 100.0, "%", -t, t, verdict);
    }
}

/* Measure the calibration points of one pass on the active units. */
static int measure_pass(struct eol_ctx *c, unsigned pass, const struct rig_point *pts,
                        struct eol_point_buf *b)
{
    for (unsigned k = 0; k < FIT_POINTS; k++) {
        for (unsigned i = 0; i < c->n; i++) {
            b->gates[i] = (struct rig_gate){0};
            if (eol_pick_active(&c->u[i]))
                eol_plan_gate(&c->u[i], eol_point_watts(&pts[k]), EOL_CAL_RESOLUTION,
                              &b->gates[i], &b->k[i]);
        }
        char label[48];
        snprintf(label, sizeof label, "calibrate %u/%u %s", pass + 1, EOL_CAL_PASSES,
                 fit_point_name(k));
        int rc = eol_measure(c, &pts[k], b->gates, b->k, b->err, label);
        if (rc < 0)
            return rc;
        if (k == 0) {
            /* the voltage's gain: the source's voltage against the unit's register */
            if ((rc = rig_source_measure(rig_bench_source(c->bench), "MEAS:VOLT?",
                                         &c->src_volts)) < 0)
                return rc;
            eol_for_units(c, eol_pick_active, read_runtime, NULL, "reading the voltage register",
                          NULL);
        }
        take_errors(c, pass, k, &pts[k], b);
    }
    return 0;
}

/* After a pass: a unit within target is done, one out of passes failed,
 * the rest adjusted for the next pass. */
static void review_pass(struct eol_ctx *c, unsigned pass, const struct rig_point *pts)
{
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (!eol_pick_active(u))
            continue;
        bool within = pass > 0;
        for (unsigned k = 0; k < FIT_POINTS && within; k++)
            within = fabs(point_error(c, u, pass, k)) <= cal_target(u, &pts[k]);
        if (within) {
            u->cal_active = false;
            u->res->calibrated = true;
        } else if (pass == EOL_CAL_PASSES - 1) {
            u->cal_active = false;
            unsigned worst = 0;
            for (unsigned k = 1; k < FIT_POINTS; k++)
                if (fabs(point_error(c, u, pass, k)) > fabs(point_error(c, u, pass, worst)))
                    worst = k;
            eol_fail_unit(u, "not calibrated: %+.3f %% at %s after %u adjustments",
                          point_error(c, u, pass, worst) * 100.0, fit_point_name(worst),
                          EOL_CAL_PASSES - 1);
        } else if (adjust(c, u, pass, pts, c->src_volts) < 0) {
            u->cal_active = false;
        }
    }
}

/* Save what reached the target; record and report what was written. */
static void persist(struct eol_ctx *c)
{
    int *rcs = calloc(c->n ? c->n : 1, sizeof *rcs);
    for (unsigned i = 0; i < c->n; i++)
        c->u[i].cal_active = c->u[i].usable && c->u[i].res->calibrated;
    eol_for_units(c, eol_pick_active, save_cal, NULL, "saving the calibration", rcs);
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        struct rig_eol_result *r = u->res;
        if (!rcs || rcs[i] < 0)
            r->calibrated = false;
        if (!u->pos || u->sealed_before)
            continue;
        eol_result_take_cal(r, &u->cal);
        if (!r->calibrated)
            continue;
        eol_record(c, u, "eol.cal.v_gain", r->v_gain, "", 0.85, 1.15, "PASS");
        eol_record(c, u, "eol.cal.i_gain", r->i_gain, "", 0.85, 1.15, "PASS");
        eol_record(c, u, "eol.cal.phase", r->phase_deg, "deg", -3, 3, "PASS");
        eol_record(c, u, "eol.cal.i_offset", r->i_offset, "A", -0.05, 0.05, "PASS");
        eol_record(c, u, "eol.cal.p_offset", r->p_offset, "W", -2, 2, "PASS");
        eol_record(c, u, "eol.cal.i_gain_slope", u->cal.i_gain_slope, "1/decade", -0.01, 0.01,
                   "PASS");
        eol_record(c, u, "eol.cal.phase_slope", u->cal.phase_slope, "deg/decade", -1, 1, "PASS");
    }
    free(rcs);
}

int eol_calibrate_units(struct eol_ctx *c)
{
    struct eol_point_buf b;
    struct rig_point pts[FIT_POINTS];
    int rc = eol_point_buf_alloc(&b, c->n);
    if (rc < 0 || !rack_points(c, pts))
        goto out;
    /* Every unit starts from the identity calibration. */
    for (unsigned i = 0; i < c->n; i++)
        c->u[i].cal = rig_factory_cal_identity();
    eol_for_units(c, eol_pick_active, write_cal, NULL, "writing the identity calibration", NULL);
    for (unsigned pass = 0; pass < EOL_CAL_PASSES; pass++) {
        bool pending = false;
        for (unsigned i = 0; i < c->n; i++)
            pending |= eol_pick_active(&c->u[i]);
        if (!pending)
            break;
        if ((rc = measure_pass(c, pass, pts, &b)) < 0) {
            rc = eol_abort_rack(c, rc);
            goto out;
        }
        review_pass(c, pass, pts);
        eol_for_units(c, eol_pick_active, write_cal, NULL, "writing the calibration", NULL);
    }
    persist(c);
out:
    rc = eol_end_phase(c, rc);
    eol_point_buf_free(&b);
    return rc;
}

int rig_eol_calibrate(struct rig_bench *bench, struct rig_eol_result *results)
{
    struct eol_ctx c;
    for (unsigned i = 0; i < rig_bench_position_count(bench); i++)
        results[i] = (struct rig_eol_result){0};
    int rc = eol_ctx_init(&c, bench, results);
    if (rc < 0)
        return rc;
    eol_prepare(&c);
    eol_find_sealed(&c);
    eol_test_constant_on(&c);
    rc = eol_calibrate_units(&c);
    eol_test_constant_off(&c); /* the caller measures at the legal constant */
    eol_ctx_free(&c);
    return rc;
}
