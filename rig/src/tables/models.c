/*
 * models.c — rig_model_info: what the tests need of a model, derived from
 * the table the firmware itself is built from (firmware/include/med2_models.h),
 * so the rig and the meter cannot disagree about a model.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/error_internal.h"
#include "med2_models.h"
#include "rig/models.h"

struct model_row {
    const char *name;
    bool ct, class_c, rs485;
    unsigned pulse_outputs;
    unsigned ist_ma;
};

#define RIG_MODEL_ROW(id, name, order, ct, class_c, tariffs, demand, partial, rs485, all, \
                      pulses, ist)                                                       \
    {name, ct, class_c, rs485, pulses, ist},
static const struct model_row models[] = {MED2_MODELS(RIG_MODEL_ROW)};
#undef RIG_MODEL_ROW

/* IEC 62053-23 class of reactive energy: 2 on every model (manual §6). */
#define REACTIVE_CLASS '2'

int rig_model_info(const char *model, struct rig_model_info *out)
{
    if (!model)
        return rig_error_set(-EINVAL, "no model given");
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
        const struct model_row *m = &models[k];
        if (strcmp(m->name, model) != 0)
            continue;
        *out = (struct rig_model_info){
            .active_class = m->class_c ? 'C' : 'B',
            .reactive_class = REACTIVE_CLASS,
            .connection = m->ct ? RIG_CONNECTION_CT : RIG_CONNECTION_DIRECT,
            .rs485 = m->rs485,
            /* output 2 is set over RS485 only (no menu): without it the
             * output runs at its defaults and cannot gate active energy */
            .pulse2_adjustable = m->pulse_outputs == 2 && m->rs485,
            .ist = m->ist_ma / 1000.0,
        };
        snprintf(out->name, sizeof out->name, "%s", m->name);
        return 0;
    }
    char known[256] = "";
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", k ? ", " : "",
                 models[k].name);
    return rig_error_set(-EINVAL, "unknown model '%s' (the MED2 models are %s)", model, known);
}
