/*
 * replay_trace.h — the trace of a replay (replay_trace.c), for replay_run.c.
 */
#ifndef RIG_REPLAY_TRACE_H
#define RIG_REPLAY_TRACE_H

#include <stdio.h>

#include "rig/replay.h"

/* The CSV header: t_s,position,<registers>,pulses1,events (out may be NULL). */
void replay_trace_header(FILE *out, const struct rig_replay_result *r);

/* Keep a row (values: r->n_regs, NAN for not read; pulses -1: not wired)
 * and write it to out (may be NULL). Returns 0 or -ENOMEM. */
int replay_trace_add(struct rig_replay_result *r, FILE *out, double t_s, unsigned position,
                     const double *values, long pulses, const char *events);

#endif
