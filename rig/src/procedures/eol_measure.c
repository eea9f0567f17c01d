/*
 * eol_measure.c — one load point on every position of the rack at once
 * (they share the source), each gated on its own pulses: output 1 at the
 * factory test constant (eol_testmode.c), or, on a unit without it, pulse
 * output 2 set per point to a constant that makes the gate short.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/bench.h"
#include "rig/gate.h"
#include "rig/modbus.h"
#include "rig/regmap.h"
#include "rig/source.h"

/* Output 2 runs at most this fast (its 50 ms pulse plus the 30 ms minimum
 * pause would allow 12.5/s, docs/metering.md). */
#define EOL_MAX_PULSE_RATE 4.0
/* After output 2 is set: one pulse and its pause (2500 ms at most, 50 ms as
 * the EOL sets it, + 30 ms) may still be under way. */
#define EOL_RECONFIGURE_S 0.2
#define EOL_PULSE2_DURATION_MS 50u
/* Output 1: 1 Wh per pulse (manual §2.3.3). */
#define EOL_PULSE1_WH 1.0

int eol_point_buf_alloc(struct eol_point_buf *b, unsigned n)
{
    b->gates = calloc(n ? n : 1, sizeof *b->gates);
    b->k = calloc(n ? n : 1, sizeof *b->k);
    b->err = calloc(n ? n : 1, sizeof *b->err);
    if (b->gates && b->k && b->err)
        return 0;
    eol_point_buf_free(b);
    return rig_error_set(-ENOMEM, "eol: out of memory");
}

void eol_point_buf_free(struct eol_point_buf *b)
{
    free(b->gates);
    free(b->k);
    free(b->err);
    *b = (struct eol_point_buf){0};
}

double eol_point_watts(const struct rig_point *pt)
{
    return pt->volts * pt->amps * cos(pt->phase_deg * M_PI / 180.0);
}

/*
 * Write output 2's settings (registers 726..734, manual §5) in one request
 * and save. The five are consecutive 2-register values in both maps; the
 * addresses come from the shared register map.
 */
static int set_pulse2(struct eol_unit *u, const struct eol_pulse2 *want)
{
    if (u->p2.source == want->source && u->p2.energy == want->energy &&
        u->p2.multiplier == want->multiplier && u->p2.duration == want->duration)
        return 0;
    static const enum med2_reg_id ids[5] = {MED2_REG_PULSE2_SOURCE, MED2_REG_PULSE2_MODE,
                                            MED2_REG_PULSE2_ENERGY, MED2_REG_PULSE2_MULTIPLIER,
                                            MED2_REG_PULSE2_DURATION};
    const double v[5] = {want->source, 0 /* mode: energy */, want->energy, want->multiplier,
                         want->duration};
    enum med2_map map;
    int rc = rig_meter_map(u->m, &map);
    int base = rc < 0 ? rc : rig_reg_address(map, ids[0]);
    if (base < 0)
        return rig_error_prefix(base, "setting pulse output 2");
    enum rig_endian en = rig_meter_endian(u->m);
    uint16_t w[10];
    for (int k = 0; k < 5; k++) {
        if (rig_reg_address(map, ids[k]) != base + 2 * k)
            return rig_error_set(-EINVAL, "pulse output 2's registers are not consecutive in "
                                          "the %s map", rig_regmap_name(map));
        rig_encode_value(MED2_T_U32, v[k], en, &w[2 * k]);
    }
    u->p2.source = 0; /* unknown until saved */
    u->p2_touched = true;
    if ((rc = rig_meter_unlock(u->m, NULL)) < 0 ||
        (rc = rig_meter_write_registers(u->m, (uint16_t)base, 10, w)) < 0 ||
        (rc = rig_meter_save(u->m)) < 0)
        return rig_error_prefix(rc, "setting pulse output 2");
    u->p2 = *want;
    return 0;
}

