/*
 * test_factory.c — the factory block (9000..9027) through frames, bytes in
 * and bytes out via the recording hal: the key, writes and their ranges,
 * values applied at once, save, status, sealing one-way, a sealed unit
 * refusing everything, a corrupt record reported and identity calibration
 * used, and the factory test port of the models without RS485; the
 * current-dependence slopes, a record of the first layout, the NV verify
 * (exception 04 and the NV fault bit), the RTC test on pulse output 1 (and
 * 2), and the factory test constant of pulse output 1.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hal_record.h"
#include "mb_codec.h"
#include "mb_frames.h"
#include "meter.h"
#include "pulse_test.h"
#include "sine.h"

#define BOARD_SERIAL 12345678u

static struct meter m;
static struct meter_identity ident;

static void boot(enum med2_model model)
{
    hal_record_reset();
    ident = (struct meter_identity){.model = model, .serial = BOARD_SERIAL};
    meter_init(&m, &ident);
}

/* A power cycle: RAM is lost, NV stays. */
static void reboot(void)
{
    hal_record_reset_calls();
    meter_init(&m, &ident);
}

static void setup_c80(void)
{
    boot(MED2_MODEL_C80_1M_V3);
}

static const struct hal_frame *xfer(const uint8_t *f, size_t n)
{
    size_t before = hal_rec.total_frames;
    meter_on_uart_rx(&m, f, n);
    meter_on_uart_idle(&m);
    if (hal_rec.total_frames == before) {
        return NULL;
    }
    cr_assert(mbf_crc_ok(&hal_rec.frames[hal_rec.n_frames - 1]), "reply CRC");
    static struct hal_frame keep;
    keep = hal_rec.frames[hal_rec.n_frames - 1];
    hal_rec.n_frames = 0;
    return &keep;
}

static const struct hal_frame *rd(uint16_t a, uint16_t qty)
{
    uint8_t f[8];
    return xfer(f, mbf_read(f, 1, a, qty));
}

static const struct hal_frame *wr(uint16_t a, const uint16_t *w, uint16_t n)
{
    uint8_t f[300];
    return xfer(f, mbf_write(f, 1, a, w, n));
}

static const struct hal_frame *wr_u32(uint16_t a, uint32_t v)
{
    uint16_t w[2] = {(uint16_t)(v >> 16), (uint16_t)v}; /* always big-endian */
    return wr(a, w, 2);
}

static const struct hal_frame *wr_float(uint16_t a, float x)
{
    uint16_t w[2];
    mb_words_from_float(x, w);
    return wr(a, w, 2);
}

static const struct hal_frame *command(uint16_t cmd)
{
    uint8_t f[8];
    return xfer(f, mbf_write_single(f, 1, MED2_ADDR_FACTORY_COMMAND, cmd));
}

static uint32_t read_u32(uint16_t a)
{
    const struct hal_frame *r = rd(a, 2);
    mbf_expect_ok(r, 0x03);
    return ((uint32_t)mbf_word(r, 0) << 16) | mbf_word(r, 1);
}

static float read_float(uint16_t a)
{
    const struct hal_frame *r = rd(a, 2);
    mbf_expect_ok(r, 0x03);
    uint16_t w[2] = {mbf_word(r, 0), mbf_word(r, 1)};
    return mb_words_to_float(w);
}

static uint32_t status(void)
{
    return read_u32(MED2_ADDR_FACTORY_STATUS);
}

static void unlock(void)
{
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_KEY, MED2_FACTORY_KEY_VALUE), 0x10);
    cr_assert(status() & MED2_FACTORY_UNLOCKED);
}

/* The serial in 2B/0E object 0x80 (individual access). */
static void devid_serial(char *out, size_t cap)
{
    uint8_t f[8];
    const struct hal_frame *r = xfer(f, mbf_devid(f, 1, 0x04, 0x80));
    mbf_expect_ok(r, 0x2B);
    size_t len = r->data[9];
    cr_assert(len < cap);
    memcpy(out, &r->data[10], len);
    out[len] = '\0';
}

TestSuite(factory, .init = setup_c80);

