/*
 * eol_internal.h — the state of one EOL run and what its phases share.
 *
 * The phases, one file each: eol_units.c (the run's units, per-unit work in
 * parallel, failures, records), eol_measure.c (a load point on every
 * position, pulse output 2 per point), eol_calibrate.c, eol_verify.c,
 * eol_flash.c, eol_identify.c, eol_seal.c, eol_run.c (the whole job) and
 * eol_report.c (the run handed to reports/).
 */
#ifndef RIG_EOL_INTERNAL_H
#define RIG_EOL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rig/eol.h"
#include "rig/factory.h"
#include "rig/gate.h"
#include "rig/loadpoints.h"
#include "rig/measure.h"

struct rig_bench;
struct rig_meter;
struct rig_position;
struct rig_records;

#define EOL_CAL_POINTS 4 /* Iref PF 1, Iref PF 0.5L, low current PF 1, Itr PF 0.5L */
#define EOL_CAL_PASSES 3 /* measure, adjust, check [, adjust, check] */

/* Time after applying a point before the gate opens: the meter publishes a
 * new power after one window (~10 mains cycles, 0.2 s); a real source
 * settles its amplitude and phase within about a second. */
#define EOL_SETTLE_S 1.0
/* How long a position may take to answer before the run decides it is not
 * there (or sealed without RS485). */
#define EOL_PROBE_TIMEOUT_MS 300

struct eol_point_result {
    bool measured;
    double error;    /* relative */
    double ratio;    /* |error| / mpe */
    double gate_s;
    unsigned pulses;
    double wh_per_pulse;
    unsigned output;
};

/* Pulse output 2 as a unit is configured now (source 0: unknown). */
struct eol_pulse2 {
    unsigned source, energy, multiplier, duration;
};

/* The EOL's gates last about 1.5 s: each end is an edge the meter places on
 * one of its 4 kHz samples, so a gate's error is off by less than 250 us
 * in 1.5 s, 1.7e-4: a thirtieth of the class C limit at Iref, a sixth of
 * the calibration's target. rig/gate.h counts a sample at each end (2 x). */
#define EOL_GATE_S 1.5
#define EOL_GATE_RESOLUTION (2.0 * RIG_GATE_EDGE_JITTER_S / EOL_GATE_S)

/* Pulse output 1 at the factory test constant (docs/factory.md): Wh a pulse. */
#define EOL_TEST_IMP_PER_KWH MED2_PULSE1_TEST_IMP_PER_KWH
#define EOL_TEST_WH_PER_PULSE (1000.0 / EOL_TEST_IMP_PER_KWH)

struct eol_unit {
    unsigned position;
    const struct rig_position *pos;
    struct rig_meter *m;          /* its factory client (rig_bench_factory) */
    struct rig_model_info model;
    struct rig_load_table table;  /* active, EN 50470-3 */
    bool usable;                  /* answers and can be measured */
    bool sealed_before;           /* sealed when the run found it */
    bool cal_active;              /* still being calibrated (or: picked for the next step) */
    bool has_clock;
    struct rig_factory_cal cal;   /* in force now */
    struct rig_factory_cal cal_read;
    struct rig_factory_identity id_written, id_read;
    bool cal_error_valid[EOL_CAL_PASSES][EOL_CAL_POINTS];
    double cal_error[EOL_CAL_PASSES][EOL_CAL_POINTS];
    /* each calibration point and its last measurement with the calibration
     * in force now (measured false once a new one is written): a
     * verification point that is one of them takes it (eol_verify.c) */
    struct rig_point cal_pt[EOL_CAL_POINTS];
    struct eol_point_result cal_last[EOL_CAL_POINTS];
    struct eol_point_result verify[RIG_LOAD_POINTS_MAX];
    bool verify_done;
    struct eol_pulse2 p2;
    bool p2_touched;              /* output 2 set by this run: put back at the end */
    bool test_constant;           /* output 1 at the test constant now */
    double spent_s;               /* bench time of this unit's step the sim does at once */
    bool rtc_running;             /* its RTC test runs on output 2 */
    double rtc_first_s, rtc_last_s; /* first and last second edge seen (NAN: none) */
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
    char profile[16];             /* verification profile */
    double modbus_s, flash_s;     /* bench time spent on lines and probes (plan breakdown) */
    double pending_s;             /* of that, not yet on a simulated bench's clock */
};