/* Output 2 back to what the unit ships with (the register map's defaults). */
static int restore_pulse2(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    if (!u->p2_touched)
        return 0; /* never changed by this run: nothing to put back */
    const struct eol_pulse2 shipped = {
        (unsigned)rig_reg_info(MED2_REG_PULSE2_SOURCE)->def,
        (unsigned)rig_reg_info(MED2_REG_PULSE2_ENERGY)->def,
        (unsigned)rig_reg_info(MED2_REG_PULSE2_MULTIPLIER)->def,
        (unsigned)rig_reg_info(MED2_REG_PULSE2_DURATION)->def,
    };
    return set_pulse2(u, &shipped);
}

void eol_plan_gate(const struct eol_unit *u, double watts, double resolution, struct rig_gate *g,
                   struct eol_p2_constant *k)
{
    struct rig_gate_need need = {.kind = RIG_ENERGY_ACTIVE,
                                 .output = 1,
                                 .wh_per_pulse = EOL_PULSE1_WH,
                                 .power = watts,
                                 .resolution = resolution,
                                 .min_pulses = 1,
                                 .settle_s = EOL_SETTLE_S};
    *k = (struct eol_p2_constant){0, 0};
    if (u->test_constant)
        need.wh_per_pulse = EOL_TEST_WH_PER_PULSE;
    else if (u->model.pulse2_adjustable &&
        rig_gate_pulse2_constant(watts, EOL_MAX_PULSE_RATE, &k->energy, &k->multiplier,
                                 &need.wh_per_pulse))
        need.output = 2;
    *g = rig_gate_plan(&need);
}

struct point_job {
    const struct rig_gate *gates;
    const struct eol_p2_constant *k;
};

static int configure_for_point(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    const struct point_job *pj = arg;
    unsigned i = (unsigned)(u - c->u);
    if (pj->gates[i].pulses == 0 || pj->gates[i].output != 2)
        return 0;
    const struct eol_pulse2 want = {MED2_PULSE2_IMPORT_ACTIVE, pj->k[i].energy,
                                    pj->k[i].multiplier, EOL_PULSE2_DURATION_MS};
    return set_pulse2(u, &want);
}

/*
 * The point is applied and settled first, and only then is output 2 set to
 * the point's constant: set before, the last window of the previous (maybe
 * 300 times larger) power would be counted in the new, fine constant and
 * queue hundreds of pulses. After setting it the gate waits out one pulse
 * and pause, so no pulse of the old constant is counted.
 */
int eol_measure(struct eol_ctx *c, const struct rig_point *pt, struct rig_gate *gates,
                const struct eol_p2_constant *k, struct rig_error *out, const char *label)
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
        (rc = rig_source_output(src, true)) < 0 || (rc = rig_bench_time(c->bench, &t0)) < 0)
        return rc;
    if (isnan(c->t_start))
        c->t_start = t0;
    if ((rc = eol_sleep(c, EOL_SETTLE_S)) < 0)
        return rc;
    struct point_job pj = {gates, k};
    eol_for_units(c, eol_pick_adjustable, configure_for_point, &pj, "pulse output 2", NULL);
    eol_rtc_collect(c); /* the gate drains the lines */
    unsigned count = 0;
    for (unsigned i = 0; i < c->n; i++) {
        if (!c->u[i].usable)
            gates[i].pulses = 0;
        if (gates[i].pulses)
            count++;
        /* output 2 may still finish a pulse of its old constant */
        gates[i].settle_s = gates[i].output == 2 ? EOL_RECONFIGURE_S : 0.0;
    }
    if ((rc = rig_measure_point(c->bench, pt, gates, out)) < 0)
        return rc;
    rig_bench_time(c->bench, &t1);
    fprintf(stderr, "eol: %-26s %6.2f A %7.2f deg: %u position%s, %.1f s (t = %.0f s)\n",
            label, pt->amps, pt->phase_deg, count, count == 1 ? "" : "s", t1 - t0,
            t1 - c->t_start);
    return 0;
}

int eol_end_phase(struct eol_ctx *c, int rc)
{
    if (c->aborted)
        return rc;
    eol_for_units(c, eol_pick_adjustable, restore_pulse2, NULL, "restoring pulse output 2",
                  NULL);
    struct rig_source *src = rig_bench_source(c->bench);
    int off = src ? rig_source_output(src, false) : -ENODEV;
    if (off < 0 && rc == 0)
        rc = eol_abort_rack(c, off);
    return rc;
}
