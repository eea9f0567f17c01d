/*
 * model.c — the capabilities of the seven MED2 models, from the shared
 * table (med2_models.h).
 */
#include "model.h"

#include <stddef.h>
#include <string.h>

#define MED2_MODEL_ROW(id, name, order, ct, class_c, tariffs, demand, partial, rs485, all, \
                       pulses, ist)                                                       \
    [MED2_MODEL_##id] = {name, order, ct, class_c, tariffs, demand, partial, rs485, all, pulses, ist},
static const struct med2_model_info models[MED2_MODEL_COUNT] = {MED2_MODELS(MED2_MODEL_ROW)};
#undef MED2_MODEL_ROW

const struct med2_model_info *med2_model_info(enum med2_model m)
{
    if ((unsigned)m >= MED2_MODEL_COUNT) {
        return NULL;
    }
    return &models[m];
}

int med2_model_from_name(const char *name, enum med2_model *out)
{
    if (name == NULL) {
        return -1;
    }
    for (unsigned k = 0; k < MED2_MODEL_COUNT; k++) {
        if (strcmp(models[k].name, name) == 0) {
            if (out != NULL) {
                *out = (enum med2_model)k;
            }
            return 0;
        }
    }
    return -1;
}
