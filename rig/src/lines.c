/*
 * lines.c — the pulse-input interface and the bench's pulse counters.
 */
#include <errno.h>
#include <stdlib.h>

#include "bench_internal.h"
#include "error_internal.h"
#include "lines_internal.h"
#include "rig/lines.h"

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

int rig_pulse_count(struct rig_bench *bench, unsigned position, unsigned output,
                    uint64_t *count)
{
    if (!rig_bench_position(bench, position))
        return rig_error_set(-EINVAL, "no position %u on bench %s (it has %u)", position,
                             rig_bench_name(bench), rig_bench_position_count(bench));
    if (output < 1 || output > 2)
        return rig_error_set(-EINVAL, "position %u: pulse output %u — outputs are 1 and 2",
                             position, output);
    struct rig_pulse_input **slot = &bench->pulses[position - 1][output - 1];
    if (!*slot) {
        int rc;
        if (bench->ctl)
            rc = rig_pulse_input_open_sim(bench->ctl, position, output, slot);
        else
            rc = rig_error_set(-ENODEV, "position %u: pulse output %u is not wired — add pulse%u "
                                        "= CHIP:LINE to [position %u] of %s",
                               position, output, output, position, bench->cfg->file);
        if (rc < 0)
            return rc;
    }
    return rig_pulse_input_count(*slot, count);
}
