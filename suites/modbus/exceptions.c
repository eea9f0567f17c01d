/*
 * exceptions.c — every exception class, as raw frames on the line, and that
 * nothing changes when a request is refused (docs/modbus.md "Manual
 * ambiguities": write without the password -> 01; unmapped, write-only
 * read, read-only write, part of a value -> 02; out-of-range value, bad
 * quantity or byte count -> 03).
 */
#include <errno.h>
#include <unistd.h>

#include "mb_suite.h"

static int fd = -1;

static void open_raw(void)
{
    suite_open_bench();
    fd = suite_raw_open(POS_C80);
}

static void close_raw(void)
{
    if (fd >= 0)
        close(fd);
    fd = -1;
    suite_close_bench();
}

TestSuite(exceptions, .init = open_raw, .fini = close_raw, .timeout = SUITE_TIMEOUT_S);

/* Two words of a u32 in the default (BE) mode. */
static void u32_words(uint32_t v, uint16_t w[2])
{
    w[0] = (uint16_t)(v >> 16);
    w[1] = (uint16_t)v;
}

Test(exceptions, unsupported_functions_are_01)
{
    const uint8_t read_coils[] = {1, 0x01, 0, 0, 0, 1};
    const uint8_t read_inputs[] = {1, 0x04, 0, 0, 0, 2};
    const uint8_t write_coil[] = {1, 0x05, 0, 0, 0xFF, 0};
    const uint8_t mask_write[] = {1, 0x16, 0x02, 0xC8, 0, 0, 0, 0};
    suite_expect_exception(fd, read_coils, sizeof read_coils, EX_ILLEGAL_FUNCTION);
    suite_expect_exception(fd, read_inputs, sizeof read_inputs, EX_ILLEGAL_FUNCTION);
    suite_expect_exception(fd, write_coil, sizeof write_coil, EX_ILLEGAL_FUNCTION);
    suite_expect_exception(fd, mask_write, sizeof mask_write, EX_ILLEGAL_FUNCTION);
}

Test(exceptions, writes_without_the_password_are_01_and_change_nothing)
{
    uint8_t pdu[64];
    uint16_t w[2];
    u32_words(30, w);
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 2, w),
                           EX_ILLEGAL_FUNCTION);
    u32_words(3, w);
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_BAUDRATE, 2, w),
                           EX_ILLEGAL_FUNCTION);
    suite_expect_exception(fd, pdu, suite_pdu_write1(pdu, 1, MED2_ADDR_SYSTEM_COMMAND, 110),
                           EX_ILLEGAL_FUNCTION);
    suite_expect_exception(fd, pdu, suite_pdu_write1(pdu, 1, MED2_ADDR_COUNTER_COMMAND, 200),
                           EX_ILLEGAL_FUNCTION);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 15);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_BAUDRATE), 5);
}

Test(exceptions, unmapped_addresses_are_02)
{
    uint8_t pdu[16];
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, 100, 2), EX_ILLEGAL_ADDRESS);
    /* A block running past the end of a range: phase angle (18-19) + 20. */
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, 18, 4), EX_ILLEGAL_ADDRESS);
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, 436, 2), EX_ILLEGAL_ADDRESS);
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, 6004, 1), EX_ILLEGAL_ADDRESS);
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, 0xFFFF, 1), EX_ILLEGAL_ADDRESS);
}

Test(exceptions, what_the_b80_map_lacks_is_02)
{
    int b80 = suite_raw_open(POS_B80);
    uint8_t pdu[16];
    suite_expect_exception(b80, pdu, suite_pdu_read(pdu, 1, MED2_ADDR_DAY, 2),
                           EX_ILLEGAL_ADDRESS); /* no clock */
    suite_expect_exception(b80, pdu, suite_pdu_read(pdu, 1, MED2_ADDR_TARIFF_1, 2),
                           EX_ILLEGAL_ADDRESS); /* no tariff schedule */
    suite_expect_exception(b80, pdu, suite_pdu_read(pdu, 1, 372, 4),
                           EX_ILLEGAL_ADDRESS); /* the energy block ends at 371 */
    close(b80);
}

Test(exceptions, reading_a_command_register_is_02)
{
    uint8_t pdu[16];
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, MED2_ADDR_SYSTEM_COMMAND, 1),
                           EX_ILLEGAL_ADDRESS);
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, MED2_ADDR_COUNTER_COMMAND, 1),
                           EX_ILLEGAL_ADDRESS);
}

Test(exceptions, writing_a_read_only_value_is_02_and_changes_nothing)
{
    suite_unlock(POS_C80);
    uint8_t pdu[64];
    uint16_t w[4] = {0x4366, 0x4000, 0, 0};
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_VOLTAGE, 2, w),
                           EX_ILLEGAL_ADDRESS);
    suite_expect_exception(fd, pdu,
                           suite_pdu_write(pdu, 1, MED2_ADDR_TOTAL_IMPORT_ACTIVE_ENERGY, 4, w),
                           EX_ILLEGAL_ADDRESS);
    u32_words(0, w);
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_PULSE1_SOURCE, 2, w),
                           EX_ILLEGAL_ADDRESS);
    u32_words(1, w);
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_CT_SECONDARY, 2, w),
                           EX_ILLEGAL_ADDRESS);
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, 100, 2, w), EX_ILLEGAL_ADDRESS);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_PULSE1_SOURCE), 1);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_CT_SECONDARY), 1);
}

