/*
 * settings.c — configuration values, defaults and validation from the
 * register map; see settings.h.
 */
#include "settings.h"

#include <string.h>

#include "regmap.h"

/* The stored range is exactly the settings: date/time (RTC) just before it,
 * the commands just after it. */
_Static_assert(MED2_REG_SECOND + 1 == SETTINGS_FIRST_ID, "date/time must precede the settings");
_Static_assert(SETTINGS_LAST_ID + 1 == MED2_REG_SYSTEM_COMMAND, "commands must follow the settings");
/* The tariff schedule as 10 triples (manual §5, 836..895). */
_Static_assert(MED2_REG_HOUR_1 == MED2_REG_TARIFF_1 + 1 && MED2_REG_MINUTE_1 == MED2_REG_TARIFF_1 + 2 &&
                   MED2_REG_TARIFF_10 == MED2_REG_TARIFF_1 + 3 * (TARIFF_SCHEDULE_ENTRIES - 1) &&
                   MED2_REG_MINUTE_10 == SETTINGS_LAST_ID,
               "tariff schedule registers are 10 (tariff, hour, minute) triples");
#define TARIFF_REGS_PER_ENTRY 3u

/* Manual §5 register 702: index -> bit/s. */
static const uint32_t baud_of_index[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
/* Register 704: 0 None, 1 Odd, 2 Even. */
static const char parity_of_index[] = {'N', 'O', 'E'};

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

static float bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

static uint32_t default_of(enum med2_reg_id id)
{
    const struct med2_reg_info *r = regmap_info(id);
    return r->type == MED2_T_FLOAT ? float_bits((float)r->def) : (uint32_t)r->def;
}

static bool is_ct_vt(enum med2_reg_id id)
{
    return id >= MED2_REG_CT_PRIMARY && id <= MED2_REG_VT_SECONDARY;
}

void settings_defaults(struct settings *s)
{
    memset(s, 0, sizeof(*s));
    for (unsigned k = 0; k < SETTINGS_COUNT; k++) {
        s->reg[k] = default_of((enum med2_reg_id)(SETTINGS_FIRST_ID + k));
    }
    memcpy(s->password, SETTINGS_DEFAULT_PASSWORD, sizeof(SETTINGS_DEFAULT_PASSWORD));
    s->ui = (struct settings_ui){.language = 1, .backlight = 2, .backlight_s = SETTINGS_BACKLIGHT_DEFAULT_S};
}

void settings_return_to_defaults(struct settings *s)
{
    struct settings d;
    settings_defaults(&d);
    for (unsigned k = 0; k < SETTINGS_COUNT; k++) {
        if (!is_ct_vt((enum med2_reg_id)(SETTINGS_FIRST_ID + k))) {
            s->reg[k] = d.reg[k];
        }
    }
    memcpy(s->password, d.password, sizeof(s->password));
    /* the display's settings too, but a CT/VT entry stays confirmed */
    uint8_t confirmed = s->ui.ct_vt_confirmed;
    s->ui = d.ui;
    s->ui.ct_vt_confirmed = confirmed;
}

bool settings_value_in_range(enum med2_reg_id id, uint32_t v)
{
    const struct med2_reg_info *r = regmap_info(id);
    return (double)v >= r->min && (double)v <= r->max;
}

bool settings_consistent(const struct settings *s)
{
    for (unsigned e = 0; e < TARIFF_SCHEDULE_ENTRIES; e++) {
        enum med2_reg_id t = (enum med2_reg_id)(MED2_REG_TARIFF_1 + TARIFF_REGS_PER_ENTRY * e);
        if (!tariff_entry_valid(settings_get(s, t), settings_get(s, t + 1), settings_get(s, t + 2))) {
            return false;
        }
    }
    return true;
}

bool settings_valid(const struct settings *s)
{
    for (unsigned k = 0; k < SETTINGS_COUNT; k++) {
        enum med2_reg_id id = (enum med2_reg_id)(SETTINGS_FIRST_ID + k);
        const struct med2_reg_info *r = regmap_info(id);
        if (r->type == MED2_T_FLOAT) {
            float f = bits_float(s->reg[k]);
            /* written this way so a NaN fails too */
            if (!((double)f >= r->min && (double)f <= r->max)) {
                return false;
            }
        } else if (!settings_value_in_range(id, s->reg[k])) {
            return false;
        }
    }
    for (unsigned k = 0; k < SETTINGS_PASSWORD_DIGITS; k++) {
        if (s->password[k] < '0' || s->password[k] > '9') {
            return false;
        }
    }
    return s->password[SETTINGS_PASSWORD_DIGITS] == '\0' && settings_ui_valid(&s->ui) &&
           settings_consistent(s);
}

bool settings_ui_valid(const struct settings_ui *u)
{
    return u->language <= 1u && u->backlight <= 2u && u->protection <= 1u &&
           u->ct_vt_confirmed <= 1u && u->backlight_s >= SETTINGS_BACKLIGHT_MIN_S &&
           u->backlight_s <= SETTINGS_BACKLIGHT_MAX_S;
}

uint8_t settings_slave_id(const struct settings *s)
{
    return (uint8_t)settings_get(s, MED2_REG_SLAVE_ID);
}

struct settings_line settings_line(const struct settings *s)
{
    uint32_t b = settings_get(s, MED2_REG_BAUDRATE);
    uint32_t p = settings_get(s, MED2_REG_PARITY);
    /* Both are validated on the way in; the guards only keep a bug from
     * indexing past the tables. */
    struct settings_line l = {
        .baud = baud_of_index[b < sizeof(baud_of_index) / sizeof(baud_of_index[0]) ? b : 0u],
        .parity = parity_of_index[p < sizeof(parity_of_index) ? p : 0u],
        .stop_bits = settings_get(s, MED2_REG_STOPBIT) ? 2u : 1u,
    };
    return l;
}

unsigned settings_endian(const struct settings *s)
{
    return (unsigned)settings_get(s, MED2_REG_ENDIAN) & 3u;
}

void settings_tariff_schedule(const struct settings *s, struct tariff_schedule *out)
{
    for (unsigned e = 0; e < TARIFF_SCHEDULE_ENTRIES; e++) {
        enum med2_reg_id t = (enum med2_reg_id)(MED2_REG_TARIFF_1 + TARIFF_REGS_PER_ENTRY * e);
        out->entry[e].tariff = (uint8_t)settings_get(s, t);
        out->entry[e].hour = (uint8_t)settings_get(s, t + 1);
        out->entry[e].minute = (uint8_t)settings_get(s, t + 2);
    }
}

static float float_of(const struct settings *s, enum med2_reg_id id)
{
    uint32_t bits = settings_get(s, id);
    float f;
    memcpy(&f, &bits, sizeof(f));
    return f;
}

/* Manual §5, registers 824..830. */
#define CT_SECONDARY_1A 1.0f
#define CT_SECONDARY_5A 5.0f

float settings_ct_ratio(const struct settings *s)
{
    float secondary = settings_get(s, MED2_REG_CT_SECONDARY) == 0u ? CT_SECONDARY_1A : CT_SECONDARY_5A;
    return float_of(s, MED2_REG_CT_PRIMARY) / secondary;
}

float settings_vt_ratio(const struct settings *s)
{
    return float_of(s, MED2_REG_VT_PRIMARY) / float_of(s, MED2_REG_VT_SECONDARY);
}
