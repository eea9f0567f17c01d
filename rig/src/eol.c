/*
 * eol.c — the factory end-of-line procedure (rig/eol.h): flash, calibrate,
 * verify, identify, seal a rack; the reports are in eol_report.c.
 *
 * Positions share the source, so every measurement gates all of them at
 * once (rig_measure_point); what is per unit (Modbus to its own line) runs
 * in one thread per position, so a 20-position rack costs the time of one.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eol_internal.h"
#include "error_internal.h"
#include "rig/bench.h"
#include "rig/error.h"
#include "rig/flash.h"
#include "rig/modbus.h"
#include "rig/records.h"
#include "rig/regmap.h"
#include "rig/simbench.h"
#include "rig/source.h"

/* Time after applying a point before the gate opens: the meter publishes a
 * new power after one window (~10 mains cycles, 0.2 s); a real source
 * settles its amplitude and phase within about a second. */
#define EOL_SETTLE_S 1.0
/* The meter places each pulse edge on one of its 4 kHz AFE samples, so an
 * edge time is uncertain by one sample: a gate of T seconds resolves
 * 2 x 250 us / T. */
#define EOL_EDGE_JITTER_S 250e-6
/* Calibration points are resolved to 1e-4 (a gate of 5 s). */
#define EOL_CAL_RESOLUTION 1e-4
/* Verification points are resolved to a fiftieth of their limit. */
#define EOL_VERIFY_RESOLUTION_PER_MPE 0.02
/* Output 2 runs at most this fast (its 50 ms pulse plus the 30 ms minimum
 * pause would allow 12.5/s, docs/metering.md). */
#define EOL_MAX_PULSE_RATE 4.0
/* After output 2 is set: one pulse and its pause (2500 ms at most, 50 ms as
 * the EOL sets it, + 30 ms) may still be under way. */
#define EOL_RECONFIGURE_S 0.2
#define EOL_PULSE2_DURATION_MS 50u
/* Output 2's defaults (manual §5 registers 726-734, DESIGN.md): import
 * reactive, 1 x 1 varh, 100 ms — what a unit ships with. */
#define PULSE2_DEFAULT_SOURCE 3u
#define PULSE2_DEFAULT_ENERGY 1u
#define PULSE2_DEFAULT_MULTIPLIER 3u
#define PULSE2_DEFAULT_DURATION 100u
#define PULSE2_SOURCE_IMPORT_ACTIVE 1u
/* A calibrated unit is within a fifth of its class limit at the
 * calibration points. */
#define EOL_CAL_TARGET_FRACTION 0.2
/* How long a position may take to answer before the run decides it is not
 * there (or sealed without RS485). */
#define EOL_PROBE_TIMEOUT_MS 300
#define EOL_HW_VERSION 1u

static const char *const cal_point_names[EOL_CAL_POINTS] = {"Iref PF 1", "Iref PF 0.5L",
                                                             "Ilow PF 1"};

/* ---- records ---- */

static void record(struct eol_ctx *c, const struct eol_unit *u, const char *name, double value,
                   const char *unit, double lo, double hi, const char *verdict)
{
    if (!c->rec)
        return;
    struct rig_record r = {.name = name, .value = value, .unit = unit, .lo = lo, .hi = hi,
                           .verdict = verdict, .position = u ? u->position : 0,
                           .serial = u && u->pos ? u->pos->serial : NULL,
                           .firmware = c->firmware};
    if (rig_record_measurement(c->rec, &r) < 0)
        fprintf(stderr, "eol: %s\n", rig_last_error());
}

static void fail_unit(struct eol_unit *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_unit(struct eol_unit *u, const char *fmt, ...)
{
    if (u->res->reason[0])
        return; /* keep the first reason: it is the cause */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->res->reason, sizeof u->res->reason, fmt, ap);
    va_end(ap);
}

/* ---- per-unit work in parallel ---- */

typedef int (*unit_fn)(struct eol_ctx *c, struct eol_unit *u, void *arg);

struct job {
    struct eol_ctx *c;
    struct eol_unit *u;
    unit_fn fn;
    void *arg;
    int rc;
};

static void *job_main(void *p)
{
    struct job *j = p;
    j->rc = j->fn(j->c, j->u, j->arg);
    if (j->rc < 0)
        snprintf(j->u->err, sizeof j->u->err, "%s", rig_last_error());
    return NULL;
}

/* Run fn on every unit for which pick says so, one thread each; units
 * whose fn fails keep the message in u->err and get rc < 0 in rcs. */
static void for_units(struct eol_ctx *c, bool (*pick)(const struct eol_unit *), unit_fn fn,
                      void *arg, int *rcs)
{
    struct job *jobs = calloc(c->n, sizeof *jobs);
    pthread_t *th = calloc(c->n, sizeof *th);
    bool *started = calloc(c->n, sizeof *started);
    for (unsigned i = 0; i < c->n; i++) {
        rcs[i] = 0;
        if (!pick(&c->u[i]))
            continue;
        jobs[i] = (struct job){c, &c->u[i], fn, arg, 0};
        if (!jobs || !th || !started || pthread_create(&th[i], NULL, job_main, &jobs[i]) != 0) {
            job_main(&jobs[i]); /* no thread: do it here */
            rcs[i] = jobs[i].rc;
            continue;
        }
        started[i] = true;
    }
    for (unsigned i = 0; i < c->n; i++) {
        if (started && started[i]) {
            pthread_join(th[i], NULL);
            rcs[i] = jobs[i].rc;
        }
    }
    free(jobs);
    free(th);
    free(started);
}

static bool pick_usable(const struct eol_unit *u)
{
    return u->usable;
}

static bool pick_cal(const struct eol_unit *u)
{
    return u->usable && u->cal_active;
}

