/*
 * test_ads131m02.c — the STM32G4 board's AFE driver (boards/stm32g4/
 * ads131m02.c) against a model of the part (ads131m02_model.c): bring-up
 * to 4000 samples/s at the configured gains (again after an MCU reset
 * that left the part configured), codes of both channels with
 * their sign, frames that fail their CRC, a part that drops commands with
 * a bad CRC, an absent part, configurations no OSR or PGA setting gives.
 */
#include <criterion/criterion.h>

#include "ads131m02.h"
#include "ads131m02_model.h"

#define CLKIN_HZ 8192000u

static struct ads131m02_model part;
static struct spi_bus bus;
static struct ads131m02 afe;
static const struct ads131m02_config meter_cfg = {
    .clkin_hz = CLKIN_HZ, .rate_hz = 4000u, .gain_ch0 = 1u, .gain_ch1 = 64u};

static void setup(void)
{
    ads131m02_model_init(&part);
    bus = ads131m02_model_bus(&part);
}

TestSuite(ads131m02, .init = setup);

Test(ads131m02, crc_is_crc16_ccitt_false)
{
    /* CRC catalogue, CRC-16/IBM-3740 (CCITT-FALSE): check = 0x29B1 */
    const uint8_t s[] = "123456789";
    cr_assert_eq(ads131m02_crc(s, 9, ADS131M02_CRC_SEED), 0x29B1);
}

Test(ads131m02, osr_for_the_data_rate)
{
    /* datasheet Table 8-3: data rates at CLKIN 8.192 MHz, high resolution */
    cr_assert_eq(ads131m02_osr_code(CLKIN_HZ, 4000u), 3, "OSR 1024");
    cr_assert_eq(ads131m02_osr_code(CLKIN_HZ, 32000u), 0, "OSR 128");
    cr_assert_eq(ads131m02_osr_code(CLKIN_HZ, 500u), 6, "OSR 8192");
    cr_assert_eq(ads131m02_osr_code(CLKIN_HZ, 250u), -1, "OSR 16256 gives 251.97/s");
    cr_assert_eq(ads131m02_osr_code(8000000u, 4000u), -1, "8 MHz gives no whole 4 kHz");
    cr_assert_eq(ads131m02_gain_code(64u), 6);
    cr_assert_eq(ads131m02_gain_code(3u), -1);
}

Test(ads131m02, start_sets_4000_samples_per_second_and_the_gains)
{
    cr_assert_eq(ads131m02_start(&afe, &bus, &meter_cfg), ADS131M02_OK);
    cr_assert_eq(ads131m02_model_rate(&part, CLKIN_HZ), 4000u);
    cr_assert_eq(ads131m02_model_gain(&part, 0), 1u);
    cr_assert_eq(ads131m02_model_gain(&part, 1), 64u);
    cr_assert(part.reg[ADS131M02_REG_MODE] & ADS131M02_MODE_RX_CRC_EN, "input CRC checked");
    cr_assert_not(part.reg[ADS131M02_REG_MODE] & ADS131M02_MODE_RESET, "reset flag cleared");
    cr_assert_eq(part.rejected, 0u, "every frame the driver sent had a good CRC");
    cr_assert_eq(part.faults, 0u);
    cr_assert_geq(part.delay_us, 5u, "waited after the reset");
}

Test(ads131m02, start_resets_what_was_there)
{
    part.reg[ADS131M02_REG_CLOCK] = 0x0000u; /* channels off */
    part.reg[ADS131M02_REG_CFG] = 0x1234u;   /* a register the driver never writes */
    cr_assert_eq(ads131m02_start(&afe, &bus, &meter_cfg), ADS131M02_OK);
    cr_assert_eq(part.reg[ADS131M02_REG_CFG], 0x0600u, "reset value: the RESET command ran");
    cr_assert_eq(ads131m02_model_rate(&part, CLKIN_HZ), 4000u);
}

Test(ads131m02, starts_again_after_an_mcu_reset)
{
    /* the MCU resets (command 120, a fault), the AFE keeps its registers:
     * input CRC checked from the first start on, so the RESET must carry one */
    cr_assert_eq(ads131m02_start(&afe, &bus, &meter_cfg), ADS131M02_OK);
    part.reg[ADS131M02_REG_GAIN] = 0x0000u; /* as if something had changed it */
    cr_assert_eq(ads131m02_start(&afe, &bus, &meter_cfg), ADS131M02_OK);
    cr_assert_eq(ads131m02_model_gain(&part, 1), 64u);
    cr_assert_eq(part.rejected, 0u);
}

