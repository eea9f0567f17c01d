/*
 * eol_internal.h — the state of one EOL run, shared by the procedure
 * (eol.c) and its reports (eol_report.c).
 */
#ifndef RIG_EOL_INTERNAL_H
#define RIG_EOL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "rig/eol.h"
#include "rig/factory.h"
#include "rig/loadpoints.h"
#include "rig/measure.h"

struct rig_bench;
struct rig_meter;
struct rig_position;
struct rig_records;

#define EOL_CAL_POINTS 3 /* Iref PF 1, Iref PF 0.5L, low current PF 1 */
#define EOL_CAL_PASSES 3 /* measure, adjust, check [, adjust, check] */

struct eol_point_result {
    bool measured;
    double error;    /* relative */
    double ratio;    /* |error| / mpe */
    double gate_s;
    unsigned pulses;
    double wh_per_pulse;
    unsigned output;
};

struct eol_unit {
    unsigned position;
    const struct rig_position *pos;
    struct rig_meter *m;          /* its factory client (rig_bench_factory) */
    struct rig_model_info model;
    struct rig_load_table table;  /* active, EN 50470-3 */
    bool usable;                  /* answers and can be measured */
    bool sealed_before;           /* sealed when the run found it */
    bool cal_active;              /* still being calibrated */
    bool has_clock;
    struct rig_factory_cal cal;   /* in force now */
    struct rig_factory_cal cal_read;
    struct rig_factory_identity id_written, id_read;
    bool cal_error_valid[EOL_CAL_PASSES][EOL_CAL_POINTS];
    double cal_error[EOL_CAL_PASSES][EOL_CAL_POINTS];
    struct eol_point_result verify[RIG_LOAD_POINTS_MAX];
    bool verify_done;
    /* pulse output 2 as configured now (0: unknown) */
    unsigned p2_source, p2_energy, p2_multiplier, p2_duration;
    double v_reg;                 /* voltage register at Iref PF 1 (0: none) */
    struct rig_eol_result *res;
    char err[256];                /* the last per-unit failure (thread's message) */
};

struct eol_ctx {
    struct rig_bench *bench;
    unsigned n;
    struct eol_unit *u;
    struct rig_records *rec;
    char firmware[40];            /* "fnv1a64:..." or "unknown" */
    char bench_name[64];
    double t_start, t_end;        /* bench time, s */
    char started[32];             /* wall clock, ISO 8601 */
    bool aborted;
    char abort_reason[200];
    double src_volts;             /* source voltage at Iref PF 1 */
};

/* eol_report.c */
/* mkdir -p; returns 0 or -errno. */
int eol_mkdir_p(const char *dir);
/* Certificates, index.html and summary.txt under dir. Returns 0 or -errno. */
int eol_report_write(const struct eol_ctx *c, const char *dir, bool seal_requested);

#endif
