/*
 * power_cuts.c — a campaign of random hard cuts (rig/power.h): what a power
 * cut may cost a unit, measured against the source's reference energy and
 * against what the campaign itself wrote.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "rig/bench.h"
#include "rig/factory.h"
#include "rig/modbus.h"
#include "rig/power.h"
#include "rig/source.h"

#define VOLTS 230.0
#define AMPS 80.0          /* Imax of the direct models (manual §6) */
#define RATIO_SPAN_S 30.0  /* metering without a cut, to learn the unit's own error */
#define SETTLE_S 1.0       /* the metrology's first windows after power-up */
#define DOOMED_TIMEOUT_MS 150 /* a request the cut answers with silence */

/* The campaign's state of one unit. */
struct unit {
    struct rig_bench *bench;
    struct rig_meter *m;
    unsigned pos;
    double k;          /* the unit's energy / the reference energy (its own error) */
    double p_ref_w;    /* the reference power */
    double period;     /* demand period as last saved (1..60) */
    double hw_version; /* factory hardware version as last saved */
};

static double uniform(unsigned *state)
{
    return (double)rand_r(state) / ((double)RAND_MAX + 1.0);
}

static int read_point(struct unit *u, double *e_wh, double *t_s)
{
    int rc = rig_meter_read_import_energy(u->m, e_wh);
    return rc < 0 ? rc : rig_bench_time(u->bench, t_s);
}

/* The unit's ratio to the reference over a span without cuts. */
static int learn_ratio(struct unit *u)
{
    struct rig_source *src = rig_bench_source(u->bench);
    double e0, e1, r0, r1, t0, t1;
    int rc;
    if ((rc = rig_sleep(u->bench, SETTLE_S)) < 0 || (rc = read_point(u, &e0, &t0)) < 0 ||
        (rc = rig_source_energy(src, &r0)) < 0 || (rc = rig_sleep(u->bench, RATIO_SPAN_S)) < 0 ||
        (rc = read_point(u, &e1, &t1)) < 0 || (rc = rig_source_energy(src, &r1)) < 0) {
        return rc;
    }
    if (!(r1 > r0) || !(e1 > e0)) {
        return rig_error_set(-EIO, "position %u: no energy counted at %g V %g A (meter %g Wh, "
                                   "reference %g Wh) — is the source on?",
                             u->pos, VOLTS, AMPS, e1 - e0, r1 - r0);
    }
    u->k = (e1 - e0) / (r1 - r0);
    u->p_ref_w = (r1 - r0) * 3600.0 / (t1 - t0);
    return 0;
}

/* A request the armed cut stops: no reply is the expected outcome. */
static void doomed(struct unit *u, int (*call)(struct rig_meter *))
{
    int saved = rig_meter_timeout(u->m);
    rig_meter_set_timeout(u->m, DOOMED_TIMEOUT_MS);
    call(u->m);
    rig_meter_set_timeout(u->m, saved);
}

/* Arm the cut of this round; returns 0 or -errno. `pending_*`: what a cut
 * during a save may or may not have stored. */
static int arm(struct unit *u, unsigned kind, unsigned *rng, double *pending_period,
               double *pending_hw, struct rig_power_campaign *out)
{
    int rc;
    double frac = uniform(rng);
    switch (kind) {
    case 0: /* accumulation, at a random instant */
        rc = rig_power_hard_cut(u->bench, u->pos, 0.001 + uniform(rng) * 12.0);
        return rc < 0 ? rc : rig_sleep(u->bench, 13.0);
    case 1: /* inside an energy save */
        out->in_writes++;
        rc = rig_power_hard_cut_in_write(u->bench, u->pos, 1u + (unsigned)(uniform(rng) * 2.0), frac);
        return rc < 0 ? rc : rig_sleep(u->bench, 2.5 * RIG_POWER_SAVE_PERIOD_S);
    case 2: /* inside a settings save */
        out->in_writes++;
        *pending_period = u->period == 15.0 ? 30.0 : 15.0;
        if ((rc = rig_meter_unlock(u->m, NULL)) < 0 ||
            (rc = rig_meter_write_reg(u->m, MED2_REG_DEMAND_PERIOD, *pending_period)) < 0 ||
            (rc = rig_power_hard_cut_in_write(u->bench, u->pos, 1, frac)) < 0) {
            return rc;
        }
        doomed(u, rig_meter_save);
        return rig_sleep(u->bench, 0.1);
    default: { /* inside a factory record save */
        out->in_writes++;
        struct rig_meter *f = rig_bench_factory(u->bench, u->pos);
        *pending_hw = u->hw_version == 1.0 ? 2.0 : 1.0;
        if (f == NULL || (rc = rig_factory_unlock(f)) < 0 ||
            (rc = rig_factory_write(f, MED2_FACTORY_HW_VERSION, *pending_hw)) < 0 ||
            (rc = rig_power_hard_cut_in_write(u->bench, u->pos, 1, frac)) < 0) {
            return f == NULL ? -EIO : rc;
        }
        doomed(u, rig_factory_save);
        return rig_sleep(u->bench, 0.1);
    }
    }
}

