/*
 * bench_internal.h — the bench object, for the files that implement its
 * per-driver calls (lines.c, flash.c, bench.c).
 */
#ifndef RIG_BENCH_INTERNAL_H
#define RIG_BENCH_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include "bench_config.h"
#include "rig/bench.h"

struct rig_records;

struct rig_bench {
    struct rig_bench_config *cfg;
    struct rig_simctl *ctl;     /* simulated benches */
    pid_t benchd;               /* a private benchd, else 0 */
    char *private_dir;          /* its temporary directory, removed on close */
    char *sim_dir;              /* the directory of bench.json */
    struct rig_source *source;
    struct rig_meter *meters[RIG_MAX_POSITIONS];
    struct rig_pulse_input *pulses[RIG_MAX_POSITIONS][2];
    int64_t t0_ns;              /* hw: CLOCK_MONOTONIC at open */
    struct rig_records *records; /* where procedures record, not owned (records.c) */
};

/* Forget position's Modbus client (after a flash restarted the unit). */
void rig_bench_forget_meter(struct rig_bench *bench, unsigned position);

#endif
