/*
 * pulse_source.c — pulse output 2's source and constant; see pulse_source.h.
 */
#include "pulse_source.h"

/* Register 732: 0 = 1/1000, 1 = 1/100, 2 = 1/10, 3 = 1, 4 = 10, 5 = 100,
 * 6 = 1000; energy x multiplier Wh per pulse, here in mWh. */
static const uint32_t multiplier_mwh[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

static const enum energy_kind source_kind[] = {
    [MED2_PULSE2_IMPORT_ACTIVE] = ENERGY_IMPORT_ACTIVE,
    [MED2_PULSE2_EXPORT_ACTIVE] = ENERGY_EXPORT_ACTIVE,
    [MED2_PULSE2_IMPORT_REACTIVE] = ENERGY_IMPORT_REACTIVE,
    [MED2_PULSE2_EXPORT_REACTIVE] = ENERGY_EXPORT_REACTIVE,
};

bool pulse_source_configure(struct pulse_source *ps, unsigned source, unsigned energy,
                            unsigned multiplier, const struct energy *e)
{
    if (source > MED2_PULSE2_EXPORT_REACTIVE || energy < 1 || energy > 9 ||
        multiplier >= sizeof(multiplier_mwh) / sizeof(multiplier_mwh[0])) {
        return false;
    }
    ps->source = (uint8_t)source;
    ps->mwh_per_pulse = (uint64_t)energy * multiplier_mwh[multiplier];
    ps->last_total_mwh =
        source == MED2_PULSE2_OFF ? 0 : energy_register_mwh(e, source_kind[source], ENERGY_TOTAL);
    ps->acc_mwh = 0;
    ps->dropped = 0;
    ps->overflow = false;
    return true;
}

void pulse_source_on_sample(struct pulse_source *ps, const struct energy *e, struct pulse *out)
{
    if (ps->source == MED2_PULSE2_OFF) {
        return;
    }
    uint64_t total = e->c.mwh[source_kind[ps->source]][ENERGY_TOTAL];
    if (total == ps->last_total_mwh) {
        return; /* the common case: not even a whole mWh since last sample */
    }
    ps->acc_mwh += total - ps->last_total_mwh;
    ps->last_total_mwh = total;
    if (ps->acc_mwh < ps->mwh_per_pulse) {
        return;
    }
    uint64_t due = ps->acc_mwh / ps->mwh_per_pulse;
    ps->acc_mwh -= due * ps->mwh_per_pulse;
    uint64_t room = PULSE_SOURCE_QUEUE_MAX - pulse_pending(out);
    if (due > room) {
        ps->dropped += due - room;
        ps->overflow = true;
        due = room;
    }
    if (due > 0) {
        pulse_request(out, (uint32_t)due);
    }
}
