/*
 * config.c — configuring a meter over Modbus (manual §5, docs/modbus.md "Manual
 * ambiguities"): the password and its byte layout, staged writes, save
 * (2000 <- 100), restart (120), return to defaults (110), new line settings
 * (slave id, baud rate, parity, stop bits) taking effect after the save, and
 * broadcast writes.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "mb_suite.h"

TestSuite(config, .init = suite_open_bench, .fini = suite_close_bench, .timeout = SUITE_TIMEOUT_S);

/* Write one setting (staged) with the client's coding; asserts. */
static void stage(unsigned p, enum med2_reg_id id, double value)
{
    cr_assert_eq(rig_meter_write_reg(suite_meter(p), id, value), 0, "position %u, %s %g: %s", p,
                 rig_reg_name(id), value, rig_last_error());
}

static void command(unsigned p, int (*cmd)(struct rig_meter *), const char *what)
{
    suite_unlock(p);
    cr_assert_eq(cmd(suite_meter(p)), 0, "position %u, %s: %s", p, what, rig_last_error());
}

static int write_password_words(unsigned p, const uint16_t w[4])
{
    return rig_meter_write_registers(suite_meter(p), MED2_ADDR_PASSWORD_0_2, 4, w);
}

static void expect_locked(unsigned p)
{
    struct rig_meter *m = suite_meter(p);
    cr_expect_eq(rig_meter_write_reg(m, MED2_REG_DEMAND_PERIOD, 30), -EREMOTEIO,
                 "position %u: a write went through without the password", p);
    cr_expect_eq(rig_meter_last_exception(m), EX_ILLEGAL_FUNCTION);
}

Test(config, the_password_opens_writing_in_the_manuals_layout)
{
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        expect_locked(p);
        /* "0000001" in the order it is written, not the manual's reversed
         * layout: not the password. */
        const uint16_t unreversed[4] = {0x3030, 0x3030, 0x3030, 0x3100};
        write_password_words(p, unreversed); /* accepted or refused: it must not unlock */
        expect_locked(p);
        const uint16_t wrong[4] = {0x0032, 0x3030, 0x3030, 0x3030}; /* 0000002 */
        write_password_words(p, wrong);
        expect_locked(p);
        /* Manual §5: NUL, then the digits last to first: 0x0031 0x3030 0x3030 0x3030. */
        const uint16_t right[4] = {0x0031, 0x3030, 0x3030, 0x3030};
        cr_assert_eq(write_password_words(p, right), 0, "position %u: %s", p, rig_last_error());
        stage(p, MED2_REG_DEMAND_PERIOD, 30);
        cr_expect_eq(suite_read(p, MED2_REG_DEMAND_PERIOD), 30);
    }
}

Test(config, staged_values_read_back_and_a_restart_drops_them)
{
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        suite_unlock(p);
        stage(p, MED2_REG_DEMAND_PERIOD, 30);
        stage(p, MED2_REG_PULSE2_DURATION, 2500);
        cr_expect_eq(suite_read(p, MED2_REG_DEMAND_PERIOD), 30, "position %u: staged", p);
        cr_expect_eq(suite_read(p, MED2_REG_PULSE2_DURATION), 2500, "position %u: staged", p);
        command(p, rig_meter_restart, "restart");
        cr_expect_eq(suite_read(p, MED2_REG_DEMAND_PERIOD), 15, "position %u: after restart", p);
        cr_expect_eq(suite_read(p, MED2_REG_PULSE2_DURATION), 100, "position %u: after restart",
                     p);
        /* The restart also closed the lock (RAM is lost). */
        expect_locked(p);
    }
}

Test(config, saved_values_survive_a_restart)
{
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        const struct rig_setting s[] = {{MED2_REG_DEMAND_PERIOD, 30},
                                        {MED2_REG_DEMAND_METHOD, 2},
                                        {MED2_REG_SUB_INTERVAL, 5},
                                        {MED2_REG_PULSE2_SOURCE, 1},
                                        {MED2_REG_PULSE2_MULTIPLIER, 4},
                                        {MED2_REG_PULSE2_ENERGY, 9},
                                        {MED2_REG_PULSE2_DURATION, 50}};
        const size_t n = sizeof s / sizeof s[0];
        cr_assert_eq(rig_meter_configure(suite_meter(p), NULL, s, n, true, NULL), 0,
                     "position %u: %s", p, rig_last_error());
        command(p, rig_meter_restart, "restart");
        for (size_t i = 0; i < n; i++)
            cr_expect_eq(suite_read(p, s[i].id), s[i].value, "position %u: %s after restart", p,
                         rig_reg_name(s[i].id));
    }
}

