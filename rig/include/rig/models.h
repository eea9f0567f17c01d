/*
 * rig/models.h — what the rig needs to know of a MED2 model to test it: its
 * accuracy class, how its current is connected, whether it has RS485 and an
 * adjustable pulse output 2, its starting current.
 *
 * Derived from the firmware's own table (firmware/include/med2_models.h,
 * tables/models.c), so the rig and the meter cannot disagree about a model.
 */
#ifndef RIG_MODELS_H
#define RIG_MODELS_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

enum rig_connection {
    RIG_CONNECTION_DIRECT = 0,
    RIG_CONNECTION_CT = 1,
};

/* What the tests need of a model (from firmware/include/med2_models.h). */
struct rig_model_info {
    char name[24];
    char active_class;     /* 'A', 'B' or 'C' (EN 50470-3) */
    char reactive_class;   /* '2' (IEC 62053-23) */
    enum rig_connection connection;
    bool rs485;            /* false: the factory block is on the factory test port */
    bool pulse2_adjustable;/* false: gate active energy on output 1 (1 Wh/pulse) */
    double ist;            /* starting current, A (manual §6) */
};

/*
 * rig_model_info — what model is. Returns 0, or -EINVAL for a name that is
 * not a MED2 model (the message lists the models).
 */
int rig_model_info(const char *model, struct rig_model_info *out);

#ifdef __cplusplus
}
#endif

#endif /* RIG_MODELS_H */
