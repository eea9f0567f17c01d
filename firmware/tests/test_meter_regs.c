/*
 * test_meter_regs.c — the meter's registers through the frame handler,
 * bytes in and bytes out via the recording hal: every register of both
 * maps, the four byte orders, writes validated at every boundary, staging,
 * save / restart / defaults, the password with the manual's exact bytes,
 * exceptions and atomicity, broadcast, device identification, the clock,
 * the counter commands, and settings and energy across a reset.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "hal_record.h"
#include "mb_codec.h"
#include "mb_frames.h"
#include "meter.h"
#include "regmap.h"
#include "version.h"

static struct meter m;
static struct meter_identity ident;
static uint8_t slave_id = 1;

static void boot(enum med2_model model)
{
    hal_record_reset();
    ident = (struct meter_identity){.model = model, .serial = 12345678u};
    slave_id = 1;
    meter_init(&m, &ident);
}

/* An MCU reset: RAM is lost, NV and the RTC stay. */
static void reset_mcu(void)
{
    hal_record_reset_calls();
    meter_init(&m, &ident);
}

static void setup_c80(void)
{
    boot(MED2_MODEL_C80_1M_V3);
}

static enum med2_map map(void)
{
    return meter_register_map(m.info);
}

static uint16_t addr(enum med2_reg_id id)
{
    return regmap_table[id].address[map()];
}

/* Send one request; return its reply, or NULL when none came. */
static const struct hal_frame *xfer(const uint8_t *f, size_t n)
{
    size_t before = hal_rec.total_frames;
    meter_on_uart_rx(&m, f, n);
    meter_on_uart_idle(&m);
    if (hal_rec.total_frames == before) {
        return NULL;
    }
    cr_assert_eq(hal_rec.total_frames, before + 1, "one reply per request");
    cr_assert(hal_rec.n_frames > 0);
    const struct hal_frame *r = &hal_rec.frames[hal_rec.n_frames - 1];
    cr_assert(mbf_crc_ok(r), "reply CRC");
    if (hal_rec.n_frames == HAL_RECORD_MAX_FRAMES) {
        static struct hal_frame keep;
        keep = *r;
        hal_rec.n_frames = 0; /* keep recording */
        return &keep;
    }
    return r;
}

static const struct hal_frame *rd(uint16_t a, uint16_t qty)
{
    uint8_t f[8];
    return xfer(f, mbf_read(f, slave_id, a, qty));
}

static const struct hal_frame *wr(uint16_t a, const uint16_t *w, uint16_t n)
{
    uint8_t f[300];
    return xfer(f, mbf_write(f, slave_id, a, w, n));
}

static const struct hal_frame *wr1(uint16_t a, uint16_t v)
{
    uint8_t f[8];
    return xfer(f, mbf_write_single(f, slave_id, a, v));
}

static const struct hal_frame *wr_u32(enum med2_reg_id id, uint32_t v)
{
    uint16_t w[2];
    mb_words_from_u32(v, w);
    mb_words_endian(w, 2, (enum mb_endian)settings_endian(&m.applied));
    return wr(addr(id), w, 2);
}

/* The canonical words of the value at `a` (n words) in the current mode. */
static void read_words(uint16_t a, unsigned n, uint16_t *w)
{
    const struct hal_frame *r = rd(a, (uint16_t)n);
    mbf_expect_ok(r, 0x03);
    cr_assert_eq(r->data[2], 2 * n);
    for (unsigned k = 0; k < n; k++) {
        w[k] = mbf_word(r, k);
    }
    mb_words_endian(w, n, (enum mb_endian)settings_endian(&m.applied));
}

static uint32_t read_u32(enum med2_reg_id id)
{
    uint16_t w[2];
    read_words(addr(id), 2, w);
    return mb_words_to_u32(w);
}

static float read_float(enum med2_reg_id id)
{
    uint16_t w[2];
    read_words(addr(id), 2, w);
    return mb_words_to_float(w);
}

static double read_double(enum med2_reg_id id)
{
    uint16_t w[4];
    read_words(addr(id), 4, w);
    return mb_words_to_double(w);
}

/* The default password 0000001 in the manual's layout (6000 = NUL + last
 * digit, then pairs last to first). */
static const uint16_t default_pw[4] = {0x0031, 0x3030, 0x3030, 0x3030};

static void unlock(void)
{
    mbf_expect_ok(wr(6000, default_pw, 4), 0x10);
    cr_assert(m.session.unlocked);
}

static void save(void)
{
    mbf_expect_ok(wr1(2000, 100), 0x06);
}

TestSuite(regs, .init = setup_c80);

/* ---- reads ---- */

