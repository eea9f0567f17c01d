/*
 * pulse.h — a fixed-width opto pulse output with a queue.
 *
 * Pulse output 1 of every model: 1 Wh per pulse (1000 imp/kWh), 100 ms
 * (manual §5, registers 716..724, read-only). Edges are placed on exact
 * samples: hal_pulse_write(output, true, t) at the sample the pulse starts,
 * hal_pulse_write(output, false, t + width) when it ends. After a pulse the
 * output stays off for at least a minimum gap; a pulse that becomes due
 * while one is active or in its gap is queued (counted), never lost.
 */
#ifndef MED2_PULSE_H
#define MED2_PULSE_H

#include <stdbool.h>
#include <stdint.h>

/* Manual §5 register 724 "Pals 1 Duration": 100 ms = 400 samples at 4 kHz. */
#define PULSE1_WIDTH_SAMPLES 400u
/* Minimum off time between pulses: 30 ms, the minimum pause of an S0 / IEC
 * 62053-31 class A pulse output. 100 ms on + 30 ms off allows 27.7 kW at
 * 1 Wh/pulse, above the largest load (253 V x 80 A = 20.2 kW). */
#define PULSE_MIN_GAP_SAMPLES 120u

enum pulse_state { PULSE_IDLE, PULSE_ACTIVE, PULSE_GAP };

struct pulse {
    unsigned output;       /* 1 or 2, as hal_pulse_write numbers them */
    uint32_t width;        /* samples active */
    uint32_t gap;          /* minimum samples inactive after a pulse */
    enum pulse_state state;
    uint32_t countdown;    /* samples left in ACTIVE or GAP */
    uint32_t pending;      /* pulses due but not yet started */
    uint64_t emitted;      /* pulses started since init */
};

void pulse_init(struct pulse *p, unsigned output, uint32_t width_samples, uint32_t gap_samples);

/* `count` more pulses are due (from this sample on). */
void pulse_request(struct pulse *p, uint32_t count);

/* Advance by one sample, the one with index `sample_time` since power-up;
 * drives the output on this sample if an edge is due. Call once per sample,
 * after any pulse_request for the same sample. */
void pulse_on_sample(struct pulse *p, uint64_t sample_time);

/* Pulses queued and not yet started. */
uint32_t pulse_pending(const struct pulse *p);

#endif /* MED2_PULSE_H */
