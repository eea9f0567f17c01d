/*
 * energy.c — fixed-point energy integration; see energy.h.
 */
#include "energy.h"

#include "hal.h"

/* Energy of one sample at 1 W: 1 J/s / HAL_SAMPLE_RATE_HZ = 250000 nJ. */
#define NJ_PER_W_SAMPLE (1000000000.0f / (float)HAL_SAMPLE_RATE_HZ)

void energy_init(struct energy *e, float creep_threshold_a)
{
    e->import_mwh = 0;
    e->import_residue_nj = 0;
    e->import_nj_per_sample = 0;
    e->wh_mwh = 0;
    e->creep_threshold_a = creep_threshold_a;
}

void energy_set_power(struct energy *e, float p_w, float i_rms_a)
{
    if (!(p_w > 0.0f) || i_rms_a < e->creep_threshold_a) {
        e->import_nj_per_sample = 0; /* export (later slice), no load, or creep */
        return;
    }
    /* float holds this to 1e-7 relative, far inside any accuracy class;
     * rounding (not truncating) keeps the error unbiased. */
    e->import_nj_per_sample = (int64_t)(p_w * NJ_PER_W_SAMPLE + 0.5f);
}

uint32_t energy_on_sample(struct energy *e)
{
    e->import_residue_nj += e->import_nj_per_sample;
    if (e->import_residue_nj < ENERGY_NJ_PER_MWH) {
        return 0; /* the common case: no whole mWh yet */
    }
    /* At most a couple of mWh per sample: subtract instead of a 64-bit
     * division, which the Cortex-M4 does not have in hardware. */
    uint32_t mwh = 0;
    do {
        e->import_residue_nj -= ENERGY_NJ_PER_MWH;
        mwh++;
    } while (e->import_residue_nj >= ENERGY_NJ_PER_MWH);
    e->import_mwh += mwh;
    e->wh_mwh += mwh;
    uint32_t wh = 0;
    while (e->wh_mwh >= ENERGY_MWH_PER_WH) {
        e->wh_mwh -= ENERGY_MWH_PER_WH;
        wh++;
    }
    return wh;
}

uint64_t energy_import_mwh(const struct energy *e)
{
    return e->import_mwh;
}
