/*
 * test_modbus_rtu.c — the Modbus layer against a libmodbus RTU server thread
 * on a real pty: float/double decoding, exceptions, the late-reply path
 * (wait out the line and flush: a late reply must not be taken for the next
 * answer), no answer, a missing port; reading a whole map in the fewest
 * transactions, typed writes (06 for commands, 10 for values), the
 * configuration transaction, broadcasts and register 708's self-description.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <modbus.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "pty_peer.h"
#include "rig/bench.h"
#include "rig/error.h"
#include "rig/modbus.h"

#define SEQ_REGISTER 100 /* the server puts its request count here */
#define LATE_MS 700      /* longer than RIG_METER_TIMEOUT_MS */

struct server {
    struct pty_peer pty;
    modbus_t *ctx;
    modbus_mapping_t *map;
    pthread_t thread;
    atomic_bool stop;
    atomic_bool mute;
    atomic_int late_request; /* this request number is answered LATE_MS late */
    atomic_int requests;
    atomic_int functions[32]; /* function codes of requests 1..32 */
};

static struct server srv;
static struct rig_meter *meter;

static void put_float(uint16_t *regs, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    regs[0] = (uint16_t)(u >> 16);
    regs[1] = (uint16_t)u;
}

static void put_double(uint16_t *regs, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    for (int i = 0; i < 4; i++)
        regs[i] = (uint16_t)(u >> (48 - 16 * i));
}

static void *serve(void *arg)
{
    struct server *s = arg;
    uint8_t query[MODBUS_RTU_MAX_ADU_LENGTH];
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->pty.master, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int n = modbus_receive(s->ctx, query);
        if (n <= 0)
            continue;
        int seq = atomic_fetch_add(&s->requests, 1) + 1;
        if (seq <= 32)
            atomic_store(&s->functions[seq - 1], query[1]);
        s->map->tab_registers[SEQ_REGISTER] = (uint16_t)seq;
        if (atomic_load(&s->mute))
            continue;
        if (seq == atomic_load(&s->late_request)) {
            struct timespec ts = {0, LATE_MS * 1000000L};
            nanosleep(&ts, NULL);
        }
        modbus_reply(s->ctx, query, n, s->map);
    }
    return NULL;
}

static void setup(void)
{
    memset(&srv, 0, sizeof srv);
    cr_assert_eq(pty_peer_open(&srv.pty), 0);
    srv.map = modbus_mapping_new(0, 0, 6100, 0);
    cr_assert(srv.map);
    uint16_t *r = srv.map->tab_registers;
    put_float(&r[MED2_ADDR_VOLTAGE], 230.25f);
    put_float(&r[MED2_ADDR_CURRENT], 5.125f);
    put_float(&r[MED2_ADDR_ACTIVE_POWER], 1150.5f);
    put_float(&r[MED2_ADDR_REACTIVE_POWER], -12.0f);
    put_float(&r[MED2_ADDR_APPARENT_POWER], 1180.0f);
    put_float(&r[MED2_ADDR_POWER_FACTOR], 0.975f);
    put_float(&r[MED2_ADDR_FREQUENCY], 49.98f);
    put_double(&r[MED2_ADDR_TOTAL_IMPORT_ACTIVE_ENERGY], 123456.789);
    /* The server side of the line is the pty master, which has no name to
     * open: give libmodbus the descriptor directly. */
    srv.ctx = modbus_new_rtu("/dev/null", 38400, 'N', 8, 1);
    cr_assert(srv.ctx);
    modbus_set_slave(srv.ctx, 1);
    modbus_set_socket(srv.ctx, srv.pty.master);
    cr_assert_eq(pthread_create(&srv.thread, NULL, serve, &srv), 0);

    struct rig_position pos = {.number = 1, .model = "C80-1M-V3", .serial = "24110001",
                               .rs485 = srv.pty.path, .slave = 1, .baud = 38400,
                               .parity = 'N', .stop_bits = 1};
    cr_assert_eq(rig_meter_open(&pos, &meter), 0, "%s", rig_last_error());
}

static void teardown(void)
{
    rig_meter_close(meter);
    atomic_store(&srv.stop, true);
    pthread_join(srv.thread, NULL);
    modbus_free(srv.ctx); /* not modbus_close: it would restore termios it never saved */
    modbus_mapping_free(srv.map);
    pty_peer_close(&srv.pty);
}

TestSuite(modbus_rtu, .init = setup, .fini = teardown);

