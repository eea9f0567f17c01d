/*
 * eol_units.c — the units of an EOL run: the run's context, per-unit work in
 * parallel (Modbus to each unit is its own line, so a 20-position rack costs
 * the time of one), failures, records, and aborting the rack.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/bench.h"
#include "rig/error.h"
#include "rig/modbus.h"
#include "rig/records.h"
#include "rig/regmap.h"
#include "rig/source.h"

const char *const eol_cal_point_names[EOL_CAL_POINTS] = {"Iref PF 1", "Iref PF 0.5L",
                                                         "Ilow PF 1", "Itr PF 0.5L"};

int eol_ctx_init(struct eol_ctx *c, struct rig_bench *bench, struct rig_eol_result *results)
{
    memset(c, 0, sizeof *c);
    c->bench = bench;
    c->n = rig_bench_position_count(bench);
    c->rec = rig_bench_records(bench);
    c->t_start = NAN;
    snprintf(c->firmware, sizeof c->firmware, "unknown");
    snprintf(c->bench_name, sizeof c->bench_name, "%s", rig_bench_name(bench));
    snprintf(c->profile, sizeof c->profile, "%s", RIG_PROFILE_DEFAULT);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(c->started, sizeof c->started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    c->u = calloc(c->n ? c->n : 1, sizeof *c->u);
    if (!c->u)
        return rig_error_set(-ENOMEM, "eol: out of memory");
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        u->position = i + 1;
        u->pos = rig_bench_position(bench, i + 1);
        u->res = &results[i];
        u->usable = u->pos != NULL;
        u->cal_active = true;
        u->cal = rig_factory_cal_identity();
        u->rtc_first_s = u->rtc_last_s = NAN;
        snprintf(u->res->profile, sizeof u->res->profile, "%s", c->profile);
    }
    return 0;
}

void eol_ctx_free(struct eol_ctx *c)
{
    free(c->u);
    c->u = NULL;
}

void eol_record(struct eol_ctx *c, const struct eol_unit *u, const char *name, double value,
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

void eol_fail_unit(struct eol_unit *u, const char *fmt, ...)
{
    if (u->res->reason[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->res->reason, sizeof u->res->reason, fmt, ap);
    va_end(ap);
}

/* ---- per-unit work in parallel ---- */

struct job {
    struct eol_ctx *c;
    struct eol_unit *u;
    eol_unit_fn fn;
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

/* Drop units whose step failed; name the failure in their result. */
static void drop_failed(struct eol_ctx *c, const struct job *jobs, const char *step)
{
    for (unsigned i = 0; i < c->n; i++) {
        if (jobs[i].rc < 0) {
            c->u[i].usable = false;
            c->u[i].cal_active = false;
            eol_fail_unit(&c->u[i], "%s: %s", step, c->u[i].err);
        }
    }
}

static double line_s(const struct eol_unit *u)
{
    return u->m ? rig_meter_line_seconds(u->m) : 0.0;
}

/*
 * The bench time of a step done on every unit at once: the longest any
 * unit's own work took on its line (and probe, spent_s). A simulated bench
 * does it at once, so its clock is advanced by that (rig_bench_spend), at
 * the next wait of the run (eol_sleep): a bench that stopped answering
 * is then found by the source's check first, as without it.
 */
static void spend_step(struct eol_ctx *c, const double *before, const bool *picked)
{
    double longest = 0.0, flash = 0.0;
    for (unsigned i = 0; i < c->n; i++) {
        if (!picked[i])
            continue;
        struct eol_unit *u = &c->u[i];
        double line = fmax(0.0, line_s(u) - before[i]);
        longest = fmax(longest, line + u->spent_s);
        flash = fmax(flash, u->spent_s);
        u->spent_s = 0.0;
    }
    c->flash_s += flash;
    c->modbus_s += longest - flash;
    c->pending_s += longest;
}

int eol_sleep(struct eol_ctx *c, double seconds)
{
    int rc = rig_sleep(c->bench, seconds);
    if (rc == 0 && c->pending_s > 0.0 && (rc = rig_bench_spend(c->bench, c->pending_s)) == 0)
        c->pending_s = 0.0;
    return rc;
}

void eol_spend_pending(struct eol_ctx *c)
{
    if (!c->aborted && c->pending_s > 0.0 && rig_bench_spend(c->bench, c->pending_s) == 0)
        c->pending_s = 0.0;
}

void eol_for_units(struct eol_ctx *c, eol_pick_fn pick, eol_unit_fn fn, void *arg,
                   const char *step, int *rcs)
{
    struct job *jobs = calloc(c->n ? c->n : 1, sizeof *jobs);
    pthread_t *th = calloc(c->n ? c->n : 1, sizeof *th);
    bool *started = calloc(c->n ? c->n : 1, sizeof *started);
    double *before = calloc(c->n ? c->n : 1, sizeof *before);
    bool *picked = calloc(c->n ? c->n : 1, sizeof *picked);
    struct job one;
    for (unsigned i = 0; i < c->n; i++) {
        if (!pick(&c->u[i]))
            continue;
        if (before && picked) {
            before[i] = line_s(&c->u[i]);
            picked[i] = true;
            c->u[i].spent_s = 0.0;
        }
        struct job *j = jobs ? &jobs[i] : &one;
        *j = (struct job){c, &c->u[i], fn, arg, 0};
        if (!jobs || !th || !started || pthread_create(&th[i], NULL, job_main, j) != 0) {
            job_main(j); /* no thread: do it here */
            if (!jobs && rcs)
                rcs[i] = j->rc;
            continue;
        }
        started[i] = true;
    }
    for (unsigned i = 0; i < c->n && jobs; i++) {
        if (started && started[i])
            pthread_join(th[i], NULL);
        if (rcs)
            rcs[i] = jobs[i].rc;
    }
    if (before && picked)
        spend_step(c, before, picked);
    if (jobs && step)
        drop_failed(c, jobs, step);
    free(jobs);
    free(th);
    free(started);
    free(before);
    free(picked);
}

bool eol_pick_usable(const struct eol_unit *u)
{
    return u->usable;
}

bool eol_pick_active(const struct eol_unit *u)
{
    return u->usable && u->cal_active;
}

bool eol_pick_adjustable(const struct eol_unit *u)
{
    return u->usable && u->model.pulse2_adjustable;
}

bool eol_pick_passing(const struct eol_unit *u)
{
    return u->usable && !u->sealed_before && u->res->calibrated && u->res->verified;
}

/* ---- finding the units ---- */

void eol_prepare(struct eol_ctx *c)
{
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (!u->pos)
            continue;
        if (rig_model_info(u->pos->model, &u->model) < 0 ||
            rig_loadpoints_profile(u->pos->model, c->profile, &u->table) < 0 ||
            !(u->m = rig_bench_factory(c->bench, u->position))) {
            eol_fail_unit(u, "%s", rig_last_error());
            u->usable = false;
            continue;
        }
        enum med2_map map;
        u->has_clock = rig_meter_map(u->m, &map) == 0 &&
                       rig_reg_address(map, MED2_REG_DAY) >= 0;
        u->p2.source = 0;
        u->p2_touched = false;
        u->test_constant = false; /* a flash restarted it: the legal constant */
    }
}

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
    if (rc == -ETIMEDOUT)
        return rig_error_prefix(rc, "no answer on RS485 (a dead transceiver, or the wiring)");
    if (rc < 0)
        return rc;
    u->sealed_before = (st & MED2_FACTORY_SEALED) != 0;
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

