/*
 * rig/gate.h — sizing a pulse gate: how many of a meter's pulses to count at
 * a load point so the error is resolved well enough, and how long to wait
 * for them. The EOL, the MID suite and the accuracy figures size their gates
 * here, so a change of resolution or timeout policy is made once.
 *
 * Resolution: the meter places each pulse edge on one of its AFE samples
 * (4000 Hz), so each end of a gate is uncertain by one sample and a gate of
 * T seconds resolves 2 x RIG_GATE_EDGE_JITTER_S / T of relative error.
 */
#ifndef RIG_GATE_H
#define RIG_GATE_H

#include <stdbool.h>

#include "rig/measure.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RIG_GATE_EDGE_JITTER_S 250e-6 /* one sample of the meter's 4 kHz AFE */

/* The lab's gates (suites/mid and the accuracy figures): long enough to
 * average the meter's ~200 ms measurement windows, short enough that a table
 * of 20 points stays quick in virtual time; the simulated edges are
 * sample-exact, so 2 pulses already resolve a few ppm. */
#define RIG_GATE_LAB_MIN_S 20.0
#define RIG_GATE_LAB_MIN_PULSES 2u
/* After a point is applied: one measurement window closes and the next is
 * clean (windows are ~10 mains cycles). */
#define RIG_GATE_LAB_SETTLE_S 1.0

/* What a gate must achieve. Zero fields take no part. */
struct rig_gate_need {
    enum rig_energy_kind kind;
    unsigned output;       /* 1 or 2 */
    double wh_per_pulse;   /* the output's constant, Wh or varh */
    double power;          /* expected |W| or |var| at the terminals */
    double resolution;     /* relative error the gate must resolve (e.g. 1e-4) */
    double min_gate_s;     /* the gate lasts at least this long */
    unsigned min_pulses;   /* and counts at least this many pulses (>= 1) */
    double settle_s;       /* after applying the point, before the gate */
};

/*
 * rig_gate_plan — the gate for need: N pulses so that the gate meets the
 * resolution, the minimum time and the minimum count; a timeout long enough
 * for the first edge (up to a period after settling) and N more from a unit
 * reading a third low (RIG_GATE_SLOW_FACTOR), so a bad unit is measured and
 * fails its limit rather than being lost.
 */
#define RIG_GATE_SLOW_FACTOR 1.5
#define RIG_GATE_TIMEOUT_MARGIN_S 5.0
struct rig_gate rig_gate_plan(const struct rig_gate_need *need);

/*
 * rig_gate_pulse2_constant — the finest constant of pulse output 2
 * (energy 1..9 x 10^(multiplier - 3) Wh, registers 730/732) at which power
 * gives at most max_rate pulses a second. *energy, *multiplier and
 * *wh_per_pulse receive it. Returns false (nothing set) if even
 * 9 x 1000 Wh is too fine.
 */
bool rig_gate_pulse2_constant(double power, double max_rate, unsigned *energy,
                              unsigned *multiplier, double *wh_per_pulse);

/* Pulse output 1 of a sealed unit: the legal 1000 imp/kWh. */
#define RIG_PULSE1_WH 1.0

/*
 * rig_gate_output_wh — the energy per pulse of output (1 or 2) of position:
 * output 1 is RIG_PULSE1_WH; output 2's constant is read from the unit
 * (registers 730/732: energy x 10^(multiplier - 3) Wh). Returns 0, -EINVAL,
 * or the Modbus errors (the last error names the position).
 */
struct rig_bench;
int rig_gate_output_wh(struct rig_bench *bench, unsigned position, unsigned output, double *wh);

#ifdef __cplusplus
}
#endif

#endif /* RIG_GATE_H */