Test(ads131m02, reads_both_channels_with_their_sign)
{
    cr_assert_eq(ads131m02_start(&afe, &bus, &meter_cfg), ADS131M02_OK);
    part.input_v[0] = 0.6;    /* half of 1.2 V at gain 1 */
    part.input_v[1] = -0.010; /* -10 mV at gain 64: -0.5333 of full scale */
    struct ads131m02_sample s;
    cr_assert_eq(ads131m02_read(&afe, &s), ADS131M02_OK);
    cr_assert_eq(s.ch0, 4194304);
    cr_assert_eq(s.ch1, -4473924);
    cr_assert_eq(s.response & (ADS131M02_STATUS_DRDY0 | ADS131M02_STATUS_DRDY1), 0x3u, "STATUS");
    for (int k = 0; k < 100; k++) {
        cr_assert_eq(ads131m02_read(&afe, &s), ADS131M02_OK);
    }
    cr_assert_eq(part.rejected, 0u, "the sampling frames carry a good CRC too");
}

Test(ads131m02, a_disturbed_frame_fails_its_crc)
{
    cr_assert_eq(ads131m02_start(&afe, &bus, &meter_cfg), ADS131M02_OK);
    uint32_t before = afe.crc_errors;
    part.input_v[0] = 0.3;
    part.disturb_next = true;
    struct ads131m02_sample s = {.ch0 = 12345};
    cr_assert_eq(ads131m02_read(&afe, &s), ADS131M02_ERR_CRC);
    cr_assert_eq(s.ch0, 12345, "a bad frame leaves the sample alone");
    cr_assert_eq(afe.crc_errors, before + 1u);
    cr_assert_eq(ads131m02_read(&afe, &s), ADS131M02_OK);
    cr_assert_eq(s.ch0, 2097152);
}

Test(ads131m02, the_part_drops_a_command_with_a_bad_crc)
{
    cr_assert_eq(ads131m02_start(&afe, &bus, &meter_cfg), ADS131M02_OK);
    uint16_t gain = 0x0077u;
    uint8_t frame[ADS131M02_FRAME_BYTES], rx[ADS131M02_FRAME_BYTES];
    size_t n = ads131m02_encode(ADS131M02_CMD_WREG | (ADS131M02_REG_GAIN << 7), &gain, 1, frame,
                                sizeof frame);
    cr_assert_eq(n, ADS131M02_FRAME_BYTES);
    frame[7] ^= 0x01u; /* the CRC word, corrupted on the way */
    bus.select(bus.ctx, true);
    bus.transfer(bus.ctx, frame, rx, n);
    bus.select(bus.ctx, false);
    cr_assert_eq(part.rejected, 1u);
    cr_assert_eq(ads131m02_model_gain(&part, 1), 64u, "GAIN unchanged");
    struct ads131m02_sample s;
    cr_assert_eq(ads131m02_read(&afe, &s), ADS131M02_OK);
    cr_assert(s.response & ADS131M02_STATUS_CRC_ERR, "STATUS says why");

    frame[7] ^= 0x01u; /* as encoded: accepted */
    bus.select(bus.ctx, true);
    bus.transfer(bus.ctx, frame, rx, n);
    bus.select(bus.ctx, false);
    cr_assert_eq(ads131m02_model_gain(&part, 1), 128u);
}

Test(ads131m02, an_absent_part_is_reported)
{
    part.absent = true;
    cr_assert_eq(ads131m02_start(&afe, &bus, &meter_cfg), ADS131M02_ERR_NO_DEVICE);
}

Test(ads131m02, a_configuration_the_part_cannot_run_is_refused)
{
    struct ads131m02_config c = meter_cfg;
    c.clkin_hz = 8000000u;
    cr_assert_eq(ads131m02_start(&afe, &bus, &c), ADS131M02_ERR_CONFIG);
    c = meter_cfg;
    c.gain_ch1 = 48u;
    cr_assert_eq(ads131m02_start(&afe, &bus, &c), ADS131M02_ERR_CONFIG);
    cr_assert_eq(part.frames, 0u, "refused before touching the part");
}