static bool pick_adjustable(const struct eol_unit *u)
{
    return u->usable && u->model.pulse2_adjustable;
}

/* ---- pulse output 2 ---- */

/* Write output 2's four settings (726-734) in one request and save. */
static int set_pulse2(struct eol_unit *u, unsigned source, unsigned energy, unsigned mult,
                      unsigned duration)
{
    if (u->p2_source == source && u->p2_energy == energy && u->p2_multiplier == mult &&
        u->p2_duration == duration)
        return 0;
    enum rig_endian en = rig_meter_endian(u->m);
    const double v[5] = {source, 0 /* mode: energy */, energy, mult, duration};
    uint16_t w[10];
    for (int k = 0; k < 5; k++)
        rig_encode_value(MED2_T_U32, v[k], en, &w[2 * k]);
    int rc;
    u->p2_source = 0; /* unknown until saved */
    if ((rc = rig_meter_unlock(u->m, NULL)) < 0 ||
        (rc = rig_meter_write_registers(u->m, 726, 10, w)) < 0 || (rc = rig_meter_save(u->m)) < 0)
        return rig_error_prefix(rc, "setting pulse output 2");
    u->p2_source = source;
    u->p2_energy = energy;
    u->p2_multiplier = mult;
    u->p2_duration = duration;
    return 0;
}

static int restore_pulse2(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    return set_pulse2(u, PULSE2_DEFAULT_SOURCE, PULSE2_DEFAULT_ENERGY, PULSE2_DEFAULT_MULTIPLIER,
                      PULSE2_DEFAULT_DURATION);
}

/*
 * The gate of one unit at a point of power watts, for a resolution (relative):
 * the finest output 2 constant (energy 1..9 x multiplier 10^-3..10^3 Wh)
 * that keeps the rate at or below EOL_MAX_PULSE_RATE, and enough pulses for
 * a gate of 2 x jitter / resolution; output 1 at 1 Wh where output 2 cannot
 * be set.
 */
static void plan_gate(const struct eol_unit *u, double watts, double resolution,
                      struct rig_gate *g, unsigned *energy, unsigned *mult)
{
    double k = 1.0;
    *energy = 0;
    *mult = 0;
    g->output = 1;
    if (u->model.pulse2_adjustable) {
        double need = watts / 3600.0 / EOL_MAX_PULSE_RATE;
        bool found = false;
        for (unsigned m = 0; m <= 6 && !found; m++) {
            for (unsigned e = 1; e <= 9; e++) {
                double kk = e * pow(10.0, (double)m - 3.0);
                if (kk >= need * (1.0 - 1e-12)) {
                    k = kk;
                    *energy = e;
                    *mult = m;
                    found = true;
                    break;
                }
            }
        }
        if (found)
            g->output = 2;
        else
            k = 1.0;
    }
    double rate = watts > 0.0 ? watts / 3600.0 / k : 0.0;
    double gate_s = 2.0 * EOL_EDGE_JITTER_S / resolution;
    unsigned n = rate > 0.0 ? (unsigned)ceil(gate_s * rate) : 1;
    g->kind = RIG_ENERGY_ACTIVE;
    g->wh_per_pulse = k;
    g->pulses = n < 1 ? 1 : n;
    g->settle_s = EOL_SETTLE_S;
    /* an uncalibrated unit may be 10 % slow; the first edge may take a period */
    g->timeout_s = rate > 0.0 ? (g->pulses + 2) / rate * 1.5 + 2.0 : 10.0;
}

struct point_job {
    const struct rig_gate *gates;
    const unsigned *energy, *mult;
};

static int configure_for_point(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    const struct point_job *pj = arg;
    unsigned i = (unsigned)(u - c->u);
    if (pj->gates[i].pulses == 0 || pj->gates[i].output != 2)
        return 0;
    return set_pulse2(u, PULSE2_SOURCE_IMPORT_ACTIVE, pj->energy[i], pj->mult[i],
                      EOL_PULSE2_DURATION_MS);
}

/* Drop units whose per-unit step failed; name the failure in their result. */
static void drop_failed(struct eol_ctx *c, const int *rcs, const char *step)
{
    for (unsigned i = 0; i < c->n; i++) {
        if (rcs[i] < 0) {
            c->u[i].usable = false;
            c->u[i].cal_active = false;
            fail_unit(&c->u[i], "%s: %s", step, c->u[i].err);
        }
    }
}

/* The rack cannot go on: switch off, say why on every position. */
static int abort_rack(struct eol_ctx *c, int rc)
{
    char why[200];
    snprintf(why, sizeof why, "%s", rig_last_error());
    struct rig_source *src = rig_bench_source(c->bench);
    if (src && rig_source_output(src, false) < 0)
        fprintf(stderr, "eol: could not switch the source off: %s\n", rig_last_error());
    c->aborted = true;
    snprintf(c->abort_reason, sizeof c->abort_reason, "%s", why);
    for (unsigned i = 0; i < c->n; i++) {
        c->u[i].res->reason[0] = '\0';
        fail_unit(&c->u[i], "rack aborted, source switched off: %s", why);
        c->u[i].res->pass = false;
    }
    fprintf(stderr, "eol: rack aborted, source switched off: %s\n", why);
    rig_error_set(rc, "EOL aborted (source switched off): %s", why);
    return rc;
}

/*
 * Measure one point on the units that have gates (pulses > 0). The point is
 * applied and settled first, and only then is output 2 set to the point's
 * constant: set before, the last window of the previous (maybe 300 times
 * larger) power would be counted in the new, fine constant and queue
 * hundreds of pulses. After setting it the gate waits out one pulse and
 * pause, so no pulse of the old constant is counted. out[i] filled.
 */