Test(modbus_rtu, runtime_block_decodes_big_endian_floats)
{
    struct rig_runtime rt;
    cr_assert_eq(rig_meter_read_runtime(meter, &rt), 0, "%s", rig_last_error());
    cr_expect_float_eq(rt.voltage, 230.25f, 1e-6);
    cr_expect_float_eq(rt.current, 5.125f, 1e-6);
    cr_expect_float_eq(rt.active_power, 1150.5f, 1e-6);
    cr_expect_float_eq(rt.reactive_power, -12.0f, 1e-6);
    cr_expect_float_eq(rt.apparent_power, 1180.0f, 1e-6);
    cr_expect_float_eq(rt.power_factor, 0.975f, 1e-6);
    cr_expect_float_eq(rt.frequency, 49.98f, 1e-6);
    cr_expect_eq(atomic_load(&srv.requests), 1, "one transaction for the whole block");
}

Test(modbus_rtu, import_energy_decodes_a_big_endian_double)
{
    double wh = 0;
    cr_assert_eq(rig_meter_read_import_energy(meter, &wh), 0, "%s", rig_last_error());
    cr_expect_float_eq(wh, 123456.789, 1e-9);
    double v = 0;
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_VOLTAGE, &v), 0, "%s", rig_last_error());
    cr_expect_float_eq(v, 230.25, 1e-6);
}

Test(modbus_rtu, exception_is_reported_not_retried)
{
    uint16_t r[4];
    cr_assert_eq(rig_meter_read_registers(meter, 6098, 4, r), -EREMOTEIO);
    cr_expect_eq(rig_meter_last_exception(meter), 2);
    cr_expect(strstr(rig_last_error(), "exception 02"), "%s", rig_last_error());
    cr_expect_eq(atomic_load(&srv.requests), 1);
}

Test(modbus_rtu, late_reply_is_not_taken_for_the_next_answer)
{
    uint16_t seq = 0;
    atomic_store(&srv.late_request, 1);
    /* Request 1 is answered 700 ms late, after our 500 ms timeout. The rig
     * waits the line out, flushes and retries: the answer must be request 2's. */
    cr_assert_eq(rig_meter_read_registers(meter, SEQ_REGISTER, 1, &seq), 0, "%s", rig_last_error());
    cr_expect_eq(seq, 2, "got the answer of request %u", seq);
    cr_assert_eq(rig_meter_read_registers(meter, SEQ_REGISTER, 1, &seq), 0, "%s", rig_last_error());
    cr_expect_eq(seq, 3, "got the answer of request %u", seq);
}

Test(modbus_rtu, no_answer_names_position_slave_tty_and_line)
{
    double wh;
    atomic_store(&srv.mute, true);
    cr_assert_eq(rig_meter_read_import_energy(meter, &wh), -ETIMEDOUT);
    char expect[200];
    snprintf(expect, sizeof expect,
             "position 1: no answer from slave 1 on %s at 38400 8N1 — check wiring and the "
             "unit's serial settings",
             srv.pty.path);
    cr_expect_str_eq(rig_last_error(), expect);
    cr_expect_eq(atomic_load(&srv.requests), 2, "one retry");
}

Test(modbus_rtu, write_register_reaches_the_server)
{
    cr_assert_eq(rig_meter_write_register(meter, 350, 0xBEEF), 0, "%s", rig_last_error());
    cr_expect_eq(srv.map->tab_registers[350], 0xBEEF);
}

/* A value write whose answer comes too late is sent again (the same value
 * twice is the same as once); a command is not: its lost answer may hide a
 * command done. */
Test(modbus_rtu, a_timed_out_value_write_is_retried_a_command_is_not)
{
    atomic_store(&srv.late_request, 1);
    cr_assert_eq(rig_meter_write_register(meter, 350, 0x1234), 0, "%s", rig_last_error());
    cr_expect_eq(srv.map->tab_registers[350], 0x1234);
    cr_expect_eq(atomic_load(&srv.requests), 2, "sent again after the timeout");

    atomic_store(&srv.late_request, 3);
    cr_expect_eq(rig_meter_write_register(meter, MED2_ADDR_FACTORY_COMMAND, 1), -ETIMEDOUT);
    cr_expect_eq(atomic_load(&srv.requests), 3, "a command is sent once");
}

