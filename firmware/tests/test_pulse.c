/*
 * test_pulse.c — pulse output 1: exact edges, width, queueing, and no pulse
 * lost at the largest load through the whole meter.
 */
#include <criterion/criterion.h>

#include "hal_record.h"
#include "meter.h"
#include "pulse.h"
#include "sine.h"

static void step(struct pulse *p, uint64_t *t, uint64_t n)
{
    for (uint64_t k = 0; k < n; k++) {
        pulse_on_sample(p, (*t)++);
    }
}

static void assert_edge(size_t k, bool active, uint64_t t)
{
    cr_assert_gt(hal_rec.n_edges, k, "edge %zu missing", k);
    cr_assert_eq(hal_rec.edges[k].output, 1u);
    cr_assert_eq(hal_rec.edges[k].active, active, "edge %zu level", k);
    cr_assert_eq(hal_rec.edges[k].sample_time, t, "edge %zu at %llu, want %llu", k,
                 (unsigned long long)hal_rec.edges[k].sample_time, (unsigned long long)t);
}

Test(pulse, one_pulse_exact_width)
{
    hal_record_reset();
    struct pulse p;
    pulse_init(&p, 1, PULSE1_WIDTH_SAMPLES, PULSE_MIN_GAP_SAMPLES);
    uint64_t t = 0;
    step(&p, &t, 10);
    cr_assert_eq(hal_rec.n_edges, 0u);
    pulse_request(&p, 1);
    step(&p, &t, 1000);
    cr_assert_eq(hal_rec.n_edges, 2u);
    assert_edge(0, true, 10);
    assert_edge(1, false, 10 + 400);
    cr_assert_eq(pulse_pending(&p), 0u);
}

Test(pulse, queued_when_busy_never_lost)
{
    hal_record_reset();
    struct pulse p;
    pulse_init(&p, 1, PULSE1_WIDTH_SAMPLES, PULSE_MIN_GAP_SAMPLES);
    uint64_t t = 0;
    pulse_request(&p, 3); /* forced: three due at once */
    step(&p, &t, 1);
    cr_assert_eq(pulse_pending(&p), 2u);
    step(&p, &t, 200);
    pulse_request(&p, 1); /* due while active */
    cr_assert_eq(pulse_pending(&p), 3u);
    step(&p, &t, 5000);
    cr_assert_eq(pulse_pending(&p), 0u);
    cr_assert_eq(hal_rec.n_edges, 8u);
    const uint64_t period = PULSE1_WIDTH_SAMPLES + PULSE_MIN_GAP_SAMPLES;
    for (unsigned k = 0; k < 4; k++) {
        assert_edge(2 * k, true, k * period);
        assert_edge(2 * k + 1, false, k * period + PULSE1_WIDTH_SAMPLES);
    }
}

Test(pulse, due_in_gap_waits_for_gap_end)
{
    hal_record_reset();
    struct pulse p;
    pulse_init(&p, 1, PULSE1_WIDTH_SAMPLES, PULSE_MIN_GAP_SAMPLES);
    uint64_t t = 0;
    pulse_request(&p, 1);
    step(&p, &t, 401); /* pulse over at sample 400, gap running */
    pulse_request(&p, 1);
    step(&p, &t, 1000);
    assert_edge(2, true, 400 + PULSE_MIN_GAP_SAMPLES);
}

/* The whole meter at 253 V x 80 A for 30 s: the pulse count equals the
 * whole Wh of the register, every pulse is 400 samples wide, and at most
 * one is ever waiting. */
Test(pulse, none_lost_at_highest_load)
{
    hal_record_reset();
    static struct meter m;
    struct meter_identity id = {.model = MED2_MODEL_C80_1M_V3, .serial = 7};
    meter_init(&m, &id);
    struct sine_gen g;
    sine_init(&g, 253.0, 80.0, 0.0, 50.0);
    int32_t v[80], i[80];
    uint32_t max_pending = 0;
    for (int b = 0; b < 30 * 50; b++) {
        sine_fill(&g, v, i, 80);
        meter_on_samples(&m, v, i, 80);
        if (pulse_pending(&m.pulse1) > max_pending) {
            max_pending = pulse_pending(&m.pulse1);
        }
    }
    uint64_t wh = meter_import_active_mwh(&m) / 1000u;
    cr_assert(wh >= 165 && wh <= 169, "Wh %llu", (unsigned long long)wh); /* 20240 W x ~30 s */
    cr_assert_leq(max_pending, 1u);
    uint64_t started = 0;
    for (size_t k = 0; k < hal_rec.n_edges; k++) {
        if (hal_rec.edges[k].active) {
            started++;
            if (k + 1 < hal_rec.n_edges) {
                cr_assert_eq(hal_rec.edges[k + 1].sample_time - hal_rec.edges[k].sample_time, 400u);
            }
        } else if (k + 1 < hal_rec.n_edges) {
            cr_assert_geq(hal_rec.edges[k + 1].sample_time - hal_rec.edges[k].sample_time,
                          PULSE_MIN_GAP_SAMPLES);
        }
    }
    cr_assert_eq(started + pulse_pending(&m.pulse1), wh, "pulses %llu + pending %u vs Wh %llu",
                 (unsigned long long)started, pulse_pending(&m.pulse1), (unsigned long long)wh);
}