static int measure(struct eol_ctx *c, const struct rig_point *pt, struct rig_gate *gates,
                   unsigned *energy, unsigned *mult, struct rig_error *out, const char *label)
{
    struct rig_source *src = rig_bench_source(c->bench);
    if (!src)
        return -ENODEV;
    double t0 = 0.0, t1 = 0.0;
    int rc;
    /* The source first: a source that stopped answering is found before
     * anything waits on the bench. */
    if ((rc = rig_source_set(src, pt->volts, pt->amps, pt->phase_deg,
                             pt->freq_hz > 0 ? pt->freq_hz : 50.0)) < 0 ||
        (rc = rig_source_output(src, true)) < 0)
        return rc;
    if ((rc = rig_bench_time(c->bench, &t0)) < 0)
        return rc;
    if (isnan(c->t_start))
        c->t_start = t0;
    if ((rc = rig_sleep(c->bench, EOL_SETTLE_S)) < 0)
        return rc;
    int *rcs = calloc(c->n, sizeof *rcs);
    if (!rcs)
        return rig_error_set(-ENOMEM, "eol: out of memory");
    struct point_job pj = {gates, energy, mult};
    for_units(c, pick_adjustable, configure_for_point, &pj, rcs);
    drop_failed(c, rcs, "pulse output 2");
    free(rcs);
    unsigned count = 0;
    for (unsigned i = 0; i < c->n; i++) {
        if (!c->u[i].usable)
            gates[i].pulses = 0;
        if (gates[i].pulses)
            count++;
        gates[i].settle_s = EOL_RECONFIGURE_S;
    }
    if ((rc = rig_measure_point(c->bench, pt, gates, out)) < 0)
        return rc;
    rig_bench_time(c->bench, &t1);
    fprintf(stderr, "eol: %-26s %6.2f A %7.2f deg: %u position%s, %.1f s (t = %.0f s)\n",
            label, pt->amps, pt->phase_deg, count, count == 1 ? "" : "s", t1 - t0,
            t1 - c->t_start);
    return 0;
}

/* ---- preparing units ---- */

static int probe_unit(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    uint32_t st = 0;
    if (!u->model.rs485)
        rig_meter_set_timeout(u->m, EOL_PROBE_TIMEOUT_MS);
    int rc = rig_factory_status(u->m, &st);
    rig_meter_set_timeout(u->m, 0);
    if (rc == -ETIMEDOUT && !u->model.rs485)
        return rig_error_set(rc, "the factory port is silent: the unit is sealed (a sealed unit "
                                 "without RS485 answers nothing) or not connected");
    if (rc < 0)
        return rc;
    u->sealed_before = (st & MED2_FACTORY_SEALED) != 0;
    return 0;
}

/* Find each position's factory client, model and table. */
static int prepare(struct eol_ctx *c)
{
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (!u->pos)
            continue;
        if (rig_model_info(u->pos->model, &u->model) < 0 ||
            rig_loadpoints_active(u->pos->model, &u->table) < 0) {
            fail_unit(u, "%s", rig_last_error());
            u->usable = false;
            continue;
        }
        u->m = rig_bench_factory(c->bench, u->position);
        if (!u->m) {
            fail_unit(u, "%s", rig_last_error());
            u->usable = false;
            continue;
        }
        enum med2_map map;
        u->has_clock = rig_meter_map(u->m, &map) == 0 &&
                       rig_reg_address(map, MED2_REG_DAY) >= 0;
        u->p2_source = 0;
    }
    return 0;
}

static int detect_endian(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    if (!u->model.rs485)
        return 0;
    int rc = rig_meter_detect_endian(u->m);
    return rc < 0 ? rc : 0;
}

/* Status of every usable unit; sealed ones leave calibration. */
static void find_sealed(struct eol_ctx *c)
{
    int *rcs = calloc(c->n, sizeof *rcs);
    for_units(c, pick_usable, probe_unit, NULL, rcs);
    drop_failed(c, rcs, "reading the factory status");
    for_units(c, pick_usable, detect_endian, NULL, rcs);
    drop_failed(c, rcs, "reading the byte order (708)");
    free(rcs);
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (u->usable && u->sealed_before) {
            u->res->sealed = true;
            u->cal_active = false;
            fail_unit(u, "sealed before this run: never recalibrated");
            /* what it carries (reads stay allowed on a sealed unit) */
            struct rig_factory_cal cal;
            if (rig_factory_read_cal(u->m, &cal) == 0) {
                u->res->v_gain = cal.v_gain;
                u->res->i_gain = cal.i_gain;
                u->res->phase_deg = cal.phase_deg;
                u->res->v_offset = cal.v_offset;
                u->res->i_offset = cal.i_offset;
                u->res->p_offset = cal.p_offset;
            }
        }
    }
}

