/*
 * pulse_timeline.c — edges played a fixed delay after their sample; see
 * pulse_timeline.h.
 */
#include "pulse_timeline.h"

void pulse_timeline_init(struct pulse_timeline *tl, uint32_t delay)
{
    pulse_timeline_clear(tl);
    tl->delay = delay < PULSE_TIMELINE_SLOTS ? delay : PULSE_TIMELINE_SLOTS - 1u;
}

bool pulse_timeline_schedule(struct pulse_timeline *tl, unsigned output, bool active,
                             uint64_t sample, uint64_t next)
{
    uint64_t due = sample + tl->delay;
    if (output < 1u || output > PULSE_TIMELINE_OUTPUTS || due < next ||
        due - next >= PULSE_TIMELINE_SLOTS) {
        return false;
    }
    uint8_t *s = &tl->slot[due % PULSE_TIMELINE_SLOTS];
    uint8_t both = PULSE_EDGE_ON(output) | PULSE_EDGE_OFF(output);
    *s = (uint8_t)((*s & ~both) | (active ? PULSE_EDGE_ON(output) : PULSE_EDGE_OFF(output)));
    return true;
}

uint8_t pulse_timeline_take(struct pulse_timeline *tl, uint64_t sample)
{
    uint8_t *s = &tl->slot[sample % PULSE_TIMELINE_SLOTS];
    uint8_t edges = *s;
    *s = 0;
    return edges;
}

void pulse_timeline_clear(struct pulse_timeline *tl)
{
    for (unsigned k = 0; k < PULSE_TIMELINE_SLOTS; k++) {
        tl->slot[k] = 0;
    }
}