Test(config, the_c80_tariff_schedule_and_clock_are_settings_too)
{
    const struct rig_setting s[] = {{MED2_REG_TARIFF_2, 2}, {MED2_REG_HOUR_2, 8},
                                    {MED2_REG_MINUTE_2, 30}, {MED2_REG_HOUR_10, 24},
                                    {MED2_REG_YEAR, 25},     {MED2_REG_MONTH, 6}};
    const size_t n = sizeof s / sizeof s[0];
    cr_assert_eq(rig_meter_configure(suite_meter(POS_C80), NULL, s, n, true, NULL), 0, "%s",
                 rig_last_error());
    command(POS_C80, rig_meter_restart, "restart");
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(suite_read(POS_C80, s[i].id), s[i].value, "%s after restart",
                     rig_reg_name(s[i].id));
}

Test(config, defaults_return_the_settings_and_keep_the_energy)
{
    suite_meter_energy(60.0);
    cr_assert_eq(rig_source_output(rig_bench_source(bench), false), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 1.0), 0, "%s", rig_last_error());
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        const struct rig_setting s[] = {{MED2_REG_DEMAND_PERIOD, 30},
                                        {MED2_REG_PULSE2_DURATION, 500},
                                        {MED2_REG_PULSE2_SOURCE, 2}};
        const size_t n = sizeof s / sizeof s[0];
        cr_assert_eq(rig_meter_configure(suite_meter(p), NULL, s, n, true, NULL), 0,
                     "position %u: %s", p, rig_last_error());
        double before[MED2_REG_COUNT], after[MED2_REG_COUNT];
        bool present[MED2_REG_COUNT];
        cr_assert_eq(rig_meter_read_map(suite_meter(p), before, present), 0, "%s",
                     rig_last_error());
        cr_assert_gt(before[MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY], 0.0);

        command(p, rig_meter_defaults, "return to defaults");
        for (size_t i = 0; i < n; i++)
            cr_expect_eq(suite_read(p, s[i].id), rig_reg_info(s[i].id)->def,
                         "position %u: %s after 110", p, rig_reg_name(s[i].id));
        command(p, rig_meter_save, "save");
        command(p, rig_meter_restart, "restart");
        cr_assert_eq(rig_meter_read_map(suite_meter(p), after, present), 0, "%s",
                     rig_last_error());
        for (size_t i = 0; i < n; i++)
            cr_expect_eq(after[s[i].id], rig_reg_info(s[i].id)->def,
                         "position %u: %s after 110, save, restart", p, rig_reg_name(s[i].id));
        /* Every energy register is where it was. */
        for (int i = 0; i < MED2_REG_COUNT; i++) {
            if (!present[i] || strcmp(rig_reg_info((enum med2_reg_id)i)->unit, "Wh") != 0 ||
                rig_reg_info((enum med2_reg_id)i)->type != MED2_T_DOUBLE)
                continue;
            cr_expect_eq(after[i], before[i], "position %u: %s %.3f -> %.3f over defaults", p,
                         rig_reg_name((enum med2_reg_id)i), before[i], after[i]);
        }
        cr_expect_eq(after[MED2_REG_TOTAL_IMPORT_REACTIVE_ENERGY],
                     before[MED2_REG_TOTAL_IMPORT_REACTIVE_ENERGY]);
    }
}

/* Change line settings with a save; the client follows (rig_meter_configure);
 * then a client with the old settings gets no answer. */
static void move_line(unsigned p, const struct rig_setting *s, size_t n)
{
    struct rig_meter *m = suite_meter(p);
    struct rig_line old, now;
    rig_meter_line(m, &old);
    cr_assert_eq(rig_meter_configure(m, NULL, s, n, true, NULL), 0, "position %u: %s", p,
                 rig_last_error());
    rig_meter_line(m, &now);
    struct rig_runtime rt;
    cr_assert_eq(rig_meter_read_runtime(m, &rt), 0, "position %u at slave %d, %d 8%c%d: %s", p,
                 now.slave, now.baud, now.parity, now.stop_bits, rig_last_error());
    cr_assert_eq(rig_meter_set_line(m, &old), 0, "%s", rig_last_error());
    rig_meter_set_timeout(m, NO_ANSWER_TIMEOUT_MS);
    int rc = rig_meter_read_runtime(m, &rt);
    cr_expect(rc == -ETIMEDOUT || rc == -EBADMSG,
              "position %u: the old settings (slave %d, %d 8%c%d) still get answers (%d)", p,
              old.slave, old.baud, old.parity, old.stop_bits, rc);
    rig_meter_set_timeout(m, 0);
    cr_assert_eq(rig_meter_set_line(m, &now), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_runtime(m, &rt), 0, "position %u back at the new settings: %s", p,
                 rig_last_error());
}