static void every_register_readable(enum med2_model model)
{
    boot(model);
    unsigned values = 0;
    for (unsigned k = 0; k < MED2_REG_COUNT; k++) {
        const struct med2_reg_info *r = &regmap_table[k];
        uint16_t a = r->address[map()];
        unsigned n = MED2_REG_WORDS(r->type);
        if (a == MED2_NA) {
            /* the other family's address, where this map has nothing */
            uint16_t other = r->address[map() == MED2_MAP_C80 ? MED2_MAP_B80 : MED2_MAP_C80];
            if (regmap_find(map(), other) == REGMAP_NONE) {
                mbf_expect_ex(rd(other, (uint16_t)n), 0x03, 0x02);
            }
            continue;
        }
        const struct hal_frame *f = rd(a, (uint16_t)n);
        if (r->access == MED2_A_W) {
            mbf_expect_ex(f, 0x03, 0x02);
            continue;
        }
        mbf_expect_ok(f, 0x03);
        cr_assert_eq(f->data[2], 2u * n, "%s: byte count", r->name);
        cr_assert_eq(f->len, 5u + 2u * n, "%s: length", r->name);
        values++;
    }
    cr_assert_gt(values, 0u);
}

Test(regs, every_c80_register_readable_with_its_length)
{
    every_register_readable(MED2_MODEL_C80_1M_V3);
    every_register_readable(MED2_MODEL_C80_1M_V3CT);
}

Test(regs, every_b80_register_readable_with_its_length)
{
    every_register_readable(MED2_MODEL_B80_1M_V2);
    every_register_readable(MED2_MODEL_B80_1M_V2CT);
}

Test(regs, settings_read_their_defaults)
{
    for (unsigned id = SETTINGS_FIRST_ID; id <= SETTINGS_LAST_ID; id++) {
        const struct med2_reg_info *r = &regmap_table[id];
        if (r->type == MED2_T_FLOAT) {
            cr_assert_eq(read_float((enum med2_reg_id)id), (float)r->def, "%s", r->name);
        } else {
            cr_assert_eq(read_u32((enum med2_reg_id)id), (uint32_t)r->def, "%s", r->name);
        }
    }
}

Test(regs, energy_registers_in_wh_with_mwh_resolution)
{
    for (unsigned k = 0; k < ENERGY_KIND_COUNT; k++) {
        for (unsigned s = 0; s < ENERGY_SLOT_COUNT; s++) {
            m.energy.c.mwh[k][s] = 1000000u * (k + 1) + 1000u * s + 7u;
        }
    }
    cr_assert_eq(read_double(MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY), 1000.007);
    cr_assert_eq(read_double(MED2_REG_T1_3_IMPORT_REACTIVE_ENERGY), 3004.007);
    cr_assert_eq(read_double(MED2_REG_PARTIAL_EXPORT_REACTIVE_ENERGY), 4007.007);
    cr_assert_eq(read_double(MED2_REG_T2_EXPORT_ACTIVE_ENERGY), 2006.007);
    /* balance: |import| - |export|, signed */
    cr_assert_eq(read_double(MED2_REG_BALANCE_ACTIVE_ENERGY), -1000.0);
    cr_assert_eq(read_double(MED2_REG_BALANCE_REACTIVE_ENERGY), -1000.0);
    /* the B80 map: T2 import active at 308 */
    boot(MED2_MODEL_B80_1M_V2);
    m.energy.c.mwh[ENERGY_IMPORT_ACTIVE][ENERGY_T2] = 42500u;
    uint16_t w[4];
    read_words(308, 4, w);
    cr_assert_eq(mb_words_to_double(w), 42.5);
}

Test(regs, runtime_values_and_phase_angle)
{
    /* each register reads its published value (metrology computes them:
     * test_metrology.c) */
    m.metrology.values.v_rms = 230.0f;
    m.metrology.values.phase_deg = 45.0f;
    m.metrology.values.thd_v_pct = 5.83f;
    m.metrology.values.thd_i_pct = 12.5f;
    cr_assert_eq(read_float(MED2_REG_VOLTAGE), 230.0f);
    cr_assert_eq(read_float(MED2_REG_PHASE_ANGLE), 45.0f);
    cr_assert_eq(read_float(MED2_REG_THDV), 5.83f);
    cr_assert_eq(read_float(MED2_REG_THDI), 12.5f);
    cr_assert_eq(read_float(MED2_REG_MAX_APPARENT_POWER_DEMAND), 0.0f);
}

/* ---- byte order ---- */