/* After power-up: each record is what was stored before the cut or what
 * the cut interrupted storing, nothing else. */
static unsigned check_records(struct unit *u, double pending_period, double pending_hw)
{
    unsigned bad = 0;
    double v;
    uint32_t status;
    if (rig_meter_read_reg(u->m, MED2_REG_DEMAND_PERIOD, &v) < 0 ||
        (v != u->period && v != pending_period)) {
        bad++;
    } else {
        u->period = v;
    }
    struct rig_meter *f = rig_bench_factory(u->bench, u->pos);
    if (f == NULL || rig_factory_read(f, MED2_FACTORY_HW_VERSION, &v) < 0 ||
        (v != u->hw_version && v != pending_hw)) {
        bad++;
    } else {
        u->hw_version = v;
    }
    if (f == NULL || rig_factory_status(f, &status) < 0 || (status & MED2_FACTORY_CAL_CORRUPT)) {
        bad++;
    }
    return bad;
}

static int setup(struct unit *u)
{
    struct rig_source *src = rig_bench_source(u->bench);
    int rc;
    if (src == NULL || (rc = rig_source_set(src, VOLTS, AMPS, 0.0, 50.0)) < 0 ||
        (rc = rig_source_output(src, true)) < 0) {
        return src == NULL ? -EIO : rc;
    }
    struct rig_setting s = {MED2_REG_DEMAND_PERIOD, 15};
    if ((rc = rig_meter_configure(u->m, NULL, &s, 1, true, NULL)) < 0) {
        return rc;
    }
    u->period = 15.0;
    struct rig_meter *f = rig_bench_factory(u->bench, u->pos);
    if (f == NULL || (rc = rig_factory_unlock(f)) < 0 ||
        (rc = rig_factory_write(f, MED2_FACTORY_HW_VERSION, 1.0)) < 0 || (rc = rig_factory_save(f)) < 0) {
        return f == NULL ? -EIO : rc;
    }
    u->hw_version = 1.0;
    return learn_ratio(u);
}

