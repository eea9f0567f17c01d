/*
 * test_regmap.c — the rig's view of the register maps: models to maps,
 * addresses, read plans (fewest transactions, split at gaps and at 125
 * registers, never inside a value), the four endian modes both ways, the
 * password layout of the manual's example, register 708's self-description.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "rig/error.h"
#include "rig/regmap.h"

Test(regmap, models_have_their_maps)
{
    enum med2_map map = MED2_MAP_COUNT;
    cr_expect_eq(rig_regmap_for_model("C80-1M-V3", &map), 0);
    cr_expect_eq(map, MED2_MAP_C80);
    cr_expect_eq(rig_regmap_for_model("C80-1M-V3CT", &map), 0);
    cr_expect_eq(map, MED2_MAP_C80);
    cr_expect_eq(rig_regmap_for_model("B80-1M-V2", &map), 0);
    cr_expect_eq(map, MED2_MAP_B80);
    cr_expect_eq(rig_regmap_for_model("B80-1M-V2CT", &map), 0);
    cr_expect_eq(map, MED2_MAP_B80);
    const char *no_rs485[] = {"B80-0M-02", "B80-0M-02P", "B80-0W-01"};
    for (int i = 0; i < 3; i++) {
        cr_expect_eq(rig_regmap_for_model(no_rs485[i], &map), -ENODEV, "%s", no_rs485[i]);
        cr_expect(strstr(rig_last_error(), "no RS485"), "%s", rig_last_error());
    }
    cr_expect_eq(rig_regmap_for_model("X99", &map), -EINVAL);
    cr_expect(strstr(rig_last_error(), "unknown model 'X99'"), "%s", rig_last_error());
    cr_expect_eq(rig_regmap_for_model(NULL, &map), -EINVAL);
}

Test(regmap, names_and_addresses)
{
    cr_expect_eq(rig_reg_lookup("t1_1_import_active_energy"), MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY);
    cr_expect_eq(rig_reg_lookup("SLAVE_ID"), MED2_REG_SLAVE_ID);
    cr_expect_eq(rig_reg_lookup("endian"), MED2_REG_ENDIAN);
    cr_expect_str_eq(rig_reg_name(MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY), "total_import_active_energy");
    /* Manual §5: T2 import active is 324 on C80, 308 on B80; T1-1 only on C80. */
    cr_expect_eq(rig_reg_address(MED2_MAP_C80, MED2_REG_T2_IMPORT_ACTIVE_ENERGY), 324);
    cr_expect_eq(rig_reg_address(MED2_MAP_B80, MED2_REG_T2_IMPORT_ACTIVE_ENERGY), 308);
    cr_expect_eq(rig_reg_address(MED2_MAP_B80, MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY), -ENOENT);
    cr_expect(strstr(rig_last_error(), "not in the B80 map"), "%s", rig_last_error());
    cr_expect_eq(rig_reg_address(MED2_MAP_B80, MED2_REG_DAY), -ENOENT);
    cr_expect_eq(rig_reg_by_address(MED2_MAP_B80, 368), MED2_REG_BALANCE_REACTIVE_ENERGY);
    cr_expect_eq(rig_reg_by_address(MED2_MAP_C80, 301), -ENOENT);
    cr_expect(rig_reg_is_command(MED2_REG_SYSTEM_COMMAND));
    cr_expect(!rig_reg_readable(MED2_REG_COUNTER_COMMAND));
    cr_expect(!rig_reg_writable(MED2_REG_PULSE1_SOURCE));
    cr_expect(rig_reg_writable(MED2_REG_PULSE2_DURATION));
}

static unsigned plan_all(enum med2_map map, struct rig_read_block *b, size_t cap)
{
    enum med2_reg_id ids[MED2_REG_COUNT];
    size_t n = rig_regmap_readable(map, ids, MED2_REG_COUNT);
    int nb = rig_regmap_plan(map, ids, n, b, cap);
    cr_assert_geq(nb, 0, "%s", rig_last_error());
    return (unsigned)nb;
}

