/*
 * test_gate.c — gate sizing (rig/gate.h): the count meets the resolution,
 * the minimum time and count; output 2's constant is the finest the rate
 * allows.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "rig/gate.h"

Test(gate, resolution_sets_the_gate_length)
{
    /* 1150 W on 1 Wh pulses: a pulse every 3.13 s. 1e-4 needs a 5 s gate. */
    struct rig_gate_need need = {.kind = RIG_ENERGY_ACTIVE, .output = 1, .wh_per_pulse = 1.0,
                                 .power = 1150.0, .resolution = 1e-4, .min_pulses = 1};
    struct rig_gate g = rig_gate_plan(&need);
    double period = 3600.0 / 1150.0;
    cr_expect_eq(g.pulses, 2u, "ceil(5 s / 3.13 s)");
    cr_expect_geq(g.pulses * period, 2.0 * RIG_GATE_EDGE_JITTER_S / 1e-4);
    cr_expect_lt((g.pulses - 1) * period, 2.0 * RIG_GATE_EDGE_JITTER_S / 1e-4, "not longer");
    cr_expect_eq(g.output, 1u);
    /* a unit reading a third low still makes its N+1 edges in time */
    cr_expect_geq(g.timeout_s, (g.pulses + 2) * period * 1.5);
}

Test(gate, minimum_time_and_count)
{
    struct rig_gate_need need = {.kind = RIG_ENERGY_REACTIVE, .output = 2, .wh_per_pulse = 1.0,
                                 .power = -18400.0, .min_gate_s = RIG_GATE_LAB_MIN_S,
                                 .min_pulses = RIG_GATE_LAB_MIN_PULSES, .settle_s = 1.0};
    struct rig_gate g = rig_gate_plan(&need);
    cr_expect_eq(g.pulses, 103u, "20 s at 0.1957 s a pulse; the sign of the power is ignored");
    cr_expect_eq(g.kind, RIG_ENERGY_REACTIVE);
    cr_expect_float_eq(g.settle_s, 1.0, 1e-12);
    need.power = 11.5; /* one pulse in 313 s: the minimum count wins */
    cr_expect_eq(rig_gate_plan(&need).pulses, RIG_GATE_LAB_MIN_PULSES);
    need.power = 0.0; /* no load: one pulse, a finite timeout */
    g = rig_gate_plan(&need);
    cr_expect_eq(g.pulses, RIG_GATE_LAB_MIN_PULSES);
    cr_expect(isfinite(g.timeout_s) && g.timeout_s > 0.0);
}

Test(gate, pulse2_constant_is_the_finest_within_the_rate)
{
    unsigned e = 0, m = 0;
    double k = 0;
    /* 1150 W at 4 pulses/s needs >= 0.0799 Wh a pulse: 8 x 10^-2 */
    cr_assert(rig_gate_pulse2_constant(1150.0, 4.0, &e, &m, &k));
    cr_expect_eq(e, 8u);
    cr_expect_eq(m, 1u);
    cr_expect_float_eq(k, 0.08, 1e-12);
    cr_expect_leq(1150.0 / 3600.0 / k, 4.0);
    /* 57.5 W: 0.004 Wh — the finest decade, multiplier 0 */
    cr_assert(rig_gate_pulse2_constant(57.5, 4.0, &e, &m, &k));
    cr_expect_eq(m, 0u);
    cr_expect_eq(e, 4u);
    /* beyond 9 kWh a pulse at 4/s: none fits */
    cr_expect_not(rig_gate_pulse2_constant(2e8, 4.0, &e, &m, &k));
}
