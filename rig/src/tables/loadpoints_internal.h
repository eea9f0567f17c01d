/*
 * loadpoints_internal.h — what loadpoints.c (the tables) shares with
 * profiles.c (the verification profiles): reading a file of
 * fixtures/loadpoints, its [point N] sections, currents by name and a
 * model's whole table.
 */
#ifndef RIG_TABLES_LOADPOINTS_INTERNAL_H
#define RIG_TABLES_LOADPOINTS_INTERNAL_H

#include <ini.h>
#include <stddef.h>

#include "rig/loadpoints.h"

#define LP_EXPR_MAX 32
#define LP_CURRENT_REL_TOL 1e-9

/* A parse's complaint, for the error message. */
struct parse_ctx {
    char msg[160];
};

/* A load point as written: a current expression (and one for CT models)
 * and a power-factor label. */
struct lp_point_src {
    char current[LP_EXPR_MAX], current_ct[LP_EXPR_MAX];
    char pf[8];
};

/* Parse fixtures/loadpoints/FILE with h; 0, or -ENOENT/-ENOMEM/-EINVAL
 * with file:line and ctx's complaint. */
int lp_parse_file(const char *file, ini_handler h, void *user, struct parse_ctx *ctx);

/* A key of a [point N] section into points (*n of them; last: the section
 * seen last). 1 taken, 0 stop (pc says why), -1 not a point key. */
int lp_on_point(struct lp_point_src *points, unsigned *n, char *last, size_t last_len,
                const char *section, const char *key, const char *value, struct parse_ctx *pc);

/* "iref", "0.05*iref", "2.5" -> amps for cur. 0 or -EINVAL. */
int lp_eval_current(const char *expr, const struct rig_currents *cur, double *amps);

/* A model's whole table of kind (every point of its file). 0 or as
 * rig_loadpoints_active. */
int lp_fill_table(const char *model, enum rig_energy_kind kind, struct rig_load_table *out);

#endif