/* The calibration points' names, in EOL_CAL_POINTS order. */
extern const char *const eol_cal_point_names[EOL_CAL_POINTS];

/* ---- eol_units.c ---- */

/* A run over bench: the context and its units (results[position - 1]).
 * Returns 0 or -ENOMEM. eol_ctx_free frees the units. */
int eol_ctx_init(struct eol_ctx *c, struct rig_bench *bench, struct rig_eol_result *results);
void eol_ctx_free(struct eol_ctx *c);

/* Wait seconds on the bench, then put the lines' and probes' pending time
 * on a simulated bench's clock (rig_bench_spend). 0 or as rig_sleep. */
int eol_sleep(struct eol_ctx *c, double seconds);
/* The pending time now (the end of a run; not after an abort). */
void eol_spend_pending(struct eol_ctx *c);

/* Record a measurement of u (NULL: the rack) in the run's store, if any. */
void eol_record(struct eol_ctx *c, const struct eol_unit *u, const char *name, double value,
                const char *unit, double lo, double hi, const char *verdict);

/* The calibration values of cal into a unit's result. */
void eol_result_take_cal(struct rig_eol_result *r, const struct rig_factory_cal *cal);

/* Keep the first reason a unit fails for: it is the cause. */
void eol_fail_unit(struct eol_unit *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef int (*eol_unit_fn)(struct eol_ctx *c, struct eol_unit *u, void *arg);
typedef bool (*eol_pick_fn)(const struct eol_unit *u);

/*
 * eol_for_units — fn on every unit pick selects, one thread each (Modbus to
 * each unit is its own line). A unit whose fn fails leaves the step: it is
 * no longer usable and its reason names step and the failure. NULL step:
 * failures are only returned, in rcs (may be NULL; rcs[i] < 0 failed).
 */
void eol_for_units(struct eol_ctx *c, eol_pick_fn pick, eol_unit_fn fn, void *arg,
                   const char *step, int *rcs);

bool eol_pick_usable(const struct eol_unit *u);
bool eol_pick_active(const struct eol_unit *u);     /* usable and cal_active */
bool eol_pick_adjustable(const struct eol_unit *u); /* usable, output 2 settable */
bool eol_pick_passing(const struct eol_unit *u);    /* not sealed before, calibrated, verified */

/* Each position's factory client, model, table and clock (again after a
 * flash restarted the units). */
void eol_prepare(struct eol_ctx *c);

/* Read every usable unit's status and byte order; units sealed before the
 * run leave calibration (their reason says so, their calibration is read). */
void eol_find_sealed(struct eol_ctx *c);

/* Byte order of every usable RS485 unit (register 708). */
void eol_detect_endians(struct eol_ctx *c);

/* The rack cannot go on: switch the source off, say why on every position.
 * Returns rc. */
int eol_abort_rack(struct eol_ctx *c, int rc);


/* ---- eol_measure.c ---- */

/* Output 2's constant chosen for a gate (energy 0: the gate is on output 1). */
struct eol_p2_constant {
    unsigned energy, multiplier;
};

/* The gate of u at a point of watts for a relative resolution: output 2 at
 * the finest constant that keeps it at most EOL_MAX_PULSE_RATE, or output 1
 * (1 Wh) where output 2 cannot be set. */
void eol_plan_gate(const struct eol_unit *u, double watts, double resolution, struct rig_gate *g,
                   struct eol_p2_constant *k);

/* Measure pt on the units with gates (pulses > 0): apply and settle, set
 * output 2 per unit, gate. out[i] filled; label names the point in progress. */
int eol_measure(struct eol_ctx *c, const struct rig_point *pt, struct rig_gate *gates,
                const struct eol_p2_constant *k, struct rig_error *out, const char *label);

/* The end of a measuring phase, however it ended: unless the rack was
 * aborted (the source is already off then), pulse output 2 back to its
 * defaults and the source off. Returns rc, or the error of switching off. */
int eol_end_phase(struct eol_ctx *c, int rc);

/* Per-position gates and results of one point (n each). */
struct eol_point_buf {
    struct rig_gate *gates;
    struct eol_p2_constant *k;
    struct rig_error *err;
};
int eol_point_buf_alloc(struct eol_point_buf *b, unsigned n); /* 0 or -ENOMEM */
void eol_point_buf_free(struct eol_point_buf *b);

/* The active power of a point, W. */
double eol_point_watts(const struct rig_point *pt);

/* ---- eol_precheck.c ---- */

/* One steady load; units showing a factory defect leave the run with a
 * reason naming it. The source is off afterwards. Returns 0 or the rack's
 * abort code. */
int eol_precheck_units(struct eol_ctx *c);

/* The spread of output 1's pulse periods at a steady load, each period
 * over a span of at least a measurement window at the test constant (one
 * pulse at 1 Wh): an intermittent contact makes them vary by percents. */
#define EOL_PERIOD_CV_LIMIT 0.01
struct eol_periods {
    double prev, sum, sum2, span_s;
    unsigned periods, in_span;
};
void eol_periods_init(struct eol_periods *p, double wh_per_pulse);
void eol_periods_add(struct eol_periods *p, double t); /* a rising edge at t, s */
double eol_periods_cv(const struct eol_periods *p);    /* 0 with too few periods */

/* ---- eol_testmode.c ---- */

/* Output 1 of every usable unsealed unit to the test constant (read back);
 * a unit that refuses keeps the legal constant and gates as before. */
void eol_test_constant_on(struct eol_ctx *c);
/* Output 1 back to the legal constant (read back) on the units that had
 * the test constant. */
void eol_test_constant_off(struct eol_ctx *c);

/* ---- eol_calibrate.c, eol_verify.c ---- */

int eol_calibrate_units(struct eol_ctx *c);
int eol_verify_units(struct eol_ctx *c);

/* ---- eol_rtc.c ---- */

/* Put the verified units that have a clock in their RTC test (pulse output
 * 1 at every RTC second); after a while, time the pulses against the bench
 * and end the test: a clock beyond the limit fails the unit. */
void eol_rtc_start(struct eol_ctx *c);
void eol_rtc_finish(struct eol_ctx *c);
/* Take the second edges that came since the last look (before a gate
 * drains the lines). */
void eol_rtc_collect(struct eol_ctx *c);
/* A second edge of u's RTC test at t (s), seen by whoever drained it. */
void eol_rtc_edge(struct eol_unit *u, double t);

/* ---- eol_drift.c ---- */

/* After verification: soak at Imax, measure Iref PF 1 again; a unit whose
 * error moved beyond the limit is no longer verified (its reason says
 * so). Returns 0 or the rack's abort code. */
int eol_drift_units(struct eol_ctx *c);

/* ---- eol_flash.c, eol_identify.c, eol_seal.c ---- */

/* The image's id as benchd checks a flashed slot ("fnv1a64:...", "unknown"). */
void eol_image_id(const char *path, char *out, size_t len);
/* Flash every usable unit that is not sealed (sealed ones are found first),
 * one thread per probe. */
void eol_flash_units(struct eol_ctx *c, const char *image);
/* Identity, clock, save and read-back of the units that passed so far. */
void eol_identify_units(struct eol_ctx *c);
/* Seal the units that passed everything (if seal), lock the rest. */
void eol_seal_units(struct eol_ctx *c, bool seal);

/* ---- eol_report.c ---- */

/* Certificates, index.html and summary.txt under dir (reports/). 0 or -errno. */
int eol_report_write(const struct eol_ctx *c, const char *dir, bool seal_requested);

#endif
