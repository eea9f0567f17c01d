/*
 * pulse_test.h — pulse output 1 (and the LED it drives) at the factory test
 * constant: 100 000 imp/kWh instead of the legal 1000 imp/kWh, so a factory
 * bench gates every load point in a few seconds on every model, with or
 * without RS485 (docs/factory.md, "The test constant").
 *
 * Why 100 000 imp/kWh (10 mWh a pulse):
 *   - the highest load a unit sees is Imax x 1.15 Un = 80 A x 264.5 V
 *     = 21.2 kW: 588 pulses a second;
 *   - a pulse is PULSE_TEST_WIDTH_SAMPLES on and at least
 *     PULSE_TEST_GAP_SAMPLES off (0.5 ms each at 4 kHz), so the output can
 *     give 1000 pulses a second: 1.7 times the most the load asks, so the
 *     queue stays empty and every edge sits on the sample its energy was
 *     reached — the timing the bench measures;
 *   - 0.5 ms is 25 times the switching time of the output's phototransistor
 *     opto-coupler (~20 us) and far above a GPIO edge's timestamp
 *     resolution, so the bench sees every pulse;
 *   - at the lowest EOL point (Imin of class C, 0.15 A x 230 V = 34.5 W) a
 *     pulse still comes every 1.04 s: a gate of 1.5 s needs only two;
 *   - 10 mWh is a whole number of the energy registers' mWh, so the pulses
 *     and the registers agree exactly.
 * A finer constant (10^6) would exceed what a 4 kHz output can give at
 * 21 kW; a coarser one (10^4) would leave 10 s between pulses at Imin.
 *
 * Edges are placed on exact samples (pulse.h), as at the legal constant.
 */
#ifndef MED2_PULSE_TEST_H
#define MED2_PULSE_TEST_H

#include <stdint.h>

#include "med2_regmap.h"

#define PULSE_TEST_MWH_PER_PULSE (1000000u / MED2_PULSE1_TEST_IMP_PER_KWH) /* 10 mWh */
#define PULSE_TEST_WIDTH_SAMPLES 2u /* 0.5 ms */
#define PULSE_TEST_GAP_SAMPLES 2u   /* 0.5 ms */

struct pulse_test {
    uint64_t last_mwh; /* import active mWh when last looked at */
    uint64_t acc_mwh;  /* mWh towards the next pulse */
};

/* Start counting from the import active register's value now. */
void pulse_test_start(struct pulse_test *t, uint64_t import_mwh);

/* Per sample: the pulses now due for the import active register's value. */
uint32_t pulse_test_due(struct pulse_test *t, uint64_t import_mwh);

#endif /* MED2_PULSE_TEST_H */