Test(factory, reads_need_no_key_and_show_identity)
{
    cr_assert_eq(status(), 0u, "new unit: locked, unsealed, nothing saved");
    cr_assert_eq(read_u32(MED2_ADDR_FACTORY_SERIAL), BOARD_SERIAL);
    cr_assert_eq(read_float(MED2_ADDR_FACTORY_V_GAIN), 1.0f);
    cr_assert_eq(read_float(MED2_ADDR_FACTORY_PHASE_DEG), 0.0f);
    /* one read over the values 9006..9027 */
    const struct hal_frame *r = rd(MED2_ADDR_FACTORY_SERIAL, 22);
    mbf_expect_ok(r, 0x03);
    cr_assert_eq(r->data[2], 44);
    /* write-only KEY and COMMAND, the gap at 9005, past the block: 02 */
    mbf_expect_ex(rd(MED2_ADDR_FACTORY_KEY, 2), 0x03, 0x02);
    mbf_expect_ex(rd(MED2_ADDR_FACTORY_COMMAND, 1), 0x03, 0x02);
    mbf_expect_ex(rd(9005, 1), 0x03, 0x02);
    mbf_expect_ex(rd(MED2_ADDR_FACTORY_PULSE1_CONSTANT, 3), 0x03, 0x02);
}

Test(factory, always_big_endian)
{
    /* register 708 = little endian changes the public map, not the block */
    m.modbus.endian = MB_ENDIAN_LE;
    cr_assert_eq(read_u32(MED2_ADDR_FACTORY_SERIAL), BOARD_SERIAL);
    unlock();
}

Test(factory, writes_need_the_key)
{
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_SERIAL, 555u), 0x10, 0x01);
    mbf_expect_ex(wr_float(MED2_ADDR_FACTORY_V_GAIN, 1.01f), 0x10, 0x01);
    mbf_expect_ex(command(MED2_FACTORY_CMD_SAVE), 0x06, 0x01);
    /* the public password does not open it */
    static const uint16_t pw[4] = {0x0031, 0x3030, 0x3030, 0x3030};
    mbf_expect_ok(wr(6000, pw, 4), 0x10);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_SERIAL, 555u), 0x10, 0x01);
    /* a wrong key is accepted as a write, and locks */
    unlock();
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_KEY, MED2_FACTORY_KEY_VALUE + 1u), 0x10);
    cr_assert_eq(status() & MED2_FACTORY_UNLOCKED, 0u);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_SERIAL, 555u), 0x10, 0x01);
    /* command 3 locks too */
    unlock();
    mbf_expect_ok(command(MED2_FACTORY_CMD_LOCK), 0x06);
    cr_assert_eq(status() & MED2_FACTORY_UNLOCKED, 0u);
    cr_assert_eq(read_u32(MED2_ADDR_FACTORY_SERIAL), BOARD_SERIAL, "nothing changed");
    /* read-only status: 02 before anything else */
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_STATUS, 0u), 0x10, 0x02);
}

Test(factory, values_apply_at_once)
{
    unlock();
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_V_GAIN, 1.0321f), 0x10);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_I_GAIN, 0.9612f), 0x10);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_PHASE_DEG, -0.85f), 0x10);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_P_OFFSET, -0.25f), 0x10);
    cr_assert_eq(m.metrology.cal.v_gain, 1.0321f);
    cr_assert_eq(m.metrology.cal.i_gain, 0.9612f);
    cr_assert_eq(m.metrology.cal.i_phase_deg, -0.85f);
    cr_assert_eq(m.metrology.cal.p_offset_w, -0.25f);
    cr_assert(m.metrology.i_delay_q16 > 0 && m.metrology.v_delay_q16 == 0, "current delayed");
    cr_assert_eq(read_float(MED2_ADDR_FACTORY_I_GAIN), 0.9612f);
    /* several values in one request */
    uint16_t w[6];
    mb_words_from_float(0.5f, &w[0]);   /* V offset */
    mb_words_from_float(-0.01f, &w[2]); /* I offset */
    mb_words_from_float(1.0f, &w[4]);   /* P offset */
    mbf_expect_ok(wr(MED2_ADDR_FACTORY_V_OFFSET, w, 6), 0x10);
    cr_assert_eq(m.metrology.cal.i_rms_offset, -0.01f);
    cr_assert_eq(status() & MED2_FACTORY_CAL_SAVED, 0u, "not saved yet");
    /* lost on a power cycle without save */
    reboot();
    cr_assert_eq(m.metrology.cal.v_gain, 1.0f);
    cr_assert_eq(read_float(MED2_ADDR_FACTORY_V_GAIN), 1.0f);
}

