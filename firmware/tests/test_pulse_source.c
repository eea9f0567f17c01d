/*
 * test_pulse_source.c — pulse output 2: every source and multiplier, the
 * manual's worked example, and the bounded, flagged queue.
 */
#include <criterion/criterion.h>

#include "energy.h"
#include "hal_record.h"
#include "pulse.h"
#include "pulse_source.h"

#define SAMPLES_PER_S 4000u

static struct energy e;
static struct pulse out;
static struct pulse_source ps;

static void run(uint64_t samples)
{
    static uint64_t t;
    for (uint64_t k = 0; k < samples; k++, t++) {
        energy_on_sample(&e);
        pulse_source_on_sample(&ps, &e, &out);
        pulse_on_sample(&out, t);
    }
}

static void setup(float p_w, float q_var, unsigned source, unsigned energy, unsigned mult,
                  uint32_t width)
{
    energy_init(&e, 4);
    energy_set_power(&e, p_w, q_var);
    pulse_init(&out, 2, width, PULSE_MIN_GAP_SAMPLES);
    cr_assert(pulse_source_configure(&ps, source, energy, mult, &e));
}

Test(pulse_source, manual_example_50_wh_per_pulse_of_one_second)
{
    /* 5 x MUL10 = 50 Wh per pulse, 1000 ms; 1800 W for 600 s = 300 Wh = 6 pulses */
    setup(1800.0f, 0.0f, MED2_PULSE2_IMPORT_ACTIVE, 5, 4, 4000);
    run(600 * SAMPLES_PER_S);
    cr_expect_eq(out.emitted, 6u, "%llu pulses", (unsigned long long)out.emitted);
    cr_expect_eq(ps.acc_mwh, 0u);
    cr_expect_not(ps.overflow);
}

Test(pulse_source, each_source_follows_its_own_register)
{
    const float p[] = {0, 1000.0f, -1000.0f, 0.0f, 0.0f};
    const float q[] = {0, 0.0f, 0.0f, 1000.0f, -1000.0f};
    for (unsigned src = 1; src <= 4; src++) {
        setup(p[src], q[src], src, 1, 3, 400); /* 1 Wh per pulse */
        run(36 * SAMPLES_PER_S); /* 10 Wh of that kind */
        cr_expect_eq(out.emitted, 10u, "source %u: %llu pulses", src,
                     (unsigned long long)out.emitted);
    }
    setup(1000.0f, 1000.0f, MED2_PULSE2_OFF, 1, 3, 400);
    run(36 * SAMPLES_PER_S);
    cr_expect_eq(out.emitted, 0u, "source off still pulsed");
}

Test(pulse_source, every_multiplier)
{
    /* 3600 W for 10 s = 10 Wh = 10000 mWh */
    const uint64_t per_pulse_mwh[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    for (unsigned m = 0; m <= 6; m++) {
        setup(3600.0f, 0.0f, MED2_PULSE2_IMPORT_ACTIVE, 1, m, 4);
        run(10 * SAMPLES_PER_S);
        uint64_t want = 10000 / per_pulse_mwh[m];
        uint64_t got = out.emitted + pulse_pending(&out) + ps.dropped;
        cr_expect_eq(got, want, "multiplier %u: %llu pulses due, want %llu", m,
                     (unsigned long long)got, (unsigned long long)want);
    }
}

Test(pulse_source, too_fast_is_queued_then_flagged_never_silent)
{
    /* 1 mWh per pulse at 20 kW, 2500 ms: far more than the output can give */
    setup(20000.0f, 0.0f, MED2_PULSE2_IMPORT_ACTIVE, 1, 0, 10000);
    run(10 * SAMPLES_PER_S);
    cr_expect(ps.overflow, "overflow not flagged");
    cr_expect_eq(pulse_pending(&out), PULSE_SOURCE_QUEUE_MAX);
    uint64_t mwh = energy_register_mwh(&e, ENERGY_IMPORT_ACTIVE, ENERGY_TOTAL);
    cr_expect_eq(out.emitted + pulse_pending(&out) + ps.dropped, mwh,
                 "every quantum is emitted, queued or counted as dropped");
}

Test(pulse_source, out_of_range_configuration_is_refused)
{
    energy_init(&e, 4);
    cr_expect_not(pulse_source_configure(&ps, 5, 1, 3, &e));
    cr_expect_not(pulse_source_configure(&ps, 1, 0, 3, &e));
    cr_expect_not(pulse_source_configure(&ps, 1, 10, 3, &e));
    cr_expect_not(pulse_source_configure(&ps, 1, 1, 7, &e));
}
