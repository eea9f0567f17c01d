/*
 * pulse_source.h — what drives the adjustable pulse output 2 (manual §3.2,
 * registers 726-734): a source energy register and a pulse constant of
 * energy x multiplier, e.g. 5 x MUL10 = 50 Wh per pulse.
 *
 * It follows the source register's Total and turns every whole quantum into
 * a pulse request, so pulses and registers agree by construction, to the
 * mWh. When a configuration asks for more pulses than the duration allows
 * (e.g. 1 mWh per pulse at full load), pulses queue up to
 * PULSE_SOURCE_QUEUE_MAX; beyond that they are counted as dropped and the
 * condition stays flagged until the next configuration — never silently.
 */
#ifndef MED2_PULSE_SOURCE_H
#define MED2_PULSE_SOURCE_H

#include "med2_regmap.h" /* enum med2_pulse2_source */

#include <stdbool.h>
#include <stdint.h>

#include "energy.h"
#include "pulse.h"

/* One hour of queue at the widest legal pulse (2500 ms + gap) is ~1400
 * pulses; a bound of 10000 rides through any burst a real load can make
 * while still bounding the RAM and the catch-up time. */
#define PULSE_SOURCE_QUEUE_MAX 10000u


struct pulse_source {
    uint8_t source;          /* enum med2_pulse2_source */
    uint64_t mwh_per_pulse;  /* energy x multiplier, in mWh (>= 1) */
    uint64_t last_total_mwh; /* source Total when last looked at */
    uint64_t acc_mwh;        /* mWh towards the next pulse */
    uint64_t dropped;        /* pulses beyond the queue bound */
    bool overflow;           /* flagged until reconfigured */
};

/*
 * Configure from the register values: source 0..4, energy 1..9,
 * multiplier 0..6 (0 = 1/1000 ... 3 = 1 ... 6 = 1000). Starts counting from
 * the source register's current value. Returns false (and changes nothing)
 * for out-of-range values.
 */
bool pulse_source_configure(struct pulse_source *ps, unsigned source, unsigned energy,
                            unsigned multiplier, const struct energy *e);

/* Per sample, after energy_on_sample: request the pulses now due on `out`. */
void pulse_source_on_sample(struct pulse_source *ps, const struct energy *e, struct pulse *out);

#endif /* MED2_PULSE_SOURCE_H */
