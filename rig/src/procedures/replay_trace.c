/*
 * replay_trace.c — the trace of a replay: rows of (time, position, the
 * traced registers, pulse output 1's count, the events since the previous
 * row), kept in the result and written as CSV; and the comparison of two
 * positions' rows (rig ab). Values are written with 17 significant digits,
 * so equal traces mean equal doubles.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "procedures/replay_trace.h"
#include "rig/regmap.h"

void replay_trace_header(FILE *out, const struct rig_replay_result *r)
{
    if (!out)
        return;
    fprintf(out, "t_s,position");
    for (size_t k = 0; k < r->n_regs; k++)
        fprintf(out, ",%s", rig_reg_name(r->regs[k]));
    fprintf(out, ",pulses1,events\n");
}

int replay_trace_add(struct rig_replay_result *r, FILE *out, double t_s, unsigned position,
                     const double *values, long pulses, const char *events)
{
    if (r->n_rows % 256 == 0) {
        struct rig_replay_row *rows = realloc(r->rows, (r->n_rows + 256) * sizeof *rows);
        if (!rows)
            return rig_error_set(-ENOMEM, "out of memory for the trace");
        r->rows = rows;
    }
    struct rig_replay_row *row = &r->rows[r->n_rows];
    row->t_s = t_s;
    row->position = position;
    row->pulses = pulses;
    row->values = malloc((r->n_regs ? r->n_regs : 1) * sizeof *row->values);
    row->events = strdup(events);
    if (!row->values || !row->events) {
        free(row->values);
        free(row->events);
        return rig_error_set(-ENOMEM, "out of memory for the trace");
    }
    memcpy(row->values, values, r->n_regs * sizeof *values);
    r->n_rows++;
    if (out) {
        fprintf(out, "%.6f,%u", t_s, position);
        for (size_t k = 0; k < r->n_regs; k++) {
            if (isnan(values[k]))
                fputs(",", out);
            else
                fprintf(out, ",%.17g", values[k]);
        }
        if (pulses < 0)
            fprintf(out, ",,%s\n", events);
        else
            fprintf(out, ",%ld,%s\n", pulses, events);
        fflush(out);
    }
    return 0;
}

void rig_replay_result_free(struct rig_replay_result *r)
{
    for (size_t k = 0; k < r->n_rows; k++) {
        free(r->rows[k].values);
        free(r->rows[k].events);
    }
    free(r->rows);
    r->rows = NULL;
    r->n_rows = 0;
}

/* Two values are the same when both are missing or both are equal. */
static bool same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

int rig_replay_diff(const struct rig_replay_result *r, unsigned a, unsigned b,
                    struct rig_replay_diff *d)
{
    memset(d, 0, sizeof *d);
    d->first_divergence_s = -1;
    d->pulses_a = d->pulses_b = -1;
    /* rows come per instant in position order: pair the k-th row of a with
     * the k-th row of b */
    size_t ia = 0, ib = 0;
    for (;;) {
        while (ia < r->n_rows && r->rows[ia].position != a)
            ia++;
        while (ib < r->n_rows && r->rows[ib].position != b)
            ib++;
        if (ia == r->n_rows || ib == r->n_rows)
            break;
        const struct rig_replay_row *ra = &r->rows[ia++], *rb = &r->rows[ib++];
        d->rows_compared++;
        d->pulses_a = ra->pulses;
        d->pulses_b = rb->pulses;
        const char *first = NULL;
        for (size_t k = 0; k < r->n_regs && k < 32; k++) {
            if (!same(ra->values[k], rb->values[k])) {
                d->values_differing++;
                d->reg_differing[k]++;
                if (!first)
                    first = rig_reg_name(r->regs[k]);
            }
        }
        if (ra->pulses != rb->pulses && !first)
            first = "pulses1";
        if (strcmp(ra->events, rb->events) != 0) {
            d->events_differing++;
            if (!first)
                first = "events";
        }
        if (first && d->first_divergence_s < 0) {
            d->first_divergence_s = ra->t_s;
            snprintf(d->first_register, sizeof d->first_register, "%s", first);
        }
    }
    if (d->rows_compared == 0)
        return rig_error_set(-EINVAL, "no trace rows of position %u and %u to compare", a, b);
    return 0;
}