Test(regs, four_endian_modes_on_float_u32_double_chars_never)
{
    m.energy.c.mwh[ENERGY_IMPORT_ACTIVE][ENERGY_TOTAL] = 12345678u; /* 12345.678 Wh */
    uint16_t dw[4], fw[2];
    mb_words_from_double(12345.678, dw);
    mb_words_from_float(5.0f, fw); /* CT primary default */
    const uint16_t want_slave[4][2] = {{0x0000, 0x0001}, {0x0100, 0x0000}, {0x0000, 0x0100}, {0x0001, 0x0000}};
    const uint16_t want_float[4][2] = {
        {fw[0], fw[1]},
        {(uint16_t)(fw[1] << 8 | fw[1] >> 8), (uint16_t)(fw[0] << 8 | fw[0] >> 8)},
        {(uint16_t)(fw[0] << 8 | fw[0] >> 8), (uint16_t)(fw[1] << 8 | fw[1] >> 8)},
        {fw[1], fw[0]}};
    unlock();
    for (unsigned e = 0; e < 4; e++) {
        mbf_expect_ok(wr_u32(MED2_REG_ENDIAN, e), 0x10); /* written in the mode in force */
        save();
        cr_assert_eq(m.modbus.endian, (enum mb_endian)e);
        const struct hal_frame *r = rd(700, 2);
        cr_assert(mbf_word(r, 0) == want_slave[e][0] && mbf_word(r, 1) == want_slave[e][1],
                  "u32 in mode %u: %04x %04x", e, mbf_word(r, 0), mbf_word(r, 1));
        r = rd(824, 2);
        cr_assert(mbf_word(r, 0) == want_float[e][0] && mbf_word(r, 1) == want_float[e][1],
                  "float in mode %u", e);
        r = rd(300, 4);
        uint16_t w[4];
        for (unsigned k = 0; k < 4; k++) {
            w[k] = mbf_word(r, k);
        }
        if (e == 0) {
            cr_assert_arr_eq(w, dw, sizeof(dw));
        } else {
            cr_assert(memcmp(w, dw, sizeof(dw)) != 0, "mode %u reorders the double", e);
        }
        mb_words_endian(w, 4, (enum mb_endian)e);
        cr_assert_eq(mb_words_to_double(w), 12345.678, "double in mode %u", e);
        /* the password: the manual's layout whatever the mode */
        mbf_expect_ok(wr(6000, (const uint16_t[]){0x0031, 0x3030, 0x3030, 0x3031}, 4), 0x10);
        cr_assert_not(m.session.unlocked, "wrong password relocks, mode %u", e);
        mbf_expect_ok(wr(6000, default_pw, 4), 0x10);
        cr_assert(m.session.unlocked, "the manual's bytes unlock in mode %u", e);
        r = rd(6000, 4);
        for (unsigned k = 0; k < 4; k++) {
            cr_assert_eq(mbf_word(r, k), 0u, "password reads as zeros");
        }
    }
}

/* ---- writes: validation, staging, save ---- */

Test(regs, every_writable_setting_at_its_boundaries)
{
    unlock();
    for (unsigned id = SETTINGS_FIRST_ID; id <= SETTINGS_LAST_ID; id++) {
        const struct med2_reg_info *r = &regmap_table[id];
        if (r->access != MED2_A_RW || r->address[map()] == MED2_NA) {
            continue;
        }
        uint32_t lo = (uint32_t)r->min, hi = (uint32_t)r->max;
        if (strncmp(r->name, "MINUTE_", 7) == 0) {
            /* the entry's hour is at its max, 24, which allows minute 0 only */
            mbf_expect_ok(wr_u32((enum med2_reg_id)(id - 1), 0), 0x10);
        }
        uint32_t before = read_u32((enum med2_reg_id)id);
        if (lo > 0u) {
            mbf_expect_ex(wr_u32((enum med2_reg_id)id, lo - 1u), 0x10, 0x03);
            cr_assert_eq(read_u32((enum med2_reg_id)id), before, "%s unchanged", r->name);
        }
        mbf_expect_ex(wr_u32((enum med2_reg_id)id, hi + 1u), 0x10, 0x03);
        mbf_expect_ex(wr_u32((enum med2_reg_id)id, 0xFFFFFFFFu), 0x10, 0x03);
        cr_assert_eq(read_u32((enum med2_reg_id)id), before, "%s unchanged", r->name);
        mbf_expect_ok(wr_u32((enum med2_reg_id)id, lo), 0x10);
        cr_assert_eq(read_u32((enum med2_reg_id)id), lo, "%s staged at min", r->name);
        /* hour 24 needs minute 0 (the minute is at its min, 0, here) */
        mbf_expect_ok(wr_u32((enum med2_reg_id)id, hi), 0x10);
        cr_assert_eq(read_u32((enum med2_reg_id)id), hi, "%s staged at max", r->name);
    }
    cr_assert_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 15u, "nothing applied yet");
}

