/*
 * test_pulse_test.c — the factory test constant of pulse output 1
 * (FACTORY_PULSE1_CONSTANT, docs/factory.md): only with the key and while
 * unsealed, only the two constants, the pulses agree with the energy
 * register to the pulse at the largest load without queueing, and locking,
 * sealing and a restart all give the legal 1000 imp/kWh; the RTC test on
 * pulse output 2 leaves output 1 to the energy.
 */
#include <criterion/criterion.h>

#include "hal_record.h"
#include "mb_frames.h"
#include "meter.h"
#include "pulse_test.h"
#include "sine.h"

#define BOARD_SERIAL 24120009u

static struct meter m;
static struct meter_identity ident;
static struct sine_gen gen;

static void boot(enum med2_model model)
{
    hal_record_reset();
    ident = (struct meter_identity){.model = model, .serial = BOARD_SERIAL};
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
    if (hal_rec.total_frames == before)
        return NULL;
    static struct hal_frame keep;
    keep = hal_rec.frames[hal_rec.n_frames - 1];
    hal_rec.n_frames = 0;
    return &keep;
}

static const struct hal_frame *wr_u32(uint16_t a, uint32_t v)
{
    uint8_t f[300];
    uint16_t w[2] = {(uint16_t)(v >> 16), (uint16_t)v}; /* the block is big-endian */
    return xfer(f, mbf_write(f, 1, a, w, 2));
}

static const struct hal_frame *command(uint16_t cmd)
{
    uint8_t f[8];
    return xfer(f, mbf_write_single(f, 1, MED2_ADDR_FACTORY_COMMAND, cmd));
}

static uint32_t read_u32(uint16_t a)
{
    uint8_t f[8];
    const struct hal_frame *r = xfer(f, mbf_read(f, 1, a, 2));
    mbf_expect_ok(r, 0x03);
    return ((uint32_t)mbf_word(r, 0) << 16) | mbf_word(r, 1);
}

static uint32_t constant(void)
{
    return read_u32(MED2_ADDR_FACTORY_PULSE1_CONSTANT);
}

static void unlock(void)
{
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_KEY, MED2_FACTORY_KEY_VALUE), 0x10);
}

static void to_test(void)
{
    unlock();
    mbf_expect_ok(wr_u32(MED2_ADDR_FACTORY_PULSE1_CONSTANT, MED2_PULSE1_TEST_IMP_PER_KWH), 0x10);
    cr_assert_eq(constant(), MED2_PULSE1_TEST_IMP_PER_KWH);
}

/* n samples of the load set by sine_init. */
static void run(uint64_t n)
{
    int32_t v[80], i[80];
    while (n > 0) {
        size_t k = n < 80 ? (size_t)n : 80;
        sine_fill(&gen, v, i, k);
        meter_on_samples(&m, v, i, k);
        n -= k;
    }
}

static unsigned rising_on(unsigned output)
{
    unsigned n = 0;
    for (size_t k = 0; k < hal_rec.n_edges; k++)
        n += hal_rec.edges[k].output == output && hal_rec.edges[k].active;
    return n;
}

TestSuite(pulse_test, .init = setup_c80);

Test(pulse_test, legal_at_power_up_and_test_only_with_the_key)
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
Test(pulse_test, pulses_follow_the_register_at_full_load)
{
    sine_init(&gen, 253.0, 80.0, 0.0, 50.0);
    run(4000); /* the first windows */
    to_test();
    uint64_t e0 = meter_import_active_mwh(&m);
    hal_rec.n_edges = 0;
    run(8000);
    uint64_t mwh = meter_import_active_mwh(&m) - e0;
    unsigned pulses = rising_on(1);
    cr_assert_gt(mwh, 11000u, "2 s at 20 kW: %llu mWh", (unsigned long long)mwh);
    cr_assert_leq(mwh / PULSE_TEST_MWH_PER_PULSE - pulses, 1u, "%u pulses for %llu mWh", pulses,
                  (unsigned long long)mwh);
    cr_assert_leq(pulse_pending(&m.pulse1), 1u, "no queue at the largest load");
    for (size_t k = 0; k + 1 < hal_rec.n_edges; k++)
        if (hal_rec.edges[k].output == 1 && hal_rec.edges[k].active)
            cr_assert_eq(hal_rec.edges[k + 1].sample_time - hal_rec.edges[k].sample_time,
                         PULSE_TEST_WIDTH_SAMPLES);
}

Test(pulse_test, lock_seal_and_restart_give_the_legal_constant)
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
    run(4000);
    hal_rec.n_edges = 0;
    run(4000u * 4u); /* 4 s at 4.6 kW: 5.1 Wh */
    unsigned p = rising_on(1);
    cr_assert(p >= 4 && p <= 6, "%u pulses at 1 Wh", p);
    /* sealed: the key and the constant are refused */
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_KEY, MED2_FACTORY_KEY_VALUE), 0x10, 0x01);
    mbf_expect_ex(wr_u32(MED2_ADDR_FACTORY_PULSE1_CONSTANT, MED2_PULSE1_TEST_IMP_PER_KWH), 0x10,
                  0x01);
}

/* Command 6: seconds on output 2 while output 1 keeps the test constant. */
Test(pulse_test, rtc_test_on_output_2_leaves_output_1_to_energy)
{
    sine_init(&gen, 230.0, 5.0, 0.0, 50.0);
    run(4000);
    to_test();
    hal_rec.rtc = 500u;
    mbf_expect_ok(command(MED2_FACTORY_CMD_RTC_TEST_PULSE2), 0x06);
    hal_rec.n_edges = 0;
    run(100);
    hal_rec.rtc = 501u;
    run(2000);
    hal_rec.rtc = 502u;
    run(2000);
    cr_assert_eq(rising_on(2), 2u, "a pulse per new second on output 2");
    unsigned p1 = rising_on(1);
    cr_assert(p1 >= 30u && p1 <= 35u, "1150 W at 10 mWh for 1.025 s: %u pulses on output 1", p1);
    mbf_expect_ok(command(MED2_FACTORY_CMD_RTC_TEST_END), 0x06);
    hal_rec.n_edges = 0;
    hal_rec.rtc = 503u;
    run(2000);
    cr_assert_eq(rising_on(2), 0u, "ended: output 2 back to its energy (1 varh, none at PF 1)");
}

Test(pulse_test, rtc_test_on_output_2_needs_output_2)
{
    boot(MED2_MODEL_B80_0W_01);
    unlock();
    uint8_t f[8];
    mbf_expect_ex(xfer(f, mbf_write_single(f, 1, MED2_ADDR_FACTORY_COMMAND,
                                           MED2_FACTORY_CMD_RTC_TEST_PULSE2)),
                  0x06, 0x03);
}
