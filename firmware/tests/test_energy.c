/*
 * test_energy.c — fixed-point integration: exact over long runs, residue
 * carried, anti-creep; four quadrants, tariff routing, partial counters and
 * balance.
 */
#include <criterion/criterion.h>

#include "energy.h"

#define SAMPLES_PER_S 4000ull

static uint64_t run(struct energy *e, uint64_t samples)
{
    uint64_t wh = 0;
    for (uint64_t k = 0; k < samples; k++) {
        wh += energy_on_sample(e);
    }
    return wh;
}

Test(energy, one_hour_at_1150_w)
{
    struct energy e;
    energy_init(&e, 4);
    energy_set_power(&e, 1150.0f, 0.0f);
    uint64_t wh = run(&e, 3600ull * SAMPLES_PER_S);
    uint64_t mwh = energy_import_mwh(&e);
    cr_assert(mwh >= 1149999u && mwh <= 1150001u, "mWh %llu", (unsigned long long)mwh);
    cr_assert_eq(wh, 1150u, "whole Wh reported %llu", (unsigned long long)wh);
}

Test(energy, residue_carried_not_lost)
{
    struct energy e;
    energy_init(&e, 4);
    /* 1 W: one sample is 250 uJ, one mWh is 3.6 J = 14400 samples. */
    energy_set_power(&e, 1.0f, 0.0f);
    run(&e, 14399);
    cr_assert_eq(energy_import_mwh(&e), 0u);
    cr_assert_eq(e.residue_nj[ENERGY_IMPORT_ACTIVE], 14399ll * 250000ll);
    run(&e, 1);
    cr_assert_eq(energy_import_mwh(&e), 1u);
    cr_assert_eq(e.residue_nj[ENERGY_IMPORT_ACTIVE], 0);
    /* A power change keeps the residue: 0.5 mWh at 1 W, then 0.5 mWh at 2 W. */
    run(&e, 7200);
    energy_set_power(&e, 2.0f, 0.0f);
    run(&e, 3600);
    cr_assert_eq(energy_import_mwh(&e), 2u);
    cr_assert_eq(e.residue_nj[ENERGY_IMPORT_ACTIVE], 0);
}

Test(energy, many_small_updates_sum_exactly)
{
    /* Alternating powers, as successive windows publish them. */
    struct energy e;
    energy_init(&e, 4);
    for (int w = 0; w < 5 * 600; w++) { /* 10 minutes of 200 ms windows */
        energy_set_power(&e, (w & 1) ? 1000.0f : 3000.0f, 0.0f);
        run(&e, 800);
    }
    /* mean 2000 W for 600 s = 333.333... Wh */
    cr_assert_eq(energy_import_mwh(&e), 333333u);
    cr_assert_eq(e.residue_nj[ENERGY_IMPORT_ACTIVE], 1200000000ll); /* the 1/3 mWh left over */
}

Test(energy, maximum_load_one_wh_per_sample_at_most)
{
    struct energy e;
    energy_init(&e, 4);
    energy_set_power(&e, 253.0f * 80.0f, 0.0f);
    uint64_t wh = 0;
    for (uint64_t k = 0; k < 60 * SAMPLES_PER_S; k++) {
        uint32_t d = energy_on_sample(&e);
        cr_assert_leq(d, 1u);
        wh += d;
    }
    /* 20240 W x 60 s = 337.33 Wh */
    cr_assert_eq(energy_import_mwh(&e), 337333u);
    cr_assert_eq(wh, 337u);
}

/* Anti-creep is the metrology's (it publishes P = Q = 0 at no load,
 * test_metrology and test_meter): what is published, however small, counts. */
Test(energy, small_power_counts_and_export)
{
    struct energy e;
    energy_init(&e, 4);
    energy_set_power(&e, 0.0f, 0.0f);
    run(&e, 3600 * SAMPLES_PER_S / 10);
    cr_assert_eq(energy_import_mwh(&e), 0u);
    cr_assert_eq(e.residue_nj[ENERGY_IMPORT_ACTIVE], 0);
    /* At Ist (20 mA x 230 V = 4.6 W) it counts. */
    energy_set_power(&e, 4.6f, 0.0f);
    run(&e, 3600 * SAMPLES_PER_S / 10);
    cr_assert(energy_import_mwh(&e) >= 459u && energy_import_mwh(&e) <= 460u, "%llu",
              (unsigned long long)energy_import_mwh(&e));
    uint64_t before = energy_import_mwh(&e);
    energy_set_power(&e, -1000.0f, 0.0f);
    run(&e, 36 * SAMPLES_PER_S);
    cr_assert_eq(energy_import_mwh(&e), before, "export counted as import");
    cr_assert_eq(energy_register_mwh(&e, ENERGY_EXPORT_ACTIVE, ENERGY_TOTAL), 10000u);
}

/* mWh of every register of one kind, for compact expectations. */
static void expect_kind(const struct energy *e, enum energy_kind k, const uint64_t want[ENERGY_SLOT_COUNT])
{
    static const char *names[] = {"Total", "T1", "T1-1", "T1-2", "T1-3", "T1-4", "T2", "Partial"};
    for (unsigned s = 0; s < ENERGY_SLOT_COUNT; s++) {
        cr_expect_eq(energy_register_mwh(e, k, (enum energy_slot)s), want[s],
                     "kind %u %s: %llu mWh, want %llu", k, names[s],
                     (unsigned long long)energy_register_mwh(e, k, (enum energy_slot)s),
                     (unsigned long long)want[s]);
    }
}