Test(regs, read_only_and_partial_writes_are_02)
{
    unlock();
    mbf_expect_ex(wr_u32(MED2_REG_PULSE1_SOURCE, 1), 0x10, 0x02);
    mbf_expect_ex(wr(824, (const uint16_t[]){0x40A0, 0}, 2), 0x10, 0x02); /* CT primary: read-only */
    mbf_expect_ex(wr(0, (const uint16_t[]){0, 0}, 2), 0x10, 0x02);
    mbf_expect_ex(wr1(712, 30), 0x06, 0x02);                          /* 06 on half a uint32 */
    mbf_expect_ex(wr(713, (const uint16_t[]){30}, 1), 0x10, 0x02);     /* low half */
    mbf_expect_ex(wr(712, (const uint16_t[]){0, 30, 0}, 3), 0x10, 0x02); /* one and a half */
    mbf_expect_ex(wr1(6000, 0x31), 0x06, 0x02);                        /* half the password chars */
    mbf_expect_ex(wr(100, (const uint16_t[]){0, 0}, 2), 0x10, 0x02);   /* unmapped */
    mbf_expect_ex(wr1(2001, 100), 0x06, 0x02);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 15u);
}

Test(regs, refused_multi_register_write_changes_nothing)
{
    unlock();
    /* method, period, sub-interval: the last is out of range */
    mbf_expect_ex(wr(710, (const uint16_t[]){0, 2, 0, 30, 0, 61}, 6), 0x10, 0x03);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_METHOD), 1u);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 15u);
    cr_assert_eq(read_u32(MED2_REG_SUB_INTERVAL), 1u);
    /* running into a read-only value: 02 before any value is looked at */
    mbf_expect_ex(wr(710, (const uint16_t[]){0, 2, 0, 30, 0, 5, 0, 1}, 8), 0x10, 0x02);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_METHOD), 1u);
    /* a schedule entry made inconsistent by the request as a whole */
    mbf_expect_ex(wr(836, (const uint16_t[]){0, 2, 0, 24, 0, 30}, 6), 0x10, 0x03);
    cr_assert_eq(read_u32(MED2_REG_TARIFF_1), 1u);
    cr_assert_eq(read_u32(MED2_REG_HOUR_1), 0u);
    mbf_expect_ok(wr(836, (const uint16_t[]){0, 2, 0, 24, 0, 0}, 6), 0x10);
    mbf_expect_ex(wr_u32(MED2_REG_MINUTE_1, 1), 0x10, 0x03); /* 24:01 with the staged hour */
    cr_assert_eq(read_u32(MED2_REG_HOUR_1), 24u);
    /* and the whole good request applies */
    mbf_expect_ok(wr(710, (const uint16_t[]){0, 2, 0, 30, 0, 5}, 6), 0x10);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_METHOD), 2u);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 30u);
    cr_assert_eq(read_u32(MED2_REG_SUB_INTERVAL), 5u);
}

Test(regs, save_applies_and_persists_restart_drops_unsaved)
{
    unlock();
    mbf_expect_ok(wr_u32(MED2_REG_DEMAND_PERIOD, 30), 0x10);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 30u, "reads return the staged value");
    cr_assert_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 15u);
    /* restart: the reply first, then the reset; unsaved changes are lost */
    mbf_expect_ok(wr1(2000, 120), 0x06);
    cr_assert_eq(hal_rec.restarts, 1u);
    reset_mcu();
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 15u);
    cr_assert_not(m.session.unlocked, "a reset forgets the password");
    mbf_expect_ex(wr_u32(MED2_REG_DEMAND_PERIOD, 30), 0x10, 0x01);
    unlock();
    mbf_expect_ok(wr_u32(MED2_REG_DEMAND_PERIOD, 30), 0x10);
    mbf_expect_ok(wr_u32(MED2_REG_PULSE2_SOURCE, 2), 0x10);
    save();
    cr_assert_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 30u);
    reset_mcu();
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 30u, "saved settings survive a reset");
    cr_assert_eq(read_u32(MED2_REG_PULSE2_SOURCE), 2u);
    cr_assert_eq(m.nv.status[NVSTORE_SETTINGS], NVSTORE_OK);
}