static void init_ctx(struct eol_ctx *c, struct rig_bench *bench)
{
    memset(c, 0, sizeof *c);
    c->bench = bench;
    c->n = rig_bench_position_count(bench);
    c->rec = rig_bench_records(bench);
    c->t_start = NAN;
    snprintf(c->firmware, sizeof c->firmware, "unknown");
    snprintf(c->bench_name, sizeof c->bench_name, "%s", rig_bench_name(bench));
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(c->started, sizeof c->started, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int alloc_units(struct eol_ctx *c, struct rig_eol_result *results)
{
    c->u = calloc(c->n ? c->n : 1, sizeof *c->u);
    if (!c->u)
        return rig_error_set(-ENOMEM, "eol: out of memory");
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        u->position = i + 1;
        u->pos = rig_bench_position(c->bench, i + 1);
        u->res = &results[i];
        u->usable = u->pos != NULL;
        u->cal_active = true;
        u->cal = rig_factory_cal_identity();
    }
    return 0;
}

/* The end of a measuring phase, however it ended: unless the rack was
 * aborted (the source is already off then), pulse output 2 back to its
 * defaults and the source off. Returns rc, or the error of switching off. */
static int end_phase(struct eol_ctx *c, int *rcs, int rc)
{
    if (c->aborted)
        return rc;
    for_units(c, pick_adjustable, restore_pulse2, NULL, rcs);
    drop_failed(c, rcs, "restoring pulse output 2");
    struct rig_source *src = rig_bench_source(c->bench);
    int off = src ? rig_source_output(src, false) : -ENODEV;
    if (off < 0 && rc == 0)
        rc = abort_rack(c, off);
    return rc;
}

/* ---- calibration ---- */

static int write_cal(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    int rc = rig_factory_unlock(u->m);
    if (rc == 0)
        rc = rig_factory_write_cal(u->m, &u->cal);
    return rc;
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

static int save_cal(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    int rc = rig_factory_unlock(u->m);
    return rc < 0 ? rc : rig_factory_save(u->m);
}

/*
 * The new calibration of u from the errors of one pass (see rig/eol.h).
 * The model: the current sensor reads a fixed amount d low at every load
 * (the low-current nonlinearity) on top of the gain G and the current's
 * extra lag eps, so at a point of current I and lag phi
 *     1 + e = G (1 - d / I) cos(phi + eps) / cos(phi).
 * The two PF 1 points (Iref, Imin) give d and G cos(eps); Iref at PF 0.5L
 * then gives eps. d goes to I_OFFSET, which the firmware applies to the
 * current's amplitude and so to active and reactive power alike
 * (docs/factory.md); a power offset would correct active energy at PF 1
 * only and over-correct it at PF 0.5.
 */
static int adjust(struct eol_unit *u, const double e[EOL_CAL_POINTS],
                  const struct rig_point pts[EOL_CAL_POINTS], double volts_src)
{
    const double a = e[0], b60 = e[1], low = e[2];
    const double ia = pts[0].amps, ib = pts[1].amps, il = pts[2].amps;
    double den = (1.0 + low) / ia - (1.0 + a) / il;
    if (!(ia > 0 && ib > 0 && il > 0) || fabs(den) < 1e-12)
        return -EINVAL;
    double d = (low - a) / den;                     /* A the sensor still reads low */
    double gc = (1.0 + a) / (1.0 - d / ia);          /* G cos(eps) */
    double r = (1.0 + b60) / (gc * (1.0 - d / ib)); /* cos(60 + eps) / (cos 60 cos eps) */
    double eps = atan((1.0 - r) / sqrt(3.0));       /* extra lag of the current, rad */
    double g = gc / cos(eps);
    double fv = u->v_reg > 0.0 && volts_src > 0.0 ? volts_src / u->v_reg : 1.0;
    double gi = g * fv; /* what is left of the current's gain once V is right */
    struct rig_factory_cal n = u->cal;
    n.v_gain = u->cal.v_gain * fv;
    n.i_gain = u->cal.i_gain / gi;
    n.phase_deg = u->cal.phase_deg + eps * 180.0 / M_PI;
    /* I = I_GAIN x I_measured - I_OFFSET must become the true current */
    n.i_offset = u->cal.i_offset / gi - d;
    /* the voltage's rms offset: the firmware removes the AFE's DC offsets by
     * tracking them, and the noise floor is far below the registers'
     * resolution */
    const struct {
        enum med2_factory_id id;
        double v;
    } chk[] = {{MED2_FACTORY_V_GAIN, n.v_gain},
               {MED2_FACTORY_I_GAIN, n.i_gain},
               {MED2_FACTORY_PHASE_DEG, n.phase_deg},
               {MED2_FACTORY_I_OFFSET, n.i_offset}};
    for (size_t k = 0; k < sizeof chk / sizeof chk[0]; k++) {
        double lo, hi;
        rig_factory_range(chk[k].id, &lo, &hi, NULL);
        if (!(chk[k].v >= lo && chk[k].v <= hi)) {
            fail_unit(u, "needs %s = %.4f, outside the adjustment range %g..%g: not adjustable",
                      rig_factory_name(chk[k].id), chk[k].v, lo, hi);
            return -ERANGE;
        }
    }
    u->cal = n;
    return 0;
}

static double cal_target(const struct eol_unit *u, const struct rig_point *pt)
{
    double mpe = 0.005;
    if (rig_loadpoints_mpe(u->pos->model, RIG_ENERGY_ACTIVE, pt->amps, pt->phase_deg, &mpe) < 0)
        mpe = 0.005;
    return EOL_CAL_TARGET_FRACTION * mpe;
}

static int calibrate_units(struct eol_ctx *c)
{
    int rc = 0;
    int *rcs = calloc(c->n, sizeof *rcs);
    struct rig_gate *g = calloc(c->n, sizeof *g);
    struct rig_error *err = calloc(c->n, sizeof *err);
    unsigned *energy = calloc(c->n, sizeof *energy), *mult = calloc(c->n, sizeof *mult);
    if (!rcs || !g || !err || !energy || !mult) {
        rc = rig_error_set(-ENOMEM, "eol: out of memory");
        goto out;
    }

    /* The rack's points: Iref at PF 1 and 0.5L, and the highest Imin of
     * the rack at PF 1 (so it is inside every unit's table). */
    struct rig_point pts[EOL_CAL_POINTS];
    bool any = false;
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (!pick_cal(u))
            continue;
        const struct rig_currents *cur = &u->table.currents;
        if (!any) {
            pts[0] = (struct rig_point){cur->un, cur->iref, 0.0, cur->fn};
            pts[1] = (struct rig_point){cur->un, cur->iref, 60.0, cur->fn};
            pts[2] = (struct rig_point){cur->un, cur->imin, 0.0, cur->fn};
            any = true;
        }
        pts[2].amps = fmax(pts[2].amps, cur->imin);
    }
    if (!any)
        goto out;

    /* Every unit starts from the identity calibration. */
    for (unsigned i = 0; i < c->n; i++)
        c->u[i].cal = rig_factory_cal_identity();
    for_units(c, pick_cal, write_cal, NULL, rcs);
    drop_failed(c, rcs, "writing the identity calibration");

    for (unsigned pass = 0; pass < EOL_CAL_PASSES; pass++) {
        bool pending = false;
        for (unsigned i = 0; i < c->n; i++)
            pending |= pick_cal(&c->u[i]);
        if (!pending)
            break;
        for (unsigned k = 0; k < EOL_CAL_POINTS; k++) {
            double watts = pts[k].volts * pts[k].amps * cos(pts[k].phase_deg * M_PI / 180.0);
            for (unsigned i = 0; i < c->n; i++) {
                g[i] = (struct rig_gate){0};
                if (pick_cal(&c->u[i]))
                    plan_gate(&c->u[i], watts, EOL_CAL_RESOLUTION, &g[i], &energy[i], &mult[i]);
            }
            char label[48];
            snprintf(label, sizeof label, "calibrate %u/%u %s", pass + 1, EOL_CAL_PASSES,
                     cal_point_names[k]);
            if ((rc = measure(c, &pts[k], g, energy, mult, err, label)) < 0) {
                rc = abort_rack(c, rc);
                goto out;
            }
            if (k == 0) {
                struct rig_source *src = rig_bench_source(c->bench);
                if ((rc = rig_source_measure(src, "MEAS:VOLT?", &c->src_volts)) < 0) {
                    rc = abort_rack(c, rc);
                    goto out;
                }
                for_units(c, pick_cal, read_runtime, NULL, rcs);
                drop_failed(c, rcs, "reading the voltage register");
            }
            for (unsigned i = 0; i < c->n; i++) {
                struct eol_unit *u = &c->u[i];
                if (!pick_cal(u))
                    continue;
                if (!err[i].measured) {
                    u->cal_active = false;
                    fail_unit(u, "calibration: no %u pulses on output %u at %s within %.0f s",
                              g[i].pulses + 1, g[i].output, cal_point_names[k], g[i].timeout_s);
                    continue;
                }
                u->cal_error[pass][k] = err[i].error;
                u->cal_error_valid[pass][k] = true;
                char name[64];
                snprintf(name, sizeof name, "eol.cal.pass%u.%s", pass + 1, cal_point_names[k]);
                double t = cal_target(u, &pts[k]) * 100.0;
                bool ok = fabs(err[i].error) * 100.0 <= t;
                record(c, u, name, err[i].error * 100.0, "%", -t, t, pass == 0 ? "INFO"
                                                                    : ok      ? "PASS"
                                                                              : "FAIL");
            }
        }
        /* Residuals of this pass: done, or adjust (not after the last). */
        for (unsigned i = 0; i < c->n; i++) {
            struct eol_unit *u = &c->u[i];
            if (!pick_cal(u))
                continue;
            bool within = pass > 0;
            for (unsigned k = 0; k < EOL_CAL_POINTS && within; k++)
                within = fabs(u->cal_error[pass][k]) <= cal_target(u, &pts[k]);
            if (within) {
                u->cal_active = false;
                u->res->calibrated = true;
                continue;
            }
            if (pass == EOL_CAL_PASSES - 1) {
                u->cal_active = false;
                unsigned worst = 0;
                for (unsigned k = 1; k < EOL_CAL_POINTS; k++)
                    if (fabs(u->cal_error[pass][k]) > fabs(u->cal_error[pass][worst]))
                        worst = k;
                fail_unit(u, "not calibrated: %+.3f %% at %s after %u adjustments",
                          u->cal_error[pass][worst] * 100.0, cal_point_names[worst],
                          EOL_CAL_PASSES - 1);
                continue;
            }
            if (adjust(u, u->cal_error[pass], pts, c->src_volts) < 0) {
                u->cal_active = false;
                continue;
            }
        }
        for_units(c, pick_cal, write_cal, NULL, rcs);
        drop_failed(c, rcs, "writing the calibration");
    }

    /* Persist what reached the target; record what was written. */
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        u->cal_active = u->usable && u->res->calibrated;
    }
    for_units(c, pick_cal, save_cal, NULL, rcs);
    drop_failed(c, rcs, "saving the calibration");
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (rcs[i] < 0)
            u->res->calibrated = false;
        if (!u->pos || u->sealed_before)
            continue;
        struct rig_eol_result *r = u->res;
        r->v_gain = u->cal.v_gain;
        r->i_gain = u->cal.i_gain;
        r->phase_deg = u->cal.phase_deg;
        r->v_offset = u->cal.v_offset;
        r->i_offset = u->cal.i_offset;
        r->p_offset = u->cal.p_offset;
        if (!r->calibrated)
            continue;
        record(c, u, "eol.cal.v_gain", r->v_gain, "", 0.85, 1.15, "PASS");
        record(c, u, "eol.cal.i_gain", r->i_gain, "", 0.85, 1.15, "PASS");
        record(c, u, "eol.cal.phase", r->phase_deg, "deg", -3, 3, "PASS");
        record(c, u, "eol.cal.i_offset", r->i_offset, "A", -0.05, 0.05, "PASS");
        record(c, u, "eol.cal.p_offset", r->p_offset, "W", -2, 2, "PASS");
    }
    rc = 0;
