/*
 * settings.h — the meter's configuration: the settings of the register map
 * (manual §5: 700..734 serial line, demand, pulses; 824..830 CT/VT; 836..895
 * the tariff schedule) and the password (manual §3.2 "Security").
 *
 * Each setting is kept as the canonical 32-bit value of its register
 * (uint32 as is, float as its IEEE-754 bits), indexed by register id, so the
 * register map's min/max/default (med2_regmap.h) are the only definition of
 * ranges and defaults. The map's ids SLAVE_ID .. MINUTE_10 are exactly the
 * settings (settings.c checks this at compile time), date/time is the RTC's
 * and not stored here.
 *
 * A meter holds two of these: the applied one and the staged one that
 * Modbus writes change until "save configuration" (docs/modbus.md, manual
 * ambiguities: writes are validated and staged).
 */
#ifndef MED2_SETTINGS_H
#define MED2_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_regmap.h"
#include "tariff.h"

#define SETTINGS_FIRST_ID MED2_REG_SLAVE_ID
#define SETTINGS_LAST_ID MED2_REG_MINUTE_10
#define SETTINGS_COUNT ((unsigned)SETTINGS_LAST_ID - (unsigned)SETTINGS_FIRST_ID + 1u)

/* Manual §3.2 "Security": a 7-digit password 0000000..9999999, default
 * 0000001. Kept as ASCII digits, first digit first. */
#define SETTINGS_PASSWORD_DIGITS 7u
#define SETTINGS_DEFAULT_PASSWORD "0000001"

/* The display's own settings (manual §3.2 "Device Settings", "Security",
 * "Network"; docs/ui.md): no register carries them. */
struct settings_ui {
    uint8_t language;        /* 0 Turkish, 1 English (default) */
    uint8_t backlight;       /* 0 off, 1 on, 2 time-dependent (default) */
    uint8_t protection;      /* 1: the settings menus ask the password */
    uint8_t ct_vt_confirmed; /* CT models: CT/VT entered and confirmed, for good */
    uint16_t backlight_s;    /* time-dependent: lit this long after a button, 10..600 */
    uint16_t reserved;
};
#define SETTINGS_BACKLIGHT_DEFAULT_S 60u
#define SETTINGS_BACKLIGHT_MIN_S 10u
#define SETTINGS_BACKLIGHT_MAX_S 600u

struct settings {
    uint32_t reg[SETTINGS_COUNT];
    char password[SETTINGS_PASSWORD_DIGITS + 1u]; /* NUL-terminated */
    struct settings_ui ui;
};

/* Line settings decoded (manual §5 registers 702..706). */
struct settings_line {
    uint32_t baud;
    char parity; /* 'N', 'O', 'E' */
    unsigned stop_bits;
};

/* Whether register id `id` is a stored setting. */
static inline bool settings_has(enum med2_reg_id id)
{
    return id >= SETTINGS_FIRST_ID && id <= SETTINGS_LAST_ID;
}

/* Everything at the register map's defaults, password 0000001. */
void settings_defaults(struct settings *s);

/* "Return to defaults" (command 110, menu Clear > Settings): as
 * settings_defaults, but the CT/VT ratios stay — MID lets them be entered
 * once, at the first power-up, and never changed (manual §3.2 "Network"). */
void settings_return_to_defaults(struct settings *s);

/* The stored value of setting `id` (settings_has(id)). */
static inline uint32_t settings_get(const struct settings *s, enum med2_reg_id id)
{
    return s->reg[id - SETTINGS_FIRST_ID];
}

static inline void settings_set(struct settings *s, enum med2_reg_id id, uint32_t v)
{
    s->reg[id - SETTINGS_FIRST_ID] = v;
}

/* Whether `v` is within the register map's range of a writable uint32
 * setting (the per-register check; see settings_consistent for the rest). */
bool settings_value_in_range(enum med2_reg_id id, uint32_t v);

/* The checks that span registers: a tariff entry's hour 24 only with
 * minute 0 (docs/modbus.md). */
bool settings_consistent(const struct settings *s);

/* Every value in range and consistent, read-only ones at legal values, the
 * password 7 digits: what a record loaded from NV must satisfy. */
bool settings_valid(const struct settings *s);

/* The display's settings in their ranges (docs/ui.md). */
bool settings_ui_valid(const struct settings_ui *u);

uint8_t settings_slave_id(const struct settings *s);
struct settings_line settings_line(const struct settings *s);
unsigned settings_endian(const struct settings *s); /* 0..3, register 708 */

/* CT ratio: CT primary (824, A) / CT secondary (826: 0 = 1 A, 1 = 5 A);
 * VT ratio: VT primary (828) / VT secondary (830). Defaults 5/5 and 100/100
 * are 1. What CT models scale their measurements and energy by. */
float settings_ct_ratio(const struct settings *s);
float settings_vt_ratio(const struct settings *s);
void settings_tariff_schedule(const struct settings *s, struct tariff_schedule *out);

#endif /* MED2_SETTINGS_H */
