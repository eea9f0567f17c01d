/*
 * test_modbus.c — the RTU slave on its own, against a fake register layer:
 * framing, functions 03/06/10/2B-0E, address/quantity/byte-count checks,
 * byte order, the whole-request write protocol, and the frames that must
 * get no reply.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "crc16.h"
#include "hal_record.h"
#include "mb_codec.h"
#include "mb_frames.h"
#include "modbus_slave.h"

/* The fake register layer: floats read 1.5 + id, the energy double
 * 12345.678, every other value its id; writes are logged; a value of
 * 0xDEAD is refused with 03 by write_value, 0xBEEF by write_commit. */
#define FAKE_MAX_WRITES 64
static struct {
    unsigned begins, reads, commits, applied, ends;
    unsigned n_writes;
    enum med2_reg_id write_id[FAKE_MAX_WRITES];
    uint16_t write_words[FAKE_MAX_WRITES][4];
    bool commit_refuses;
} fake;

static void fake_begin(void *ctx)
{
    (void)ctx;
    fake.begins++;
    fake.n_writes = 0;
    fake.commit_refuses = false;
}

static enum mb_status fake_read(void *ctx, enum med2_reg_id id, uint16_t *words)
{
    (void)ctx;
    fake.reads++;
    if (id == MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY) {
        mb_words_from_double(12345.678, words);
    } else if (id <= MED2_REG_PHASE_ANGLE) {
        mb_words_from_float(1.5f + (float)id, words);
    } else {
        words[0] = words[1] = words[2] = words[3] = (uint16_t)id;
    }
    return MB_OK;
}

static enum mb_status fake_write_value(void *ctx, enum med2_reg_id id, const uint16_t *words)
{
    (void)ctx;
    if (words[0] == 0xDEAD) {
        return MB_EX_ILLEGAL_VALUE;
    }
    if (words[0] == 0xBEEF) {
        fake.commit_refuses = true;
    }
    fake.write_id[fake.n_writes] = id;
    memcpy(fake.write_words[fake.n_writes], words, 8);
    fake.n_writes++;
    return MB_OK;
}

static enum mb_status fake_write_commit(void *ctx)
{
    (void)ctx;
    fake.commits++;
    if (fake.commit_refuses) {
        return MB_EX_ILLEGAL_VALUE;
    }
    fake.applied++;
    return MB_OK;
}

static void fake_end(void *ctx)
{
    (void)ctx;
    fake.ends++;
}

static const struct mb_slave_ops fake_ops = {
    .begin = fake_begin, .read = fake_read, .write_value = fake_write_value,
    .write_commit = fake_write_commit, .end = fake_end,
};

static struct mb_slave slave;

static void setup(void)
{
    hal_record_reset();
    memset(&fake, 0, sizeof(fake));
    mb_slave_init(&slave, 1, MED2_MAP_C80, &fake_ops, NULL);
}

static void send_bytes(const uint8_t *f, size_t n)
{
    mb_slave_on_rx(&slave, f, n);
}

static const struct hal_frame *read_regs(uint8_t addr, uint16_t start, uint16_t qty)
{
    uint8_t f[8];
    send_bytes(f, mbf_read(f, addr, start, qty));
    return hal_rec.n_frames ? &hal_rec.frames[hal_rec.n_frames - 1] : NULL;
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
    cr_assert_eq(r->data[1], fc | 0x80, "function byte %02x", r->data[1]);
    cr_assert_eq(r->data[2], code, "exception %u, want %u", r->data[2], code);
    cr_assert(mbf_crc_ok(r));
}

TestSuite(modbus, .init = setup);

/* ---- 03 ---- */

Test(modbus, read_floats_0_to_13)
{
    const struct hal_frame *r = read_regs(1, 0, 14);
    cr_assert_eq(r->len, 3u + 28u + 2u);
    cr_assert_eq(r->data[0], 1);
    cr_assert_eq(r->data[1], 3);
    cr_assert_eq(r->data[2], 28);
    for (unsigned k = 0; k < 7; k++) {
        cr_assert_eq(float_at(&r->data[3 + 4 * k]), 1.5f + (float)k, "value %u", k);
    }
    cr_assert(mbf_crc_ok(r));
    cr_assert_eq(slave.last_status, MB_OK);
    cr_assert_eq(fake.begins, 1u);
    cr_assert_eq(fake.ends, 1u);
}