out:
    rc = end_phase(c, rcs, rc);
    free(rcs);
    free(g);
    free(err);
    free(energy);
    free(mult);
    return rc;
}

/* ---- verification ---- */

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

static int same_point(const struct rig_point *a, const struct rig_point *b)
{
    return fabs(a->amps - b->amps) <= 1e-9 * fmax(1.0, a->amps) &&
           fabs(a->phase_deg - b->phase_deg) < 1e-6 && fabs(a->volts - b->volts) < 1e-9;
}

static int verify_units(struct eol_ctx *c)
{
    int rc = 0;
    int *rcs = calloc(c->n, sizeof *rcs);
    struct rig_gate *g = calloc(c->n, sizeof *g);
    struct rig_error *err = calloc(c->n, sizeof *err);
    unsigned *energy = calloc(c->n, sizeof *energy), *mult = calloc(c->n, sizeof *mult);
    struct vpoint *vp = calloc((size_t)c->n * RIG_LOAD_POINTS_MAX + 1, sizeof *vp);
    if (!rcs || !g || !err || !energy || !mult || !vp) {
        rc = rig_error_set(-ENOMEM, "eol: out of memory");
        goto out;
    }
    /* The union of the rack's points, in a settling-friendly order. */
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

    for (size_t j = 0; j < nv; j++) {
        double watts = vp[j].pt.volts * vp[j].pt.amps * cos(vp[j].pt.phase_deg * M_PI / 180.0);
        unsigned count = 0;
        for (unsigned i = 0; i < c->n; i++) {
            struct eol_unit *u = &c->u[i];
            g[i] = (struct rig_gate){0};
            if (!u->usable)
                continue;
            for (unsigned k = 0; k < u->table.count; k++) {
                if (!same_point(&u->table.points[k].pt, &vp[j].pt))
                    continue;
                double res = EOL_VERIFY_RESOLUTION_PER_MPE * u->table.points[k].mpe;
                plan_gate(u, watts, res, &g[i], &energy[i], &mult[i]);
                count++;
            }
        }
        if (count == 0)
            continue;
        char label[48];
        snprintf(label, sizeof label, "verify %zu/%zu %s", j + 1, nv, vp[j].name);
        if ((rc = measure(c, &vp[j].pt, g, energy, mult, err, label)) < 0) {
            rc = abort_rack(c, rc);
            goto out;
        }
        for (unsigned i = 0; i < c->n; i++) {
            struct eol_unit *u = &c->u[i];
            if (!g[i].pulses)
                continue;
            for (unsigned k = 0; k < u->table.count; k++) {
                const struct rig_load_point *lp = &u->table.points[k];
                if (!same_point(&lp->pt, &vp[j].pt))
                    continue;
                struct eol_point_result *pr = &u->verify[k];
                pr->measured = err[i].measured;
                pr->error = err[i].error;
                pr->ratio = err[i].measured ? fabs(err[i].error) / lp->mpe : INFINITY;
                pr->gate_s = err[i].gate_s;
                pr->pulses = g[i].pulses;
                pr->wh_per_pulse = g[i].wh_per_pulse;
                pr->output = g[i].output;
                char name[64];
                snprintf(name, sizeof name, "eol.verify.%s", lp->name);
                double lim = lp->mpe * 100.0;
                if (err[i].measured)
                    record(c, u, name, err[i].error * 100.0, "%", -lim, lim,
                           pr->ratio <= 1.0 ? "PASS" : "FAIL");
                else
                    record(c, u, name, NAN, "%", -lim, lim, "FAIL");
            }
        }
    }
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
                fail_unit(u, "verification: no pulses at %s", u->table.points[k].name);
                worst = INFINITY;
                continue;
            }
            if (pr->ratio > worst) {
                worst = pr->ratio;
                worst_k = (int)k;
            }
        }
        u->res->worst_error_ratio = worst;
        u->res->verified = all && worst <= 1.0;
        if (all && worst > 1.0 && worst_k >= 0)
            fail_unit(u, "verification: %+.3f %% at %s, limit +-%.1f %%",
                      u->verify[worst_k].error * 100.0, u->table.points[worst_k].name,
                      u->table.points[worst_k].mpe * 100.0);
        record(c, u, "eol.verify.worst_error_ratio", worst, "", 0.0, 1.0,
               u->res->verified ? "PASS" : "FAIL");
    }
    rc = 0;
