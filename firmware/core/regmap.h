/*
 * regmap.h — the firmware's one copy of the public register map
 * (med2_regmap.h) and lookups by address.
 *
 * The X-macro is expanded into a table here once, so the core carries one
 * copy of it (the header's MED2_REG_INFO_TABLE would give one per
 * translation unit). Within each map the table is in ascending address
 * order; test_regmap.c holds it to that, and the walks below rely on it.
 */
#ifndef MED2_REGMAP_CORE_H
#define MED2_REGMAP_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_regmap.h"

/* No value: returned by the lookups below. */
#define REGMAP_NONE (-1)

extern const struct med2_reg_info regmap_table[MED2_REG_COUNT];

static inline const struct med2_reg_info *regmap_info(enum med2_reg_id id)
{
    return &regmap_table[id];
}

/* Registers the value occupies. */
static inline unsigned regmap_words(enum med2_reg_id id)
{
    return MED2_REG_WORDS(regmap_table[id].type);
}

/* Whether the value exists in `map`. */
static inline bool regmap_in_map(enum med2_map map, enum med2_reg_id id)
{
    return regmap_table[id].address[map] != MED2_NA;
}

/* The value that holds register `reg` in `map` (possibly starting before
 * it), or REGMAP_NONE. */
int regmap_find(enum med2_map map, uint32_t reg);

/* The next value after `id` that exists in `map`, or REGMAP_NONE. */
int regmap_next(enum med2_map map, enum med2_reg_id id);

#endif /* MED2_REGMAP_CORE_H */
