/*
 * test_model.c — the capabilities table against the manual's product table.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "model.h"

static const char *const names[MED2_MODEL_COUNT] = {
    "C80-1M-V3CT", "B80-1M-V2CT", "C80-1M-V3", "B80-1M-V2", "B80-0M-02", "B80-0M-02P", "B80-0W-01",
};

Test(model, names_and_order_numbers)
{
    for (unsigned k = 0; k < MED2_MODEL_COUNT; k++) {
        const struct med2_model_info *info = med2_model_info((enum med2_model)k);
        cr_assert_not_null(info);
        cr_assert_str_eq(info->name, names[k]);
        cr_assert_eq(info->order_number, 606363u + k);
        enum med2_model m = MED2_MODEL_COUNT;
        cr_assert_eq(med2_model_from_name(names[k], &m), 0);
        cr_assert_eq(m, (enum med2_model)k);
    }
}

Test(model, unknown_names)
{
    enum med2_model m;
    cr_assert_eq(med2_model_from_name("C80-1M-V3C", &m), -1);
    cr_assert_eq(med2_model_from_name("c80-1m-v3", &m), -1);
    cr_assert_eq(med2_model_from_name("", &m), -1);
    cr_assert_eq(med2_model_from_name(NULL, &m), -1);
    cr_assert_null(med2_model_info(MED2_MODEL_COUNT));
}

Test(model, capabilities_per_manual_table)
{
    const struct med2_model_info *ct = med2_model_info(MED2_MODEL_C80_1M_V3CT);
    cr_assert(ct->is_ct && ct->class_c && ct->tariffs == 4 && ct->has_demand && ct->has_rs485);
    cr_assert_eq(ct->starting_current_ma, 10);
    const struct med2_model_info *b2 = med2_model_info(MED2_MODEL_B80_1M_V2);
    cr_assert(!b2->is_ct && !b2->class_c && b2->tariffs == 2 && b2->has_partial);
    cr_assert_eq(b2->starting_current_ma, 20);
    const struct med2_model_info *p = med2_model_info(MED2_MODEL_B80_0M_02P);
    cr_assert(p->has_partial && !p->has_demand && !p->has_rs485 && p->pulse_outputs == 2);
    const struct med2_model_info *w = med2_model_info(MED2_MODEL_B80_0W_01);
    cr_assert(!w->all_measurements && w->pulse_outputs == 1 && w->tariffs == 1 && !w->has_partial);
}