out:
    rc = end_phase(c, rcs, rc);
    free(rcs);
    free(g);
    free(err);
    free(energy);
    free(mult);
    free(vp);
    return rc;
}

/* ---- the public procedures ---- */

static void free_ctx(struct eol_ctx *c)
{
    free(c->u);
    c->u = NULL;
}

static void clear_results(struct rig_eol_result *results, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        results[i] = (struct rig_eol_result){0};
}

int rig_eol_calibrate(struct rig_bench *bench, struct rig_eol_result *results)
{
    struct eol_ctx c;
    init_ctx(&c, bench);
    clear_results(results, c.n);
    int rc = alloc_units(&c, results);
    if (rc < 0)
        return rc;
    prepare(&c);
    find_sealed(&c);
    rc = calibrate_units(&c);
    free_ctx(&c);
    return rc;
}

int rig_eol_verify(struct rig_bench *bench, struct rig_eol_result *results)
{
    struct eol_ctx c;
    init_ctx(&c, bench);
    int rc = alloc_units(&c, results);
    if (rc < 0)
        return rc;
    for (unsigned i = 0; i < c.n; i++) {
        results[i].verified = false;
        results[i].worst_error_ratio = 0.0;
    }
    prepare(&c);
    int *rcs = calloc(c.n, sizeof *rcs);
    if (rcs) {
        for_units(&c, pick_usable, detect_endian, NULL, rcs);
        drop_failed(&c, rcs, "reading the byte order (708)");
        free(rcs);
    }
    rc = verify_units(&c);
    free_ctx(&c);
    return rc;
}

