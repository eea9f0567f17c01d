/*
 * model.c — the capabilities table of the seven MED2 models.
 */
#include "model.h"

#include <stddef.h>
#include <string.h>

/* Manual Section 6, "Starting Current (Ist)". */
#define IST_DIRECT_MA 20u
#define IST_CT_MA 10u

static const struct med2_model_info models[MED2_MODEL_COUNT] = {
    /*                         name           order   CT     cl.C   tar demand partial rs485  all    pulses Ist */
    [MED2_MODEL_C80_1M_V3CT] = {"C80-1M-V3CT", 606363, true,  true,  4, true,  true,  true,  true,  2, IST_CT_MA},
    [MED2_MODEL_B80_1M_V2CT] = {"B80-1M-V2CT", 606364, true,  false, 2, true,  true,  true,  true,  2, IST_CT_MA},
    [MED2_MODEL_C80_1M_V3] =   {"C80-1M-V3",   606365, false, true,  4, true,  true,  true,  true,  2, IST_DIRECT_MA},
    [MED2_MODEL_B80_1M_V2] =   {"B80-1M-V2",   606366, false, false, 2, true,  true,  true,  true,  2, IST_DIRECT_MA},
    [MED2_MODEL_B80_0M_02] =   {"B80-0M-02",   606367, false, false, 1, false, false, false, true,  2, IST_DIRECT_MA},
    [MED2_MODEL_B80_0M_02P] =  {"B80-0M-02P",  606368, false, false, 1, false, true,  false, true,  2, IST_DIRECT_MA},
    [MED2_MODEL_B80_0W_01] =   {"B80-0W-01",   606369, false, false, 1, false, false, false, false, 1, IST_DIRECT_MA},
};

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