Test(modbus, float_is_abcd_on_the_wire)
{
    const struct hal_frame *r = read_regs(1, 2, 2); /* current: 2.5f = 0x40200000 */
    const uint8_t want[] = {0x01, 0x03, 0x04, 0x40, 0x20, 0x00, 0x00};
    cr_assert_eq(r->len, sizeof(want) + 2);
    cr_assert_arr_eq(r->data, want, sizeof(want));
}

Test(modbus, read_energy_double)
{
    const struct hal_frame *r = read_regs(1, 300, 4);
    cr_assert_eq(r->data[2], 8);
    uint16_t w[4];
    for (unsigned k = 0; k < 4; k++) {
        w[k] = mbf_word(r, k);
    }
    cr_assert_eq(mb_words_to_double(w), 12345.678);
}

Test(modbus, read_starting_mid_value_returns_its_words)
{
    const struct hal_frame *r = read_regs(1, 1, 2); /* low word of V, high word of I */
    uint16_t v[2], i[2];
    mb_words_from_float(1.5f, v);
    mb_words_from_float(2.5f, i);
    cr_assert_eq(r->data[2], 4);
    cr_assert_eq(mbf_word(r, 0), v[1]);
    cr_assert_eq(mbf_word(r, 1), i[0]);
    cr_assert_eq(fake.reads, 2u, "each value snapshotted once");
}

Test(modbus, read_125_registers_across_values)
{
    const struct hal_frame *r = read_regs(1, 300, 125); /* 300..424: 31 doubles and a half */
    cr_assert_eq(r->len, 3u + 250u + 2u);
    cr_assert(mbf_crc_ok(r));
    cr_assert_eq(fake.reads, 32u);
}

Test(modbus, endian_modes_on_reads)
{
    /* 2.5f = 40 20 00 00; the double 12345.678 = 40 C8 1C D6 C8 B4 39 58 */
    const uint8_t f_want[4][4] = {
        {0x40, 0x20, 0x00, 0x00}, {0x00, 0x00, 0x20, 0x40}, {0x20, 0x40, 0x00, 0x00}, {0x00, 0x00, 0x40, 0x20}};
    uint16_t dw[4];
    mb_words_from_double(12345.678, dw);
    uint8_t d[8];
    for (unsigned k = 0; k < 4; k++) {
        d[2 * k] = (uint8_t)(dw[k] >> 8);
        d[2 * k + 1] = (uint8_t)dw[k];
    }
    const uint8_t d_want[4][8] = {
        {d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]}, /* ABCDEFGH */
        {d[7], d[6], d[5], d[4], d[3], d[2], d[1], d[0]}, /* HGFEDCBA */
        {d[1], d[0], d[3], d[2], d[5], d[4], d[7], d[6]}, /* BADCFEHG */
        {d[6], d[7], d[4], d[5], d[2], d[3], d[0], d[1]}, /* GHEFCDAB */
    };
    for (unsigned e = 0; e < 4; e++) {
        slave.endian = (enum mb_endian)e;
        hal_record_reset();
        const struct hal_frame *r = read_regs(1, 2, 2);
        cr_assert_arr_eq(&r->data[3], f_want[e], 4, "float, mode %u", e);
        r = read_regs(1, 300, 4);
        cr_assert_arr_eq(&r->data[3], d_want[e], 8, "double, mode %u", e);
        /* a single-register command value would never be swapped; the
         * chars of the password neither: the fake's 6000 reads 0x..id */
        r = read_regs(1, 6000, 2);
        cr_assert_eq(mbf_word(r, 0), (uint16_t)MED2_REG_PASSWORD_0_2, "chars, mode %u", e);
    }
}

Test(modbus, write_only_command_read_is_02)
{
    read_regs(1, 2000, 1);
    assert_exception(0x03, 0x02);
}