Test(regs, return_to_defaults_keeps_energy)
{
    m.energy.c.mwh[ENERGY_IMPORT_ACTIVE][ENERGY_TOTAL] = 5000000u;
    m.energy.c.mwh[ENERGY_IMPORT_ACTIVE][ENERGY_T1] = 5000000u;
    unlock();
    mbf_expect_ok(wr_u32(MED2_REG_DEMAND_METHOD, 0), 0x10);
    mbf_expect_ok(wr_u32(MED2_REG_TARIFF_4, 3), 0x10);
    save();
    mbf_expect_ok(wr1(2000, 110), 0x06);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_METHOD), 1u);
    cr_assert_eq(read_u32(MED2_REG_TARIFF_4), 0u);
    cr_assert_eq(read_double(MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY), 5000.0);
    reset_mcu();
    cr_assert_eq(read_u32(MED2_REG_DEMAND_METHOD), 1u, "defaults were saved");
    cr_assert_eq(read_double(MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY), 5000.0, "energy never reset");
    cr_assert_eq(read_double(MED2_REG_T1_IMPORT_ACTIVE_ENERGY), 5000.0);
}

Test(regs, serial_settings_apply_after_the_save_reply)
{
    unlock();
    hal_rec.n_configs = 0;
    mbf_expect_ok(wr_u32(MED2_REG_BAUDRATE, 3), 0x10);  /* 9600 */
    mbf_expect_ok(wr_u32(MED2_REG_PARITY, 2), 0x10);    /* even */
    mbf_expect_ok(wr_u32(MED2_REG_STOPBIT, 1), 0x10);   /* 2 */
    mbf_expect_ok(wr_u32(MED2_REG_SLAVE_ID, 17), 0x10);
    cr_assert_eq(hal_rec.n_configs, 0u, "staged only");
    const struct hal_frame *r = wr1(2000, 100);
    mbf_expect_ok(r, 0x06);
    cr_assert_eq(r->data[0], 1, "the reply to save comes from the old address");
    cr_assert_eq(hal_rec.n_configs, 1u);
    const struct hal_uart_config *c = &hal_rec.configs[0];
    cr_assert_eq(c->baud, 9600u);
    cr_assert_eq(c->parity, 'E');
    cr_assert_eq(c->stop_bits, 2u);
    cr_assert_gt(c->seq, r->seq, "configured after the reply was sent");
    cr_assert_null(rd(0, 2), "the old address is not answered any more");
    slave_id = 17;
    mbf_expect_ok(rd(0, 2), 0x03);
    /* a reset comes up with the saved line */
    reset_mcu();
    cr_assert_eq(hal_rec.n_configs, 1u);
    cr_assert_eq(hal_rec.configs[0].baud, 9600u);
    mbf_expect_ok(rd(0, 2), 0x03);
}

Test(regs, power_up_configures_the_default_line)
{
    cr_assert_eq(hal_rec.n_configs, 1u);
    cr_assert_eq(hal_rec.configs[0].baud, 38400u);
    cr_assert_eq(hal_rec.configs[0].parity, 'N');
    cr_assert_eq(hal_rec.configs[0].stop_bits, 1u);
}

/* ---- the password ---- */

Test(regs, password_gates_every_write)
{
    mbf_expect_ex(wr_u32(MED2_REG_DEMAND_PERIOD, 30), 0x10, 0x01);
    mbf_expect_ex(wr1(2000, 100), 0x06, 0x01);
    mbf_expect_ex(wr1(3000, 200), 0x06, 0x01);
    mbf_expect_ex(wr_u32(MED2_REG_HOUR, 5), 0x10, 0x01);
    /* address errors come before the lock, value errors after it */
    mbf_expect_ex(wr_u32(MED2_REG_PULSE1_SOURCE, 1), 0x10, 0x02);
    unlock();
    mbf_expect_ok(wr_u32(MED2_REG_DEMAND_PERIOD, 30), 0x10);
    mbf_expect_ok(wr1(3000, 210), 0x06);
    /* it stays entered ... */
    mbf_expect_ok(wr_u32(MED2_REG_DEMAND_PERIOD, 20), 0x10);
    /* ... until a wrong password is written */
    mbf_expect_ok(wr(6000, (const uint16_t[]){0x0032, 0x3030, 0x3030, 0x3030}, 4), 0x10);
    mbf_expect_ex(wr_u32(MED2_REG_DEMAND_PERIOD, 25), 0x10, 0x01);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 20u);
}

