/*
 * regmap.c — the register map table and lookups; see regmap.h.
 */
#include "regmap.h"

const struct med2_reg_info regmap_table[MED2_REG_COUNT] = MED2_REG_INFO_TABLE;

int regmap_find(enum med2_map map, uint32_t reg)
{
    /* Ascending addresses: stop at the first value that starts after reg. */
    for (unsigned k = 0; k < MED2_REG_COUNT; k++) {
        uint32_t a = regmap_table[k].address[map];
        if (a == MED2_NA) {
            continue;
        }
        if (a > reg) {
            break;
        }
        if (reg < a + regmap_words((enum med2_reg_id)k)) {
            return (int)k;
        }
    }
    return REGMAP_NONE;
}

int regmap_next(enum med2_map map, enum med2_reg_id id)
{
    for (unsigned k = (unsigned)id + 1u; k < MED2_REG_COUNT; k++) {
        if (regmap_table[k].address[map] != MED2_NA) {
            return (int)k;
        }
    }
    return REGMAP_NONE;
}