Test(modbus, exception_01_illegal_function)
{
    uint8_t f[8];
    mbf_read(f, 1, 0, 2);
    f[1] = 0x04;
    mbf_frame(f, f, 6);
    send_bytes(f, 8);
    cr_assert_eq(hal_rec.n_frames, 0u, "unknown length: waits for the silence");
    mb_slave_on_idle(&slave);
    assert_exception(0x04, 0x01);
    cr_assert_eq(slave.last_status, MB_EX_ILLEGAL_FUNCTION);
}

Test(modbus, exception_02_unmapped_register)
{
    read_regs(1, 20, 2);
    assert_exception(0x03, 0x02);
}

Test(modbus, exception_02_range_runs_past_map)
{
    read_regs(1, 16, 6); /* THDI, angle, then 20.. does not exist */
    assert_exception(0x03, 0x02);
}

Test(modbus, exception_02_gap_between_values)
{
    read_regs(1, 298, 4);
    assert_exception(0x03, 0x02);
}

Test(modbus, exception_02_past_the_address_space)
{
    read_regs(1, 0xFFF0, 0x20);
    assert_exception(0x03, 0x02);
}

Test(modbus, exception_03_quantity)
{
    read_regs(1, 0, 0);
    assert_exception(0x03, 0x03);
    hal_record_reset();
    read_regs(1, 0, 126);
    assert_exception(0x03, 0x03);
}

Test(modbus, b80_map_addresses)
{
    slave.map = MED2_MAP_B80;
    const struct hal_frame *r = read_regs(1, 308, 4); /* T2 import active on the B80 */
    cr_assert_eq(r->data[1], 0x03);
    cr_assert_eq(mbf_word(r, 0), (uint16_t)MED2_REG_T2_IMPORT_ACTIVE_ENERGY);
    hal_record_reset();
    read_regs(1, 600, 2); /* no date/time on the B80 */
    assert_exception(0x03, 0x02);
}

/* ---- 06 / 10 ---- */

Test(modbus, write_single_echoes)
{
    uint8_t f[8];
    send_bytes(f, mbf_write_single(f, 1, 2000, 100));
    cr_assert_eq(hal_rec.n_frames, 1u);
    cr_assert_eq(hal_rec.frames[0].len, 8u);
    cr_assert_arr_eq(hal_rec.frames[0].data, f, 8, "the reply echoes the request");
    cr_assert_eq(fake.n_writes, 1u);
    cr_assert_eq(fake.write_id[0], MED2_REG_SYSTEM_COMMAND);
    cr_assert_eq(fake.write_words[0][0], 100);
    cr_assert_eq(fake.applied, 1u);
}

Test(modbus, write_single_to_part_of_a_u32_is_02)
{
    uint8_t f[8];
    send_bytes(f, mbf_write_single(f, 1, 712, 30));
    assert_exception(0x06, 0x02);
    cr_assert_eq(fake.n_writes, 0u);
    cr_assert_eq(fake.commits, 0u);
}

Test(modbus, write_multiple_reply_and_values)
{
    uint8_t f[64];
    const uint16_t w[] = {0, 1, 0, 30, 0, 5};
    send_bytes(f, mbf_write(f, 1, 710, w, 6));
    cr_assert_eq(hal_rec.n_frames, 1u);
    const uint8_t want[] = {1, 0x10, 0x02, 0xC6, 0x00, 0x06};
    cr_assert_arr_eq(hal_rec.frames[0].data, want, 6);
    cr_assert(mbf_crc_ok(&hal_rec.frames[0]));
    cr_assert_eq(fake.n_writes, 3u);
    cr_assert_eq(fake.write_id[1], MED2_REG_DEMAND_PERIOD);
    cr_assert_eq(mb_words_to_u32(fake.write_words[1]), 30u);
    cr_assert_eq(fake.applied, 1u);
}

