/*
 * report/eol.h — what an end-of-line run leaves behind for people: a
 * certificate per unit (certificates/SERIAL.txt), the rack's index.html
 * (results table and an error curve per unit with its class limits) and
 * summary.txt (one line per position, what `make run` prints).
 *
 * Plain data in, files out: the report knows nothing of benches, meters or
 * the procedure that measured; the EOL procedure fills these structs.
 * The page and the certificate are templates (reports/templates/), built
 * into the library, so the report needs no files at run time.
 */
#ifndef REPORT_EOL_H
#define REPORT_EOL_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define REPORT_CAL_POINTS 4 /* the calibration points of the EOL */
#define REPORT_CAL_PASSES 3

/* One verification point of a unit. */
struct report_point {
    const char *name;   /* "Iref PF 1" */
    double amps;
    const char *pf;     /* "1", "0.5L", "0.8C": the curve it belongs to */
    double mpe;         /* the limit, relative */
    bool measured;      /* false: no pulses */
    double error;       /* relative */
    double ratio;       /* |error| / mpe */
    double gate_s;
};

/* One position. Strings may be NULL where the position has none. */
struct report_eol_unit {
    unsigned position;
    const char *serial;
    const char *model;
    char active_class;          /* 'A', 'B', 'C', or 0: unknown */
    bool ct;                    /* transformer operated, else direct */
    bool pass, calibrated, verified, identified, sealed;
    bool sealed_before;         /* sealed when the run found it: no calibration to show */
    const char *reason;         /* why not pass; "" when pass */
    double worst_error_ratio;
    double v_gain, i_gain, phase_deg, v_offset, i_offset, p_offset; /* written */
    double i_gain_slope, phase_slope; /* per decade of current below Iref */
    const char *cal_point_names[REPORT_CAL_POINTS];
    bool cal_valid[REPORT_CAL_PASSES];
    double cal_error[REPORT_CAL_PASSES][REPORT_CAL_POINTS]; /* relative */
    unsigned id_serial, id_hw_version, id_cal_date; /* read back, when identified */
    const char *standard;       /* "EN 50470-3" */
    bool verify_done;           /* false: the points were not measured */
    size_t point_count;
    const struct report_point *points;
    const char *gating;         /* how it was gated, e.g. "1 (1 Wh/pulse)" */
    const char *pulse1;         /* pulse output 1's constant in the test and as shipped;
                                   NULL: not said */
};

/* The rack. */
struct report_eol_run {
    const char *bench;
    const char *firmware;       /* the image's id */
    const char *started;        /* ISO 8601, UTC */
    const char *records_path;   /* NULL: nothing was recorded */
    const char *records_run;
    double plan_s;              /* bench time of the run */
    double settle_s;            /* settling before each gate */
    bool seal_requested;
    bool aborted;
    const char *abort_reason;
    size_t unit_count;
    const struct report_eol_unit *units;
};

/*
 * report_eol_write — write certificates/, index.html and summary.txt under
 * dir (created with its parents). A unit without a serial gets no
 * certificate.
 * Returns 0, or a negative errno code with one line in err (what could not
 * be written, and why).
 */
int report_eol_write(const char *dir, const struct report_eol_run *run, char *err, size_t errlen);

/* report_mkdir_p — mkdir -p dir. Returns 0 or a negative errno code. */
int report_mkdir_p(const char *dir);

#ifdef __cplusplus
}
#endif

#endif /* REPORT_EOL_H */