int rig_power_cut_campaign(struct rig_bench *bench, unsigned position, unsigned cuts,
                           unsigned seed, struct rig_power_campaign *out)
{
    memset(out, 0, sizeof(*out));
    struct rig_power_status st0, st;
    int rc = rig_power_status(bench, position, &st0);
    if (rc < 0) {
        return rc;
    }
    struct unit u = {.bench = bench, .pos = position, .m = rig_bench_meter(bench, position)};
    if (u.m == NULL) {
        return -EIO;
    }
    if ((rc = setup(&u)) < 0) {
        return rc;
    }
    out->load_w = u.p_ref_w;
    out->bound_wh = u.p_ref_w * RIG_POWER_SAVE_PERIOD_S / 3600.0;
    out->min_loss_wh = INFINITY;
    unsigned rng = seed;
    /* What NV held at the last power-up: a cut may lose what was counted
     * since the last save, never anything saved before it. */
    double floor_wh;
    double t_unused;
    /* a warned cut first: then NV holds exactly what the register shows */
    if ((rc = rig_power_set(bench, position, false, NULL)) < 0 ||
        (rc = rig_power_set(bench, position, true, NULL)) < 0 ||
        (rc = read_point(&u, &floor_wh, &t_unused)) < 0) {
        return rc;
    }
    for (unsigned n = 0; n < cuts; n++) {
        double e0, t0, e1, pending_period = u.period, pending_hw = u.hw_version;
        unsigned kind = n % 7u < 3u ? 0u : n % 7u < 5u ? 1u : n % 7u == 5u ? 2u : 3u;
        uint64_t hard_before = 0;
        if ((rc = rig_power_status(bench, position, &st)) < 0 || (rc = read_point(&u, &e0, &t0)) < 0) {
            return rc;
        }
        hard_before = st.hard_cuts;
        if ((rc = arm(&u, kind, &rng, &pending_period, &pending_hw, out)) < 0 ||
            (rc = rig_power_status(bench, position, &st)) < 0) {
            return rc;
        }
        if (st.hard_cuts != hard_before + 1u) {
            return rig_error_set(-EIO, "position %u: cut %u (kind %u) did not happen — no NV write "
                                       "where one was due?", position, n + 1, kind);
        }
        out->cuts++;
        if ((rc = rig_sleep(bench, uniform(&rng) * 2.0)) < 0 ||
            (rc = rig_power_set(bench, position, true, NULL)) < 0) {
            return rc;
        }
        if (rig_meter_read_import_energy(u.m, &e1) < 0) {
            out->unanswered++;
            continue;
        }
        if (e1 < floor_wh) {
            out->decreases++;
        }
        floor_wh = e1;
        double expected = e0 + u.k * u.p_ref_w * (st.last_down_s - t0) / 3600.0;
        double loss = expected - e1;
        out->max_loss_wh = fmax(out->max_loss_wh, loss);
        out->min_loss_wh = fmin(out->min_loss_wh, loss);
        out->corrupt += check_records(&u, pending_period, pending_hw);
        if ((rc = rig_sleep(bench, SETTLE_S)) < 0) {
            return rc;
        }
    }
    if ((rc = rig_power_status(bench, position, &st)) < 0) {
        return rc;
    }
    out->torn = (unsigned)(st.nv_torn - st0.nv_torn);
    return 0;
}

int rig_power_warned_campaign(struct rig_bench *bench, unsigned position, unsigned cuts,
                              unsigned seed, struct rig_power_warned *out)
{
    memset(out, 0, sizeof(*out));
    struct unit u = {.bench = bench, .pos = position, .m = rig_bench_meter(bench, position)};
    struct rig_source *src = rig_bench_source(bench);
    int rc;
    if (u.m == NULL || src == NULL) {
        return -EIO;
    }
    if ((rc = rig_source_set(src, VOLTS, AMPS, 0.0, 50.0)) < 0 || (rc = rig_source_output(src, true)) < 0 ||
        (rc = learn_ratio(&u)) < 0) {
        return rc;
    }
    unsigned rng = seed;
    for (unsigned n = 0; n < cuts; n++) {
        double e0, r0, r1, e1, t0, used;
        struct rig_power_status st;
        if ((rc = rig_sleep(bench, uniform(&rng) * RIG_POWER_SAVE_PERIOD_S)) < 0 ||
            (rc = read_point(&u, &e0, &t0)) < 0 || (rc = rig_source_energy(src, &r0)) < 0 ||
            (rc = rig_sleep(bench, 0.1 + uniform(&rng))) < 0 || (rc = rig_source_energy(src, &r1)) < 0 ||
            (rc = rig_power_set(bench, position, false, &used)) < 0 ||
            (rc = rig_sleep(bench, 0.5 + uniform(&rng))) < 0 ||
            (rc = rig_power_set(bench, position, true, NULL)) < 0 ||
            (rc = rig_meter_read_import_energy(u.m, &e1)) < 0 ||
            (rc = rig_power_status(bench, position, &st)) < 0) {
            return rc;
        }
        out->cuts++;
        out->max_loss_wh = fmax(out->max_loss_wh, fabs(e0 + u.k * (r1 - r0) - e1));
        out->max_holdup_used_s = fmax(out->max_holdup_used_s, used);
        out->holdup_s = st.holdup_s;
        if ((rc = rig_sleep(bench, SETTLE_S)) < 0) {
            return rc;
        }
    }
    return 0;
}
