/*
 * eol_report.c — an EOL run handed to the report (reports/, report/eol.h):
 * the run's units become plain rows; the report renders them.
 */
#include <errno.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "report/eol.h"
#include "rig/bench.h"
#include "rig/records.h"

static void fill_points(const struct eol_unit *u, struct report_point *pts)
{
    for (unsigned k = 0; k < u->table.count; k++) {
        const struct rig_load_point *lp = &u->table.points[k];
        const struct eol_point_result *pr = &u->verify[k];
        pts[k] = (struct report_point){lp->name,     lp->pt.amps,  lp->pf,     lp->mpe,
                                       pr->measured, pr->error,    pr->ratio,  pr->gate_s};
    }
}

static void fill_unit(const struct eol_unit *u, struct report_eol_unit *r, struct report_point *pts)
{
    const struct rig_eol_result *res = u->res;
    *r = (struct report_eol_unit){
        .position = u->position,
        .serial = u->pos ? u->pos->serial : NULL,
        .model = u->pos ? u->pos->model : NULL,
        .active_class = u->model.active_class,
        .ct = u->model.connection == RIG_CONNECTION_CT,
        .pass = res->pass,
        .calibrated = res->calibrated,
        .verified = res->verified,
        .identified = res->identified,
        .sealed = res->sealed,
        .sealed_before = u->sealed_before,
        .reason = res->reason,
        .worst_error_ratio = res->worst_error_ratio,
        .v_gain = res->v_gain,
        .i_gain = res->i_gain,
        .phase_deg = res->phase_deg,
        .v_offset = res->v_offset,
        .i_offset = res->i_offset,
        .p_offset = res->p_offset,
        .i_gain_slope = res->i_gain_slope,
        .phase_slope = res->phase_slope,
        .id_serial = u->id_read.serial,
        .id_hw_version = u->id_read.hw_version,
        .id_cal_date = u->id_read.cal_date,
        .standard = u->table.standard,
        .verify_done = u->verify_done,
        .point_count = u->table.count,
        .points = pts,
        .gating = res->pulse1_imp_per_kwh == EOL_TEST_IMP_PER_KWH
                      ? "1 at the factory test constant (0.01 Wh/pulse)"
                  : u->model.pulse2_adjustable ? "2 (constant chosen per point)"
                                               : "1 (1 Wh/pulse)",
        .pulse1 = res->pulse1_imp_per_kwh == EOL_TEST_IMP_PER_KWH
                      ? "measured at the factory test constant, 100000 imp/kWh; ships at "
                        "the legal 1000 imp/kWh (sealing forces it)"
                  : res->pulse1_imp_per_kwh ? "measured at the legal 1000 imp/kWh"
                                            : "1000 imp/kWh (not measured in this run)",
    };
    for (unsigned k = 0; k < EOL_CAL_POINTS; k++)
        r->cal_point_names[k] = eol_cal_point_names[k];
    for (unsigned p = 0; p < EOL_CAL_PASSES; p++) {
        r->cal_valid[p] = u->cal_error_valid[p][0];
        for (unsigned k = 0; k < EOL_CAL_POINTS; k++)
            r->cal_error[p][k] = u->cal_error[p][k];
    }
    fill_points(u, pts);
}

int eol_report_write(const struct eol_ctx *c, const char *dir, bool seal_requested)
{
    struct report_eol_unit *units = calloc(c->n ? c->n : 1, sizeof *units);
    struct report_point *pts = calloc((size_t)(c->n ? c->n : 1) * RIG_LOAD_POINTS_MAX, sizeof *pts);
    if (!units || !pts) {
        free(units);
        free(pts);
        return rig_error_set(-ENOMEM, "eol: out of memory");
    }
    for (unsigned i = 0; i < c->n; i++)
        fill_unit(&c->u[i], &units[i], &pts[(size_t)i * RIG_LOAD_POINTS_MAX]);
    const struct report_eol_run run = {
        .bench = c->bench_name,
        .firmware = c->firmware,
        .started = c->started,
        .records_path = c->rec ? rig_records_path(c->rec) : NULL,
        .records_run = c->rec ? rig_records_run(c->rec) : NULL,
        .plan_s = c->t_end - c->t_start,
        .settle_s = EOL_SETTLE_S,
        .seal_requested = seal_requested,
        .aborted = c->aborted,
        .abort_reason = c->abort_reason,
        .unit_count = c->n,
        .units = units,
    };
    char err[512];
    int rc = report_eol_write(dir, &run, err, sizeof err);
    free(units);
    free(pts);
    return rc < 0 ? rig_error_set(rc, "eol: %s", err) : 0;
}
