/*
 * bench_internal.h — the bench object and its two drivers: bench_sim.c (a
 * simulated bench: benchd's control socket) and bench_hw.c (a real bench:
 * monotonic clock, GPIO lines, OpenOCD). bench.c holds what both share and
 * dispatches the rest through the driver, so nothing above the bench knows
 * which kind it talks to.
 */
#ifndef RIG_BENCH_INTERNAL_H
#define RIG_BENCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bench/bench_config.h"
#include "rig/bench.h"
#include "med2_lcd.h"
#include "rig/lines.h"

struct rig_bench;
struct rig_pulse_input;
struct rig_records;
struct rig_supply_relay;

/* What differs between a simulated and a real bench. */
struct rig_bench_driver {
    /* Wait seconds of bench time (>= 0, finite). */
    int (*sleep)(struct rig_bench *b, double seconds);
    /* The bench clock, seconds. */
    int (*time)(struct rig_bench *b, double *seconds);
    /* Open the counter of output of position (called once, on first use). */
    int (*pulse_input)(struct rig_bench *b, unsigned position, unsigned output,
                       struct rig_pulse_input **out);
    /* Take position's timestamped edges (rig_pulse_edges). */
    int (*pulse_edges)(struct rig_bench *b, unsigned position, struct rig_pulse_edge *edges,
                       size_t max, size_t *n);
    /* Is output of position active now (rig_pulse_level)? */
    int (*pulse_level)(struct rig_bench *b, unsigned position, unsigned output,
                       unsigned *active);
    /* Flash an existing, absolute image path into position. */
    int (*flash)(struct rig_bench *b, unsigned position, const char *image);
    /* rig_bench_unit_running. */
    int (*unit_running)(struct rig_bench *b, unsigned position, char *why, size_t len);
    /* rig_flash_default_image. */
    int (*default_image)(struct rig_bench *b, char *buf, size_t len);
    /* Free what the driver holds (after meters, lines and source are closed). */
    void (*release)(struct rig_bench *b);
    /* rig_press: hold button (1 next, 2 enter) of position for ms. */
    int (*press)(struct rig_bench *b, unsigned position, unsigned button, unsigned ms);
    /* rig_display_read: the frame position shows (reply text of benchd's FRAME). */
    int (*frame)(struct rig_bench *b, unsigned position, struct med2_lcd_frame *out);
    /* rig_display_picture: a PNG of position's display at path. */
    int (*picture)(struct rig_bench *b, unsigned position, const char *path);
    /* Take the reference standard's edges of wire (1 active, 2 reactive),
     * in bench time (rig_reference_edges). */
    int (*reference_edges)(struct rig_bench *b, unsigned wire, struct rig_pulse_edge *edges,
                           size_t max, size_t *n, uint64_t *dropped);
    /* The reference standard's constant of wire, imp/kWh (rig_reference_constant). */
    int (*reference_constant)(struct rig_bench *b, unsigned wire, double *imp_per_kwh);
    /* rig_power_set: position's supply on, or a warned cut (rig/power.h). */
    int (*supply)(struct rig_bench *b, unsigned position, bool on, double *holdup_used_s);
    /* rig_bench_waveform: a recording (an absolute path of float32 pairs V, A at
     * 4000/s) on position's AFE from now on; NULL where a bench cannot (hw). */
    int (*waveform)(struct rig_bench *b, unsigned position, const char *path);
    /* rig_bench_line_noise: position's RS485 bit error rate; NULL: cannot (hw). */
    int (*line_noise)(struct rig_bench *b, unsigned position, double ber);
    /* rig_bench_load_dump: a register dump (absolute path) into position's NV,
     * the unit restarted from it; NULL: cannot (hw). */
    int (*load_nv)(struct rig_bench *b, unsigned position, const char *dump);
};

struct rig_bench {
    const struct rig_bench_driver *drv;
    struct rig_bench_config *cfg;
    struct rig_source *source;
    struct rig_meter *meters[RIG_MAX_POSITIONS];
    struct rig_pulse_input *pulses[RIG_MAX_POSITIONS][2];
    struct rig_records *records; /* where procedures record, not owned (records.c) */
    struct rig_records *own_records; /* the bench file's store, owned: closed with the bench */
    /* simulated */
    struct rig_simctl *ctl;
    pid_t benchd;                /* a private benchd, else 0 */
    char *private_dir;           /* its temporary directory, removed on release */
    char *sim_dir;               /* the directory of bench.json */
    /* real */
    int64_t t0_ns;               /* CLOCK_MONOTONIC at open */
    int lock_fd;                 /* the bench's lock (bench_lock.c), -1 if none */
    char *lock_path;             /* its file */
    /* the reference standard's pulse lines, [1] active, [2] reactive (hw) */
    struct rig_pulse_input *reference[3];
    /* why a real bench has no source (it opens without one), or NULL */
    char *source_error;
    struct rig_supply_relay *supply[RIG_MAX_POSITIONS]; /* opened on first use (bench_hw.c) */
};

/* bench_lock.c: the lock file of a bench (sim_dir: a simulated bench's
 * directory; else the bench file's name in $RIG_LOCK_DIR or
 * /run/lock/med2-rig). Taken with base/lock.h. */
int rig_bench_lock_path(const struct rig_bench_config *cfg, const char *sim_dir, char *buf,
                        size_t len);

/* bench_sim.c: a private simulated bench for a kind = sim bench file
 * (file_cfg is the caller's), or the running one in dir. */
int rig_bench_sim_open(struct rig_bench *b, const struct rig_bench_config *file_cfg);
int rig_bench_sim_attach(struct rig_bench *b, const char *dir);

/* bench_hw.c: the instruments and lines of b->cfg. */
int rig_bench_hw_open(struct rig_bench *b);

/* 0 if bench has position (1-based), else -EINVAL with a message naming
 * the bench and its range. */
int rig_bench_check_position(struct rig_bench *bench, unsigned position);

/* Forget position's Modbus client (after a flash restarted the unit). */
void rig_bench_forget_meter(struct rig_bench *bench, unsigned position);

#endif