Test(regs, manual_example_password_1234567)
{
    memcpy(m.applied.password, "1234567", 8); /* as set in the menu */
    mbf_expect_ok(wr(6000, default_pw, 4), 0x10);
    cr_assert_not(m.session.unlocked);
    /* manual §5: 6000 = 0x0037, 6001 = 0x3635, 6002 = 0x3433, 6003 = 0x3231 */
    uint8_t f[32];
    const uint8_t req[] = {1, 0x10, 0x17, 0x70, 0x00, 0x04, 0x08, 0x00, 0x37, 0x36, 0x35, 0x34, 0x33, 0x32, 0x31};
    memcpy(f, req, sizeof(req));
    mbf_expect_ok(xfer(f, mbf_frame(f, f, sizeof(req))), 0x10);
    cr_assert(m.session.unlocked);
    mbf_expect_ok(wr_u32(MED2_REG_DEMAND_PERIOD, 30), 0x10);
    /* the two values of the manual's table may come one by one */
    mbf_expect_ok(wr(6000, (const uint16_t[]){0x0000, 0x0000}, 2), 0x10);
    cr_assert_not(m.session.unlocked);
    mbf_expect_ok(wr(6000, (const uint16_t[]){0x0037, 0x3635}, 2), 0x10);
    mbf_expect_ok(wr(6002, (const uint16_t[]){0x3433, 0x3231}, 2), 0x10);
    cr_assert(m.session.unlocked);
    const struct hal_frame *r = rd(6000, 4);
    for (unsigned k = 0; k < 4; k++) {
        cr_assert_eq(mbf_word(r, k), 0u, "reads never return the password");
    }
}

/* ---- commands ---- */

Test(regs, command_values_checked)
{
    unlock();
    mbf_expect_ex(wr1(2000, 101), 0x06, 0x03);
    mbf_expect_ex(wr1(2000, 0), 0x06, 0x03);
    mbf_expect_ex(wr1(3000, 100), 0x06, 0x03);
    mbf_expect_ex(wr1(3000, 230), 0x06, 0x03);
    mbf_expect_ok(wr(3000, (const uint16_t[]){220}, 1), 0x10); /* 10 works for commands too */
    cr_assert(energy_t2_active(&m.energy));
}

Test(regs, counter_commands)
{
    unlock();
    cr_assert_not(energy_partial_running(&m.energy));
    mbf_expect_ok(wr1(3000, 210), 0x06);
    cr_assert(energy_partial_running(&m.energy));
    m.energy.c.mwh[ENERGY_IMPORT_ACTIVE][ENERGY_PARTIAL] = 777u;
    mbf_expect_ok(wr1(3000, 200), 0x06);
    cr_assert_eq(read_double(MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY), 0.0);
    cr_assert(energy_partial_running(&m.energy), "reset does not stop it");
    mbf_expect_ok(wr1(3000, 220), 0x06);
    cr_assert(energy_t2_active(&m.energy));
    /* the counters' state was saved with the command: it survives a reset */
    reset_mcu();
    cr_assert(energy_t2_active(&m.energy));
    cr_assert(energy_partial_running(&m.energy));
}

Test(regs, models_without_rs485_have_no_public_map)
{
    /* Every RS485 model has the partial counter and >= 2 tariffs, so "a
     * command the model lacks" (01) cannot be reached over Modbus any more:
     * the models that lack them have only the factory test port, where the
     * public map is 02 (docs/factory.md; test_factory.c tests that port). */
    boot(MED2_MODEL_B80_0M_02);
    mbf_expect_ex(wr(6000, default_pw, 4), 0x10, 0x02);
    mbf_expect_ex(wr1(3000, 220), 0x06, 0x02);
    mbf_expect_ex(rd(0, 2), 0x03, 0x02);
    boot(MED2_MODEL_B80_1M_V2);
    unlock();
    mbf_expect_ok(wr1(3000, 220), 0x06);
}

Test(regs, save_fails_cleanly_when_nv_fails)
{
    unlock();
    mbf_expect_ok(wr_u32(MED2_REG_DEMAND_PERIOD, 30), 0x10);
    hal_rec.nv_fail_writes = true;
    mbf_expect_ex(wr1(2000, 100), 0x06, 0x04);
    cr_assert_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 15u, "not applied");
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 30u, "still staged");
    hal_rec.nv_fail_writes = false;
    save();
    cr_assert_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 30u);
}

/* ---- broadcast ---- */

Test(regs, broadcast_write_applied_without_reply)
{
    slave_id = 0;
    cr_assert_null(wr(6000, default_pw, 4));
    cr_assert(m.session.unlocked);
    cr_assert_null(wr_u32(MED2_REG_DEMAND_PERIOD, 45));
    cr_assert_null(wr1(2000, 100));
    cr_assert_eq(hal_rec.total_frames, 0u);
    cr_assert_eq(settings_get(&m.applied, MED2_REG_DEMAND_PERIOD), 45u);
    cr_assert_null(rd(0, 2), "broadcast reads are not answered");
    slave_id = 1;
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 45u);
}

/* ---- quantities ---- */