Test(factory, out_of_range_is_03_and_changes_nothing)
{
    unlock();
    struct {
        uint16_t addr;
        float lo_bad, hi_bad;
    } floats[] = {
        {MED2_ADDR_FACTORY_V_GAIN, 0.8499f, 1.1501f},  {MED2_ADDR_FACTORY_I_GAIN, 0.84f, 1.16f},
        {MED2_ADDR_FACTORY_PHASE_DEG, -3.001f, 3.001f}, {MED2_ADDR_FACTORY_V_OFFSET, -2.01f, 2.01f},
        {MED2_ADDR_FACTORY_I_OFFSET, -0.0501f, 0.0501f}, {MED2_ADDR_FACTORY_P_OFFSET, -2.01f, 2.01f},
        {MED2_ADDR_FACTORY_I_GAIN_SLOPE, -0.0101f, 0.0101f}, {MED2_ADDR_FACTORY_PHASE_SLOPE, -1.01f, 1.01f},
    };
    for (size_t k = 0; k < sizeof(floats) / sizeof(floats[0]); k++) {
        mbf_expect_ex(wr_float(floats[k].addr, floats[k].lo_bad), 0x10, 0x03);
        mbf_expect_ex(wr_float(floats[k].addr, floats[k].hi_bad), 0x10, 0x03);
        mbf_expect_ex(wr_float(floats[k].addr, NAN), 0x10, 0x03);
        mbf_expect_ex(wr_float(floats[k].addr, INFINITY), 0x10, 0x03);
    }
    /* the ends themselves are fine */
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_V_GAIN, 0.85f), 0x10);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_PHASE_DEG, 3.0f), 0x10);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_I_OFFSET, -0.05f), 0x10);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_SERIAL, 0u), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_SERIAL, 100000000u), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_HW_VERSION, 65536u), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_CAL_DATE, 19991231u), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_CAL_DATE, 20261301u), 0x10, 0x03); /* month 13 */
    mbf_expect_ex(command(0), 0x06, 0x03);
    mbf_expect_ex(command(7), 0x06, 0x03);
    /* a request with one bad value changes none of its values */
    uint16_t w[4];
    mb_words_from_u32(777u, &w[0]);   /* serial: fine */
    mb_words_from_u32(70000u, &w[2]); /* hw version: out of range */
    mbf_expect_ex(wr(MED2_ADDR_FACTORY_SERIAL, w, 4), 0x10, 0x03);
    cr_assert_eq(read_u32(MED2_ADDR_FACTORY_SERIAL), BOARD_SERIAL);
    /* half a float: 02 */
    uint16_t one = 0x3F80;
    mbf_expect_ex(wr(MED2_ADDR_FACTORY_V_GAIN, &one, 1), 0x10, 0x02);
    cr_assert_eq(m.metrology.cal.v_gain, 0.85f);
}

Test(factory, save_persists_and_serial_becomes_the_units)
{
    unlock();
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_SERIAL, 20260042u), 0x10);
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_HW_VERSION, 3u), 0x10);
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_CAL_DATE, 20260314u), 0x10);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_I_GAIN, 1.0437f), 0x10);
    char serial[16];
    devid_serial(serial, sizeof(serial));
    cr_assert_str_eq(serial, "12345678", "the serial is reported once saved");
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
    cr_assert(status() & MED2_FACTORY_CAL_SAVED);
    devid_serial(serial, sizeof(serial));
    cr_assert_str_eq(serial, "20260042");
    reboot();
    cr_assert_eq(status(), MED2_FACTORY_CAL_SAVED, "saved, locked again after a power cycle");
    cr_assert_eq(read_u32(MED2_ADDR_FACTORY_SERIAL), 20260042u);
    cr_assert_eq(read_u32(MED2_ADDR_FACTORY_HW_VERSION), 3u);
    cr_assert_eq(read_u32(MED2_ADDR_FACTORY_CAL_DATE), 20260314u);
    cr_assert_eq(m.metrology.cal.i_gain, 1.0437f, "runs by the saved calibration");
    devid_serial(serial, sizeof(serial));
    cr_assert_str_eq(serial, "20260042");
}

