/*
 * model.h — the seven MED2 models and what each one can do.
 *
 * Source: user manual, product table (Section 1) and technical
 * specifications (Section 6). One table, everything else asks it.
 */
#ifndef MED2_MODEL_H
#define MED2_MODEL_H

#include <stdbool.h>
#include <stdint.h>

enum med2_model {
    MED2_MODEL_C80_1M_V3CT,
    MED2_MODEL_B80_1M_V2CT,
    MED2_MODEL_C80_1M_V3,
    MED2_MODEL_B80_1M_V2,
    MED2_MODEL_B80_0M_02,
    MED2_MODEL_B80_0M_02P,
    MED2_MODEL_B80_0W_01,
    MED2_MODEL_COUNT
};

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
