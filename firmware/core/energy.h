/*
 * energy.h — energy registers, integrated sample by sample in fixed point.
 *
 * The latest published active power is integrated at every sample (so the
 * Wh boundaries, and with them the pulse edges, land on the right sample)
 * into an int64 residue in nanojoules; whole mWh are carried into the
 * uint64 register and the sub-mWh residue is kept, so nothing is lost
 * between register updates. The registers carry mWh (DESIGN.md: "registers
 * carry the internal resolution"); the legal display/pulse unit is 1 Wh.
 *
 * This slice counts total import active energy only (P > 0); export,
 * reactive and tariffs come later.
 */
#ifndef MED2_ENERGY_H
#define MED2_ENERGY_H

#include <stdint.h>

/* 1 mWh = 3.6 J = 3.6e9 nJ. */
#define ENERGY_NJ_PER_MWH 3600000000ll
#define ENERGY_MWH_PER_WH 1000u
/* Anti-creep: no energy below this fraction of the starting current Ist, so
 * the meter cannot creep on noise at no load (EN 50470-3 no-load test) yet
 * surely starts at Ist (its starting-current test); Ist from the manual,
 * Section 6, in model.h. */
#define ENERGY_CREEP_FRACTION_OF_IST 0.5f

struct energy {
    uint64_t import_mwh;         /* total import active energy register */
    int64_t import_residue_nj;   /* 0 <= residue < ENERGY_NJ_PER_MWH */
    int64_t import_nj_per_sample; /* from the latest published power */
    uint32_t wh_mwh;             /* mWh since the last whole Wh (pulse output) */
    float creep_threshold_a;
};

/* `creep_threshold_a`: Irms below which nothing is counted. */
void energy_init(struct energy *e, float creep_threshold_a);

/* A new published measurement: integrate p_w from the next sample on. */
void energy_set_power(struct energy *e, float p_w, float i_rms_a);

/* Integrate one sample at the current power; returns the number of whole
 * Wh completed at this sample (0 or 1: one sample at the 80 A x 253 V maximum
 * is 1.4 mWh). */
uint32_t energy_on_sample(struct energy *e);

uint64_t energy_import_mwh(const struct energy *e);

#endif /* MED2_ENERGY_H */