Test(factory, save_fails_cleanly_when_nv_fails)
{
    unlock();
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_V_GAIN, 1.02f), 0x10);
    hal_rec.nv_fail_writes = true;
    mbf_expect_ex(command(MED2_FACTORY_CMD_SAVE), 0x06, 0x04);
    cr_assert_eq(status() & MED2_FACTORY_CAL_SAVED, 0u);
    hal_rec.nv_fail_writes = false;
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
}

Test(factory, seal_needs_a_saved_record_and_is_one_way)
{
    unlock();
    mbf_expect_ex(command(MED2_FACTORY_CMD_SEAL), 0x06, 0x01); /* nothing saved */
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_V_GAIN, 0.97f), 0x10);
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_V_GAIN, 0.98f), 0x10);
    mbf_expect_ex(command(MED2_FACTORY_CMD_SEAL), 0x06, 0x01); /* unsaved change */
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
    mbf_expect_ok(command(MED2_FACTORY_CMD_SEAL), 0x06);
    cr_assert_eq(status(), MED2_FACTORY_SEALED | MED2_FACTORY_CAL_SAVED, "sealed and locked");
    /* sealed: the key is refused, and so is everything else */
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_KEY, MED2_FACTORY_KEY_VALUE), 0x10, 0x01);
    mbf_expect_ex(wr_float(MED2_ADDR_FACTORY_V_GAIN, 1.0f), 0x10, 0x01);
    mbf_expect_ex(command(MED2_FACTORY_CMD_SAVE), 0x06, 0x01);
    mbf_expect_ex(command(MED2_FACTORY_CMD_LOCK), 0x06, 0x01);
    /* reads still work, and the public map is untouched */
    cr_assert_eq(read_float(MED2_ADDR_FACTORY_V_GAIN), 0.98f);
    mbf_expect_ok(rd(0, 2), 0x03);
    /* and it stays sealed over a power cycle: there is no way back */
    reboot();
    cr_assert_eq(status(), MED2_FACTORY_SEALED | MED2_FACTORY_CAL_SAVED);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_KEY, MED2_FACTORY_KEY_VALUE), 0x10, 0x01);
    cr_assert_eq(m.metrology.cal.v_gain, 0.98f);
}

Test(factory, corrupt_record_reported_and_identity_used)
{
    unlock();
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_I_GAIN, 1.05f), 0x10);
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
    /* damage both copies of the factory record */
    hal_rec.nv[nvstore_slot_offset(NVSTORE_FACTORY, 0) + 20] ^= 0x5A;
    hal_rec.nv[nvstore_slot_offset(NVSTORE_FACTORY, 1) + 20] ^= 0x5A;
    reboot();
    cr_assert_eq(status(), MED2_FACTORY_CAL_CORRUPT);
    cr_assert_eq(m.metrology.cal.i_gain, 1.0f, "identity calibration");
    cr_assert_eq(read_float(MED2_ADDR_FACTORY_I_GAIN), 1.0f);
    cr_assert_eq(read_u32(MED2_ADDR_FACTORY_SERIAL), BOARD_SERIAL);
    /* it may have been sealed: damaging NV must not open it */
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_KEY, MED2_FACTORY_KEY_VALUE), 0x10, 0x01);
    /* the public map still works */
    mbf_expect_ok(rd(0, 2), 0x03);
}

Test(factory, one_torn_copy_is_recovered)
{
    unlock();
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_I_GAIN, 1.05f), 0x10);
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_I_GAIN, 1.06f), 0x10);
    hal_rec.nv_tear_after = 20; /* a power cut during the second save */
    command(MED2_FACTORY_CMD_SAVE);
    hal_rec.nv_tear_after = -1;
    reboot();
    cr_assert_eq(status(), MED2_FACTORY_CAL_SAVED);
    cr_assert_eq(m.metrology.cal.i_gain, 1.05f, "the older, complete copy");
}

Test(factory, pulse2_overflow_in_status)
{
    m.pulse2_source.overflow = true;
    cr_assert_eq(status(), MED2_FACTORY_PULSE2_OVERFLOW);
}

/* ---- models without RS485: the factory test port ---- */