Test(regmap, whole_c80_map_in_nine_transactions)
{
    struct rig_read_block b[MED2_REG_COUNT];
    unsigned nb = plan_all(MED2_MAP_C80, b, MED2_REG_COUNT);
    /* 0-19 | 300-423, 424-435 (136 registers: split at 125, on a value
     * boundary) | 500-523 | 600-611 | 700-735 | 824-831 | 836-895 | 6000-6003 */
    const struct rig_read_block want[] = {{0, 20},   {300, 124}, {424, 12}, {500, 24}, {600, 12},
                                          {700, 36}, {824, 8},   {836, 60}, {6000, 4}};
    cr_assert_eq(nb, sizeof want / sizeof want[0]);
    for (unsigned i = 0; i < nb; i++) {
        cr_expect_eq(b[i].address, want[i].address, "block %u at %u", i, b[i].address);
        cr_expect_eq(b[i].count, want[i].count, "block %u: %u registers", i, b[i].count);
    }
}

Test(regmap, whole_b80_map_in_six_transactions)
{
    struct rig_read_block b[MED2_REG_COUNT];
    unsigned nb = plan_all(MED2_MAP_B80, b, MED2_REG_COUNT);
    const struct rig_read_block want[] = {{0, 20},   {300, 72}, {500, 24},
                                          {700, 36}, {824, 8},  {6000, 4}};
    cr_assert_eq(nb, sizeof want / sizeof want[0]);
    for (unsigned i = 0; i < nb; i++) {
        cr_expect_eq(b[i].address, want[i].address);
        cr_expect_eq(b[i].count, want[i].count);
    }
}

Test(regmap, plans_merge_only_what_is_contiguous)
{
    struct rig_read_block b[8];
    /* Out of order and repeated: voltage, frequency (gap between), current. */
    enum med2_reg_id ids[] = {MED2_REG_FREQUENCY, MED2_REG_VOLTAGE, MED2_REG_CURRENT,
                              MED2_REG_VOLTAGE};
    cr_assert_eq(rig_regmap_plan(MED2_MAP_C80, ids, 4, b, 8), 2);
    cr_expect_eq(b[0].address, 0);
    cr_expect_eq(b[0].count, 4);
    cr_expect_eq(b[1].address, 12);
    cr_expect_eq(b[1].count, 2);
    enum med2_reg_id cmd = MED2_REG_SYSTEM_COMMAND;
    cr_expect_eq(rig_regmap_plan(MED2_MAP_C80, &cmd, 1, b, 8), -EPERM);
    enum med2_reg_id day = MED2_REG_DAY;
    cr_expect_eq(rig_regmap_plan(MED2_MAP_B80, &day, 1, b, 8), -ENOENT);
    cr_expect_eq(rig_regmap_plan(MED2_MAP_C80, ids, 0, b, 8), 0);
    struct rig_read_block one[1];
    cr_expect_eq(rig_regmap_plan(MED2_MAP_C80, ids, 4, one, 1), -ENOSPC);
}

Test(regmap, every_type_round_trips_in_every_endian_mode)
{
    const enum med2_reg_type types[] = {MED2_T_U32, MED2_T_FLOAT, MED2_T_DOUBLE};
    const double values[] = {123456789.0, 230.25, 987654.321};
    for (int e = RIG_ENDIAN_BE; e <= RIG_ENDIAN_LE_SWAP; e++) {
        for (int t = 0; t < 3; t++) {
            uint16_t r[4];
            int n = rig_encode_value(types[t], values[t], (enum rig_endian)e, r);
            cr_assert_eq(n, (int)MED2_REG_WORDS(types[t]));
            double back = rig_decode_value(types[t], r, (enum rig_endian)e);
            double tol = types[t] == MED2_T_FLOAT ? 1e-3 : 0;
            cr_expect(fabs(back - values[t]) <= tol, "type %d endian %d: %.9g", types[t], e, back);
        }
    }
    uint16_t r[1];
    cr_expect_eq(rig_encode_value(MED2_T_U16, 100, RIG_ENDIAN_LE, r), 1);
    cr_expect_eq(r[0], 100, "a single register is never swapped");
    cr_expect_eq(rig_encode_value(MED2_T_U32, 1.5, RIG_ENDIAN_BE, r), -EINVAL);
    cr_expect_eq(rig_encode_value(MED2_T_U32, -1, RIG_ENDIAN_BE, r), -EINVAL);
}

