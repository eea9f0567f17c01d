/*
 * rig/power.h — the supply of each meter position (docs/power.md).
 *
 * On a real bench the supply relay of a position (bench file `supply =
 * CHIP:LINE`, a GPIO output) opens the unit's supply: the unit sees the
 * mains fail, gets its power-fail warning and saves within its hold-up time
 * — a relay can only make a warned cut. The relay feeds the unit through
 * its normally-closed contact, so a released line (no rig running) leaves
 * the unit powered; a cut lasts while this client holds the bench.
 *
 * On a simulated bench benchd switches the supply at the current virtual
 * instant, and can also make a hard cut (no warning: the CPU stops at an
 * instant or inside one of the unit's NV writes, which then tears).
 */
#ifndef RIG_POWER_H
#define RIG_POWER_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;

/*
 * rig_power_set — switch position's supply on, or off with the mains-fail
 * warning (a warned cut). On a simulated bench the reply comes once the
 * unit has saved; holdup_used_s (may be NULL) receives the hold-up time
 * its save used, in virtual seconds (0 on a real bench: it cannot tell).
 * Returns 0, -EINVAL (no such position), -ENODEV (no supply relay wired:
 * the message names the bench file key), -EIO (benchd failed), -errno.
 */
int rig_power_set(struct rig_bench *bench, unsigned position, bool on, double *holdup_used_s);

/*
 * rig_power_hard_cut — simulated bench only: cut position's supply without
 * warning, `after_s` virtual seconds from now (0: now). The cut happens
 * while time advances (rig_sleep). Returns 0, -ENOTSUP (a real bench: a
 * relay cannot stop a CPU without its warning), -EINVAL, -EIO.
 */
int rig_power_hard_cut(struct rig_bench *bench, unsigned position, double after_s);

/*
 * rig_power_hard_cut_in_write — simulated bench only: cut position's supply
 * without warning inside its n-th next NV write (n >= 1), `fraction`
 * (0 <= f < 1) into the write's bus time: the write tears there.
 * Returns as rig_power_hard_cut.
 */
int rig_power_hard_cut_in_write(struct rig_bench *bench, unsigned position, unsigned n,
                                double fraction);

/* What a simulated position's supply did since the bench started. */
struct rig_power_status {
    bool on;                      /* supplied (no cut in force) */
    bool armed;                   /* a hard cut is armed and has not happened yet */
    uint64_t warned_cuts, hard_cuts, nv_torn, power_ups;
    double last_holdup_used_s;    /* hold-up time the last warned save used */
    double max_holdup_used_s;
    double holdup_s;              /* the unit's hold-up time (0 before its first cut) */
    double last_down_s;           /* bench time of the last cut */
};

/*
 * rig_power_status — simulated bench only: position's supply counters.
 * Returns 0, -ENOTSUP (real bench), -EINVAL, -EIO.
 */
int rig_power_status(struct rig_bench *bench, unsigned position, struct rig_power_status *st);

/* The firmware saves its energy registers every 10 s of uptime (docs/power.md):
 * a hard cut loses at most that much metering. */
#define RIG_POWER_SAVE_PERIOD_S 10.0

/* What a campaign of hard cuts found (rig_power_cut_campaign). */
struct rig_power_campaign {
    unsigned cuts;         /* hard cuts made (each one happened: the bench reported it) */
    unsigned in_writes;    /* of them, cuts aimed inside an NV write */
    unsigned torn;         /* NV writes the cuts tore (the bench's count) */
    unsigned corrupt;      /* records that came back neither as before nor as written,
                              or a calibration record the unit reports corrupt */
    unsigned unanswered;   /* power-ups after which the unit did not answer */
    unsigned decreases;    /* power-ups whose energy was below the previous power-up's: what
                              was saved was lost */
    double max_loss_wh;    /* worst energy lost by a cut, against the reference */
    double min_loss_wh;    /* most negative loss (a gain), should be ~0 */
    double bound_wh;       /* the stated bound at the campaign's load:
                              P x RIG_POWER_SAVE_PERIOD_S */
    double load_w;         /* the reference power of the load */
};

/*
 * rig_power_cut_campaign — simulated bench only: `cuts` hard cuts of
 * position's supply at random (seeded) instants while it meters 230 V,
 * 80 A (Imax), PF 1: at random times, inside the NV writes of its energy
 * saves, of a settings save and of a factory record save; after each the
 * supply comes back and the unit is read: its energy against the source's
 * reference energy, the setting and the factory value against what was
 * written before and during the cut. Leaves the source on. Returns 0 (the
 * findings in *out, whatever they are), or -errno if the bench failed.
 */
int rig_power_cut_campaign(struct rig_bench *bench, unsigned position, unsigned cuts,
                           unsigned seed, struct rig_power_campaign *out);

/* What a series of warned cuts found (rig_power_warned_campaign). */
struct rig_power_warned {
    unsigned cuts;
    double max_loss_wh;       /* worst |energy lost| by a warned cut, against the reference */
    double max_holdup_used_s; /* the longest power-fail save, virtual time */
    double holdup_s;          /* the unit's hold-up time */
};

/*
 * rig_power_warned_campaign — simulated bench only: `cuts` warned cuts of
 * position's supply at random (seeded) points of its save period while it
 * meters 230 V, 80 A, PF 1; after each the supply comes back and the energy
 * register is compared with the source's reference energy. Leaves the
 * source on. Returns 0 (findings in *out) or -errno if the bench failed.
 */
int rig_power_warned_campaign(struct rig_bench *bench, unsigned position, unsigned cuts,
                              unsigned seed, struct rig_power_warned *out);

#ifdef __cplusplus
}
#endif

#endif /* RIG_POWER_H */