Test(modbus_decode, all_four_word_orders)
{
    /* 230.25f = 0x43664000: A=43 B=66 C=40 D=00 */
    const uint16_t be[2] = {0x4366, 0x4000}, le[2] = {0x0040, 0x6643};
    const uint16_t be_swap[2] = {0x6643, 0x0040}, le_swap[2] = {0x4000, 0x4366};
    cr_expect_float_eq(rig_decode_float(be, RIG_ENDIAN_BE), 230.25f, 1e-6);
    cr_expect_float_eq(rig_decode_float(le, RIG_ENDIAN_LE), 230.25f, 1e-6);
    cr_expect_float_eq(rig_decode_float(be_swap, RIG_ENDIAN_BE_SWAP), 230.25f, 1e-6);
    cr_expect_float_eq(rig_decode_float(le_swap, RIG_ENDIAN_LE_SWAP), 230.25f, 1e-6);
    /* 1.0 = 0x3FF0000000000000 */
    const uint16_t d_be[4] = {0x3FF0, 0, 0, 0}, d_le[4] = {0, 0, 0, 0xF03F};
    const uint16_t d_le_swap[4] = {0, 0, 0, 0x3FF0};
    cr_expect_float_eq(rig_decode_double(d_be, RIG_ENDIAN_BE), 1.0, 1e-12);
    cr_expect_float_eq(rig_decode_double(d_le, RIG_ENDIAN_LE), 1.0, 1e-12);
    cr_expect_float_eq(rig_decode_double(d_le_swap, RIG_ENDIAN_LE_SWAP), 1.0, 1e-12);
}

Test(modbus_regmap, lookup_is_case_insensitive)
{
    cr_expect_eq(rig_reg_lookup("voltage"), MED2_REG_VOLTAGE);
    cr_expect_eq(rig_reg_lookup("Total_Import_Active_Energy"), MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    cr_expect_eq(rig_reg_lookup("volts"), -ENOENT);
    cr_expect(strstr(rig_last_error(), "volts"));
}

Test(modbus_port, missing_port_gives_a_clear_error)
{
    struct rig_meter *m = NULL;
    struct rig_position pos = {.number = 3, .rs485 = "/dev/ttyNOPE", .slave = 1, .baud = 38400,
                               .parity = 'N', .stop_bits = 1};
    cr_assert_eq(rig_meter_open(&pos, &m), -ENOENT);
    cr_expect_null(m);
    cr_expect(strstr(rig_last_error(), "position 3: cannot open /dev/ttyNOPE"), "%s",
              rig_last_error());
}

Test(modbus_rtu, whole_c80_map_in_nine_transactions)
{
    double v[MED2_REG_COUNT];
    bool present[MED2_REG_COUNT];
    cr_assert_eq(rig_meter_read_map(meter, v, present), 0, "%s", rig_last_error());
    cr_expect_eq(atomic_load(&srv.requests), 9);
    cr_expect_eq(rig_meter_transactions(meter), 9);
    cr_expect(present[MED2_REG_T1_4_EXPORT_REACTIVE_ENERGY]);
    cr_expect(!present[MED2_REG_SYSTEM_COMMAND]);
    cr_expect_float_eq(v[MED2_REG_VOLTAGE], 230.25, 1e-6);
    cr_expect_float_eq(v[MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY], 123456.789, 1e-9);
}

Test(modbus_rtu, values_in_the_other_orders)
{
    uint16_t *r = srv.map->tab_registers;
    /* 708 = 3 (LE swap, CDAB) as a unit in that mode says it: {3, 0}. */
    r[MED2_ADDR_ENDIAN] = 3;
    r[MED2_ADDR_ENDIAN + 1] = 0;
    cr_assert_eq(rig_encode_value(MED2_T_DOUBLE, 42.5, RIG_ENDIAN_LE_SWAP,
                                  &r[MED2_ADDR_T1_IMPORT_ACTIVE_ENERGY]), 4);
    cr_assert_eq(rig_meter_detect_endian(meter), RIG_ENDIAN_LE_SWAP, "%s", rig_last_error());
    double v = 0;
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_T1_IMPORT_ACTIVE_ENERGY, &v), 0, "%s",
                 rig_last_error());
    cr_expect_float_eq(v, 42.5, 1e-12);
}

Test(modbus_rtu, commands_go_with_06_and_values_with_10)
{
    cr_assert_eq(rig_meter_write_reg(meter, MED2_REG_SYSTEM_COMMAND, 120), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_write_reg(meter, MED2_REG_DEMAND_PERIOD, 30), 0, "%s", rig_last_error());
    cr_expect_eq(atomic_load(&srv.functions[0]), 0x06);
    cr_expect_eq(atomic_load(&srv.functions[1]), 0x10);
    cr_expect_eq(srv.map->tab_registers[2000], 120);
    cr_expect_eq(srv.map->tab_registers[712], 0);
    cr_expect_eq(srv.map->tab_registers[713], 30);
    /* Checked before anything is sent. */
    cr_expect_eq(rig_meter_write_reg(meter, MED2_REG_DEMAND_PERIOD, 61), -EINVAL);
    cr_expect_eq(rig_meter_write_reg(meter, MED2_REG_VOLTAGE, 1), -EPERM);
    cr_expect_eq(atomic_load(&srv.requests), 2);
}

