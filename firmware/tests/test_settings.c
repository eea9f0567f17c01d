/*
 * test_settings.c — defaults from the register map, validation, the
 * decoded line settings and tariff schedule.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "regmap.h"
#include "settings.h"

static float as_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

Test(settings, defaults_are_the_manuals)
{
    struct settings s;
    settings_defaults(&s);
    cr_assert_eq(settings_get(&s, MED2_REG_SLAVE_ID), 1u);
    cr_assert_eq(settings_get(&s, MED2_REG_BAUDRATE), 5u);
    cr_assert_eq(settings_get(&s, MED2_REG_DEMAND_METHOD), 1u);
    cr_assert_eq(settings_get(&s, MED2_REG_DEMAND_PERIOD), 15u);
    cr_assert_eq(settings_get(&s, MED2_REG_PULSE2_SOURCE), 3u);
    cr_assert_eq(settings_get(&s, MED2_REG_PULSE2_DURATION), 100u);
    cr_assert_eq(settings_get(&s, MED2_REG_CT_SECONDARY), 1u);
    cr_assert_eq(as_float(settings_get(&s, MED2_REG_CT_PRIMARY)), 5.0f);
    cr_assert_eq(as_float(settings_get(&s, MED2_REG_VT_PRIMARY)), 100.0f);
    cr_assert_eq(settings_get(&s, MED2_REG_TARIFF_1), 1u);
    cr_assert_eq(settings_get(&s, MED2_REG_TARIFF_2), 0u);
    cr_assert_eq(settings_get(&s, MED2_REG_TARIFF_10), 1u);
    cr_assert_str_eq(s.password, "0000001");
    cr_assert(settings_valid(&s));
    struct settings_line l = settings_line(&s);
    cr_assert_eq(l.baud, 38400u);
    cr_assert_eq(l.parity, 'N');
    cr_assert_eq(l.stop_bits, 1u);
}

Test(settings, every_setting_is_a_map_value)
{
    for (unsigned id = SETTINGS_FIRST_ID; id <= SETTINGS_LAST_ID; id++) {
        const struct med2_reg_info *r = regmap_info((enum med2_reg_id)id);
        cr_assert(r->type == MED2_T_U32 || r->type == MED2_T_FLOAT, "%s", r->name);
    }
}

Test(settings, return_to_defaults_keeps_ct_vt)
{
    struct settings s;
    settings_defaults(&s);
    float ct = 200.0f;
    uint32_t bits;
    memcpy(&bits, &ct, 4);
    settings_set(&s, MED2_REG_CT_PRIMARY, bits);
    settings_set(&s, MED2_REG_SLAVE_ID, 9);
    memcpy(s.password, "7654321", 8);
    settings_return_to_defaults(&s);
    cr_assert_eq(settings_get(&s, MED2_REG_SLAVE_ID), 1u);
    cr_assert_eq(settings_get(&s, MED2_REG_CT_PRIMARY), bits);
    cr_assert_str_eq(s.password, "0000001");
}

Test(settings, line_decoding)
{
    struct settings s;
    settings_defaults(&s);
    const uint32_t bauds[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
    for (uint32_t k = 0; k < 8; k++) {
        settings_set(&s, MED2_REG_BAUDRATE, k);
        cr_assert_eq(settings_line(&s).baud, bauds[k]);
    }
    settings_set(&s, MED2_REG_PARITY, 1);
    settings_set(&s, MED2_REG_STOPBIT, 1);
    cr_assert_eq(settings_line(&s).parity, 'O');
    cr_assert_eq(settings_line(&s).stop_bits, 2u);
    settings_set(&s, MED2_REG_PARITY, 2);
    cr_assert_eq(settings_line(&s).parity, 'E');
}

Test(settings, ranges_and_consistency)
{
    cr_assert(settings_value_in_range(MED2_REG_SLAVE_ID, 1));
    cr_assert(settings_value_in_range(MED2_REG_SLAVE_ID, 247));
    cr_assert_not(settings_value_in_range(MED2_REG_SLAVE_ID, 0));
    cr_assert_not(settings_value_in_range(MED2_REG_SLAVE_ID, 248));
    struct settings s;
    settings_defaults(&s);
    settings_set(&s, MED2_REG_HOUR_3, 24);
    cr_assert(settings_consistent(&s), "24:00 is 00:00");
    settings_set(&s, MED2_REG_MINUTE_3, 1);
    cr_assert_not(settings_consistent(&s));
    cr_assert_not(settings_valid(&s));
    settings_defaults(&s);
    s.password[3] = 'x';
    cr_assert_not(settings_valid(&s));
    settings_defaults(&s);
    settings_set(&s, MED2_REG_CT_PRIMARY, 0x7FC00000u); /* NaN */
    cr_assert_not(settings_valid(&s));
}

Test(settings, tariff_schedule_decoded)
{
    struct settings s;
    settings_defaults(&s);
    settings_set(&s, MED2_REG_TARIFF_2, 3);
    settings_set(&s, MED2_REG_HOUR_2, 6);
    settings_set(&s, MED2_REG_MINUTE_2, 30);
    struct tariff_schedule t;
    settings_tariff_schedule(&s, &t);
    cr_assert_eq(t.entry[0].tariff, 1);
    cr_assert_eq(t.entry[1].tariff, 3);
    cr_assert_eq(t.entry[1].hour, 6);
    cr_assert_eq(t.entry[1].minute, 30);
    cr_assert_eq(t.entry[9].tariff, 1);
}