Test(regs, quantity_and_byte_count_limits)
{
    mbf_expect_ex(rd(300, 0), 0x03, 0x03);
    mbf_expect_ex(rd(300, 126), 0x03, 0x03);
    const struct hal_frame *r = rd(300, 125);
    mbf_expect_ok(r, 0x03);
    cr_assert_eq(r->data[2], 250);
    uint8_t f[300];
    uint16_t w[2] = {0, 30};
    size_t n = mbf_write(f, 1, 712, w, 2);
    f[6] = 5; /* byte count wrong */
    mbf_frame(f, f, n - 2);
    unlock();
    meter_on_uart_rx(&m, f, n - 1); /* the slave sizes it by the byte count: wait */
    meter_on_uart_idle(&m);
    n = mbf_write(f, 1, 712, w, 2);
    f[5] = 0; /* quantity 0 */
    f[6] = 4;
    mbf_frame(f, f, n - 2);
    mbf_expect_ex(xfer(f, n), 0x10, 0x03);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 15u);
}

/* ---- device identification ---- */

Test(regs, device_identification)
{
    uint8_t f[8];
    const struct hal_frame *r = xfer(f, mbf_devid(f, 1, 0x03, 0x00));
    mbf_expect_ok(r, 0x2B);
    cr_assert_eq(r->data[4], 0x83, "conformity: extended, stream and individual");
    cr_assert_eq(r->data[5], 0x00);
    unsigned n = r->data[7];
    cr_assert_eq(n, 8u);
    char legal[SWID_TEXT_LEN];
    swid_text(legal);
    cr_assert_eq(strncmp(legal, "L1.0-", 5), 0, "the legal software's id: %s", legal);
    const char *want[] = {"Klemsan", "606365", MED2_FW_VERSION, "www.klemsan.com.tr",
                          "MED2", "C80-1M-V3", "12345678", legal};
    const uint8_t ids[] = {0, 1, 2, 3, 4, 5, 0x80, 0x81};
    size_t p = 8;
    for (unsigned k = 0; k < n; k++) {
        cr_assert_eq(r->data[p], ids[k]);
        cr_assert_eq(r->data[p + 1], strlen(want[k]), "object %u length", k);
        cr_assert_arr_eq(&r->data[p + 2], want[k], strlen(want[k]), "object %u", k);
        p += 2u + r->data[p + 1];
    }
    r = xfer(f, mbf_devid(f, 1, 0x01, 0x00));
    cr_assert_eq(r->data[7], 3u, "basic: vendor, product code, revision");
    r = xfer(f, mbf_devid(f, 1, 0x04, 0x80));
    cr_assert_eq(r->data[7], 1u);
    cr_assert_arr_eq(&r->data[10], "12345678", 8);
    mbf_expect_ex(xfer(f, mbf_devid(f, 1, 0x04, 0x42)), 0x2B, 0x02);
    boot(MED2_MODEL_B80_1M_V2CT);
    r = xfer(f, mbf_devid(f, 1, 0x04, 0x01));
    cr_assert_arr_eq(&r->data[10], "606364", 6, "product code = order number");
}

/* ---- the clock ---- */

static uint32_t seconds_at(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
    struct calendar_time t = {(uint16_t)y, (uint8_t)mo, (uint8_t)d, (uint8_t)h, (uint8_t)mi, (uint8_t)s};
    return calendar_to_seconds(&t);
}

Test(regs, date_time_reads_and_writes_the_rtc)
{
    hal_rec.rtc = seconds_at(2026, 3, 14, 15, 9, 26);
    uint16_t w[12];
    read_words(600, 2, w);
    const struct hal_frame *r = rd(600, 12);
    const uint32_t want[] = {14, 3, 26, 15, 9, 26};
    for (unsigned k = 0; k < 6; k++) {
        cr_assert_eq(((uint32_t)mbf_word(r, 2 * k) << 16) | mbf_word(r, 2 * k + 1), want[k], "field %u", k);
    }
    unlock();
    /* all six at once: 29 Feb 2028 12:34:56, set at once (a clock runs) */
    const uint16_t dt[] = {0, 29, 0, 2, 0, 28, 0, 12, 0, 34, 0, 56};
    mbf_expect_ok(wr(600, dt, 12), 0x10);
    cr_assert_eq(hal_rec.rtc, seconds_at(2028, 2, 29, 12, 34, 56));
    /* one field: the rest stays */
    mbf_expect_ok(wr_u32(MED2_REG_HOUR, 5), 0x10);
    cr_assert_eq(hal_rec.rtc, seconds_at(2028, 2, 29, 5, 34, 56));
    /* 29 February of 2029 does not exist: 03, clock unchanged */
    unsigned sets = hal_rec.rtc_sets;
    mbf_expect_ex(wr_u32(MED2_REG_YEAR, 29), 0x10, 0x03);
    const uint16_t feb31[] = {0, 31, 0, 2};
    mbf_expect_ex(wr(600, feb31, 4), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_REG_DAY, 0), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_REG_DAY, 32), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_REG_MONTH, 13), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_REG_YEAR, 100), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_REG_HOUR, 24), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_REG_MINUTE, 60), 0x10, 0x03);
    mbf_expect_ex(wr_u32(MED2_REG_SECOND, 60), 0x10, 0x03);
    cr_assert_eq(hal_rec.rtc_sets, sets);
    cr_assert_eq(hal_rec.rtc, seconds_at(2028, 2, 29, 5, 34, 56));
    /* but moving day and month together is fine */
    const uint16_t mar31[] = {0, 31, 0, 3};
    mbf_expect_ok(wr(600, mar31, 4), 0x10);
    cr_assert_eq(hal_rec.rtc, seconds_at(2028, 3, 31, 5, 34, 56));
    boot(MED2_MODEL_B80_1M_V2);
    unlock();
    mbf_expect_ex(wr(600, dt, 12), 0x10, 0x02); /* no clock registers on the B80 */
}

