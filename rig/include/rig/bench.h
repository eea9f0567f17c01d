/*
 * rig/bench.h — a test bench: one source, N meter positions.
 *
 * A bench is described by a bench file (fixtures/benches/NAME.ini, see
 * fixtures/benches/sim.ini for the schema). kind = sim runs a private
 * simulated bench (benchd); kind = hw drives real instruments. Suites and the
 * CLI use the same calls on both; rig_bench_is_simulated() is the one
 * declared difference.
 */
#ifndef RIG_BENCH_H
#define RIG_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;

/* One meter position, as wired. Strings are owned by the bench. */
struct rig_position {
    unsigned number;     /* 1-based */
    const char *model;   /* e.g. "C80-1M-V3" */
    const char *serial;  /* e.g. "24110001" */
    const char *rs485;   /* the tty of its Modbus line */
    int slave;           /* Modbus slave id */
    int baud;
    char parity;         /* 'N', 'E' or 'O' */
    int stop_bits;       /* 1 or 2 */
    /* hw only; NULL when not wired (always NULL on a simulated bench) */
    const char *pulse[2];      /* "gpiochip0:17" for pulse outputs 1 and 2 */
    const char *supply;        /* "gpiochip0:5", supply relay */
    const char *swd;           /* "interface/cmsis-dap.cfg, target/stm32g4x.cfg" */
    const char *swd_serial;    /* probe serial number for "adapter serial", or NULL */
    /* sim only: an injected factory defect "NAME[,PARAM]" (firmware/boards/native/defect_spec.h),
     * or NULL for a good unit */
    const char *defect;
    /* a golden unit: its recorded error at the health load and the window it
     * must stay in, relative (bench file golden = ERROR_PCT,WINDOW_PCT) */
    bool golden;
    double golden_error, golden_window;
    /* hw: the display's button relays ("gpiochip0:12"; [0] next, [1] enter),
     * NULL when not wired; relays energised by a low pin; how long a short
     * press holds them (ms, 0: the rig's default); the camera in front of
     * the display (a V4L2 device) and the digits' place in its picture
     * (x, y, w, h; w = 0: the whole picture). docs/ui.md */
    const char *button[2];
    bool buttons_active_low;
    unsigned press_ms;
    const char *camera;
    int camera_crop[4];
};

/*
 * rig_bench_open — open the bench a bench file describes.
 * kind = sim: starts a private benchd (clock held, speed 0) in a fresh
 * temporary directory and attaches to it; benchd is found as $RIG_BENCHD or
 * beside the running executable, the image as $RIG_FIRMWARE_IMAGE or
 * <exe dir>/../firmware/native/med2-native. The private benchd dies with the
 * thread that opened the bench (PR_SET_PDEATHSIG), so a crashed test leaves
 * no meter behind.
 * kind = hw: opens the source and the pulse inputs; meters open lazily.
 * Returns 0 and *out, or: -EINVAL (bad bench file: the message names
 * file:line and the key), -ENOENT (file, benchd, image or port missing),
 * -ETIMEDOUT (benchd not ready in 10 s), -EIO (the source does not answer).
 */
int rig_bench_open(const char *bench_file, struct rig_bench **out);

/* How to open a bench. */
struct rig_bench_options {
    /* Every client holds its bench's lock from open to close (one user at
     * a time; a crashed client frees it). How long to wait for a bench
     * another client holds: 0 fails at once with -EBUSY ("bench NAME in use
     * by PID on HOST since T"). */
    double lock_wait_s;
};

/*
 * rig_bench_open_with / rig_bench_attach_with — rig_bench_open and
 * rig_bench_attach with options (NULL: the defaults above). The lock is a
 * file: DIR/bench.lock of a simulated bench, $RIG_LOCK_DIR/NAME.lock
 * (default /run/lock/med2-rig) of a bench file's hw bench.
 * Returns as those, or -EBUSY (another client holds the bench).
 */
int rig_bench_open_with(const char *bench_file, const struct rig_bench_options *opt,
                        struct rig_bench **out);
int rig_bench_attach_with(const char *sim_dir, const struct rig_bench_options *opt,
                          struct rig_bench **out);

/*
 * rig_bench_share_lock — let the programs started from now on (a CI job's
 * suites) open this bench while this client holds it: its lock passes down
 * to them through the environment (RIG_LOCK_HELD). Returns 0 or -errno.
 */
int rig_bench_share_lock(struct rig_bench *bench);

/*
 * rig_bench_attach — attach to a simulated bench started by
 * `rig sim up --dir DIR` (reads DIR/bench.json).
 * Returns 0 and *out, or -ENOENT (no bench.json: is it up?), -EINVAL (a
 * bench.json this rig does not understand), -ECONNREFUSED (benchd gone).
 */
int rig_bench_attach(const char *sim_dir, struct rig_bench **out);

/*
 * rig_bench_close — switch the source output OFF (always, first), release
 * meters and lines, stop a private benchd and remove its directory. A bench
 * that was attached keeps running. NULL is ignored. If the source cannot be
 * switched off, a warning goes to stderr (there is nobody else to tell).
 */
void rig_bench_close(struct rig_bench *bench);

/*
 * rig_bench_release — like rig_bench_close but leaves the source output as
 * it is. Only for tools whose purpose is to leave the output energised on a
 * bench that outlives them (`rig source on`). Everything else uses
 * rig_bench_close.
 */
void rig_bench_release(struct rig_bench *bench);

/* rig_bench_is_simulated — true on a simulated bench. */
bool rig_bench_is_simulated(const struct rig_bench *bench);

/* rig_bench_name — the bench's name ([bench] name, or "sim" when attached). */
const char *rig_bench_name(const struct rig_bench *bench);

/* rig_bench_position_count — the number of positions. */
unsigned rig_bench_position_count(const struct rig_bench *bench);

/* rig_bench_position — position number (1-based), or NULL if there is none. */
const struct rig_position *rig_bench_position(const struct rig_bench *bench, unsigned number);

/*
 * rig_sleep — wait seconds: on a simulated bench advances virtual time (and
 * returns once every unit has reached it), on hw sleeps for real.
 * Returns 0, -EINVAL (negative or not finite) or -EIO (benchd failed).
 */
int rig_sleep(struct rig_bench *bench, double seconds);

/*
 * rig_bench_time — the bench clock in seconds: virtual time on a simulated
 * bench, CLOCK_MONOTONIC since rig_bench_open on hw. Returns 0 or -EIO.
 */
int rig_bench_time(struct rig_bench *bench, double *seconds);

/*
 * rig_bench_spend — account for seconds a real bench spends on work the
 * simulated one does at once (a Modbus line's frames, an SWD probe's
 * flashing): on a simulated bench the clock advances by them (as
 * rig_sleep), on hw nothing happens (the time has passed already).
 * Returns as rig_sleep.
 */
int rig_bench_spend(struct rig_bench *bench, double seconds);

/*
 * rig_bench_unit_running — is position's unit running? On a simulated bench
 * benchd knows whether its process runs, and why not (why, len). Returns 1
 * (running), 0 (not: why says why), -EINVAL (no such position), -ENOTSUP
 * (a real bench cannot tell: a silent unit is silent), -EIO.
 */
int rig_bench_unit_running(struct rig_bench *bench, unsigned position, char *why, size_t len);

/*
 * rig_bench_dir — the simulated bench's directory (bench.json, benchd.log,
 * slots), NULL on hw.
 */
const char *rig_bench_dir(const struct rig_bench *bench);

#ifdef __cplusplus
}
#endif

#endif /* RIG_BENCH_H */
