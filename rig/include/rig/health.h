/*
 * rig/health.h — is a bench fit to run a job? Checked before every CI job
 * and on demand (`rig health`):
 *   1. the source answers (*IDN?, no instrument error),
 *   2. every position answers Modbus (its RS485 line, or the factory port of
 *      a model without RS485),
 *   3. at a known load every position's pulse output 1 agrees with the
 *      reference within RIG_HEALTH_PULSE_LIMIT (a loose limit: it finds a
 *      dead line, a miswired position, a unit far off — not calibration),
 *   4. a golden unit (bench file `golden = ERROR_PCT,WINDOW_PCT` on its
 *      position: its recorded error at this load and how far it may move)
 *      is within its window,
 *   5. the source is off afterwards, confirmed by OUTP?.
 * Every result is recorded (health.*) in the bench's records store, if any.
 */
#ifndef RIG_HEALTH_H
#define RIG_HEALTH_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;

#define RIG_HEALTH_PULSE_LIMIT 0.15 /* |error| of pulse output 1 at the health load */

struct rig_health_position {
    bool answers;        /* Modbus (or the factory port) answered */
    bool pulses_ok;      /* output 1 within RIG_HEALTH_PULSE_LIMIT of the reference */
    double error;        /* relative, when measured */
    bool golden;         /* a golden unit (its window applies) */
    double golden_error, golden_window; /* recorded error and window, relative */
    bool pass;
    char why[200];       /* why not pass; "" when pass */
};

struct rig_health {
    bool source_ok;      /* answered *IDN? without an error */
    char source_id[96];  /* its *IDN? */
    bool source_off;     /* off at the end, confirmed */
    double amps;         /* the load it was checked at */
    double bench_s;      /* bench time the check took */
    bool pass;           /* everything above */
    char why[200];       /* the first failure of the bench itself; "" when pass */
};

/*
 * rig_health_check — run the checks; pos[position - 1] for every position.
 * Returns 0 with *h filled (h->pass says whether the bench is fit; the
 * source is off whatever happened), or a negative errno-style code if the
 * check itself could not run (the source is switched off).
 */
int rig_health_check(struct rig_bench *bench, struct rig_health *h,
                     struct rig_health_position *pos);

#ifdef __cplusplus
}
#endif

#endif /* RIG_HEALTH_H */