Test(factory, test_port_answers_only_the_block)
{
    static const enum med2_model models[] = {MED2_MODEL_B80_0M_02, MED2_MODEL_B80_0M_02P,
                                             MED2_MODEL_B80_0W_01};
    for (size_t k = 0; k < 3; k++) {
        boot(models[k]);
        /* fixed 38400 8N1 whatever the settings say */
        cr_assert(hal_rec.n_configs >= 1);
        const struct hal_uart_config *c = &hal_rec.configs[hal_rec.n_configs - 1];
        cr_assert(c->baud == 38400u && c->parity == 'N' && c->stop_bits == 1u);
        mbf_expect_ex(rd(0, 2), 0x03, 0x02);
        mbf_expect_ex(rd(300, 4), 0x03, 0x02);
        static const uint16_t pw[4] = {0x0031, 0x3030, 0x3030, 0x3030};
        mbf_expect_ex(wr(6000, pw, 4), 0x10, 0x02);
        uint8_t f[8];
        mbf_expect_ex(xfer(f, mbf_devid(f, 1, 0x01, 0x00)), 0x2B, 0x01);
        cr_assert_eq(read_u32(MED2_ADDR_FACTORY_SERIAL), BOARD_SERIAL);
        unlock();
        mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_V_GAIN, 1.01f), 0x10);
    }
}

Test(factory, test_port_goes_silent_after_sealing)
{
    boot(MED2_MODEL_B80_0W_01);
    unlock();
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_SERIAL, 4242u), 0x10);
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
    mbf_expect_ok(command(MED2_FACTORY_CMD_SEAL), 0x06); /* the seal's reply still goes out */
    cr_assert_null(rd(MED2_ADDR_FACTORY_STATUS, 2), "nothing at all after sealing");
    cr_assert_null(rd(0, 2));
    reboot();
    cr_assert_null(rd(MED2_ADDR_FACTORY_STATUS, 2), "nor after a power cycle");
    cr_assert_null(rd(MED2_ADDR_FACTORY_SERIAL, 2));
}

/* ---- docs/factory.md's worked example, byte for byte ---- */

static void hex_bytes(const char *hex, uint8_t *out, size_t *n)
{
    *n = 0;
    for (const char *p = hex; *p != '\0';) {
        unsigned b;
        int used;
        if (sscanf(p, "%2x%n", &b, &used) != 1) {
            break;
        }
        out[(*n)++] = (uint8_t)b;
        p += used;
        while (*p == ' ') {
            p++;
        }
    }
}

Test(factory, docs_worked_example)
{
    static const char *const steps[][2] = {
        {"01 10 23 28 00 02 04 4D 45 44 32 C9 4C", "01 10 23 28 00 02 CA 44"},
        {"01 03 23 2A 00 02 EE 47", "01 03 04 00 00 00 01 3B F3"},
        {"01 10 23 2E 00 02 04 01 35 24 CA 77 AF", "01 10 23 2E 00 02 2A 45"},
        {"01 10 23 32 00 02 04 01 35 25 DA 76 AA", "01 10 23 32 00 02 EB 83"},
        {"01 10 23 34 00 04 08 3F 84 1B DA 3F 76 11 34 40 7B", "01 10 23 34 00 04 8B 80"},
        {"01 10 23 38 00 02 04 BF 59 99 9A 63 D0", "01 10 23 38 00 02 CB 81"},
        {"01 10 23 3A 00 06 0C 00 00 00 00 BA 1D 49 52 BE 0F 5C 29 6C 34", "01 10 23 3A 00 06 6B 82"},
        {"01 10 23 34 00 02 04 3F 99 99 9A 4A 79", "01 90 03 0C 01"},
        {"01 06 23 2C 00 01 82 47", "01 06 23 2C 00 01 82 47"},
        {"01 03 23 2A 00 02 EE 47", "01 03 04 00 00 00 05 3A 30"},
        {"01 06 23 2C 00 02 C2 46", "01 06 23 2C 00 02 C2 46"},
        {"01 03 23 2A 00 02 EE 47", "01 03 04 00 00 00 06 7A 31"},
        {"01 10 23 28 00 02 04 4D 45 44 32 C9 4C", "01 90 01 8D C0"},
    };
    for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
        uint8_t req[64], want[64];
        size_t nreq, nwant;
        hex_bytes(steps[k][0], req, &nreq);
        hex_bytes(steps[k][1], want, &nwant);
        const struct hal_frame *r = xfer(req, nreq);
        cr_assert_not_null(r, "step %zu: no reply", k);
        cr_assert_eq(r->len, nwant, "step %zu: reply of %zu bytes", k, r->len);
        cr_assert_eq(memcmp(r->data, want, nwant), 0, "step %zu: reply differs", k);
    }
    cr_assert_eq(m.metrology.cal.i_gain, 0.9612f);
    cr_assert_eq(m.metrology.cal.p_offset_w, -0.14f);
}

