/*
 * lines.c — the pulse-input interface over its implementations.
 */
#include <errno.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "drivers/lines/lines_internal.h"

int rig_pulse_input_count(struct rig_pulse_input *in, uint64_t *count)
{
    return in->ops->count(in->impl, count);
}

int rig_pulse_input_edges(struct rig_pulse_input *in, struct rig_line_edge *edges, size_t max,
                          size_t *n, uint64_t *dropped)
{
    uint64_t lost = 0;
    *n = 0;
    if (!in->ops->edges)
        return rig_error_set(-ENOTSUP, "this pulse input keeps no edge timestamps");
    int rc = in->ops->edges(in->impl, edges, max, n, &lost);
    if (dropped)
        *dropped = lost;
    return rc;
}

int rig_pulse_input_level(struct rig_pulse_input *in, bool *active)
{
    if (!in->ops->level)
        return rig_error_set(-ENOTSUP, "this pulse input reports no level");
    return in->ops->level(in->impl, active);
}

void rig_pulse_input_close(struct rig_pulse_input *in)
{
    if (!in)
        return;
    in->ops->close(in->impl);
    free(in);
}
