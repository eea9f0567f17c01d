/*
 * pulse_test.c — pulse output 1 at the factory test constant; see
 * pulse_test.h.
 */
#include "pulse_test.h"

void pulse_test_start(struct pulse_test *t, uint64_t import_mwh)
{
    t->last_mwh = import_mwh;
    t->acc_mwh = 0;
}

uint32_t pulse_test_due(struct pulse_test *t, uint64_t import_mwh)
{
    /* A register that went backwards (a clear) restarts the count. */
    uint64_t delta = import_mwh >= t->last_mwh ? import_mwh - t->last_mwh : 0u;
    t->last_mwh = import_mwh;
    t->acc_mwh += delta;
    uint64_t n = t->acc_mwh / PULSE_TEST_MWH_PER_PULSE;
    t->acc_mwh -= n * PULSE_TEST_MWH_PER_PULSE;
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}