Test(modbus, write_values_are_unswapped_by_endian)
{
    slave.endian = MB_ENDIAN_LE; /* 30 = 00 00 00 1E goes as 1E 00 00 00 */
    uint8_t f[32];
    const uint16_t w[] = {0x1E00, 0x0000};
    send_bytes(f, mbf_write(f, 1, 712, w, 2));
    cr_assert_eq(mb_words_to_u32(fake.write_words[0]), 30u);
    /* password chars never */
    const uint16_t pw[] = {0x0031, 0x3030};
    send_bytes(f, mbf_write(f, 1, 6000, pw, 2));
    cr_assert_eq(fake.write_words[0][0], 0x0031);
    cr_assert_eq(fake.write_words[0][1], 0x3030);
}

Test(modbus, write_partial_value_is_02_and_nothing_written)
{
    uint8_t f[32];
    const uint16_t w[] = {0, 15, 0};
    send_bytes(f, mbf_write(f, 1, 712, w, 3)); /* period + half of sub-interval */
    assert_exception(0x10, 0x02);
    hal_record_reset();
    send_bytes(f, mbf_write(f, 1, 713, w, 1)); /* low half of period */
    assert_exception(0x10, 0x02);
    cr_assert_eq(fake.commits, 0u);
    cr_assert_eq(fake.n_writes, 0u);
}

Test(modbus, write_read_only_is_02)
{
    uint8_t f[32];
    const uint16_t w[] = {0, 15, 0, 1, 0, 1};
    send_bytes(f, mbf_write(f, 1, 712, w, 6)); /* period, sub-interval, pulse 1 source (r) */
    assert_exception(0x10, 0x02);
    cr_assert_eq(fake.n_writes, 0u, "addresses are checked before any value");
}

Test(modbus, write_refused_value_does_not_commit)
{
    uint8_t f[32];
    const uint16_t w[] = {0, 1, 0xDEAD, 0};
    send_bytes(f, mbf_write(f, 1, 710, w, 4));
    assert_exception(0x10, 0x03);
    cr_assert_eq(fake.commits, 0u);
    hal_record_reset();
    const uint16_t w2[] = {0xBEEF, 1};
    send_bytes(f, mbf_write(f, 1, 710, w2, 2));
    assert_exception(0x10, 0x03);
    cr_assert_eq(fake.applied, 0u);
}

Test(modbus, write_quantity_and_byte_count)
{
    uint8_t f[300];
    uint16_t w[124] = {0};
    send_bytes(f, mbf_write(f, 1, 700, w, 0));
    assert_exception(0x10, 0x03);
    hal_record_reset();
    size_t n = mbf_write(f, 1, 700, w, 2);
    f[5] = 124; /* quantity 124 > 123 (its data would not even fit an ADU) */
    f[6] = 248;
    mbf_frame(f, f, n - 2);
    mb_handle_frame(&slave, f, n);
    assert_exception(0x10, 0x03);
    hal_record_reset();
    n = mbf_write(f, 1, 712, w, 2);
    f[6] = 3; /* byte count disagrees with quantity */
    mbf_frame(f, f, n - 2);
    mb_handle_frame(&slave, f, n);
    assert_exception(0x10, 0x03);
    hal_record_reset();
    /* 123 registers is allowed: 836..958 is past the schedule, so 02, not 03 */
    n = mbf_write(f, 1, 836, w, 123);
    send_bytes(f, n);
    assert_exception(0x10, 0x02);
    cr_assert_eq(fake.commits, 0u);
}

Test(modbus, write_frame_in_pieces)
{
    uint8_t f[32];
    const uint16_t w[] = {0, 30};
    size_t n = mbf_write(f, 1, 712, w, 2);
    send_bytes(f, 5);
    send_bytes(f + 5, 3);
    cr_assert_eq(hal_rec.n_frames, 0u);
    send_bytes(f + 8, n - 8);
    cr_assert_eq(hal_rec.n_frames, 1u, "10 is sized by its byte count");
}

Test(modbus, broadcast_write_executed_without_reply)
{
    uint8_t f[32];
    const uint16_t w[] = {0, 30};
    send_bytes(f, mbf_write(f, 0, 712, w, 2));
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(fake.applied, 1u);
    cr_assert_eq(fake.ends, 1u, "what waits for the reply still happens");
    send_bytes(f, mbf_write_single(f, 0, 3000, 200));
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(fake.applied, 2u);
}

