/*
 * suites/mid/mid.c — the suite's shared helpers (see mid.h).
 */
#include "mid.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig/eol.h"
#include "rig/gate.h"
#include "rig/loadpoints.h"

struct mid_rating mid_rating(const char *model)
{
    struct rig_model_info info;
    struct rig_currents c;
    cr_assert_eq(rig_model_info(model, &info), 0, "%s", rig_last_error());
    cr_assert_eq(rig_model_currents(model, &c), 0, "%s", rig_last_error());
    return (struct mid_rating){
        .cls = info.active_class,
        .ct = info.connection == RIG_CONNECTION_CT,
        .un = c.un,
        .fn = c.fn,
        .ist = c.ist,
        .imin = c.imin,
        .itr = c.itr,
        .iref = c.iref,
        .imax = c.imax,
    };
}

/* The calibration summary of this test's bench, printed with the test's
 * first report so the two stay together when tests run in parallel (each
 * test is its own process). */
static char pending[4096];

void mid_print(const char *text)
{
    static char out[40960];
    snprintf(out, sizeof(out), "%s%s", pending, text);
    pending[0] = '\0';
    fputs(out, stdout);
    fflush(stdout);
}

struct rig_bench *mid_open(const char *bench_file)
{
    struct rig_bench *bench = NULL;
    int r = rig_bench_open(bench_file, &bench);
    cr_assert_eq(r, 0, "opening bench %s: %s", bench_file, rig_last_error());
    cr_assert_leq(rig_bench_position_count(bench), MID_MAX_POSITIONS);
    return bench;
}

void mid_close(struct rig_bench *bench)
{
    rig_bench_close(bench); /* switches the source off, whatever happened */
}

void mid_calibrate(struct rig_bench *bench)
{
    unsigned n = rig_bench_position_count(bench);
    struct rig_eol_result res[MID_MAX_POSITIONS];
    memset(res, 0, sizeof(res));
    int r = rig_eol_calibrate(bench, res);
    cr_assert_geq(r, 0, "calibrating bench %s: %s", rig_bench_name(bench), rig_last_error());
    char *text = pending;
    const size_t cap = sizeof(pending);
    size_t len = (size_t)snprintf(text, cap, "\ncalibration (rig_eol_calibrate), bench %s\n",
                                  rig_bench_name(bench));
    for (unsigned p = 1; p <= n && len < cap; p++) {
        const struct rig_eol_result *e = &res[p - 1];
        const struct rig_position *pos = rig_bench_position(bench, p);
        len += (size_t)snprintf(text + len, cap - len,
                                "  pos %2u %-11s %s  %s  v_gain %.5f i_gain %.5f phase %+.4f deg"
                                "  p_offset %+.3f W%s%s\n",
                                p, pos->model, pos->serial,
                                e->calibrated ? "calibrated" : "NOT CALIBRATED", e->v_gain,
                                e->i_gain, e->phase_deg, e->p_offset, e->reason[0] ? "  " : "",
                                e->reason);
    }
    for (unsigned p = 1; p <= n; p++) {
        if (!res[p - 1].calibrated) {
            mid_print(""); /* the summary says which and why */
        }
        cr_assert(res[p - 1].calibrated, "position %u not calibrated: %s", p, res[p - 1].reason);
    }
}

/* ---- load points ---- */

size_t mid_points(const char *model, enum rig_energy_kind kind, bool capacitive,
                  struct mid_point *pts, size_t cap)
{
    static _Thread_local struct rig_load_table lt;
    int r = kind == RIG_ENERGY_ACTIVE ? rig_loadpoints_active(model, &lt)
                                      : rig_loadpoints_reactive(model, &lt);
    cr_assert_eq(r, 0, "load points of %s: %s", model, rig_last_error());
    size_t n = 0;
    for (unsigned k = 0; k < lt.count && n < cap; k++) {
        const struct rig_load_point *lp = &lt.points[k];
        if (kind == RIG_ENERGY_REACTIVE && (lp->pt.phase_deg < 0.0) != capacitive) {
            continue;
        }
        snprintf(pts[n].label, sizeof(pts[n].label), "%s", lp->name);
        pts[n].pt = lp->pt;
        pts[n].limit_pct = lp->mpe * 100.0;
        n++;
    }
    cr_assert_gt(n, 0, "no %s load points for %s in %s",
                 kind == RIG_ENERGY_ACTIVE ? "active" : "reactive", model, rig_loadpoints_dir());
    return n;
}

