/*
 * model.h — the seven MED2 models and what each one can do.
 *
 * The table itself is firmware/include/med2_models.h, shared with the rig.
 */
#ifndef MED2_MODEL_H
#define MED2_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_models.h"

#define MED2_MODEL_ENUM(id, ...) MED2_MODEL_##id,
enum med2_model { MED2_MODELS(MED2_MODEL_ENUM) MED2_MODEL_COUNT };
#undef MED2_MODEL_ENUM

struct med2_model_info {
    const char *name;          /* as printed in the manual, e.g. "C80-1M-V3CT" */
    uint32_t order_number;     /* 606363..606369 */
    bool is_ct;                /* CT connection (x/5 A, 6 A max) vs 80 A direct */
    bool class_c;              /* EN 50470 class C, else class B */
    uint8_t tariffs;           /* 1, 2 or 4 */
    bool has_demand;
    bool has_partial;          /* partial counter */
    bool has_rs485;
    bool all_measurements;     /* false: "Only kWh" (B80-0W-01) */
    uint8_t pulse_outputs;     /* 1 (fixed) or 2 (fixed + adjustable) */
    uint16_t starting_current_ma; /* Ist, manual Section 6: 20 mA direct, 10 mA CT */
};

/* The capabilities of a model; NULL if `m` is not a model. */
const struct med2_model_info *med2_model_info(enum med2_model m);

/* Look a model up by its exact name; 0 and *out set, or -1 if unknown. */
int med2_model_from_name(const char *name, enum med2_model *out);

#endif /* MED2_MODEL_H */
