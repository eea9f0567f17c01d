/*
 * rig/loadpoints.h — what accuracy a model must have, where: its class and
 * connection, its characteristic currents, the load points of its accuracy
 * tests and the maximum permissible error (MPE) at each.
 *
 * The one source of truth is fixtures/loadpoints/NAME.ini (currents.ini,
 * en50470-3.ini for active energy, iec62053-23.ini for reactive energy) and,
 * for what each model is, the firmware's own table
 * (firmware/include/med2_models.h); every suite and the EOL read them
 * through this API.
 * The directory is $RIG_LOADPOINTS when set, else fixtures/loadpoints
 * (relative to the working directory, as bench files are).
 *
 * Errors: 0 or a negative errno-style code with rig_last_error():
 *   -ENOENT  a file is missing (the message names it)
 *   -EINVAL  a file has a bad or unknown key (file:line and the key), or an
 *            unknown model (the message lists the models)
 *   -ERANGE  no row of the table covers the current / power factor asked
 */
#ifndef RIG_LOADPOINTS_H
#define RIG_LOADPOINTS_H

#include <stdbool.h>

#include "rig/measure.h"
#include "rig/models.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RIG_LOAD_POINTS_MAX 32

/* The characteristic currents of a model (currents.ini, manual §6), A;
 * imin already resolved for the model's class, ist from the model table. */
struct rig_currents {
    double un, fn;
    double ist, imin, itr, iref, imax;
};

/* One load point of a model. */
struct rig_load_point {
    char name[40];              /* "Itr PF 0.5L", "0.05 Iref sin 1L" */
    char pf[8];                 /* as in the file: "1", "0.5L", "0.8C", "1L", ... */
    enum rig_energy_kind kind;  /* active (en50470-3.ini) or reactive (iec62053-23.ini) */
    struct rig_point pt;        /* Un, the current, the phase for pf, fn */
    double mpe;                 /* relative: 0.005 = +-0.5 % */
};

/* A model's load points in file order. */
struct rig_load_table {
    struct rig_model_info model;
    struct rig_currents currents;
    char standard[48];          /* "EN 50470-3:2006 Table 6" */
    unsigned count;
    struct rig_load_point points[RIG_LOAD_POINTS_MAX];
};

/* rig_loadpoints_dir — the directory the tables are read from. */
const char *rig_loadpoints_dir(void);

/* rig_model_currents — a model's currents (currents.ini by its connection). */
int rig_model_currents(const char *model, struct rig_currents *out);

/*
 * rig_loadpoints_active / rig_loadpoints_reactive — a model's load points
 * for active energy (EN 50470-3, its class) or reactive energy
 * (IEC 62053-23 class 2), each with its MPE.
 */
int rig_loadpoints_active(const char *model, struct rig_load_table *out);
int rig_loadpoints_reactive(const char *model, struct rig_load_table *out);

/*
 * rig_loadpoints_profile — a model's active load points of a verification
 * profile, fixtures/loadpoints/PROFILE.ini: "routine" (the production
 * line's few points, rig eol's default) or "full" (every EN 50470-3 point,
 * as rig_loadpoints_active), each with its MPE from en50470-3.ini. A
 * profile's points must be points of that table.
 * Returns 0, -EINVAL (a bad profile name, or a point that is not in the
 * table: the message names it), -ENOENT (no such profile file), or the
 * errors above.
 */
#define RIG_PROFILE_DEFAULT "routine"
int rig_loadpoints_profile(const char *model, const char *profile, struct rig_load_table *out);

/*
 * rig_loadpoints_mpe — the MPE (relative) for model at any current and
 * phase (degrees the current lags: 0, 60, -36.87 for active; 90, -90, 30,
 * -30 for reactive, within 0.5 degree), e.g. for an error curve.
 * Returns 0, -ERANGE (no row covers it: below Imin, or another PF), or the
 * errors above.
 */
int rig_loadpoints_mpe(const char *model, enum rig_energy_kind kind, double amps,
                       double phase_deg, double *mpe);

/* rig_pf_phase — the phase (deg, current lags) of a power-factor label of
 * kind ("1", "0.5L", "0.8C"; reactive "1L", "1C", "0.5L", "0.5C").
 * Returns 0 or -EINVAL. */
int rig_pf_phase(enum rig_energy_kind kind, const char *pf, double *phase_deg);

#ifdef __cplusplus
}
#endif

#endif /* RIG_LOADPOINTS_H */
