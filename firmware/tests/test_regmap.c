/*
 * test_regmap.c — the register map as the firmware holds it: both of the
 * manual's tables complete, in address order, values not overlapping, and
 * the lookups by address.
 */
#include <criterion/criterion.h>

#include "regmap.h"

static unsigned count(enum med2_map map)
{
    unsigned n = 0;
    for (unsigned k = 0; k < MED2_REG_COUNT; k++) {
        n += regmap_in_map(map, (enum med2_reg_id)k);
    }
    return n;
}

Test(regmap, as_many_values_as_the_manual)
{
    /* C80 table: items 1..114, two command addresses, two password values;
     * B80 table: items 1..62, two commands, two password values. */
    cr_assert_eq(count(MED2_MAP_C80), 114u + 2u + 2u);
    cr_assert_eq(count(MED2_MAP_B80), 62u + 2u + 2u);
}

Test(regmap, ascending_and_not_overlapping)
{
    for (unsigned map = 0; map < MED2_MAP_COUNT; map++) {
        uint32_t next_free = 0;
        for (unsigned k = 0; k < MED2_REG_COUNT; k++) {
            uint32_t a = regmap_table[k].address[map];
            if (a == MED2_NA) {
                continue;
            }
            cr_assert_geq(a, next_free, "map %u: %s at %u overlaps or is out of order", map,
                          regmap_table[k].name, a);
            next_free = a + regmap_words((enum med2_reg_id)k);
        }
    }
}

Test(regmap, find_every_register_of_every_value)
{
    for (unsigned map = 0; map < MED2_MAP_COUNT; map++) {
        for (unsigned k = 0; k < MED2_REG_COUNT; k++) {
            uint32_t a = regmap_table[k].address[map];
            if (a == MED2_NA) {
                continue;
            }
            for (unsigned w = 0; w < regmap_words((enum med2_reg_id)k); w++) {
                cr_assert_eq(regmap_find((enum med2_map)map, a + w), (int)k);
            }
        }
    }
    cr_assert_eq(regmap_find(MED2_MAP_C80, 20), REGMAP_NONE);
    cr_assert_eq(regmap_find(MED2_MAP_B80, 600), REGMAP_NONE);
    cr_assert_eq(regmap_find(MED2_MAP_C80, 6004), REGMAP_NONE);
    cr_assert_eq(regmap_find(MED2_MAP_C80, 0xFFFF), REGMAP_NONE);
}

Test(regmap, next_skips_values_not_in_the_map)
{
    cr_assert_eq(regmap_next(MED2_MAP_B80, MED2_REG_T1_IMPORT_ACTIVE_ENERGY),
                 MED2_REG_T2_IMPORT_ACTIVE_ENERGY);
    cr_assert_eq(regmap_next(MED2_MAP_C80, MED2_REG_T1_IMPORT_ACTIVE_ENERGY),
                 MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY);
    cr_assert_eq(regmap_next(MED2_MAP_C80, MED2_REG_PASSWORD_3_6), REGMAP_NONE);
}

Test(regmap, writable_values_have_ranges)
{
    for (unsigned k = 0; k < MED2_REG_COUNT; k++) {
        const struct med2_reg_info *r = &regmap_table[k];
        cr_assert_leq(r->min, r->max, "%s", r->name);
        if (r->access != MED2_A_R && r->type != MED2_T_CHARS) {
            cr_assert(r->def == 0 || (r->def >= r->min && r->def <= r->max), "%s default", r->name);
        }
    }
}