Test(regs, tariff_schedule_selects_the_sub_tariff)
{
    unlock();
    /* entry 2: T1-3 from 06:00 */
    mbf_expect_ok(wr(842, (const uint16_t[]){0, 3, 0, 6, 0, 0}, 6), 0x10);
    hal_rec.rtc = seconds_at(2026, 1, 1, 7, 0, 0);
    meter_on_tick(&m, 1);
    cr_assert_eq(m.energy.sub_tariff, 1, "staged, not applied yet");
    save();
    meter_on_tick(&m, 1);
    cr_assert_eq(m.energy.sub_tariff, 3);
    hal_rec.rtc = seconds_at(2026, 1, 2, 5, 59, 0);
    meter_on_tick(&m, 1);
    cr_assert_eq(m.energy.sub_tariff, 1);
    /* setting the clock selects again at once */
    const uint16_t hour[] = {0, 6};
    mbf_expect_ok(wr(606, hour, 2), 0x10);
    meter_on_tick(&m, 1);
    cr_assert_eq(m.energy.sub_tariff, 3);
}

/* ---- energy in NV ---- */

Test(regs, energy_saved_every_period_and_restored)
{
    m.energy.c.mwh[ENERGY_IMPORT_ACTIVE][ENERGY_TOTAL] = 1234u;
    unsigned w0 = hal_rec.nv_writes;
    for (unsigned k = 0; k < METER_ENERGY_SAVE_PERIOD_MS / 1000u - 1u; k++) {
        meter_on_tick(&m, 1000);
    }
    cr_assert_eq(hal_rec.nv_writes, w0, "not before the save period");
    meter_on_tick(&m, 1000);
    cr_assert_geq(hal_rec.nv_writes, w0 + 1);
    m.energy.c.mwh[ENERGY_IMPORT_ACTIVE][ENERGY_TOTAL] = 2000u; /* lost by a hard cut */
    reset_mcu();
    cr_assert_eq(meter_import_active_mwh(&m), 1234u);
    cr_assert_eq(m.nv.status[NVSTORE_ENERGY], NVSTORE_OK);
    m.energy.c.mwh[ENERGY_IMPORT_ACTIVE][ENERGY_TOTAL] = 3000u;
    meter_on_power_fail(&m);
    reset_mcu();
    cr_assert_eq(meter_import_active_mwh(&m), 3000u, "the power-fail warning saves");
}

Test(regs, corrupt_nv_starts_at_defaults_and_says_so)
{
    unlock();
    mbf_expect_ok(wr_u32(MED2_REG_DEMAND_PERIOD, 30), 0x10);
    save();
    save();
    for (unsigned c = 0; c < 2; c++) {
        hal_rec.nv[nvstore_slot_offset(NVSTORE_SETTINGS, c) + 20] ^= 0x55;
        hal_rec.nv[nvstore_slot_offset(NVSTORE_ENERGY, c) + 20] ^= 0x55;
    }
    reset_mcu();
    cr_assert_eq(m.nv.status[NVSTORE_SETTINGS], NVSTORE_CORRUPT);
    cr_assert_eq(m.nv.status[NVSTORE_ENERGY], NVSTORE_CORRUPT);
    cr_assert_eq(read_u32(MED2_REG_DEMAND_PERIOD), 15u);
    boot(MED2_MODEL_C80_1M_V3);
    cr_assert_eq(m.nv.status[NVSTORE_SETTINGS], NVSTORE_BLANK, "a new unit is blank, not corrupt");
}
