/*
 * sim_wire.h — the wires between the simulated bench (benchd) and one
 * simulated meter process (boards/native).
 *
 * This is the native board's connector, not part of the core: the terminal
 * conditions, the clock and the supply come in; pulse edges go out. benchd
 * and the native board are its only users. Messages are fixed-size structs
 * over an AF_UNIX SOCK_SEQPACKET socketpair (boundaries preserved, both
 * sides on the same host, so native byte order).
 *
 * Virtual time is in nanoseconds since the bench started. A meter samples at
 * HAL_SAMPLE_RATE_HZ: sample n of a unit started at t0 is at t0 + n * 250 us.
 */
#ifndef MED2_SIM_WIRE_H
#define MED2_SIM_WIRE_H

#include <stdint.h>

#include "med2_lcd.h"

#define SIM_WIRE_VERSION 2u /* 2: buttons and display frames */
#define SIM_MAX_HARMONICS 8u /* per channel, orders 2..63 */

enum sim_msg_type {
    /* benchd -> meter */
    SIM_MSG_TERMINALS = 1, /* new terminal conditions from now on */
    SIM_MSG_RUN_UNTIL = 2, /* compute samples up to (excluding) t_ns, then REACHED */
    SIM_MSG_SUPPLY = 3,    /* auxiliary supply on/off (value 1/0) */
    SIM_MSG_QUIT = 4,      /* a clean stop: the power-fail save (a warned cut), then exit */
    /* benchd -> meter: supply cuts (docs/power.md). value 0: a warned cut now
     * (as SUPPLY 0); value 1: a hard cut, at t_ns (<= now: at once), or, with
     * level n > 0, inside the n-th next NV write, `reserved` millionths into
     * its bus time. SUPPLY 1 restores the supply and cancels an armed cut. */
    SIM_MSG_SUPPLY_CUT = 16,
    /* benchd -> meter: the display's buttons (8..15) */
    SIM_MSG_BUTTON = 8,    /* value: 1 next, 2 enter; level: 1 pressed, 0 released */
    /* meter -> benchd */
    SIM_MSG_HELLO = 64,      /* sent once at start: version, serial, t_ns = start time */
    SIM_MSG_REACHED = 65,    /* t_ns reached */
    SIM_MSG_PULSE_EDGE = 66, /* output, level, t_ns of the edge */
    /* meter -> benchd: the display (72..79) */
    SIM_MSG_FRAME = 72,      /* a new LCD frame (frame), t_ns when it appeared */
    /* meter -> benchd: the supply (docs/power.md) */
    SIM_MSG_POWER_DOWN = 80, /* the CPU stopped at t_ns; value 0 warned / 1 hard; level: hold-up
                                time the power-fail save used, ns; reserved: the hold-up time, ns */
    SIM_MSG_NV_TORN = 81,    /* a cut tore an NV write at t_ns: value its offset, level the bytes
                                that were new before the tear */
    SIM_MSG_POWER_UP = 82,   /* the core started again at t_ns (supply back) */
};

struct sim_harmonic {
    uint16_t order;   /* 2..63, 0 = unused slot */
    float percent;    /* amplitude relative to the fundamental, % */
    float phase_deg;  /* phase relative to the fundamental's zero crossing */
};

/* What the source puts on the meter's terminals. rms of the fundamental. */
struct sim_terminals {
    double v_rms;
    double i_rms;
    double phase_deg; /* current lags voltage by this angle (SCPI SOUR:PHAS) */
    double freq_hz;
    struct sim_harmonic v_harm[SIM_MAX_HARMONICS];
    struct sim_harmonic i_harm[SIM_MAX_HARMONICS];
    double ambient_c; /* the bench's temperature around the unit, degC (not the source's:
                         benchd keeps it, SIM_AMBIENT_DEFAULT_C unless set) */
};

#define SIM_AMBIENT_DEFAULT_C 23.0 /* reference temperature, EN 50470-3 */

struct sim_msg {
    uint32_t type;  /* enum sim_msg_type */
    uint32_t value; /* HELLO: SIM_WIRE_VERSION; PULSE_EDGE: output; SUPPLY: on */
    uint32_t level; /* PULSE_EDGE: 1 active, 0 inactive */
    uint32_t reserved;
    uint64_t t_ns;  /* RUN_UNTIL, REACHED, PULSE_EDGE, HELLO */
    union {
        struct sim_terminals terminals; /* TERMINALS only */
        struct med2_lcd_frame frame;    /* FRAME only */
    };
};

#endif /* MED2_SIM_WIRE_H */
