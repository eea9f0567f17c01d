/*
 * gate.c — sizing pulse gates (rig/gate.h).
 */
#include <errno.h>
#include <math.h>

#include "base/error_internal.h"
#include "rig/gate.h"
#include "rig/modbus.h"

/* Registers 730/732 (manual §5): energy 1..9, multiplier 0..6 = 10^-3..10^3. */
#define PULSE2_ENERGY_MAX 9u
#define PULSE2_MULTIPLIER_MAX 6u
#define PULSE2_MULTIPLIER_UNITY 3

struct rig_gate rig_gate_plan(const struct rig_gate_need *need)
{
    double power = fabs(need->power);
    double period = power > 0.0 ? need->wh_per_pulse * 3600.0 / power : INFINITY;
    double gate_s = fmax(need->min_gate_s, need->resolution > 0.0
                                               ? 2.0 * RIG_GATE_EDGE_JITTER_S / need->resolution
                                               : 0.0);
    unsigned n = isfinite(period) ? (unsigned)ceil(gate_s / period - 1e-9) : 1;
    if (n < need->min_pulses)
        n = need->min_pulses;
    if (n < 1)
        n = 1;
    double timeout = isfinite(period)
                         ? RIG_GATE_SLOW_FACTOR * (double)(n + 2) * period + RIG_GATE_TIMEOUT_MARGIN_S
                         : 2.0 * RIG_GATE_TIMEOUT_MARGIN_S;
    return (struct rig_gate){
        .kind = need->kind,
        .output = need->output,
        .wh_per_pulse = need->wh_per_pulse,
        .pulses = n,
        .settle_s = need->settle_s,
        .timeout_s = timeout,
    };
}

bool rig_gate_pulse2_constant(double power, double max_rate, unsigned *energy,
                              unsigned *multiplier, double *wh_per_pulse)
{
    double need = fabs(power) / 3600.0 / max_rate; /* Wh per pulse at least */
    for (unsigned m = 0; m <= PULSE2_MULTIPLIER_MAX; m++) {
        for (unsigned e = 1; e <= PULSE2_ENERGY_MAX; e++) {
            double k = e * pow(10.0, (double)m - PULSE2_MULTIPLIER_UNITY);
            if (k >= need * (1.0 - 1e-12)) {
                *energy = e;
                *multiplier = m;
                *wh_per_pulse = k;
                return true;
            }
        }
    }
    return false;
}

int rig_gate_output_wh(struct rig_bench *bench, unsigned position, unsigned output, double *wh)
{
    if (output == 1) {
        *wh = RIG_PULSE1_WH;
        return 0;
    }
    if (output != 2)
        return rig_error_set(-EINVAL, "position %u: pulse output %u — outputs are 1 and 2",
                             position, output);
    struct rig_meter *m = rig_bench_meter(bench, position);
    double energy, multiplier;
    int rc = -ENODEV;
    if (!m || (rc = rig_meter_read_reg(m, MED2_REG_PULSE2_ENERGY, &energy)) < 0 ||
        (rc = rig_meter_read_reg(m, MED2_REG_PULSE2_MULTIPLIER, &multiplier)) < 0)
        return rig_error_prefix(rc, "position %u: pulse output 2's constant (registers 730/732)",
                                position);
    *wh = energy * pow(10.0, multiplier - PULSE2_MULTIPLIER_UNITY);
    return 0;
}
