/*
 * defect_spec.c — see defect_spec.h.
 */
#include "defect_spec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parameter bounds. The defaults are the defect classes' own; the
 * bounds only keep a parameter physical and the simulation meaningful. */
#define FACTOR_MAX 10.0          /* a gain 10x off is already a unit that reads nothing sensible */
#define DUTY_MAX 0.95            /* open 95 % of the time: any more is an open circuit */
#define CLIP_AMPS_MAX 200.0      /* above the direct AFE's full scale (125 A peak) it never clips */
#define PPM_ABS_MAX 100000.0     /* 10 %: a crystal that far off does not oscillate at its cut */
#define PPM_PER_K_ABS_MAX 100000.0

struct defect_class {
    const char *name;
    const char *param_name; /* NULL: takes no parameter */
    double def, lo, hi;
    bool lo_open; /* lo itself is not allowed */
};

/* Indexed by enum sim_defect_kind. */
static const struct defect_class classes[SIM_DEFECT_COUNT] = {
    [SIM_DEFECT_NONE] = {"none", NULL, 0, 0, 0, false},
    [SIM_DEFECT_WRONG_SHUNT] = {"wrong_shunt", "FACTOR", 1.3, 0.0, FACTOR_MAX, true},
    [SIM_DEFECT_REVERSED_POLARITY] = {"reversed_polarity", NULL, 0, 0, 0, false},
    [SIM_DEFECT_BROKEN_DIVIDER] = {"broken_divider", "FACTOR", 0.5, 0.0, FACTOR_MAX, true},
    [SIM_DEFECT_DEAD_PULSE1] = {"dead_pulse1", NULL, 0, 0, 0, false},
    [SIM_DEFECT_PULSE1_STUCK_ON] = {"pulse1_stuck_on", NULL, 0, 0, 0, false},
    [SIM_DEFECT_DEAD_RS485] = {"dead_rs485", NULL, 0, 0, 0, false},
    [SIM_DEFECT_NV_WRITE_FAIL] = {"nv_write_fail", NULL, 0, 0, 0, false},
    [SIM_DEFECT_INTERMITTENT_CONTACT] = {"intermittent_contact", "DUTY", 0.05, 0.0, DUTY_MAX, true},
    [SIM_DEFECT_AFE_SATURATION] = {"afe_saturation", "AMPS", 40.0, 0.0, CLIP_AMPS_MAX, true},
    [SIM_DEFECT_RTC_DRIFT] = {"rtc_drift", "PPM", 300.0, -PPM_ABS_MAX, PPM_ABS_MAX, false},
    [SIM_DEFECT_UNSTABLE_CAL] = {"unstable_cal", "PPM_PER_K", 2000.0, -PPM_PER_K_ABS_MAX,
                                 PPM_PER_K_ABS_MAX, false},
};

const char *sim_defect_name(enum sim_defect_kind kind)
{
    return (unsigned)kind < SIM_DEFECT_COUNT ? classes[kind].name : "?";
}

const char *sim_defect_known(void)
{
    static char list[512];
    if (list[0] == '\0') {
        size_t n = 0;
        for (unsigned k = SIM_DEFECT_NONE + 1; k < SIM_DEFECT_COUNT && n < sizeof(list); k++) {
            const struct defect_class *c = &classes[k];
            int w = c->param_name != NULL
                        ? snprintf(list + n, sizeof(list) - n, "%s%s[,%s=%g]", n ? ", " : "",
                                   c->name, c->param_name, c->def)
                        : snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", c->name);
            n += w > 0 ? (size_t)w : 0u;
        }
    }
    return list;
}

int sim_defect_parse(const char *spec, struct sim_defect *out, char *why, size_t why_len)
{
    if (spec == NULL || strlen(spec) >= SIM_DEFECT_SPEC_MAX) {
        snprintf(why, why_len, "a defect is NAME[,PARAM] of at most %d characters",
                 SIM_DEFECT_SPEC_MAX - 1);
        return -1;
    }
    const char *comma = strchr(spec, ',');
    size_t name_len = comma ? (size_t)(comma - spec) : strlen(spec);
    for (unsigned k = SIM_DEFECT_NONE + 1; k < SIM_DEFECT_COUNT; k++) {
        const struct defect_class *c = &classes[k];
        if (strlen(c->name) != name_len || strncmp(c->name, spec, name_len) != 0) {
            continue;
        }
        out->kind = (enum sim_defect_kind)k;
        out->param = c->def;
        if (comma == NULL) {
            return 0;
        }
        if (c->param_name == NULL) {
            snprintf(why, why_len, "%s takes no parameter", c->name);
            return -1;
        }
        const char *p = comma + 1;
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        bool in_range = x <= c->hi && (c->lo_open ? x > c->lo : x >= c->lo);
        if (*p == '\0' || *end != '\0' || errno != 0 || !isfinite(x) || !in_range) {
            snprintf(why, why_len, "%s wants %s a number in %c%g, %g], got '%s'", c->name,
                     c->param_name, c->lo_open ? '(' : '[', c->lo, c->hi, p);
            return -1;
        }
        out->param = x;
        return 0;
    }
    snprintf(why, why_len, "unknown defect '%.*s'", (int)name_len, spec);
    return -1;
}
