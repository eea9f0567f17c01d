/*
 * rig/measure.h — meter error at a load point, gated on the meter's own
 * pulses against the source's reference, on every position at once (they
 * share the source, as on a real bench).
 *
 * The error of a position is (E_meter - E_ref) / E_ref, where E_meter is
 * N pulses x the pulse constant and E_ref the reference energy over exactly
 * the time between the first and the (N+1)-th counted pulse edge (rising
 * edges). E_ref comes from the reference standard's pulses (rig/lines.h,
 * rig_reference_edges: a high constant, imp/kWh): the whole pulses between
 * the gate's two edges plus the fractions at each end, interpolated by
 * timestamp between the reference pulses around each edge — the error
 * calculator of a meter test bench. Both benches run the same code: on a
 * real bench the edges are kernel timestamps of GPIO lines, on the
 * simulated one benchd's virtual timestamps of its pulse and reference
 * wires.
 */
#ifndef RIG_MEASURE_H
#define RIG_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;

/* What the source applies during a point. */
struct rig_point {
    double volts;
    double amps;
    double phase_deg; /* current lags voltage (60 = PF 0.5 ind, -36.87 = PF 0.8 cap) */
    double freq_hz;
};

/* Which energy the gate compares, and on which output. */
enum rig_energy_kind {
    RIG_ENERGY_ACTIVE = 0,   /* reference: active energy */
    RIG_ENERGY_REACTIVE = 1, /* reference: reactive energy (|Q|) */
};

struct rig_gate {
    enum rig_energy_kind kind;
    unsigned output;        /* pulse output 1 or 2 */
    double wh_per_pulse;    /* the output's constant at this point, Wh or varh */
    unsigned pulses;        /* N pulses to gate over (>= 1; 0: not measured at this point) */
    double settle_s;        /* time after applying the point before gating starts */
    double timeout_s;       /* give up a position that has not given N+1 pulses by then */
};

/* One position's result. */
struct rig_error {
    bool measured;          /* false: no N+1 pulses within the timeout (see message) */
    double error;           /* relative, e.g. 0.0012 = +0.12 % */
    double meter_wh;        /* N x wh_per_pulse */
    double reference_wh;    /* reference energy over the gate */
    double gate_s;          /* time between the first and last edge */
    unsigned pulses;
    double reference_pulses; /* reference pulses in the gate, fractions at both ends included */
    char why[224];           /* not measured: why, naming the position and its line */
};

/*
 * rig_measure_point — apply pt (output on), wait settle_s, then gate every
 * position of the bench on its own pulses (gate[position - 1], so each
 * position may use its own output and constant); results[position - 1].
 * The source output is left on (the next point follows without a gap).
 * Returns 0 (some positions may be unmeasured: results say which and why —
 * a meter that stopped pulsing mid-gate names its position and line),
 * or a negative errno-style code with rig_last_error(): the source reported
 * an error (SYST:ERR?), the reference line gave no pulse under load or
 * lost edges, the bench failed. Then the source output has been switched
 * off and no position is measured: each gated one's why says what failed
 * (a bad gate, -EINVAL, is refused before anything is applied).
 */
int rig_measure_point(struct rig_bench *bench, const struct rig_point *pt,
                      const struct rig_gate *gate, struct rig_error *results);

#ifdef __cplusplus
}
#endif

#endif /* RIG_MEASURE_H */