void eol_detect_endians(struct eol_ctx *c)
{
    eol_for_units(c, eol_pick_usable, detect_endian, NULL, "reading the byte order (708)", NULL);
}

void eol_result_take_cal(struct rig_eol_result *r, const struct rig_factory_cal *cal)
{
    r->v_gain = cal->v_gain;
    r->i_gain = cal->i_gain;
    r->phase_deg = cal->phase_deg;
    r->v_offset = cal->v_offset;
    r->i_offset = cal->i_offset;
    r->p_offset = cal->p_offset;
    r->i_gain_slope = cal->i_gain_slope;
    r->phase_slope = cal->phase_slope;
}

/* What a sealed unit carries goes into its result (reads stay allowed). */
static void keep_sealed_cal(struct eol_unit *u)
{
    struct rig_factory_cal cal;
    if (rig_factory_read_cal(u->m, &cal) != 0)
        return;
    eol_result_take_cal(u->res, &cal);
}

void eol_find_sealed(struct eol_ctx *c)
{
    eol_for_units(c, eol_pick_usable, probe_unit, NULL, "reading the factory status", NULL);
    eol_detect_endians(c);
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (u->usable && u->sealed_before) {
            u->res->sealed = true;
            u->cal_active = false;
            eol_fail_unit(u, "sealed before this run: never recalibrated");
            keep_sealed_cal(u);
        }
    }
}

/* ---- how a phase or the rack ends ---- */

int eol_abort_rack(struct eol_ctx *c, int rc)
{
    char why[200];
    snprintf(why, sizeof why, "%s", rig_last_error());
    /* Say "switched off" only when the source confirmed it (OUTP?). */
    struct rig_source *src = rig_bench_source(c->bench);
    bool off = src && rig_source_output(src, false) == 0;
    const char *state = off ? "source switched off" : "source NOT confirmed off";
    if (!off)
        fprintf(stderr, "eol: could not switch the source off: %s\n", rig_last_error());
    c->aborted = true;
    snprintf(c->abort_reason, sizeof c->abort_reason, "%s", why);
    for (unsigned i = 0; i < c->n; i++) {
        c->u[i].res->reason[0] = '\0';
        eol_fail_unit(&c->u[i], "rack aborted, %s: %s", state, why);
        c->u[i].res->pass = false;
    }
    fprintf(stderr, "eol: rack aborted, %s: %s\n", state, why);
    rig_error_set(rc, "EOL aborted (%s): %s", state, why);
    return rc;
}
