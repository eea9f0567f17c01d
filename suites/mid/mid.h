/*
 * suites/mid/mid.h — what the files of the MID conformance suite share:
 * the ratings of each model (manual §6), opening and calibrating a bench,
 * measuring a point on every position with gates sized from the expected
 * power, and printing an error table the way the lab reads it.
 *
 * Standards: EN 50470-1/-3 (active energy, classes B and C), IEC 62053-23
 * (reactive energy, class 2). Clause numbers are cited where each test is
 * defined; load points and their limits come from fixtures/loadpoints/
 * (rig/loadpoints.h), the other limits are named constants beside their
 * clause.
 */
#ifndef SUITES_MID_H
#define SUITES_MID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rig/measure.h"
#include "rig/rig.h"

/* Output 1: 1 Wh per pulse, k = 1000 imp/kWh (manual §2.3.3, pulse outputs;
 * docs/metering.md). Output 2 set to 1 varh per pulse for reactive. */
#define MID_K_IMP_PER_KWH 1000.0
#define MID_PULSE1_WH 1.0
#define MID_PULSE2_VARH 1.0

/* The ratings of one model: class and connection (firmware/include/
 * med2_models.h), currents, Un and fn (currents.ini, manual §6). */
struct mid_rating {
    char cls;   /* 'B' or 'C' (EN 50470-3 class index) */
    bool ct;    /* transformer operated (x/5 A) */
    double un, fn;
    double ist, imin, itr, iref, imax; /* A (secondary for CT) */
};

/* The rating of model (asserting it is known). */
struct mid_rating mid_rating(const char *model);

/* One load point of a table: what the source applies and its limit. */
struct mid_point {
    char label[40];
    struct rig_point pt; /* Un, the current, its phase (lag), fn */
    double limit_pct;    /* |error| allowed, % */
};

#define MID_MAX_POINTS 48
#define MID_MAX_POSITIONS 24

/* Errors of every position at every point of a table, as measured. */
struct mid_table {
    const char *title;
    unsigned positions;
    size_t npoints;
    struct mid_point point[MID_MAX_POINTS];        /* row labels (position 1's points) */
    bool has[MID_MAX_POINTS][MID_MAX_POSITIONS];   /* this position has this point */
    double limit[MID_MAX_POINTS][MID_MAX_POSITIONS]; /* its limit there, % */
    struct rig_error err[MID_MAX_POINTS][MID_MAX_POSITIONS];
};

/* Open the bench file (asserting), and close it (source off, always). */
struct rig_bench *mid_open(const char *bench_file);
void mid_close(struct rig_bench *bench);

/* rig_eol_calibrate every position and assert each is calibrated; prints
 * the coefficients it found, one line per position. */
void mid_calibrate(struct rig_bench *bench);

/*
 * The load points of a model from fixtures/loadpoints (rig/loadpoints.h):
 * active (EN 50470-3, its class and connection) or reactive (IEC 62053-23
 * class 2); for reactive, only the inductive (phase > 0) or only the
 * capacitive ones. Returns how many (asserts > 0).
 */
size_t mid_points(const char *model, enum rig_energy_kind kind, bool capacitive,
                  struct mid_point *pts, size_t cap);

/*
 * A gate for a position at a point (rig_gate_plan): N pulses so that the
 * gate lasts at least RIG_GATE_LAB_MIN_S (and N >= RIG_GATE_LAB_MIN_PULSES), a timeout
 * long enough for a unit reading a third low. power_w is the expected
 * active (or reactive) power at the terminals.
 */
struct rig_gate mid_gate(enum rig_energy_kind kind, unsigned output, double unit_per_pulse,
                         double power_w);

/*
 * Measure every position at pt, each on its own gate; asserts the bench
 * did not fail (an unmeasured position is in results[].measured).
 */
void mid_measure(struct rig_bench *bench, const struct rig_point *pt,
                 const struct rig_gate *gates, struct rig_error *results);

/*
 * Run a whole table: the union of the positions' points (each position's
 * own list in pts[position - 1], npts[position - 1]), measured on output 1
 * (active) at 1 Wh per pulse, or on output 2 (reactive) at 1 varh per pulse.
 * Fills t (t->title is the caller's).
 */
void mid_run_table(struct rig_bench *bench, struct mid_table *t, enum rig_energy_kind kind,
                   struct mid_point pts[][MID_MAX_POINTS], const size_t *npts);

/* Print t as the lab reads it: one row per point, one column per position
 * (error %, '*' beyond the limit), the limit of the row. One write, so
 * parallel tests do not interleave. */
void mid_print_table(struct rig_bench *bench, const struct mid_table *t);

/* Count of points beyond their limit (unmeasured counts as beyond) of
 * position (1-based); *worst_ratio receives max |error| / limit. */
unsigned mid_table_failures(const struct mid_table *t, unsigned position, double *worst_ratio);

/* Pulse output 2: source (1..4, manual §5 register 726), 1 Wh/varh per
 * pulse, 100 ms, on every position. */
void mid_set_pulse2(struct rig_bench *bench, unsigned source);

/* Read one register (asserting). */
double mid_reg(struct rig_bench *bench, unsigned position, enum med2_reg_id id);

/* Print a block of text in one write (parallel tests). */
void mid_print(const char *text);

#endif /* SUITES_MID_H */
