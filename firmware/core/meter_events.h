/*
 * meter_events.h — what the meter records in its event log (eventlog.h,
 * docs/power.md "The event log"): the hooks meter.c and meter_regs.c call
 * where something legally relevant happens.
 */
#ifndef MED2_METER_EVENTS_H
#define MED2_METER_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "settings.h"

struct meter;

/* Power-up (or reset): the log is read; a changed legal software is
 * recorded (firmware change), then the power-up with its id. */
void meter_events_power_up(struct meter *m);

/* The power-fail warning, after the billing registers are saved. */
void meter_events_power_down(struct meter *m);

/* Settings were saved: one event per changed setting (CT/VT entries as
 * their own kind), one for a changed password. */
void meter_events_settings(struct meter *m, const struct settings *before, const struct settings *after);

/* The clock was set from `old_s` to `new_s` (seconds since 2000). */
void meter_events_time_set(struct meter *m, uint32_t old_s, uint32_t new_s);

/* A clear command (200 partial reset, 110 return to defaults, ...). */
void meter_events_clear(struct meter *m, uint16_t command);

/* The factory block wrote: a save (the record's sequence number moved)
 * is a calibration event, a seal a seal event. */
void meter_events_factory(struct meter *m, uint32_t nv_seq_before, bool sealed_before);

#endif /* MED2_METER_EVENTS_H */
