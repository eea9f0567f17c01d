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
    SIM_MSG_QUIT = 4,      /* save nothing more, exit now */
    /* benchd -> meter: the display's buttons (8..15) */
    SIM_MSG_BUTTON = 8,    /* value: 1 next, 2 enter; level: 1 pressed, 0 released */
    /* benchd -> meter: field replay (40..47) */
    SIM_MSG_WAVEFORM = 40, /* the slot's waveform.f32 (value pairs V, A at 4000/s) from t_ns */
    SIM_MSG_NOISE = 41,    /* RS485 bit error rate from now on, value in parts per 1e9 */
    /* meter -> benchd */
    SIM_MSG_HELLO = 64,      /* sent once at start: version, serial, t_ns = start time */
    SIM_MSG_REACHED = 65,    /* t_ns reached */
    SIM_MSG_PULSE_EDGE = 66, /* output, level, t_ns of the edge */
    /* meter -> benchd: the display (72..79) */
    SIM_MSG_FRAME = 72,      /* a new LCD frame (frame), t_ns when it appeared */
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