/* The current-dependence slopes: written, read back, applied at once,
 * saved with the rest; a whole-calibration read is 9012..9027. */
Test(factory, slopes_apply_and_persist)
{
    unlock();
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_I_GAIN_SLOPE, -0.0012f), 0x10);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_PHASE_SLOPE, 0.085f), 0x10);
    cr_assert_eq(m.metrology.cal.i_gain_slope, -0.0012f);
    cr_assert_eq(m.metrology.cal.i_phase_slope_deg, 0.085f);
    mbf_expect_ok(rd(MED2_ADDR_FACTORY_V_GAIN, 16), 0x03);
    mbf_expect_ex(rd(MED2_ADDR_FACTORY_PULSE1_CONSTANT, 3), 0x03, 0x02);
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
    reboot();
    cr_assert_eq(read_float(MED2_ADDR_FACTORY_PHASE_SLOPE), 0.085f);
    cr_assert_eq(m.metrology.cal.i_gain_slope, -0.0012f);
}

/* A unit calibrated by firmware of the first record layout (no slopes)
 * keeps its calibration and its seal after an update. */
Test(factory, first_layout_record_still_loads)
{
    struct factory_record_v1 old = {
        .serial = 24110001u, .hw_version = 2u, .cal_date = 20250101u,
        .cal = {1.01f, 0.98f, 0.4f, 0.0f, -0.001f, 0.0f}, .sealed = FACTORY_SEALED_PATTERN,
    };
    struct nvstore nv;
    nvstore_init(&nv);
    struct factory_record_v1 scratch;
    nvstore_load(&nv, NVSTORE_FACTORY, &scratch, sizeof(scratch));
    cr_assert_eq(nvstore_save(&nv, NVSTORE_FACTORY, &old, sizeof(old)), 0);
    reboot();
    cr_assert_eq(status(), MED2_FACTORY_CAL_SAVED | MED2_FACTORY_SEALED);
    cr_assert_eq(m.metrology.cal.i_gain, 0.98f);
    cr_assert_eq(m.metrology.cal.i_phase_deg, 0.4f);
    cr_assert_eq(m.metrology.cal.i_gain_slope, 0.0f);
    cr_assert_eq(read_u32(MED2_ADDR_FACTORY_SERIAL), 24110001u);
}

/* NV verify (docs/factory.md): a write the part acknowledges but does not keep
 * fails the save with exception 04 and sets the NV fault bit; the older
 * record is still there. */
Test(factory, lost_write_is_04_and_nv_fault)
{
    unlock();
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_I_GAIN, 1.03f), 0x10);
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
    cr_assert_eq(status() & MED2_FACTORY_NV_FAULT, 0u);
    mbf_expect_ok(wr_float(MED2_ADDR_FACTORY_I_GAIN, 1.04f), 0x10);
    hal_rec.nv_tear_after = 0; /* acknowledged, nothing kept */
    mbf_expect_ex(command(MED2_FACTORY_CMD_SAVE), 0x06, 0x04);
    cr_assert(status() & MED2_FACTORY_NV_FAULT);
    mbf_expect_ex(command(MED2_FACTORY_CMD_SEAL), 0x06, 0x01); /* not saved: no seal */
    reboot();
    cr_assert_eq(m.metrology.cal.i_gain, 1.03f, "the record before the lost write");
    cr_assert_eq(status() & MED2_FACTORY_NV_FAULT, 0u, "until the next failure");
}

/* The same for "save configuration" (2000 <- 100): 04. */
Test(factory, lost_configuration_write_is_04)
{
    cr_assert_eq(meter_save_configuration(&m), 0);
    hal_rec.nv_tear_after = 0;
    cr_assert_lt(meter_save_configuration(&m), 0);
    cr_assert(status() & MED2_FACTORY_NV_FAULT);
}

static unsigned edges_on(unsigned output, bool active, uint64_t *first_at)
{
    unsigned n = 0;
    for (size_t k = 0; k < hal_rec.n_edges; k++) {
        if (hal_rec.edges[k].output == output && hal_rec.edges[k].active == active) {
            if (n++ == 0 && first_at) {
                *first_at = hal_rec.edges[k].sample_time;
            }
        }
    }
    return n;
}

