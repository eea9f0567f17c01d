/*
 * field_suite.h — what the field suite's tests share (field_common.c).
 */
#ifndef FIELD_SUITE_H
#define FIELD_SUITE_H

#include <stdbool.h>
#include <stddef.h>

#include "rig/error.h"
#include "rig/replay.h"

#define FIELD_BENCH "fixtures/benches/sim.ini" /* two C80-1M-V3 units */

/* One replay on both positions of a fresh private bench. */
struct field_run {
    struct rig_replay_result result;
    char *trace;      /* the CSV trace */
    size_t trace_len;
};

/* Replay profile on FIELD_BENCH (calibrated first if calibrate), every 30 s
 * a trace row; asserts it ran. */
void field_replay(const char *profile, bool calibrate, struct field_run *run);
void field_run_free(struct field_run *run);

struct rig_bench;
/* A fresh private FIELD_BENCH, its units calibrated if calibrate. */
struct rig_bench *field_bench(bool calibrate);
/* Replay profile on both positions of bench. */
void field_replay_on(struct rig_bench *bench, const char *profile, struct field_run *run);

/* The rig binary beside benchd ($RIG_BENCHD), into buf. */
void field_rig_binary(char *buf, size_t len);

#endif
