/*
 * lines.c — the pulse-input interface over its implementations.
 */
#include <stdlib.h>

#include "drivers/lines/lines_internal.h"

int rig_pulse_input_count(struct rig_pulse_input *in, uint64_t *count)
{
    return in->ops->count(in->impl, count);
}

void rig_pulse_input_close(struct rig_pulse_input *in)
{
    if (!in)
        return;
    in->ops->close(in->impl);
    free(in);
}