Test(exceptions, writing_part_of_a_value_is_02_and_changes_nothing)
{
    suite_unlock(POS_C80);
    uint8_t pdu[64];
    uint16_t w[3] = {0, 30, 0};
    /* One register of a 2-register value, either half, with 10 or 06. */
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 1, w),
                           EX_ILLEGAL_ADDRESS);
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD + 1, 1, &w[1]),
                           EX_ILLEGAL_ADDRESS);
    suite_expect_exception(fd, pdu, suite_pdu_write1(pdu, 1, MED2_ADDR_DEMAND_PERIOD + 1, 30),
                           EX_ILLEGAL_ADDRESS);
    /* A whole value and half of the next. */
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 3, w),
                           EX_ILLEGAL_ADDRESS);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 15);
}

Test(exceptions, values_out_of_range_are_03_at_both_boundaries)
{
    suite_unlock(POS_C80);
    uint8_t pdu[64];
    uint16_t w[2];
    struct rig_meter *m = suite_meter(POS_C80);
    /* Every writable setting of the C80 map: min and max are taken (and
     * staged), min - 1 and max + 1 are refused and change nothing. */
    for (int i = 0; i < MED2_REG_COUNT; i++) {
        enum med2_reg_id id = (enum med2_reg_id)i;
        const struct med2_reg_info *r = rig_reg_info(id);
        if (r->access != MED2_A_RW || r->type != MED2_T_U32)
            continue;
        uint16_t a = r->address[MED2_MAP_C80];
        /* The hour of a tariff entry may be 24 only with minute 0, which
         * they are by default; the endian and line settings are staged
         * only, so they do not move this client. */
        const double bad[] = {r->min - 1, r->max + 1};
        for (int k = 0; k < 2; k++) {
            if (bad[k] < 0)
                continue;
            u32_words((uint32_t)bad[k], w);
            suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, a, 2, w), EX_ILLEGAL_VALUE);
            double now = 0;
            cr_assert_eq(rig_meter_read_reg(m, id, &now), 0, "%s", rig_last_error());
            if (id < MED2_REG_DAY || id > MED2_REG_SECOND) /* the clock runs */
                cr_expect_eq(now, r->def, "%s changed to %g by a refused %g", rig_reg_name(id),
                             now, bad[k]);
        }
        const double good[] = {r->min, r->max};
        for (int k = 0; k < 2; k++) {
            uint8_t reply[16];
            u32_words((uint32_t)good[k], w);
            suite_expect_reply(fd, pdu, suite_pdu_write(pdu, 1, a, 2, w), reply, sizeof reply);
            double now = 0;
            cr_assert_eq(rig_meter_read_reg(m, id, &now), 0, "%s", rig_last_error());
            cr_expect_eq(now, good[k], "%s: staged %g, reads %g", rig_reg_name(id), good[k], now);
        }
        /* Back to the default, so the next settings start from it. */
        u32_words((uint32_t)r->def, w);
        uint8_t reply[16];
        suite_expect_reply(fd, pdu, suite_pdu_write(pdu, 1, a, 2, w), reply, sizeof reply);
    }
}

Test(exceptions, commands_outside_the_list_are_03)
{
    suite_unlock(POS_C80);
    uint8_t pdu[16];
    const uint16_t bad_system[] = {0, 99, 101, 111, 121, 200};
    const uint16_t bad_counter[] = {0, 100, 199, 201, 221};
    for (size_t i = 0; i < sizeof bad_system / sizeof bad_system[0]; i++)
        suite_expect_exception(fd, pdu,
                               suite_pdu_write1(pdu, 1, MED2_ADDR_SYSTEM_COMMAND, bad_system[i]),
                               EX_ILLEGAL_VALUE);
    for (size_t i = 0; i < sizeof bad_counter / sizeof bad_counter[0]; i++)
        suite_expect_exception(fd, pdu,
                               suite_pdu_write1(pdu, 1, MED2_ADDR_COUNTER_COMMAND, bad_counter[i]),
                               EX_ILLEGAL_VALUE);
}

Test(exceptions, a_refused_block_write_changes_none_of_it)
{
    suite_unlock(POS_C80);
    uint8_t pdu[64];
    /* 710 method, 712 period, 714 sub-interval: the last out of range. */
    const uint16_t w[6] = {0, 2, 0, 30, 0, 61};
    suite_expect_exception(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_METHOD, 6, w),
                           EX_ILLEGAL_VALUE);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_METHOD), 1);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 15);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_SUB_INTERVAL), 1);
}

Test(exceptions, bad_quantities_are_03)
{
    suite_unlock(POS_C80);
    uint8_t pdu[300];
    /* Function 03: 1..125 registers (Application Protocol §6.3). */
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, 0, 0), EX_ILLEGAL_VALUE);
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, 0, 126), EX_ILLEGAL_VALUE);
    suite_expect_exception(fd, pdu, suite_pdu_read(pdu, 1, 300, 0x7FFF), EX_ILLEGAL_VALUE);
    /* Function 10: 1..123 registers (§6.12), byte count = 2 x quantity.
     * 124 registers of data do not fit an RTU ADU (256 bytes), so the
     * quantity 124 comes with the 4 bytes its byte count announces. */
    uint16_t w[2] = {0, 30};
    size_t n = suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 2, w);
    pdu[4] = 0;
    pdu[5] = 124;
    suite_expect_exception(fd, pdu, n, EX_ILLEGAL_VALUE);
    n = suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 0, w);
    suite_expect_exception(fd, pdu, n, EX_ILLEGAL_VALUE);
    /* Quantity 2, byte count 2 (and the 2 bytes it announces). */
    n = suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 2, (const uint16_t[]){0, 30});
    pdu[6] = 2;
    suite_expect_exception(fd, pdu, n - 2, EX_ILLEGAL_VALUE);
    /* Quantity 2, byte count 6 (and 6 bytes). */
    n = suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 3, (const uint16_t[]){0, 30, 0});
    pdu[5] = 2;
    suite_expect_exception(fd, pdu, n, EX_ILLEGAL_VALUE);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 15);
}