/* ---- measuring ---- */

struct rig_gate mid_gate(enum rig_energy_kind kind, unsigned output, double unit_per_pulse,
                         double power_w)
{
    const struct rig_gate_need need = {.kind = kind,
                                       .output = output,
                                       .wh_per_pulse = unit_per_pulse,
                                       .power = power_w,
                                       .min_gate_s = RIG_GATE_LAB_MIN_S,
                                       .min_pulses = RIG_GATE_LAB_MIN_PULSES,
                                       .settle_s = RIG_GATE_LAB_SETTLE_S};
    return rig_gate_plan(&need);
}

void mid_measure(struct rig_bench *bench, const struct rig_point *pt,
                 const struct rig_gate *gates, struct rig_error *results)
{
    int r = rig_measure_point(bench, pt, gates, results);
    cr_assert_eq(r, 0, "measuring %.3f V %.4f A %.2f deg %.2f Hz: %s", pt->volts, pt->amps,
                 pt->phase_deg, pt->freq_hz, rig_last_error());
}

void mid_run_table(struct rig_bench *bench, struct mid_table *t, enum rig_energy_kind kind,
                   struct mid_point pts[][MID_MAX_POINTS], const size_t *npts)
{
    unsigned n = rig_bench_position_count(bench);
    t->positions = n;
    t->npoints = 0;
    memset(t->has, 0, sizeof(t->has));
    /* the union of the positions' points, in each position's order */
    for (unsigned p = 0; p < n; p++) {
        for (size_t k = 0; k < npts[p]; k++) {
            size_t row = 0;
            while (row < t->npoints &&
                   memcmp(&t->point[row].pt, &pts[p][k].pt, sizeof(struct rig_point)) != 0) {
                row++;
            }
            if (row == t->npoints) {
                cr_assert_lt(t->npoints, MID_MAX_POINTS);
                t->point[t->npoints++] = pts[p][k];
            }
            t->has[row][p] = true;
            t->limit[row][p] = pts[p][k].limit_pct;
        }
    }
    const double deg = M_PI / 180.0;
    for (size_t row = 0; row < t->npoints; row++) {
        const struct mid_point *mp = &t->point[row];
        const struct rig_point *pt = &mp->pt;
        double power = kind == RIG_ENERGY_ACTIVE ? pt->volts * pt->amps * cos(pt->phase_deg * deg)
                                                 : pt->volts * pt->amps * sin(pt->phase_deg * deg);
        struct rig_gate gates[MID_MAX_POSITIONS];
        for (unsigned p = 0; p < n; p++) {
            gates[p] = kind == RIG_ENERGY_ACTIVE
                           ? mid_gate(kind, 1, MID_PULSE1_WH, power)
                           : mid_gate(kind, 2, MID_PULSE2_VARH, power);
        }
        mid_measure(bench, pt, gates, t->err[row]);
    }
}

unsigned mid_table_failures(const struct mid_table *t, unsigned position, double *worst_ratio)
{
    unsigned fails = 0;
    double worst = 0.0;
    for (size_t row = 0; row < t->npoints; row++) {
        if (!t->has[row][position - 1]) {
            continue;
        }
        const struct rig_error *e = &t->err[row][position - 1];
        double limit = t->limit[row][position - 1];
        double ratio = e->measured ? fabs(e->error * 100.0) / limit : INFINITY;
        worst = fmax(worst, ratio);
        fails += ratio > 1.0;
    }
    if (worst_ratio != NULL) {
        *worst_ratio = worst;
    }
    return fails;
}

