/*
 * pulse.c — fixed-width pulse output with a queue; see pulse.h.
 */
#include "pulse.h"

#include "hal.h"

void pulse_init(struct pulse *p, unsigned output, uint32_t width_samples, uint32_t gap_samples)
{
    p->output = output;
    p->width = width_samples > 0u ? width_samples : 1u;
    p->gap = gap_samples > 0u ? gap_samples : 1u; /* an off time must exist */
    p->state = PULSE_IDLE;
    p->countdown = 0;
    p->pending = 0;
    p->emitted = 0;
}

void pulse_request(struct pulse *p, uint32_t count)
{
    /* Saturate rather than wrap: 4e9 queued pulses is a fault anyway. */
    p->pending = (p->pending > UINT32_MAX - count) ? UINT32_MAX : p->pending + count;
}

uint32_t pulse_pending(const struct pulse *p)
{
    return p->pending;
}

void pulse_on_sample(struct pulse *p, uint64_t sample_time)
{
    switch (p->state) {
    case PULSE_ACTIVE:
        if (--p->countdown == 0u) {
            hal_pulse_write(p->output, false, sample_time);
            p->state = PULSE_GAP;
            p->countdown = p->gap;
        }
        return;
    case PULSE_GAP:
        if (--p->countdown != 0u) {
            return;
        }
        p->state = PULSE_IDLE;
        break;
    case PULSE_IDLE:
        break;
    }
    if (p->pending > 0u) {
        p->pending--;
        p->emitted++;
        hal_pulse_write(p->output, true, sample_time);
        p->state = PULSE_ACTIVE;
        p->countdown = p->width;
    }
}