Test(regmap, the_four_orders_of_one_u32_on_the_wire)
{
    /* 0x0A0B0C0D: A=0A B=0B C=0C D=0D */
    uint16_t r[2];
    const uint16_t want[4][2] = {{0x0A0B, 0x0C0D}, {0x0D0C, 0x0B0A}, {0x0B0A, 0x0D0C},
                                 {0x0C0D, 0x0A0B}};
    for (int e = 0; e < 4; e++) {
        cr_assert_eq(rig_encode_value(MED2_T_U32, 0x0A0B0C0D, (enum rig_endian)e, r), 2);
        cr_expect_eq(r[0], want[e][0], "%s: %04x", rig_endian_name((enum rig_endian)e), r[0]);
        cr_expect_eq(r[1], want[e][1], "%s: %04x", rig_endian_name((enum rig_endian)e), r[1]);
    }
}

Test(regmap, password_in_the_manuals_layout)
{
    uint16_t w[4];
    /* Manual §5: 1234567 -> 0x0037 0x3635 0x3433 0x3231. */
    cr_assert_eq(rig_password_words("1234567", w), 0);
    cr_expect_eq(w[0], 0x0037);
    cr_expect_eq(w[1], 0x3635);
    cr_expect_eq(w[2], 0x3433);
    cr_expect_eq(w[3], 0x3231);
    cr_assert_eq(rig_password_words(RIG_PASSWORD_DEFAULT, w), 0);
    cr_expect_eq(w[0], 0x0031);
    cr_expect_eq(w[3], 0x3030);
    cr_expect_eq(rig_password_words("123456", w), -EINVAL);
    cr_expect_eq(rig_password_words("12345a7", w), -EINVAL);
}

Test(regmap, register_708_says_which_mode_it_is_in)
{
    for (int e = 0; e < 4; e++) {
        uint16_t r[2];
        cr_assert_eq(rig_encode_value(MED2_T_U32, e, (enum rig_endian)e, r), 2);
        cr_expect_eq(rig_endian_from_708(r), e);
    }
    const uint16_t bogus[2] = {0, 1}; /* 1 in BE: no mode writes itself so */
    cr_expect_eq(rig_endian_from_708(bogus), -EBADMSG);
}

Test(regmap, values_are_checked_against_the_map)
{
    cr_expect_eq(rig_reg_check_value(MED2_REG_SLAVE_ID, 1), 0);
    cr_expect_eq(rig_reg_check_value(MED2_REG_SLAVE_ID, 247), 0);
    cr_expect_eq(rig_reg_check_value(MED2_REG_SLAVE_ID, 248), -EINVAL);
    cr_expect(strstr(rig_last_error(), "slave_id 248 is outside 1..247"), "%s", rig_last_error());
    cr_expect_eq(rig_reg_check_value(MED2_REG_SLAVE_ID, 2.5), -EINVAL);
    cr_expect_eq(rig_reg_check_value(MED2_REG_PULSE2_DURATION, 49), -EINVAL);
    cr_expect_eq(rig_reg_check_value(MED2_REG_VOLTAGE, 1), -EPERM);
    cr_expect_eq(rig_reg_check_value(MED2_REG_SYSTEM_COMMAND, 110), 0);
    cr_expect_eq(rig_reg_check_value(MED2_REG_SYSTEM_COMMAND, 105), -EINVAL);
    cr_expect_eq(rig_reg_check_value(MED2_REG_COUNTER_COMMAND, 220), 0);
}
