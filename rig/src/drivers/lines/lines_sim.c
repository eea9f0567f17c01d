/*
 * lines_sim.c — pulse inputs of a simulated bench: benchd counts every edge
 * the meter processes report (with virtual timestamps); COUNT reads it.
 */
#include <errno.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "drivers/lines/lines_internal.h"
#include "rig/sim/simctl.h"

struct sim_input {
    struct rig_simctl *ctl;
    unsigned position, output;
};

static int sim_count(void *impl, uint64_t *count)
{
    struct sim_input *in = impl;
    int rc = rig_simctl_count(in->ctl, in->position, in->output, count, NULL, NULL);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u: pulse output %u", in->position, in->output);
    return 0;
}

static void sim_close(void *impl)
{
    free(impl);
}

static const struct rig_pulse_input_ops sim_ops = {.count = sim_count, .close = sim_close};

int rig_pulse_input_open_sim(struct rig_simctl *ctl, unsigned position, unsigned output,
                             struct rig_pulse_input **out)
{
    *out = NULL;
    if (output < 1 || output > 2)
        return rig_error_set(-EINVAL, "position %u: pulse output %u — outputs are 1 and 2",
                             position, output);
    struct rig_pulse_input *in = calloc(1, sizeof *in);
    struct sim_input *impl = calloc(1, sizeof *impl);
    if (!in || !impl) {
        free(in);
        free(impl);
        return rig_error_set(-ENOMEM, "out of memory");
    }
    *impl = (struct sim_input){.ctl = ctl, .position = position, .output = output};
    in->ops = &sim_ops;
    in->impl = impl;
    *out = in;
    return 0;
}
