/*
 * test_modbus.c — the RTU slave: framing, function 03 over the register
 * map, exceptions, and the frames that must get no reply.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "crc16.h"
#include "hal_record.h"
#include "mb_codec.h"
#include "modbus_slave.h"

/* Known values behind the map: float registers carry 1.5, 2.5, ... by id;
 * the energy double 12345.678 Wh. */
static unsigned reads;
static enum mb_status fake_read(void *ctx, enum med2_reg_id id, uint16_t *words)
{
    (void)ctx;
    reads++;
    if (id == MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY) {
        mb_words_from_double(12345.678, words);
    } else {
        mb_words_from_float(1.5f + (float)id, words);
    }
    return MB_OK;
}

static struct mb_slave slave;

static void setup(void)
{
    hal_record_reset();
    reads = 0;
    mb_slave_init(&slave, 1, fake_read, NULL);
}

static size_t make_frame(uint8_t *f, uint8_t addr, uint8_t fc, uint16_t a, uint16_t b)
{
    f[0] = addr;
    f[1] = fc;
    f[2] = (uint8_t)(a >> 8);
    f[3] = (uint8_t)a;
    f[4] = (uint8_t)(b >> 8);
    f[5] = (uint8_t)b;
    uint16_t c = crc16_modbus(f, 6);
    f[6] = (uint8_t)c;
    f[7] = (uint8_t)(c >> 8);
    return 8;
}

static void send_bytes(const uint8_t *f, size_t n)
{
    mb_slave_on_rx(&slave, f, n);
}

static void request(uint8_t addr, uint8_t fc, uint16_t a, uint16_t b)
{
    uint8_t f[8];
    send_bytes(f, make_frame(f, addr, fc, a, b));
}

static void assert_crc_ok(const struct hal_frame *r)
{
    cr_assert_geq(r->len, 4u);
    uint16_t c = crc16_modbus(r->data, r->len - 2);
    cr_assert_eq(r->data[r->len - 2], (uint8_t)c, "CRC low");
    cr_assert_eq(r->data[r->len - 1], (uint8_t)(c >> 8), "CRC high");
}

