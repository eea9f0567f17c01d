/*
 * energy.c — four-quadrant fixed-point energy registers; see energy.h.
 */
#include "energy.h"

#include <string.h>

#include "hal.h"

/* Energy of one sample at 1 W: 1 J/s / HAL_SAMPLE_RATE_HZ = 250000 nJ. */
#define NJ_PER_W_SAMPLE (1000000000.0 / (double)HAL_SAMPLE_RATE_HZ)
/* Beyond this many mWh in one sample the carry divides instead of looping. */
#define ENERGY_DIVIDE_ABOVE_MWH 4ll

void energy_init(struct energy *e, unsigned tariffs)
{
    memset(e, 0, sizeof(*e));
    e->tariffs = (uint8_t)(tariffs == 4 ? 4 : tariffs == 2 ? 2 : 1);
    e->sub_tariff = 1;
}

/* In double, once per measurement window (soft-float on the M4F, a few
 * hundred cycles five times a second): a float product would be off by up
 * to 6e-8 relative, 0.06 mWh per kWh; this is exact to the nJ per sample.
 * Rounding, not truncating, keeps the remaining error unbiased. */
static int64_t nj_per_sample(float w)
{
    return (int64_t)((double)w * NJ_PER_W_SAMPLE + 0.5);
}

void energy_set_power(struct energy *e, float p_w, float q_var)
{
    for (unsigned k = 0; k < ENERGY_KIND_COUNT; k++) {
        e->nj_per_sample[k] = 0;
    }
    if (p_w > 0.0f) {
        e->nj_per_sample[ENERGY_IMPORT_ACTIVE] = nj_per_sample(p_w);
    } else if (p_w < 0.0f) {
        e->nj_per_sample[ENERGY_EXPORT_ACTIVE] = nj_per_sample(-p_w);
    }
    if (q_var > 0.0f) {
        e->nj_per_sample[ENERGY_IMPORT_REACTIVE] = nj_per_sample(q_var);
    } else if (q_var < 0.0f) {
        e->nj_per_sample[ENERGY_EXPORT_REACTIVE] = nj_per_sample(-q_var);
    }
}

/* Which tariff register counts now, ENERGY_SLOT_COUNT for none. */
static enum energy_slot tariff_slot(const struct energy *e)
{
    if (e->tariffs == 1) {
        return ENERGY_SLOT_COUNT;
    }
    return e->c.t2_active ? ENERGY_T2 : ENERGY_T1;
}

static void carry(struct energy *e, enum energy_kind kind, uint32_t mwh)
{
    uint64_t *reg = e->c.mwh[kind];
    reg[ENERGY_TOTAL] += mwh;
    enum energy_slot slot = tariff_slot(e);
    if (slot != ENERGY_SLOT_COUNT) {
        reg[slot] += mwh;
        if (slot == ENERGY_T1 && e->tariffs == 4) {
            reg[ENERGY_T1_1 + (e->sub_tariff - 1)] += mwh;
        }
    }
    if (e->c.partial_running) {
        reg[ENERGY_PARTIAL] += mwh;
    }
}

uint32_t energy_on_sample(struct energy *e)
{
    uint32_t wh = 0;
    for (unsigned k = 0; k < ENERGY_KIND_COUNT; k++) {
        e->residue_nj[k] += e->nj_per_sample[k];
        if (e->residue_nj[k] < ENERGY_NJ_PER_MWH) {
            continue; /* the common case: no whole mWh yet */
        }
        /* Direct models: at most a couple of mWh per sample, so subtract
         * instead of a 64-bit division, which the Cortex-M4 does not have in
         * hardware. CT models count at the primary, where one sample can be
         * many mWh: divide then (rare, and bounded). */
        uint32_t mwh = 0;
        if (e->residue_nj[k] >= ENERGY_DIVIDE_ABOVE_MWH * ENERGY_NJ_PER_MWH) {
            mwh = (uint32_t)(e->residue_nj[k] / ENERGY_NJ_PER_MWH);
            e->residue_nj[k] -= (int64_t)mwh * ENERGY_NJ_PER_MWH;
        }
        while (e->residue_nj[k] >= ENERGY_NJ_PER_MWH) {
            e->residue_nj[k] -= ENERGY_NJ_PER_MWH;
            mwh++;
        }
        carry(e, (enum energy_kind)k, mwh);
        if (k == ENERGY_IMPORT_ACTIVE) {
            e->wh_mwh += mwh;
            if (e->wh_mwh >= ENERGY_MWH_PER_WH) {
                wh = e->wh_mwh / ENERGY_MWH_PER_WH;
                e->wh_mwh -= wh * ENERGY_MWH_PER_WH;
            }
        }
    }
    return wh;
}

void energy_select_sub_tariff(struct energy *e, unsigned sub_tariff)
{
    /* no schedule entry in use: T1-1 counts, so T1 = sum of T1-x holds */
    e->sub_tariff = (uint8_t)(sub_tariff >= 1 && sub_tariff <= 4 ? sub_tariff : 1);
}

uint64_t energy_register_mwh(const struct energy *e, enum energy_kind kind, enum energy_slot slot)
{
    if ((unsigned)kind >= ENERGY_KIND_COUNT || (unsigned)slot >= ENERGY_SLOT_COUNT) {
        return 0;
    }
    return e->c.mwh[kind][slot];
}

int64_t energy_balance_mwh(const struct energy *e, bool reactive)
{
    enum energy_kind imp = reactive ? ENERGY_IMPORT_REACTIVE : ENERGY_IMPORT_ACTIVE;
    enum energy_kind exp = reactive ? ENERGY_EXPORT_REACTIVE : ENERGY_EXPORT_ACTIVE;
    return (int64_t)e->c.mwh[imp][ENERGY_TOTAL] - (int64_t)e->c.mwh[exp][ENERGY_TOTAL];
}

void energy_toggle_t2(struct energy *e)
{
    e->c.t2_active = (uint8_t)!e->c.t2_active;
}

void energy_partial_start_stop(struct energy *e)
{
    e->c.partial_running = (uint8_t)!e->c.partial_running;
}

void energy_partial_reset(struct energy *e)
{
    for (unsigned k = 0; k < ENERGY_KIND_COUNT; k++) {
        e->c.mwh[k][ENERGY_PARTIAL] = 0;
    }
}

bool energy_t2_active(const struct energy *e)
{
    return e->c.t2_active != 0;
}

bool energy_partial_running(const struct energy *e)
{
    return e->c.partial_running != 0;
}

uint64_t energy_import_mwh(const struct energy *e)
{
    return e->c.mwh[ENERGY_IMPORT_ACTIVE][ENERGY_TOTAL];
}
