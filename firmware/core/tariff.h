/*
 * tariff.h — which T1 sub-tariff the 10-entry time schedule selects
 * (manual §4, registers 836-895 of 4-tariff models).
 *
 * An entry is used when its tariff is 1..4 (0 = unused). At a given minute
 * of the day the used entry with the latest start time at or before now
 * wins; before the day's first start, the latest start of the previous day
 * is still active (the schedule wraps over midnight). Two used entries with
 * the same start: the higher-numbered one wins (the later setting). Hour 24
 * is accepted only with minute 0 and means 00:00 (docs/modbus.md).
 */
#ifndef MED2_TARIFF_H
#define MED2_TARIFF_H

#include <stdbool.h>
#include <stdint.h>

#define TARIFF_SCHEDULE_ENTRIES 10u
#define TARIFF_SUB_TARIFFS 4u
#define TARIFF_MINUTES_PER_DAY 1440u

struct tariff_entry {
    uint8_t tariff; /* 0 unused, 1..4 = T1-1..T1-4 */
    uint8_t hour;   /* 0..24 (24 only with minute 0) */
    uint8_t minute; /* 0..59 */
};

struct tariff_schedule {
    struct tariff_entry entry[TARIFF_SCHEDULE_ENTRIES];
};

/* The manual's defaults: entry 1 -> T1-1 at 00:00, entries 9 and 10 -> T1-1
 * at 00:00, the rest unused (register table, "Default" column). */
void tariff_schedule_defaults(struct tariff_schedule *s);

/* True if the values are within the register ranges, hour 24 only with 0. */
bool tariff_entry_valid(unsigned tariff, unsigned hour, unsigned minute);

/* The sub-tariff 1..4 active at minute_of_day (0..1439), 0 if no entry is used. */
unsigned tariff_active_at(const struct tariff_schedule *s, unsigned minute_of_day);

#endif /* MED2_TARIFF_H */
