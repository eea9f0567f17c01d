/*
 * health.c — rig_health_check (rig/health.h): the source, every position's
 * line, every position's pulses against the reference, the golden unit, the
 * source off — quickly, at one high load where pulses come fast.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "rig/bench.h"
#include "rig/error.h"
#include "rig/factory.h"
#include "rig/gate.h"
#include "rig/health.h"
#include "rig/loadpoints.h"
#include "rig/measure.h"
#include "rig/modbus.h"
#include "rig/records.h"
#include "rig/source.h"

/* Loaded at most of the rack's smallest Imax: output 1 (1 Wh) then pulses
 * several times a second on a direct unit. */
#define HEALTH_IMAX_FRACTION 0.8
#define HEALTH_PULSES 5u
#define HEALTH_SETTLE_S 1.0
#define PULSE1_WH 1.0
#define PROBE_TIMEOUT_MS 500

static void record(struct rig_bench *bench, unsigned position, const char *name, double value,
                   const char *unit, double lo, double hi, bool ok)
{
    struct rig_records *db = rig_bench_records(bench);
    const struct rig_position *p = position ? rig_bench_position(bench, position) : NULL;
    struct rig_record r = {.name = name, .value = value, .unit = unit, .lo = lo, .hi = hi,
                           .verdict = ok ? "PASS" : "FAIL", .position = position,
                           .serial = p ? p->serial : NULL};
    if (db && rig_record_measurement(db, &r) < 0)
        fprintf(stderr, "health: %s\n", rig_last_error());
}

static int check_source(struct rig_source *src, struct rig_health *h)
{
    char err[96];
    int rc;
    if ((rc = rig_source_query(src, "*IDN?", h->source_id, sizeof h->source_id)) < 0 ||
        (rc = rig_source_query(src, "SYST:ERR?", err, sizeof err)) < 0)
        return rc;
    if (strtol(err, NULL, 10) != 0)
        return rig_error_set(-EREMOTEIO, "source reports an error: %s", err);
    h->source_ok = true;
    return 0;
}

/* Does position answer — over RS485, or on the factory port without it? */
static void check_line(struct rig_bench *bench, unsigned position, struct rig_health_position *p)
{
    const struct rig_position *pos = rig_bench_position(bench, position);
    struct rig_model_info info;
    struct rig_meter *m = rig_model_info(pos->model, &info) == 0 ? rig_bench_factory(bench, position)
                                                                   : NULL;
    int rc = -ENODEV;
    if (m) {
        rig_meter_set_timeout(m, PROBE_TIMEOUT_MS);
        struct rig_runtime rt;
        uint32_t st;
        rc = info.rs485 ? rig_meter_read_runtime(m, &rt) : rig_factory_status(m, &st);
        rig_meter_set_timeout(m, 0);
    }
    p->answers = rc == 0;
    if (!p->answers)
        snprintf(p->why, sizeof p->why, "no answer: %s", rig_last_error());
    record(bench, position, "health.answers", p->answers, "", 1, 1, p->answers);
}

/* The rack's load: HEALTH_IMAX_FRACTION of its smallest Imax, PF 1. */
static int rack_point(struct rig_bench *bench, struct rig_point *pt)
{
    unsigned n = rig_bench_position_count(bench);
    pt->amps = INFINITY;
    for (unsigned i = 1; i <= n; i++) {
        struct rig_currents c;
        int rc = rig_model_currents(rig_bench_position(bench, i)->model, &c);
        if (rc < 0)
            return rc;
        pt->volts = c.un;
        pt->freq_hz = c.fn;
        pt->amps = fmin(pt->amps, HEALTH_IMAX_FRACTION * c.imax);
    }
    pt->phase_deg = 0.0;
    return n ? 0 : rig_error_set(-EINVAL, "bench %s has no positions", rig_bench_name(bench));
}

