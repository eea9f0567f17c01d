/*
 * test_energy.c — fixed-point integration: exact over long runs, residue
 * carried, anti-creep and export not counted.
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
    energy_init(&e, 0.01f);
    energy_set_power(&e, 1150.0f, 5.0f);
    uint64_t wh = run(&e, 3600ull * SAMPLES_PER_S);
    uint64_t mwh = energy_import_mwh(&e);
    cr_assert(mwh >= 1149999u && mwh <= 1150001u, "mWh %llu", (unsigned long long)mwh);
    cr_assert_eq(wh, 1150u, "whole Wh reported %llu", (unsigned long long)wh);
}

Test(energy, residue_carried_not_lost)
{
    struct energy e;
    energy_init(&e, 0.01f);
    /* 1 W: one sample is 250 uJ, one mWh is 3.6 J = 14400 samples. */
    energy_set_power(&e, 1.0f, 1.0f);
    run(&e, 14399);
    cr_assert_eq(energy_import_mwh(&e), 0u);
    cr_assert_eq(e.import_residue_nj, 14399ll * 250000ll);
    run(&e, 1);
    cr_assert_eq(energy_import_mwh(&e), 1u);
    cr_assert_eq(e.import_residue_nj, 0);
    /* A power change keeps the residue: 0.5 mWh at 1 W, then 0.5 mWh at 2 W. */
    run(&e, 7200);
    energy_set_power(&e, 2.0f, 1.0f);
    run(&e, 3600);
    cr_assert_eq(energy_import_mwh(&e), 2u);
    cr_assert_eq(e.import_residue_nj, 0);
}

Test(energy, many_small_updates_sum_exactly)
{
    /* Alternating powers, as successive windows publish them. */
    struct energy e;
    energy_init(&e, 0.01f);
    for (int w = 0; w < 5 * 600; w++) { /* 10 minutes of 200 ms windows */
        energy_set_power(&e, (w & 1) ? 1000.0f : 3000.0f, 10.0f);
        run(&e, 800);
    }
    /* mean 2000 W for 600 s = 333.333... Wh */
    cr_assert_eq(energy_import_mwh(&e), 333333u);
    cr_assert_eq(e.import_residue_nj, 1200000000ll); /* the 1/3 mWh left over */
}

Test(energy, maximum_load_one_wh_per_sample_at_most)
{
    struct energy e;
    energy_init(&e, 0.01f);
    energy_set_power(&e, 253.0f * 80.0f, 80.0f);
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

Test(energy, anti_creep_and_export)
{
    struct energy e;
    energy_init(&e, 0.010f); /* 0.5 x Ist of a direct model */
    energy_set_power(&e, 2.0f, 0.009f);
    run(&e, 3600 * SAMPLES_PER_S / 10);
    cr_assert_eq(energy_import_mwh(&e), 0u);
    cr_assert_eq(e.import_residue_nj, 0);
    /* At Ist (20 mA x 230 V = 4.6 W) it counts. */
    energy_set_power(&e, 4.6f, 0.020f);
    run(&e, 3600 * SAMPLES_PER_S / 10);
    cr_assert(energy_import_mwh(&e) >= 459u && energy_import_mwh(&e) <= 460u, "%llu",
              (unsigned long long)energy_import_mwh(&e));
    uint64_t before = energy_import_mwh(&e);
    energy_set_power(&e, -1000.0f, 5.0f); /* export: a later slice */
    run(&e, 100 * SAMPLES_PER_S);
    cr_assert_eq(energy_import_mwh(&e), before);
}