Test(energy, four_quadrants)
{
    struct energy e;
    energy_init(&e, 1);
    /* 36 s at each sign combination: 1000 W / 500 var -> 10 Wh / 5 varh */
    const float p[] = {1000.0f, -1000.0f, -1000.0f, 1000.0f};
    const float q[] = {500.0f, 500.0f, -500.0f, -500.0f};
    for (unsigned quad = 0; quad < 4; quad++) {
        energy_set_power(&e, p[quad], q[quad]);
        run(&e, 36 * SAMPLES_PER_S);
    }
    cr_expect_eq(energy_register_mwh(&e, ENERGY_IMPORT_ACTIVE, ENERGY_TOTAL), 20000u);
    cr_expect_eq(energy_register_mwh(&e, ENERGY_EXPORT_ACTIVE, ENERGY_TOTAL), 20000u);
    cr_expect_eq(energy_register_mwh(&e, ENERGY_IMPORT_REACTIVE, ENERGY_TOTAL), 10000u);
    cr_expect_eq(energy_register_mwh(&e, ENERGY_EXPORT_REACTIVE, ENERGY_TOTAL), 10000u);
    /* a 1-tariff model has no tariff registers */
    cr_expect_eq(energy_register_mwh(&e, ENERGY_IMPORT_ACTIVE, ENERGY_T1), 0u);
    cr_expect_eq(energy_register_mwh(&e, ENERGY_IMPORT_ACTIVE, ENERGY_T2), 0u);
}

Test(energy, four_tariffs_route_to_sub_tariffs_and_t2)
{
    struct energy e;
    energy_init(&e, 4);
    /* 3.6 s at 1000 W = 1 Wh per step */
    for (unsigned sub = 1; sub <= 4; sub++) {
        energy_select_sub_tariff(&e, sub);
        energy_set_power(&e, 1000.0f * (float)sub, 0.0f);
        run(&e, 36 * SAMPLES_PER_S / 10);
    }
    energy_toggle_t2(&e);
    cr_assert(energy_t2_active(&e));
    energy_select_sub_tariff(&e, 2); /* the schedule moves on: T2 still counts alone */
    energy_set_power(&e, 5000.0f, 0.0f);
    run(&e, 36 * SAMPLES_PER_S / 10);
    const uint64_t want[ENERGY_SLOT_COUNT] = {15000, 10000, 1000, 2000, 3000, 4000, 5000, 0};
    expect_kind(&e, ENERGY_IMPORT_ACTIVE, want);
}

Test(energy, two_tariffs_have_no_sub_tariffs)
{
    struct energy e;
    energy_init(&e, 2);
    energy_select_sub_tariff(&e, 3);
    energy_set_power(&e, 1000.0f, 0.0f);
    run(&e, 36 * SAMPLES_PER_S / 10);
    energy_toggle_t2(&e);
    run(&e, 2 * 36 * SAMPLES_PER_S / 10);
    const uint64_t want[ENERGY_SLOT_COUNT] = {3000, 1000, 0, 0, 0, 0, 2000, 0};
    expect_kind(&e, ENERGY_IMPORT_ACTIVE, want);
}

Test(energy, partial_counter_start_stop_resume_reset)
{
    struct energy e;
    energy_init(&e, 4);
    energy_set_power(&e, -1000.0f, 0.0f);
    run(&e, 36 * SAMPLES_PER_S / 10); /* stopped: not counted */
    energy_partial_start_stop(&e);
    cr_assert(energy_partial_running(&e));
    run(&e, 36 * SAMPLES_PER_S / 10);
    energy_partial_start_stop(&e);
    run(&e, 36 * SAMPLES_PER_S / 10); /* stopped again */
    energy_partial_start_stop(&e);
    run(&e, 36 * SAMPLES_PER_S / 10); /* resumed: continues from 1 Wh */
    cr_expect_eq(energy_register_mwh(&e, ENERGY_EXPORT_ACTIVE, ENERGY_PARTIAL), 2000u);
    cr_expect_eq(energy_register_mwh(&e, ENERGY_EXPORT_ACTIVE, ENERGY_TOTAL), 4000u);
    energy_partial_reset(&e);
    cr_expect_eq(energy_register_mwh(&e, ENERGY_EXPORT_ACTIVE, ENERGY_PARTIAL), 0u);
    cr_expect_eq(energy_register_mwh(&e, ENERGY_EXPORT_ACTIVE, ENERGY_TOTAL), 4000u,
                 "reset of the partial counter touched the total");
    cr_expect(energy_partial_running(&e), "reset stopped a running counter");
}

Test(energy, balance_is_import_minus_export)
{
    struct energy e;
    energy_init(&e, 2);
    energy_set_power(&e, 1000.0f, -200.0f);
    run(&e, 36 * SAMPLES_PER_S);
    energy_set_power(&e, -3000.0f, 100.0f);
    run(&e, 36 * SAMPLES_PER_S);
    cr_expect_eq(energy_balance_mwh(&e, false), 10000 - 30000);
    cr_expect_eq(energy_balance_mwh(&e, true), 1000 - 2000);
}
