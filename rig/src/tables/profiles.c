/*
 * profiles.c — verification profiles, fixtures/loadpoints/PROFILE.ini
 * (rig_loadpoints_profile, rig/loadpoints.h): a profile names points of
 * en50470-3.ini (or all of them), each then carries its limit from there.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "rig/loadpoints.h"
#include "tables/loadpoints_internal.h"

struct profile_ctx {
    struct parse_ctx pc;
    char standard[32];
    bool all;
    unsigned npoints;
    struct lp_point_src points[RIG_LOAD_POINTS_MAX];
    char last[32];
};

static int on_profile(void *user, const char *section, const char *key, const char *value)
{
    struct profile_ctx *c = user;
    if (strcmp(section, "profile") == 0) {
        if (strcmp(key, "name") == 0)
            return 1;
        if (strcmp(key, "standard") == 0 && strlen(value) < sizeof c->standard) {
            strcpy(c->standard, value);
            return 1;
        }
        if (strcmp(key, "points") == 0 && strcmp(value, "all") == 0) {
            c->all = true;
            return 1;
        }
    } else if (strncmp(section, "point ", 6) == 0) {
        int rc = lp_on_point(c->points, &c->npoints, c->last, sizeof c->last, section, key, value,
                          &c->pc);
        if (rc >= 0)
            return rc;
    } else {
        snprintf(c->pc.msg, sizeof c->pc.msg, "unknown section [%s] (profile, point N)", section);
        return 0;
    }
    snprintf(c->pc.msg, sizeof c->pc.msg, "bad key or value '%s = %s' in [%s]", key, value,
             section);
    return 0;
}

/* Is name a profile name (letters, digits, '-', '_'), not a path? */
static bool profile_name_ok(const char *name)
{
    if (!name || !*name || strlen(name) > 32)
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
    return true;
}

int rig_loadpoints_profile(const char *model, const char *profile, struct rig_load_table *out)
{
    if (!profile_name_ok(profile))
        return rig_error_set(-EINVAL, "load points: bad profile name '%s' — routine or full (a "
                                      "file NAME.ini in %s)",
                             profile ? profile : "(none)", rig_loadpoints_dir());
    char file[48];
    snprintf(file, sizeof file, "%s.ini", profile);
    struct profile_ctx *p = calloc(1, sizeof *p);
    struct rig_load_table *full = malloc(sizeof *full);
    int rc = p && full ? 0 : rig_error_set(-ENOMEM, "load points: out of memory");
    if (rc == 0)
        rc = lp_parse_file(file, on_profile, p, &p->pc);
    if (rc == 0 && strcmp(p->standard, "en50470-3.ini") != 0)
        rc = rig_error_set(-EINVAL, "load points: %s/%s: standard = '%s' — profiles verify active "
                                    "energy: en50470-3.ini",
                           rig_loadpoints_dir(), file, p->standard);
    if (rc == 0 && !p->all && p->npoints == 0)
        rc = rig_error_set(-EINVAL, "load points: %s/%s names no point (points = all, or [point N])",
                           rig_loadpoints_dir(), file);
    if (rc == 0)
        rc = lp_fill_table(model, RIG_ENERGY_ACTIVE, full);
    if (rc < 0 || p->all) {
        if (rc == 0)
            *out = *full;
        goto out;
    }
    *out = *full;
    out->count = 0;
    bool ct = full->model.connection == RIG_CONNECTION_CT;
    for (unsigned k = 0; k < p->npoints; k++) {
        const struct lp_point_src *s = &p->points[k];
        const char *expr = ct && s->current_ct[0] ? s->current_ct : s->current;
        double amps, phase;
        if (rig_pf_phase(RIG_ENERGY_ACTIVE, s->pf, &phase) < 0 ||
            lp_eval_current(expr, &full->currents, &amps) < 0) {
            rc = rig_error_set(-EINVAL, "load points: %s/%s: point %u: bad current '%s' or pf '%s'",
                               rig_loadpoints_dir(), file, k + 1, expr, s->pf);
            goto out;
        }
        unsigned j = 0;
        while (j < full->count &&
               !(fabs(full->points[j].pt.amps - amps) <= LP_CURRENT_REL_TOL * fmax(1.0, amps) &&
                 strcmp(full->points[j].pf, s->pf) == 0))
            j++;
        if (j == full->count) {
            rc = rig_error_set(-EINVAL, "load points: %s/%s: point %u (%s PF %s) is not a point of "
                                        "%s for %s",
                               rig_loadpoints_dir(), file, k + 1, expr, s->pf, p->standard, model);
            goto out;
        }
        out->points[out->count++] = full->points[j];
    }
out:
    free(p);
    free(full);
    return rc;
}
