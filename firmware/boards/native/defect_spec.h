/*
 * defect_spec.h — the names and parameters of the factory defects a
 * simulated unit can be given, and their one parser.
 *
 * A defect is written NAME[,PARAM]: "wrong_shunt", "wrong_shunt,1.3". benchd
 * parses it to refuse a bad one before it starts anything (`--defect
 * N:NAME[,PARAM]`) and passes the same text to the unit's process
 * (`--defect NAME[,PARAM]`), which parses it again with this same code, so
 * the two can never disagree on what is valid. Host code only: benchd and
 * boards/native link it, the core never does.
 */
#ifndef NATIVE_DEFECT_SPEC_H
#define NATIVE_DEFECT_SPEC_H

#include <stdbool.h>
#include <stddef.h>

enum sim_defect_kind {
    SIM_DEFECT_NONE = 0,
    SIM_DEFECT_WRONG_SHUNT,          /* current channel gain x FACTOR */
    SIM_DEFECT_REVERSED_POLARITY,    /* current inverted */
    SIM_DEFECT_BROKEN_DIVIDER,       /* voltage channel gain x FACTOR */
    SIM_DEFECT_DEAD_PULSE1,          /* pulse output 1 never active */
    SIM_DEFECT_PULSE1_STUCK_ON,      /* pulse output 1 active from power-up, never released */
    SIM_DEFECT_DEAD_RS485,           /* the unit never transmits on its line */
    SIM_DEFECT_NV_WRITE_FAIL,        /* NV writes report success and store nothing */
    SIM_DEFECT_INTERMITTENT_CONTACT, /* the current opens in bursts, fraction DUTY of the time */
    SIM_DEFECT_AFE_SATURATION,       /* the current channel clips at sqrt(2) x AMPS */
    SIM_DEFECT_RTC_DRIFT,            /* the RTC runs fast by PPM */
    SIM_DEFECT_UNSTABLE_CAL,         /* current gain drifts by PPM_PER_K above 23 degC */
    SIM_DEFECT_COUNT
};

/* Longest NAME[,PARAM] text either side accepts (the longest name is 20
 * characters; a number fits in the rest). */
#define SIM_DEFECT_SPEC_MAX 64

struct sim_defect {
    enum sim_defect_kind kind;
    double param; /* the given PARAM or the class's default; 0 for classes without one */
};

/*
 * sim_defect_parse — parse "NAME[,PARAM]" into *out.
 * Returns 0, or -1 with a one-line reason in why (no trailing newline): an
 * unknown name, a parameter that is not a number or out of its range, a
 * parameter given to a class that takes none, a spec longer than
 * SIM_DEFECT_SPEC_MAX - 1.
 */
int sim_defect_parse(const char *spec, struct sim_defect *out, char *why, size_t why_len);

/* The class's name ("wrong_shunt"), "none" for SIM_DEFECT_NONE. */
const char *sim_defect_name(enum sim_defect_kind kind);

/* Every known class, comma separated, each with its parameter and default
 * ("wrong_shunt[,FACTOR=1.3], reversed_polarity, ..."), for error messages. */
const char *sim_defect_known(void);

#endif /* NATIVE_DEFECT_SPEC_H */