/* FNV-1a 64 of the image, as benchd checks a flashed slot. */
static void image_id(const char *path, char *out, size_t len)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        snprintf(out, len, "unknown");
        return;
    }
    uint64_t h = 0xcbf29ce484222325ull;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t k = 0; k < n; k++) {
            h ^= buf[k];
            h *= 0x100000001b3ull;
        }
    fclose(f);
    snprintf(out, len, "fnv1a64:%016llx", (unsigned long long)h);
}

static int probe_sealed(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    /* Before flashing: a fresh unit has no firmware and says nothing, a
     * sealed one without RS485 neither; only a sealed answer counts. */
    rig_meter_set_timeout(u->m, EOL_PROBE_TIMEOUT_MS);
    uint32_t st = 0;
    if (rig_factory_status(u->m, &st) == 0 && (st & MED2_FACTORY_SEALED))
        u->sealed_before = true;
    rig_meter_set_timeout(u->m, 0);
    return 0;
}

static bool pick_passing(const struct eol_unit *u)
{
    return u->usable && !u->sealed_before && u->res->calibrated && u->res->verified;
}

struct ident_arg {
    struct tm now;
    uint32_t date;
};

/* Identity and clock, saved, and read back. */
static int identify(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c;
    const struct ident_arg *ia = arg;
    char *end;
    unsigned long serial = strtoul(u->pos->serial ? u->pos->serial : "", &end, 10);
    if (!u->pos->serial || *end || serial < 1 || serial > 99999999)
        return rig_error_set(-EINVAL, "position %u: serial '%s' in the bench file is not 1..99999999",
                             u->position, u->pos->serial ? u->pos->serial : "");
    u->id_written = (struct rig_factory_identity){(uint32_t)serial, EOL_HW_VERSION, ia->date};
    int rc;
    if ((rc = rig_factory_unlock(u->m)) < 0 ||
        (rc = rig_factory_write_identity(u->m, &u->id_written)) < 0 ||
        (rc = rig_factory_save(u->m)) < 0)
        return rc;
    if (u->has_clock) {
        if ((rc = rig_meter_unlock(u->m, NULL)) < 0 ||
            (rc = rig_meter_set_clock(u->m, &ia->now)) < 0 ||
            (rc = rig_meter_save(u->m)) < 0)
            return rig_error_prefix(rc, "setting the clock");
        double day, month;
        if ((rc = rig_meter_read_reg(u->m, MED2_REG_DAY, &day)) < 0 ||
            (rc = rig_meter_read_reg(u->m, MED2_REG_MONTH, &month)) < 0)
            return rig_error_prefix(rc, "reading the clock back");
        if ((int)day != ia->now.tm_mday || (int)month != ia->now.tm_mon + 1)
            return rig_error_set(-EIO, "position %u: clock reads %02d.%02d after setting %02d.%02d",
                                 u->position, (int)day, (int)month, ia->now.tm_mday,
                                 ia->now.tm_mon + 1);
    }
    if ((rc = rig_factory_read_identity(u->m, &u->id_read)) < 0 ||
        (rc = rig_factory_read_cal(u->m, &u->cal_read)) < 0)
        return rc;
    if (memcmp(&u->id_read, &u->id_written, sizeof u->id_read) != 0)
        return rig_error_set(-EIO,
                             "position %u: identity reads back as serial %u hw %u date %u, "
                             "written %u %u %u",
                             u->position, u->id_read.serial, u->id_read.hw_version,
                             u->id_read.cal_date, u->id_written.serial, u->id_written.hw_version,
                             u->id_written.cal_date);
    const double w[6] = {u->cal.v_gain,   u->cal.i_gain,   u->cal.phase_deg,
                         u->cal.v_offset, u->cal.i_offset, u->cal.p_offset};
    const double r[6] = {u->cal_read.v_gain,   u->cal_read.i_gain,   u->cal_read.phase_deg,
                         u->cal_read.v_offset, u->cal_read.i_offset, u->cal_read.p_offset};
    for (int k = 0; k < 6; k++)
        if ((float)w[k] != (float)r[k])
            return rig_error_set(-EIO, "position %u: calibration value %d reads back %g, written %g",
                                 u->position, k, r[k], w[k]);
    u->res->identified = true;
    return 0;
}

static int seal_unit(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    int rc;
    if ((rc = rig_factory_unlock(u->m)) < 0 || (rc = rig_factory_seal(u->m)) < 0)
        return rc;
    if (u->model.rs485) {
        uint32_t st = 0;
        if ((rc = rig_factory_status(u->m, &st)) < 0)
            return rc;
        if (!(st & MED2_FACTORY_SEALED))
            return rig_error_set(-EIO, "position %u: status 0x%02x after sealing: not sealed",
                                 u->position, st);
        /* read everything back from the sealed unit */
        struct rig_factory_identity id;
        struct rig_factory_cal cal;
        if ((rc = rig_factory_read_identity(u->m, &id)) < 0 ||
            (rc = rig_factory_read_cal(u->m, &cal)) < 0)
            return rc;
        if (id.serial != u->id_written.serial || (float)cal.i_gain != (float)u->cal.i_gain)
            return rig_error_set(-EIO, "position %u: the sealed unit reads back serial %u",
                                 u->position, id.serial);
    } else {
        /* Without RS485 the factory port closes when sealed: silence is the proof. */
        rig_meter_set_timeout(u->m, EOL_PROBE_TIMEOUT_MS);
        uint32_t st;
        rc = rig_factory_status(u->m, &st);
        rig_meter_set_timeout(u->m, 0);
        if (rc != -ETIMEDOUT)
            return rig_error_set(-EIO, "position %u: the factory port still answers after sealing",
                                 u->position);
    }
    u->res->sealed = true;
    return 0;
}

static int lock_unit(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    if (u->res->sealed)
        return 0;
    return rig_factory_lock(u->m);
}