Test(config, a_new_slave_id_answers_and_the_old_one_does_not)
{
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        const struct rig_setting s[] = {{MED2_REG_SLAVE_ID, 17 + p}};
        move_line(p, s, 1);
        cr_expect_eq(suite_read(p, MED2_REG_SLAVE_ID), 17 + p);
        const struct rig_setting edge[] = {{MED2_REG_SLAVE_ID, 247}};
        move_line(p, edge, 1);
    }
}

Test(config, every_baud_rate_of_the_manual)
{
    for (int code = 0; code <= 7; code++) {
        if (code == 5) /* 38400, where it starts */
            continue;
        const struct rig_setting s[] = {{MED2_REG_BAUDRATE, code}};
        move_line(POS_C80, s, 1);
        cr_expect_eq(suite_read(POS_C80, MED2_REG_BAUDRATE), code);
    }
}

Test(config, parity_and_stop_bits)
{
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        const struct rig_setting even[] = {{MED2_REG_PARITY, 2}};
        move_line(p, even, 1);
        const struct rig_setting odd[] = {{MED2_REG_PARITY, 1}};
        move_line(p, odd, 1);
        const struct rig_setting two_stop[] = {{MED2_REG_PARITY, 0}, {MED2_REG_STOPBIT, 1}};
        move_line(p, two_stop, 2);
        const struct rig_setting all[] = {{MED2_REG_SLAVE_ID, 9}, {MED2_REG_BAUDRATE, 7},
                                          {MED2_REG_PARITY, 2}, {MED2_REG_STOPBIT, 0}};
        move_line(p, all, 4);
    }
}

Test(config, line_settings_apply_only_when_saved)
{
    struct rig_meter *m = suite_meter(POS_C80);
    suite_unlock(POS_C80);
    stage(POS_C80, MED2_REG_BAUDRATE, 3);
    stage(POS_C80, MED2_REG_SLAVE_ID, 5);
    /* Staged: the unit still answers at slave 1, 38400, and says what is staged. */
    cr_expect_eq(suite_read(POS_C80, MED2_REG_BAUDRATE), 3);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_SLAVE_ID), 5);
    command(POS_C80, rig_meter_restart, "restart");
    struct rig_runtime rt;
    cr_expect_eq(rig_meter_read_runtime(m, &rt), 0, "after restart: %s", rig_last_error());
    cr_expect_eq(suite_read(POS_C80, MED2_REG_BAUDRATE), 5);
}

Test(config, a_broadcast_write_is_applied_without_an_answer)
{
    int fd = suite_raw_open(POS_C80);
    uint8_t pdu[64], req[80], reply[64];
    /* The password and a setting, both to address 0 (all units on the line). */
    const uint16_t pw[4] = {0x0031, 0x3030, 0x3030, 0x3030};
    size_t n = suite_frame(req, pdu, suite_pdu_write(pdu, 0, MED2_ADDR_PASSWORD_0_2, 4, pw), true);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 0,
                 "the broadcast password got an answer");
    const uint16_t period[2] = {0, 45};
    n = suite_frame(req, pdu, suite_pdu_write(pdu, 0, MED2_ADDR_DEMAND_PERIOD, 2, period), true);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 0,
                 "the broadcast write got an answer");
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 45, "the broadcast write was lost");
    /* A broadcast command too (save), then a restart keeps the value. */
    n = suite_frame(req, pdu, suite_pdu_write1(pdu, 0, MED2_ADDR_SYSTEM_COMMAND, 100), true);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 0);
    close(fd);
    command(POS_C80, rig_meter_restart, "restart");
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 45);

    /* Through the rig's client: slave 0 sends and expects nothing back. */
    struct rig_meter *m = suite_meter(POS_C80);
    struct rig_line line;
    rig_meter_line(m, &line);
    suite_unlock(POS_C80);
    line.slave = 0;
    cr_assert_eq(rig_meter_set_line(m, &line), 0, "%s", rig_last_error());
    cr_expect_eq(rig_meter_write_reg(m, MED2_REG_DEMAND_PERIOD, 20), 0, "%s", rig_last_error());
    line.slave = 1;
    cr_assert_eq(rig_meter_set_line(m, &line), 0, "%s", rig_last_error());
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 20);
}