void mid_print_table(struct rig_bench *bench, const struct mid_table *t)
{
    static _Thread_local char text[32768];
    size_t len = 0;
#define OUT(...)                                                                        \
    do {                                                                                \
        if (len < sizeof(text)) {                                                       \
            len += (size_t)snprintf(text + len, sizeof(text) - len, __VA_ARGS__);       \
        }                                                                               \
    } while (0)
    OUT("\n%s — bench %s, Un %.0f V, %.0f Hz; error %% (limit +-%%), * beyond the limit\n",
        t->title, rig_bench_name(bench), t->npoints ? t->point[0].pt.volts : 0.0,
        t->npoints ? t->point[0].pt.freq_hz : 0.0);
    OUT("%-22s %9s %8s", "point", "I (A)", "phi");
    for (unsigned p = 1; p <= t->positions; p++) {
        OUT(" %14s", rig_bench_position(bench, p)->serial);
    }
    OUT("\n%-22s %9s %8s", "", "", "(deg)");
    for (unsigned p = 1; p <= t->positions; p++) {
        OUT(" %14s", rig_bench_position(bench, p)->model);
    }
    OUT("\n");
    for (size_t row = 0; row < t->npoints; row++) {
        const struct mid_point *mp = &t->point[row];
        OUT("%-22s %9.4f %8.2f", mp->label, mp->pt.amps, mp->pt.phase_deg);
        for (unsigned p = 0; p < t->positions; p++) {
            const struct rig_error *e = &t->err[row][p];
            if (!t->has[row][p]) {
                OUT(" %14s", "-");
            } else if (!e->measured) {
                OUT(" %8s(%4.2f)*", "no pulses", t->limit[row][p]);
            } else {
                bool beyond = fabs(e->error * 100.0) > t->limit[row][p];
                OUT(" %+7.3f(%4.2f)%c", e->error * 100.0, t->limit[row][p], beyond ? '*' : ' ');
            }
        }
        OUT("\n");
    }
    OUT("%-22s %9s %8s", "worst |error|/limit", "", "");
    for (unsigned p = 1; p <= t->positions; p++) {
        double worst;
        unsigned fails = mid_table_failures(t, p, &worst);
        OUT("   %6.3f %s", worst, fails ? "FAIL" : "pass");
    }
    OUT("\n");
#undef OUT
    mid_print(text);
}

/* ---- registers ---- */

double mid_reg(struct rig_bench *bench, unsigned position, enum med2_reg_id id)
{
    struct rig_meter *m = rig_bench_meter(bench, position);
    cr_assert_not_null(m, "%s", rig_last_error());
    double v;
    cr_assert_eq(rig_meter_read_reg(m, id, &v), 0, "%s", rig_last_error());
    return v;
}

void mid_set_pulse2(struct rig_bench *bench, unsigned source)
{
    /* manual §5 registers 726..734: source, energy 1 x multiplier 3 (1 Wh or
     * varh per pulse: energy x 10^(multiplier - 3)), 100 ms */
    const struct rig_setting s[] = {
        {MED2_REG_PULSE2_SOURCE, source},
        {MED2_REG_PULSE2_ENERGY, 1},
        {MED2_REG_PULSE2_MULTIPLIER, 3},
        {MED2_REG_PULSE2_DURATION, 100},
    };
    for (unsigned p = 1; p <= rig_bench_position_count(bench); p++) {
        struct rig_meter *m = rig_bench_meter(bench, p);
        cr_assert_not_null(m, "%s", rig_last_error());
        cr_assert_eq(rig_meter_configure(m, NULL, s, sizeof(s) / sizeof(s[0]), true, NULL), 0,
                     "position %u: %s", p, rig_last_error());
    }
}
