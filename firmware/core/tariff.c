/*
 * tariff.c — the T1 sub-tariff time schedule; see tariff.h.
 */
#include "tariff.h"

#include <string.h>

/* Manual §5 register table, "Default" column of Tariff Config 1..10. */
static const uint8_t default_tariff[TARIFF_SCHEDULE_ENTRIES] = {1, 0, 0, 0, 0, 0, 0, 0, 1, 1};

void tariff_schedule_defaults(struct tariff_schedule *s)
{
    memset(s, 0, sizeof(*s));
    for (unsigned k = 0; k < TARIFF_SCHEDULE_ENTRIES; k++) {
        s->entry[k].tariff = default_tariff[k];
    }
}

bool tariff_entry_valid(unsigned tariff, unsigned hour, unsigned minute)
{
    if (tariff > TARIFF_SUB_TARIFFS || minute > 59 || hour > 24) {
        return false;
    }
    return hour < 24 || minute == 0; /* 24:00 means 00:00 (docs/modbus.md) */
}

static unsigned start_minute(const struct tariff_entry *e)
{
    return (e->hour % 24u) * 60u + e->minute;
}

unsigned tariff_active_at(const struct tariff_schedule *s, unsigned minute_of_day)
{
    /* Best start at or before now today; failing that, the latest start of
     * the day, which is still running from yesterday. Entries are scanned
     * in order, so on equal starts the later entry wins (>=). */
    int today = -1, latest = -1;
    unsigned today_start = 0, latest_start = 0;
    for (unsigned k = 0; k < TARIFF_SCHEDULE_ENTRIES; k++) {
        const struct tariff_entry *e = &s->entry[k];
        if (e->tariff < 1 || e->tariff > TARIFF_SUB_TARIFFS) {
            continue;
        }
        unsigned start = start_minute(e);
        if (start <= minute_of_day && (today < 0 || start >= today_start)) {
            today = (int)k;
            today_start = start;
        }
        if (latest < 0 || start >= latest_start) {
            latest = (int)k;
            latest_start = start;
        }
    }
    int winner = today >= 0 ? today : latest;
    return winner >= 0 ? s->entry[winner].tariff : 0;
}
