/*
 * meter_events.c — the meter's audit trail hooks; see meter_events.h.
 */
#include "meter_events.h"

#include <string.h>

#include "crc32.h"
#include "eventlog.h"
#include "meter.h"
#include "regmap.h"
#include "swid.h"

static uint16_t c80_address(enum med2_reg_id id)
{
    return regmap_info(id)->address[MED2_MAP_C80];
}

void meter_events_power_up(struct meter *m)
{
    eventlog_init(&m->log);
    uint32_t id = swid_crc();
    struct eventlog_entry last;
    if (eventlog_find_last(&m->log, MED2_EVENT_POWER_UP, &last)) {
        if (last.new_value != id) {
            eventlog_record(&m->log, MED2_EVENT_FIRMWARE, 0u, last.new_value, id);
        }
    } else if (eventlog_count(&m->log) > 0u) {
        /* the last power-up has left the ring: the old id is unknown */
        eventlog_record(&m->log, MED2_EVENT_FIRMWARE, 0u, 0u, id);
    }
    eventlog_record(&m->log, MED2_EVENT_POWER_UP, 0u, 0u, id);
}

void meter_events_power_down(struct meter *m)
{
    eventlog_record(&m->log, MED2_EVENT_POWER_DOWN, 0u, 0u, 0u);
}

static bool is_ctvt(enum med2_reg_id id)
{
    return id == MED2_REG_CT_PRIMARY || id == MED2_REG_CT_SECONDARY || id == MED2_REG_VT_PRIMARY ||
           id == MED2_REG_VT_SECONDARY;
}

void meter_events_settings(struct meter *m, const struct settings *before, const struct settings *after)
{
    for (enum med2_reg_id id = SETTINGS_FIRST_ID; id <= SETTINGS_LAST_ID; id++) {
        uint32_t a = settings_get(before, id), b = settings_get(after, id);
        if (a != b) {
            eventlog_record(&m->log, is_ctvt(id) ? MED2_EVENT_CTVT : MED2_EVENT_SETTING, c80_address(id),
                            a, b);
        }
    }
    if (before->ui.ct_vt_confirmed != after->ui.ct_vt_confirmed) {
        /* the first power-up's entry confirmed, even if the values are the defaults */
        eventlog_record(&m->log, MED2_EVENT_CTVT, 0u, before->ui.ct_vt_confirmed, after->ui.ct_vt_confirmed);
    }
    if (strcmp(before->password, after->password) != 0) {
        eventlog_record(&m->log, MED2_EVENT_PASSWORD, 0u, 0u, 0u); /* never the password itself */
    }
}

void meter_events_time_set(struct meter *m, uint32_t old_s, uint32_t new_s)
{
    eventlog_record(&m->log, MED2_EVENT_TIME_SET, 0u, old_s, new_s);
}

void meter_events_clear(struct meter *m, uint16_t command)
{
    eventlog_record(&m->log, MED2_EVENT_CLEAR, command, 0u, 0u);
}

void meter_events_factory(struct meter *m, uint32_t nv_seq_before, bool sealed_before)
{
    if (!sealed_before && factory_sealed(&m->factory)) {
        eventlog_record(&m->log, MED2_EVENT_SEAL, 0u, 0u, 0u);
    } else if (m->nv.seq[NVSTORE_FACTORY] != nv_seq_before) {
        uint32_t crc = crc32_ieee(&m->factory.rec.cal, sizeof(m->factory.rec.cal));
        eventlog_record(&m->log, MED2_EVENT_CALIBRATION, 0u, 0u, crc);
    }
}