int rig_eol_run(struct rig_bench *bench, const struct rig_eol_options *opt,
                struct rig_eol_result *results)
{
    static const struct rig_eol_options defaults = {.seal = true};
    if (!opt)
        opt = &defaults;
    struct eol_ctx c;
    init_ctx(&c, bench);
    clear_results(results, c.n);
    struct rig_records *own = NULL, *prev = rig_bench_records(bench);
    int rc;
    if (opt->records_db) {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", opt->records_db);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) {
            *slash = '\0';
            eol_mkdir_p(parent);
        }
        if ((rc = rig_records_open(opt->records_db, rig_bench_name(bench), &own)) < 0)
            return rc;
        rig_bench_set_records(bench, own);
        c.rec = own;
    }
    char image[4096];
    if (opt->image)
        snprintf(image, sizeof image, "%s", opt->image);
    else if ((rc = rig_simbench_find_image(image, sizeof image)) < 0)
        goto done;
    image_id(image, c.firmware, sizeof c.firmware);
    rig_bench_time(bench, &c.t_start);
    if ((rc = alloc_units(&c, results)) < 0)
        goto done;
    fprintf(stderr, "eol: bench %s, %u positions, firmware %s\n", c.bench_name, c.n, c.firmware);

    /* 1. flash every unit that is not sealed */
    prepare(&c);
    int *rcs = calloc(c.n, sizeof *rcs);
    if (!rcs) {
        rc = rig_error_set(-ENOMEM, "eol: out of memory");
        goto done;
    }
    for_units(&c, pick_usable, probe_sealed, NULL, rcs);
    for (unsigned i = 0; i < c.n; i++) {
        struct eol_unit *u = &c.u[i];
        if (!u->usable || u->sealed_before)
            continue;
        if (rig_flash(bench, u->position, image) < 0) {
            u->usable = false;
            fail_unit(u, "flash: %s", rig_last_error());
            record(&c, u, "eol.flash", 0, "", NAN, NAN, "FAIL");
            continue;
        }
        record(&c, u, "eol.flash", 1, "", NAN, NAN, "PASS");
    }
    fprintf(stderr, "eol: flashed\n");
    prepare(&c); /* the units restarted: fresh clients */
    find_sealed(&c);

    /* 2. calibrate, 3. verify */
    if ((rc = calibrate_units(&c)) < 0)
        goto report;
    for (unsigned i = 0; i < c.n; i++)
        c.u[i].cal_active = false;
    if ((rc = verify_units(&c)) < 0)
        goto report;

    /* 4. identity and clock, for the units that passed so far */
    struct ident_arg ia;
    time_t now = time(NULL);
    localtime_r(&now, &ia.now);
    ia.date = (uint32_t)((ia.now.tm_year + 1900) * 10000 + (ia.now.tm_mon + 1) * 100 +
                         ia.now.tm_mday);
    for_units(&c, pick_passing, identify, &ia, rcs);
    drop_failed(&c, rcs, "identity");
    for (unsigned i = 0; i < c.n; i++) {
        struct eol_unit *u = &c.u[i];
        if (u->res->identified) {
            record(&c, u, "eol.identity.serial", u->id_read.serial, "", NAN, NAN, "PASS");
            record(&c, u, "eol.identity.cal_date", u->id_read.cal_date, "", NAN, NAN, "PASS");
        }
    }

    /* 5. seal what passed everything; lock the rest */
    if (opt->seal) {
        for (unsigned i = 0; i < c.n; i++)
            c.u[i].cal_active = pick_passing(&c.u[i]) && c.u[i].res->identified;
        for_units(&c, pick_cal, seal_unit, NULL, rcs);
        drop_failed(&c, rcs, "sealing");
    }
    for (unsigned i = 0; i < c.n; i++)
        c.u[i].cal_active = c.u[i].usable && !c.u[i].sealed_before && !c.u[i].res->sealed;
    for_units(&c, pick_cal, lock_unit, NULL, rcs);
    free(rcs);
    rc = 0;

report:
    rig_bench_time(bench, &c.t_end);
    for (unsigned i = 0; i < c.n; i++) {
        struct eol_unit *u = &c.u[i];
        struct rig_eol_result *r = u->res;
        if (u->sealed_before)
            fail_unit(u, "sealed before this run: not flashed, not recalibrated");
        r->pass = !c.aborted && !u->sealed_before && r->calibrated && r->verified &&
                  r->identified && (r->sealed || !opt->seal);
        if (!r->pass && !r->reason[0])
            fail_unit(u, "%s", !r->calibrated ? "not calibrated"
                               : !r->verified ? "not verified"
                               : !r->identified ? "not identified"
                                                : "not sealed");
        if (r->pass)
            r->reason[0] = '\0';
        if (u->pos) {
            record(&c, u, "eol.sealed", r->sealed, "", NAN, NAN, "INFO");
            record(&c, u, "eol.result", r->pass, "", 1, 1, r->pass ? "PASS" : "FAIL");
        }
    }
    if (isnan(c.t_start))
        c.t_start = c.t_end;
    record(&c, NULL, "eol.plan_virtual_s", c.t_end - c.t_start, "s", NAN, NAN, "INFO");
    if (opt->report_dir) {
        char saved[1024];
        snprintf(saved, sizeof saved, "%s", rig_last_error());
        if (eol_report_write(&c, opt->report_dir, opt->seal) < 0)
            fprintf(stderr, "eol: %s\n", rig_last_error());
        rig_error_set(0, "%s", saved);
    }
    if (rc == 0) {
        for (unsigned i = 0; i < c.n; i++)
            if (!results[i].pass)
                rc = 1;
    }
done:
    free_ctx(&c);
    if (own) {
        rig_bench_set_records(bench, prev);
        rig_records_close(own);
    }
    return rc;
}