static void samples(unsigned n)
{
    int32_t z[1] = {0};
    for (unsigned k = 0; k < n; k++) {
        meter_on_samples(&m, z, z, 1);
    }
}

/* RTC test (docs/factory.md): pulse output 1 gives a 100 ms pulse whose rising
 * edge is on the first sample with a new RTC second, until command 5. */
Test(factory, rtc_test_on_pulse_output_1)
{
    unlock();
    hal_rec.rtc = 1000u;
    mbf_expect_ok(command(MED2_FACTORY_CMD_RTC_TEST), 0x06);
    hal_rec.n_edges = 0;
    samples(100);
    cr_assert_eq(edges_on(1, true, NULL), 0u, "no pulse before a new second");
    hal_rec.rtc = 1001u;
    uint64_t at = 0, off = 0;
    uint64_t first = m.sample_time;
    samples(1000);
    cr_assert_eq(edges_on(1, true, &at), 1u);
    cr_assert_eq(at, first, "rising edge on the first sample of the new second");
    cr_assert_eq(edges_on(1, false, &off), 1u);
    cr_assert_eq(off - at, 400u, "100 ms");
    hal_rec.rtc = 1002u;
    samples(10);
    cr_assert_eq(edges_on(1, true, NULL), 2u);
    mbf_expect_ok(command(MED2_FACTORY_CMD_RTC_TEST_END), 0x06);
    hal_rec.rtc = 1003u;
    samples(1000);
    cr_assert_eq(edges_on(1, true, NULL), 2u, "ended: no more second pulses");
    /* a restart ends it too */
    mbf_expect_ok(command(MED2_FACTORY_CMD_RTC_TEST), 0x06);
    reboot();
    cr_assert(!m.factory.rtc_test);
}

/* ---- the factory test constant of pulse output 1 (FACTORY_PULSE1_CONSTANT,
 * pulse_test.h): only with the key and while unsealed, only the two
 * constants, the pulses agree with the energy register at the largest load
 * without queueing; locking, sealing and a restart give the legal
 * 1000 imp/kWh; the RTC test on output 2 (command 6) leaves output 1 to
 * the energy. ---- */

static struct sine_gen gen;

static uint32_t constant(void)
{
    return read_u32(MED2_ADDR_FACTORY_PULSE1_CONSTANT);
}

static void to_test(void)
{
    unlock();
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_PULSE1_CONSTANT, MED2_PULSE1_TEST_IMP_PER_KWH), 0x10);
    cr_assert_eq(constant(), MED2_PULSE1_TEST_IMP_PER_KWH);
}

/* n samples of the load set by sine_init. */
static void run_load(uint64_t n)
{
    int32_t v[80], i[80];
    while (n > 0) {
        size_t k = n < 80 ? (size_t)n : 80;
        sine_fill(&gen, v, i, k);
        meter_on_samples(&m, v, i, k);
        n -= k;
    }
}

Test(factory, pulse1_legal_at_power_up_and_test_only_with_the_key)
{
    cr_assert_eq(constant(), MED2_PULSE1_LEGAL_IMP_PER_KWH, "power-up: 1000 imp/kWh");
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_PULSE1_CONSTANT, MED2_PULSE1_TEST_IMP_PER_KWH), 0x10,
                  0x01);
    cr_assert_eq(constant(), MED2_PULSE1_LEGAL_IMP_PER_KWH);
    unlock();
    /* two constants only */
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_PULSE1_CONSTANT, 2000u), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_PULSE1_CONSTANT, 99999u), 0x10, 0x03);
    cr_assert_eq(constant(), MED2_PULSE1_LEGAL_IMP_PER_KWH);
    to_test();
}

/* At 253 V x 80 A (the largest load) for 2 s: one pulse per 10 mWh of the
 * import register, nothing queued, each pulse 2 samples wide. */