Test(modbus_rtu, configure_unlocks_writes_saves_and_reads_back)
{
    const struct rig_setting s[] = {{MED2_REG_DEMAND_PERIOD, 30}, {MED2_REG_PULSE2_DURATION, 250}};
    double back[2] = {0};
    cr_assert_eq(rig_meter_configure(meter, "1234567", s, 2, true, back), 0, "%s",
                 rig_last_error());
    const uint16_t *r = srv.map->tab_registers;
    cr_expect_eq(r[6000], 0x0037);
    cr_expect_eq(r[6001], 0x3635);
    cr_expect_eq(r[6002], 0x3433);
    cr_expect_eq(r[6003], 0x3231);
    cr_expect_eq(r[2000], 100, "saved");
    cr_expect_float_eq(back[0], 30, 0);
    cr_expect_float_eq(back[1], 250, 0);
    /* password, 2 writes, save, 2 reads back */
    cr_expect_eq(atomic_load(&srv.requests), 6);
}

Test(modbus_rtu, configure_without_save_and_out_of_range)
{
    const struct rig_setting s[] = {{MED2_REG_SUB_INTERVAL, 5}};
    cr_assert_eq(rig_meter_configure(meter, NULL, s, 1, false, NULL), 0, "%s", rig_last_error());
    cr_expect_eq(srv.map->tab_registers[2000], 0, "not saved");
    const struct rig_setting bad[] = {{MED2_REG_SUB_INTERVAL, 61}};
    cr_expect_eq(rig_meter_configure(meter, NULL, bad, 1, true, NULL), -EINVAL);
    cr_expect(strstr(rig_last_error(), "sub_interval 61 is outside 1..60"), "%s", rig_last_error());
}

Test(modbus_rtu, broadcast_write_expects_no_answer)
{
    struct rig_line line;
    rig_meter_line(meter, &line);
    line.slave = 0;
    cr_assert_eq(rig_meter_set_line(meter, &line), 0, "%s", rig_last_error());
    cr_expect_eq(rig_meter_write_reg(meter, MED2_REG_DEMAND_PERIOD, 45), 0, "%s", rig_last_error());
    cr_expect_eq(srv.map->tab_registers[713], 45);
    uint16_t r[2];
    cr_expect_eq(rig_meter_read_registers(meter, 0, 2, r), -EINVAL, "a broadcast cannot read");
    line.slave = 1;
    cr_assert_eq(rig_meter_set_line(meter, &line), 0, "%s", rig_last_error());
    cr_expect_eq(rig_meter_read_registers(meter, 0, 2, r), 0, "%s", rig_last_error());
}

Test(modbus_rtu, timeout_follows_the_baud_rate)
{
    cr_expect_eq(rig_meter_timeout(meter), RIG_METER_TIMEOUT_MS + 74, "38400: 256 bytes in 74 ms");
    struct rig_line line;
    rig_meter_line(meter, &line);
    line.baud = 1200;
    cr_assert_eq(rig_meter_set_line(meter, &line), 0, "%s", rig_last_error());
    cr_expect_eq(rig_meter_timeout(meter), RIG_METER_TIMEOUT_MS + 2347);
    rig_meter_set_timeout(meter, 100);
    cr_expect_eq(rig_meter_timeout(meter), 100);
}

Test(modbus_rtu, a_unit_without_a_map_is_raw_only)
{
    struct rig_meter *m = NULL;
    struct rig_position pos = {.number = 4, .model = "B80-0W-01", .rs485 = srv.pty.path,
                               .slave = 1, .baud = 38400, .parity = 'N', .stop_bits = 1};
    cr_assert_eq(rig_meter_open(&pos, &m), 0, "%s", rig_last_error());
    double v;
    cr_expect_eq(rig_meter_read_reg(m, MED2_REG_VOLTAGE, &v), -ENODEV);
    cr_expect(strstr(rig_last_error(), "position 4: model B80-0W-01 has no RS485 register map"),
              "%s", rig_last_error());
    rig_meter_close(m);
}
