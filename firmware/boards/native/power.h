/*
 * power.h — the native board's supply: on, warned cut (mains-fail interrupt
 * then the supply's hold-up time), hard cut (at an instant or inside an NV
 * write), as benchd switches it (sim_wire.h SIM_MSG_SUPPLY, _SUPPLY_CUT).
 * docs/power.md says why the figures are what they are.
 *
 * The board keeps its own state (RAM, the core) and gives this module the
 * few things a supply does to it through `struct power_board`.
 */
#ifndef POWER_H
#define POWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_wire.h"

/* Hold-up time from the mains-fail interrupt to the CPU stopping: one 50 Hz
 * cycle, what a 470 uF bulk capacitor falling from 12 V to the regulator's
 * 9.5 V dropout gives at the board's 60 mA (470e-6 x 2.5 / 0.06 = 19.6 ms). */
#define POWER_HOLDUP_NS 20000000ull

enum power_state {
    POWER_ON,     /* supplied, the core runs */
    POWER_HOLDUP, /* warned: the core runs on the bulk capacitor until the deadline */
    POWER_OFF,    /* the CPU has stopped; the RTC runs on its battery */
};

struct power_board {
    uint64_t (*now_ns)(void);             /* the board's virtual time */
    void (*core_start)(void);             /* power-up: the core starts from NV */
    void (*core_power_fail)(void);        /* the core's power-fail handler */
    void (*outputs_off)(void);            /* GPIOs fall inactive */
    void (*send)(const struct sim_msg *); /* to benchd */
    void (*rtc_note)(void);               /* the battery domain notes the RTC */
};

void power_init(const struct power_board *board);

enum power_state power_state(void);

/* Does the core run (ON or HOLDUP)? */
bool power_core_runs(void);

/* SIM_MSG_SUPPLY or SIM_MSG_SUPPLY_CUT from benchd. */
void power_on_msg(const struct sim_msg *msg);

/* Samples of `ns_per_sample` the board may compute from now before the next
 * supply event (a deadline or an armed cut); `n` if none comes sooner. */
size_t power_clip_samples(size_t n, uint64_t ns_per_sample);

/* After a core call or a block of samples: a cut that fell in it stops the
 * CPU now. Returns true if the core must not be called any more. */
bool power_after_core(void);

/* Before a core call: the NV bus starts at the board's time. */
void power_before_core(void);

/* A clean stop (SIM_MSG_QUIT, benchd stopping or flashing): a warned cut
 * whose hold-up ends at once. */
void power_quit(void);

#endif /* POWER_H */