static int check_pulses(struct rig_bench *bench, struct rig_health *h,
                        struct rig_health_position *pos)
{
    unsigned n = rig_bench_position_count(bench);
    struct rig_point pt;
    int rc = rack_point(bench, &pt);
    if (rc < 0)
        return rc;
    h->amps = pt.amps;
    struct rig_gate *g = calloc(n, sizeof *g);
    struct rig_error *err = calloc(n, sizeof *err);
    if (!g || !err) {
        free(g);
        free(err);
        return rig_error_set(-ENOMEM, "health: out of memory");
    }
    for (unsigned i = 0; i < n; i++) {
        const struct rig_gate_need need = {.kind = RIG_ENERGY_ACTIVE, .output = 1,
                                           .wh_per_pulse = PULSE1_WH,
                                           .power = pt.volts * pt.amps,
                                           .min_pulses = HEALTH_PULSES,
                                           .settle_s = HEALTH_SETTLE_S};
        g[i] = rig_gate_plan(&need); /* a silent line may still pulse: gate them all */
    }
    rc = rig_measure_point(bench, &pt, g, err);
    for (unsigned i = 0; rc == 0 && i < n; i++) {
        struct rig_health_position *p = &pos[i];
        p->error = err[i].error;
        p->pulses_ok = err[i].measured && fabs(err[i].error) <= RIG_HEALTH_PULSE_LIMIT;
        if (!p->pulses_ok && !p->why[0] && err[i].measured)
            snprintf(p->why, sizeof p->why, "pulse output 1 reads %+.1f %% against the reference "
                                            "at %.1f A (limit %.0f %%)",
                     err[i].error * 100.0, pt.amps, RIG_HEALTH_PULSE_LIMIT * 100.0);
        else if (!p->pulses_ok && !p->why[0])
            snprintf(p->why, sizeof p->why, "no pulses on output 1 at %.1f A (check its pulse "
                                            "line)", pt.amps);
        record(bench, i + 1, "health.pulse1_error", err[i].measured ? err[i].error * 100.0 : NAN,
               "%", -RIG_HEALTH_PULSE_LIMIT * 100.0, RIG_HEALTH_PULSE_LIMIT * 100.0, p->pulses_ok);
    }
    free(g);
    free(err);
    return rc;
}

static void check_golden(struct rig_bench *bench, unsigned position, struct rig_health_position *p)
{
    const struct rig_position *pos = rig_bench_position(bench, position);
    if (!pos->golden)
        return;
    p->golden = true;
    p->golden_error = pos->golden_error;
    p->golden_window = pos->golden_window;
    bool ok = p->pulses_ok && fabs(p->error - pos->golden_error) <= pos->golden_window;
    if (!ok && !p->why[0])
        snprintf(p->why, sizeof p->why, "golden unit: %+.3f %%, recorded %+.3f %% +- %.3f %%",
                 p->error * 100.0, pos->golden_error * 100.0, pos->golden_window * 100.0);
    record(bench, position, "health.golden_error", p->error * 100.0, "%",
           (pos->golden_error - pos->golden_window) * 100.0,
           (pos->golden_error + pos->golden_window) * 100.0, ok);
    p->pulses_ok = ok;
}

int rig_health_check(struct rig_bench *bench, struct rig_health *h, struct rig_health_position *pos)
{
    unsigned n = rig_bench_position_count(bench);
    double t0 = 0.0, t1 = 0.0;
    memset(h, 0, sizeof *h);
    for (unsigned i = 0; i < n; i++)
        pos[i] = (struct rig_health_position){0};
    rig_bench_time(bench, &t0);
    struct rig_source *src = rig_bench_source(bench);
    int rc = src ? check_source(src, h) : -ENODEV;
    record(bench, 0, "health.source", h->source_ok, "", 1, 1, h->source_ok);
    if (rc == 0) {
        for (unsigned i = 0; i < n; i++)
            check_line(bench, i + 1, &pos[i]);
        rc = check_pulses(bench, h, pos);
    }
    if (rc < 0)
        snprintf(h->why, sizeof h->why, "%s", rig_last_error());
    /* off, confirmed (rig_source_output checks OUTP?), whatever happened */
    h->source_off = src && rig_source_output(src, false) == 0;
    record(bench, 0, "health.source_off", h->source_off, "", 1, 1, h->source_off);
    if (!h->source_off && !h->why[0])
        snprintf(h->why, sizeof h->why, "the source did not confirm it is off: %s",
                 rig_last_error());
    h->pass = rc == 0 && h->source_ok && h->source_off;
    for (unsigned i = 0; i < n; i++) {
        check_golden(bench, i + 1, &pos[i]);
        pos[i].pass = pos[i].answers && pos[i].pulses_ok;
        h->pass = h->pass && pos[i].pass;
    }
    rig_bench_time(bench, &t1);
    h->bench_s = t1 - t0;
    record(bench, 0, "health.result", h->pass, "", 1, 1, h->pass);
    if (rc < 0)
        return rig_error_set(rc, "health: %s", h->why);
    return 0;
}