Test(factory, pulse1_pulses_follow_the_register_at_full_load)
{
    sine_init(&gen, 253.0, 80.0, 0.0, 50.0);
    run_load(4000); /* the first windows */
    to_test();
    uint64_t e0 = meter_import_active_mwh(&m);
    hal_rec.n_edges = 0;
    run_load(8000);
    uint64_t mwh = meter_import_active_mwh(&m) - e0;
    unsigned pulses = edges_on(1, true, NULL);
    cr_assert_gt(mwh, 11000u, "2 s at 20 kW: %llu mWh", (unsigned long long)mwh);
    cr_assert_leq(mwh / PULSE_TEST_MWH_PER_PULSE - pulses, 1u, "%u pulses for %llu mWh", pulses,
                  (unsigned long long)mwh);
    cr_assert_leq(pulse_pending(&m.pulse1), 1u, "no queue at the largest load");
    for (size_t k = 0; k + 1 < hal_rec.n_edges; k++)
        if (hal_rec.edges[k].output == 1 && hal_rec.edges[k].active)
            cr_assert_eq(hal_rec.edges[k + 1].sample_time - hal_rec.edges[k].sample_time,
                         PULSE_TEST_WIDTH_SAMPLES);
}

Test(factory, pulse1_lock_seal_and_restart_give_the_legal_constant)
{
    to_test();
    mbf_expect_ok(command(MED2_FACTORY_CMD_LOCK), 0x06);
    cr_assert_eq(constant(), MED2_PULSE1_LEGAL_IMP_PER_KWH, "locked");
    to_test();
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_KEY, 1u), 0x10); /* a wrong key locks */
    cr_assert_eq(constant(), MED2_PULSE1_LEGAL_IMP_PER_KWH, "wrong key");
    to_test();
    meter_init(&m, &ident);
    cr_assert_eq(constant(), MED2_PULSE1_LEGAL_IMP_PER_KWH, "restart");
    to_test();
    mbf_expect_ok(command(MED2_FACTORY_CMD_SAVE), 0x06);
    mbf_expect_ok(command(MED2_FACTORY_CMD_SEAL), 0x06);
    cr_assert_eq(constant(), MED2_PULSE1_LEGAL_IMP_PER_KWH, "sealed");
    /* and the output really is back at 1 Wh, 100 ms */
    sine_init(&gen, 230.0, 20.0, 0.0, 50.0);
    run_load(4000);
    hal_rec.n_edges = 0;
    run_load(4000u * 4u); /* 4 s at 4.6 kW: 5.1 Wh */
    unsigned p = edges_on(1, true, NULL);
    cr_assert(p >= 4 && p <= 6, "%u pulses at 1 Wh", p);
    /* sealed: the key and the constant are refused */
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_KEY, MED2_FACTORY_KEY_VALUE), 0x10, 0x01);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_PULSE1_CONSTANT, MED2_PULSE1_TEST_IMP_PER_KWH), 0x10,
                  0x01);
}

/* Command 6: seconds on output 2 while output 1 keeps the test constant. */
Test(factory, pulse1_rtc_test_on_output_2_leaves_output_1_to_energy)
{
    sine_init(&gen, 230.0, 5.0, 0.0, 50.0);
    run_load(4000);
    to_test();
    hal_rec.rtc = 500u;
    mbf_expect_ok(command(MED2_FACTORY_CMD_RTC_TEST_PULSE2), 0x06);
    hal_rec.n_edges = 0;
    run_load(100);
    hal_rec.rtc = 501u;
    run_load(2000);
    hal_rec.rtc = 502u;
    run_load(2000);
    cr_assert_eq(edges_on(2, true, NULL), 2u, "a pulse per new second on output 2");
    unsigned p1 = edges_on(1, true, NULL);
    cr_assert(p1 >= 30u && p1 <= 35u, "1150 W at 10 mWh for 1.025 s: %u pulses on output 1", p1);
    mbf_expect_ok(command(MED2_FACTORY_CMD_RTC_TEST_END), 0x06);
    hal_rec.n_edges = 0;
    hal_rec.rtc = 503u;
    run_load(2000);
    cr_assert_eq(edges_on(2, true, NULL), 0u, "ended: output 2 back to its energy (1 varh, none at PF 1)");
}

Test(factory, pulse1_rtc_test_on_output_2_needs_output_2)
{
    boot(MED2_MODEL_B80_0W_01);
    unlock();
    uint8_t f[8];
    mbf_expect_ex(xfer(f, mbf_write_single(f, 1, MED2_ADDR_FACTORY_COMMAND,
                                           MED2_FACTORY_CMD_RTC_TEST_PULSE2)),
                  0x06, 0x03);
}