/* ---- 2B / 0E ---- */

static const struct mb_devid_object short_objects[] = {
    {0x00, "Klemsan"}, {0x01, "606365"}, {0x02, "0.3.0"}, {0x05, "C80-1M-V3"}, {0x80, "42"},
};

static const struct hal_frame *devid(uint8_t code, uint8_t object)
{
    uint8_t f[8];
    hal_record_reset();
    send_bytes(f, mbf_devid(f, 1, code, object));
    cr_assert_eq(hal_rec.n_frames, 1u);
    return &hal_rec.frames[0];
}

/* Object ids of a reply, in order; returns the count. */
static unsigned devid_ids(const struct hal_frame *r, uint8_t *ids)
{
    unsigned n = r->data[7];
    size_t p = 8;
    for (unsigned k = 0; k < n; k++) {
        ids[k] = r->data[p];
        p += 2u + r->data[p + 1];
    }
    cr_assert_eq(p + 2, r->len, "objects fill the reply exactly");
    return n;
}

Test(modbus, devid_basic_regular_extended)
{
    mb_slave_set_device_id(&slave, short_objects, 5);
    uint8_t ids[16];
    const struct hal_frame *r = devid(0x01, 0x00);
    cr_assert(mbf_crc_ok(r));
    const uint8_t head[] = {1, 0x2B, 0x0E, 0x01, 0x83, 0x00, 0x00, 3};
    cr_assert_arr_eq(r->data, head, sizeof(head));
    cr_assert_eq(devid_ids(r, ids), 3u);
    cr_assert_eq(r->data[9], 7);
    cr_assert_arr_eq(&r->data[10], "Klemsan", 7);
    r = devid(0x02, 0x00);
    cr_assert_eq(devid_ids(r, ids), 4u);
    cr_assert_eq(ids[3], 0x05);
    r = devid(0x03, 0x00);
    cr_assert_eq(devid_ids(r, ids), 5u);
    cr_assert_eq(ids[4], 0x80);
    r = devid(0x03, 0x05); /* stream from object 5 */
    cr_assert_eq(devid_ids(r, ids), 2u);
    cr_assert_eq(ids[0], 0x05);
}

Test(modbus, devid_individual_and_unknown_objects)
{
    mb_slave_set_device_id(&slave, short_objects, 5);
    uint8_t ids[16];
    const struct hal_frame *r = devid(0x04, 0x05);
    cr_assert_eq(r->data[3], 0x04);
    cr_assert_eq(devid_ids(r, ids), 1u);
    cr_assert_eq(ids[0], 0x05);
    cr_assert_arr_eq(&r->data[10], "C80-1M-V3", 9);
    /* individual access to an object we do not have: 02 */
    r = devid(0x04, 0x06);
    cr_assert_eq(r->data[1], 0xAB);
    cr_assert_eq(r->data[2], 0x02);
    /* a stream from an unknown object restarts at the beginning */
    r = devid(0x02, 0x06);
    cr_assert_eq(devid_ids(r, ids), 4u);
    cr_assert_eq(ids[0], 0x00);
    /* a stream from an object beyond the category: also from the start */
    r = devid(0x01, 0x05);
    cr_assert_eq(devid_ids(r, ids), 3u);
    cr_assert_eq(ids[0], 0x00);
    /* read codes other than 1..4: 03 */
    r = devid(0x05, 0x00);
    cr_assert_eq(r->data[2], 0x03);
    r = devid(0x00, 0x00);
    cr_assert_eq(r->data[2], 0x03);
}