static float float_at(const uint8_t *p)
{
    uint32_t bits = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static void assert_exception(uint8_t fc, uint8_t code)
{
    cr_assert_eq(hal_rec.n_frames, 1u, "one reply expected, got %zu", hal_rec.n_frames);
    const struct hal_frame *r = &hal_rec.frames[0];
    cr_assert_eq(r->len, 5u);
    cr_assert_eq(r->data[0], 1);
    cr_assert_eq(r->data[1], fc | 0x80);
    cr_assert_eq(r->data[2], code);
    assert_crc_ok(r);
}

TestSuite(modbus, .init = setup);

Test(modbus, read_floats_0_to_13)
{
    request(1, 0x03, 0, 14);
    cr_assert_eq(hal_rec.n_frames, 1u);
    const struct hal_frame *r = &hal_rec.frames[0];
    cr_assert_eq(r->len, 3u + 28u + 2u);
    cr_assert_eq(r->data[0], 1);
    cr_assert_eq(r->data[1], 3);
    cr_assert_eq(r->data[2], 28);
    for (unsigned k = 0; k < 7; k++) {
        cr_assert_eq(float_at(&r->data[3 + 4 * k]), 1.5f + (float)k, "value %u", k);
    }
    assert_crc_ok(r);
    cr_assert_eq(slave.last_status, MB_OK);
}

Test(modbus, float_is_abcd_on_the_wire)
{
    request(1, 0x03, 2, 2); /* current: 2.5f = 0x40200000 */
    const struct hal_frame *r = &hal_rec.frames[0];
    const uint8_t want[] = {0x01, 0x03, 0x04, 0x40, 0x20, 0x00, 0x00};
    cr_assert_eq(r->len, sizeof(want) + 2);
    cr_assert_arr_eq(r->data, want, sizeof(want));
}

Test(modbus, read_energy_double)
{
    request(1, 0x03, 300, 4);
    const struct hal_frame *r = &hal_rec.frames[0];
    cr_assert_eq(r->len, 3u + 8u + 2u);
    cr_assert_eq(r->data[2], 8);
    uint64_t bits = 0;
    for (int k = 0; k < 8; k++) {
        bits = (bits << 8) | r->data[3 + k];
    }
    double d;
    memcpy(&d, &bits, 8);
    cr_assert_eq(d, 12345.678);
    assert_crc_ok(r);
}

Test(modbus, read_starting_mid_value_returns_its_words)
{
    request(1, 0x03, 1, 2); /* low word of V, high word of I */
    const struct hal_frame *r = &hal_rec.frames[0];
    uint16_t v[2], i[2];
    mb_words_from_float(1.5f, v);
    mb_words_from_float(2.5f, i);
    cr_assert_eq(r->data[2], 4);
    cr_assert_eq((r->data[3] << 8) | r->data[4], v[1]);
    cr_assert_eq((r->data[5] << 8) | r->data[6], i[0]);
    cr_assert_eq(reads, 2u, "each value snapshotted once");
}

Test(modbus, exception_01_illegal_function)
{
    uint8_t f[8];
    make_frame(f, 1, 0x04, 0, 2);
    send_bytes(f, 8);
    cr_assert_eq(hal_rec.n_frames, 0u, "unknown length: waits for the silence");
    mb_slave_on_idle(&slave);
    assert_exception(0x04, 0x01);
    cr_assert_eq(slave.last_status, MB_EX_ILLEGAL_FUNCTION);
}

Test(modbus, exception_02_unmapped_register)
{
    request(1, 0x03, 14, 2); /* THDV: not in this slice's map */
    assert_exception(0x03, 0x02);
}

Test(modbus, exception_02_range_runs_past_map)
{
    request(1, 0x03, 10, 6); /* PF, f, then 14.. does not exist */
    assert_exception(0x03, 0x02);
}

Test(modbus, exception_02_gap_between_values)
{
    request(1, 0x03, 298, 4);
    assert_exception(0x03, 0x02);
}

Test(modbus, exception_03_quantity)
{
    request(1, 0x03, 0, 0);
    assert_exception(0x03, 0x03);
    hal_record_reset();
    request(1, 0x03, 0, 126);
    assert_exception(0x03, 0x03);
}

Test(modbus, exception_status_is_the_code)
{
    uint8_t f[8];
    make_frame(f, 1, 0x03, 0, 200);
    cr_assert_eq(mb_handle_frame(&slave, f, 8), MB_EX_ILLEGAL_VALUE);
    make_frame(f, 1, 0x03, 50, 2);
    cr_assert_eq(mb_handle_frame(&slave, f, 8), MB_EX_ILLEGAL_ADDRESS);
    make_frame(f, 1, 0x2B, 0x0E01, 0);
    cr_assert_eq(mb_handle_frame(&slave, f, 8), MB_EX_ILLEGAL_FUNCTION);
}

Test(modbus, bad_crc_no_reply)
{
    uint8_t f[8];
    make_frame(f, 1, 0x03, 0, 2);
    f[7] ^= 0x01;
    send_bytes(f, 8);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(mb_handle_frame(&slave, f, 8), MB_ERR_BAD_CRC);
}

Test(modbus, truncated_then_idle_then_good_frame)
{
    uint8_t f[8];
    make_frame(f, 1, 0x03, 0, 2);
    send_bytes(f, 5);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    send_bytes(f, 8);
    cr_assert_eq(hal_rec.total_frames, 1u);
    cr_assert_eq(hal_rec.frames[0].data[1], 0x03);
}

Test(modbus, frame_in_pieces_and_back_to_back)
{
    uint8_t f[16];
    make_frame(f, 1, 0x03, 0, 2);
    make_frame(f + 8, 1, 0x03, 12, 2);
    send_bytes(f, 3);
    send_bytes(f + 3, 9); /* rest of the first and half of the second */
    cr_assert_eq(hal_rec.total_frames, 1u);
    send_bytes(f + 12, 4);
    cr_assert_eq(hal_rec.total_frames, 2u);
    cr_assert_eq(float_at(&hal_rec.frames[1].data[3]), 1.5f + (float)MED2_REG_FREQUENCY);
}

Test(modbus, short_frame_ignored)
{
    const uint8_t f[] = {0x01, 0x03, 0x00};
    send_bytes(f, 3);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(mb_handle_frame(&slave, f, 3), MB_ERR_SHORT_FRAME);
}

Test(modbus, wrong_slave_no_reply)
{
    request(2, 0x03, 0, 2);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(slave.last_status, MB_ERR_NOT_FOR_US);
    /* and another slave's unknown function is no business of ours either */
    uint8_t f[8];
    make_frame(f, 7, 0x06, 0, 2);
    send_bytes(f, 8);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
}

Test(modbus, broadcast_no_reply)
{
    request(0, 0x03, 0, 2);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(slave.last_status, MB_OK);
    uint8_t f[8];
    make_frame(f, 0, 0x05, 0, 2); /* broadcast exceptions are not answered either */
    send_bytes(f, 8);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
}

Test(modbus, slave_address_is_a_field)
{
    slave.address = 17;
    request(1, 0x03, 0, 2);
    cr_assert_eq(hal_rec.total_frames, 0u);
    request(17, 0x03, 0, 2);
    cr_assert_eq(hal_rec.total_frames, 1u);
    cr_assert_eq(hal_rec.frames[0].data[0], 17);
}

Test(modbus, overlong_garbage_dropped_until_idle)
{
    uint8_t junk[300];
    memset(junk, 0x55, sizeof(junk));
    send_bytes(junk, sizeof(junk));
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    request(1, 0x03, 0, 2);
    cr_assert_eq(hal_rec.total_frames, 1u);
}
