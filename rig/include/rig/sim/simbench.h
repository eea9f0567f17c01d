/*
 * rig/sim/simbench.h — starting and stopping a simulated bench (benchd).
 *
 * The simulator's own control API: for the bench driver, `rig sim` and the
 * simulator's tests. Procedures and suites never use it (rig/rig.h does not
 * include it); they see a simulated bench only through rig/bench.h.
 *
 * Used by rig_bench_open (a private bench per kind = sim bench file) and by
 * `rig sim up/down` (a shared bench in a directory, left running).
 */
#ifndef RIG_SIMBENCH_H
#define RIG_SIMBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RIG_SIMBENCH_READY_S 10.0 /* how long benchd may take to write bench.json */
#define RIG_SIMBENCH_STOP_S 5.0   /* how long it may take to exit after SHUTDOWN */
#define RIG_SIMBENCH_MAX_UNITS 64 /* positions of one simulated bench */

struct rig_sim_unit {
    const char *model;
    const char *serial;
    int slave;
    int baud;
    const char *defect; /* NULL, or an injected defect "NAME[,PARAM]" (firmware/boards/native/defect_spec.h) */
};

struct rig_simbench_options {
    const char *dir;        /* must exist; bench.json, benchd.pid, benchd.log go here */
    const char *benchd;     /* NULL: rig_simbench_find_benchd */
    const char *image;      /* NULL: rig_simbench_find_image */
    const char *speed;      /* NULL: "1" */
    const struct rig_sim_unit *units;
    unsigned unit_count;
    bool detach;            /* true: setsid, outlives us; false: dies with the caller's thread */
    double lock_wait_s;     /* how long to wait for DIR/bench.lock held by another client */
    /* NULL or "native": the host image; "qemu": every position runs the
     * mps2-an386 ELF under QEMU (image NULL: rig_simbench_find_qemu_image) */
    const char *board;
};

/*
 * rig_simbench_find_qemu_image — the mps2-an386 ELF: $RIG_QEMU_IMAGE, else
 * ../firmware/mps2/med2-mps2.elf beside the running program. 0 or -ENOENT.
 */
int rig_simbench_find_qemu_image(char *buf, size_t len);

/*
 * rig_simbench_start — start benchd (stdout/stderr to DIR/benchd.log) and
 * wait up to RIG_SIMBENCH_READY_S for DIR/bench.json, holding DIR/bench.lock
 * meanwhile: of two starts in one directory the second finds the first's
 * bench running (-EALREADY), or -EBUSY if it did not wait that long.
 * Returns 0 and *pid, or -ENOENT (benchd or image missing), -EALREADY (a
 * bench is already running in dir), -EBUSY, -EIO (benchd exited: the
 * message quotes the log's last line), -ETIMEDOUT.
 */
int rig_simbench_start(const struct rig_simbench_options *opt, pid_t *pid);

/*
 * rig_simbench_stop — SHUTDOWN the bench in dir, wait up to
 * RIG_SIMBENCH_STOP_S for its pid (DIR/benchd.pid, or pid if > 0) to be gone,
 * then SIGKILL it; removes bench.json and benchd.pid.
 * Returns 0, -ENOENT (no bench in dir).
 */
int rig_simbench_stop(const char *dir, pid_t pid);

/*
 * rig_simbench_running — does the benchd of dir run? Its benchd.pid names a
 * live process that is benchd started with --dir dir (a pid file that
 * outlived its benchd, or whose number went to another process, is not).
 */
bool rig_simbench_running(const char *dir);

/*
 * rig_simbench_down — rig_simbench_stop(dir, 0) holding DIR/bench.lock
 * (waiting up to wait_s for a client using the bench): a bench is not
 * stopped under a client. A benchd.pid that names a process other than
 * this directory's benchd is stale: removed, nothing stopped, -ENOENT.
 * Returns as rig_simbench_stop, or -EBUSY.
 */
int rig_simbench_down(const char *dir, double wait_s);

/*
 * rig_simbench_find_benchd / rig_simbench_find_image — the defaults:
 * $RIG_BENCHD or <dir of this executable>/benchd; $RIG_FIRMWARE_IMAGE or
 * <dir of this executable>/../firmware/native/med2-native, made absolute.
 * Returns 0 and the path in buf, -ENOENT (the message says where it looked).
 */
int rig_simbench_find_benchd(char *buf, size_t len);
int rig_simbench_find_image(char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* RIG_SIMBENCH_H */