Test(modbus, devid_more_follows)
{
    static char big[3][121];
    for (unsigned k = 0; k < 3; k++) {
        memset(big[k], 'a' + (int)k, 120);
        big[k][120] = '\0';
    }
    const struct mb_devid_object objs[] = {
        {0x00, big[0]}, {0x01, big[1]}, {0x02, big[2]}, {0x80, "7"},
    };
    mb_slave_set_device_id(&slave, objs, 4);
    uint8_t ids[16];
    const struct hal_frame *r = devid(0x03, 0x00);
    cr_assert_eq(r->data[5], 0xFF, "more follows");
    cr_assert_eq(r->data[6], 0x02, "next object id");
    cr_assert_eq(devid_ids(r, ids), 2u, "two 122-byte objects fit a 253-byte PDU, three do not");
    r = devid(0x03, 0x02);
    cr_assert_eq(r->data[5], 0x00);
    cr_assert_eq(r->data[6], 0x00);
    cr_assert_eq(devid_ids(r, ids), 2u);
    cr_assert_eq(ids[0], 0x02);
    cr_assert_eq(ids[1], 0x80);
}

Test(modbus, devid_other_mei_is_01)
{
    uint8_t f[16] = {1, 0x2B, 0x0D, 0x00, 0x00};
    size_t n = mbf_frame(f, f, 5);
    send_bytes(f, n);
    cr_assert_eq(hal_rec.n_frames, 0u, "not sized: waits for the silence");
    mb_slave_on_idle(&slave);
    assert_exception(0x2B, 0x01);
}

/* ---- framing ---- */

Test(modbus, exception_status_is_the_code)
{
    uint8_t f[8];
    mbf_read(f, 1, 0, 200);
    cr_assert_eq(mb_handle_frame(&slave, f, 8), MB_EX_ILLEGAL_VALUE);
    mbf_read(f, 1, 50, 2);
    cr_assert_eq(mb_handle_frame(&slave, f, 8), MB_EX_ILLEGAL_ADDRESS);
    uint8_t g[8] = {1, 0x05, 0, 0, 0xFF, 0};
    mbf_frame(g, g, 6);
    cr_assert_eq(mb_handle_frame(&slave, g, 8), MB_EX_ILLEGAL_FUNCTION);
}

Test(modbus, bad_crc_no_reply)
{
    uint8_t f[8];
    mbf_read(f, 1, 0, 2);
    f[7] ^= 0x01;
    send_bytes(f, 8);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(mb_handle_frame(&slave, f, 8), MB_ERR_BAD_CRC);
    cr_assert_eq(fake.begins, 0u);
}

Test(modbus, truncated_then_idle_then_good_frame)
{
    uint8_t f[8];
    mbf_read(f, 1, 0, 2);
    send_bytes(f, 5);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    send_bytes(f, 8);
    cr_assert_eq(hal_rec.total_frames, 1u);
    cr_assert_eq(hal_rec.frames[0].data[1], 0x03);
}

Test(modbus, truncated_write_multiple_dropped)
{
    uint8_t f[32];
    const uint16_t w[] = {0, 30};
    size_t n = mbf_write(f, 1, 712, w, 2);
    send_bytes(f, n - 1);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(fake.begins, 0u);
}

Test(modbus, frame_in_pieces_and_back_to_back)
{
    uint8_t f[16];
    mbf_read(f, 1, 0, 2);
    mbf_read(f + 8, 1, 12, 2);
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
    read_regs(2, 0, 2);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(slave.last_status, MB_ERR_NOT_FOR_US);
    /* another slave's write is sized and skipped too */
    uint8_t f[32];
    const uint16_t w[] = {0, 30};
    send_bytes(f, mbf_write(f, 7, 712, w, 2));
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(fake.begins, 0u);
}

Test(modbus, broadcast_read_not_answered)
{
    read_regs(0, 0, 2);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(slave.last_status, MB_OK);
    uint8_t f[8] = {0, 0x05, 0, 0, 0, 2};
    mbf_frame(f, f, 6); /* broadcast exceptions are not answered either */
    send_bytes(f, 8);
    mb_slave_on_idle(&slave);
    cr_assert_eq(hal_rec.total_frames, 0u);
}

Test(modbus, slave_address_is_a_field)
{
    slave.address = 17;
    read_regs(1, 0, 2);
    cr_assert_eq(hal_rec.total_frames, 0u);
    read_regs(17, 0, 2);
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
    read_regs(1, 0, 2);
    cr_assert_eq(hal_rec.total_frames, 1u);
}
