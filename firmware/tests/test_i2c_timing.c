/*
 * test_i2c_timing.c — the LCD bus's TIMINGR (boards/stm32g4/i2c_timing.c):
 * decoded as RM0440 §41.4.9 says the peripheral times SCL and SDA, the
 * result meets the I2C-bus specification (UM10204 Table 10) for fast and
 * standard mode from the 170 MHz kernel clock and from HSI16.
 */
#include <criterion/criterion.h>

#include "i2c_timing.h"

struct limits {
    double low, high, su_dat, vd_dat, rise, fall;
};
static const struct limits fast = {1300e-9, 600e-9, 100e-9, 900e-9, 300e-9, 300e-9};
static const struct limits standard = {4700e-9, 4000e-9, 250e-9, 3450e-9, 1000e-9, 300e-9};

static void check(uint32_t kernel_hz, uint32_t bus_hz, const struct limits *l)
{
    uint32_t t;
    cr_assert_eq(i2c_timing(kernel_hz, bus_hz, &t), 0, "%u Hz from %u Hz", bus_hz, kernel_hz);
    double tclk = 1.0 / kernel_hz;
    double tpresc = ((t >> 28) + 1u) * tclk;
    double scll = ((t & 0xFFu) + 1u) * tpresc;
    double sclh = (((t >> 8) & 0xFFu) + 1u) * tpresc;
    double sdadel = ((t >> 16) & 0xFu) * tpresc; /* SDADEL x tPRESC */
    double scldel = (((t >> 20) & 0xFu) + 1u) * tpresc;
    cr_assert_geq(scll, l->low, "SCL low %.3g s", scll);
    cr_assert_geq(sclh, l->high, "SCL high %.3g s", sclh);
    cr_assert_geq(scll + sclh, 1.0 / bus_hz - 1e-12, "SCL at most %u Hz", bus_hz);
    cr_assert_geq(scldel, l->rise + l->su_dat, "data setup after the slowest rise");
    /* RM0440: tf - tAF(min) - 3 tI2CCLK <= SDADEL x tPRESC <= tVD;DAT - tr - tAF(max) - 4 tI2CCLK */
    cr_assert_geq(sdadel, l->fall - 50e-9 - 3 * tclk, "data hold %.3g s", sdadel);
    cr_assert_leq(sdadel, l->vd_dat - l->rise - 260e-9 - 4 * tclk, "data valid %.3g s", sdadel);
    /* and not needlessly slow: within 10 % of the asked speed, sync delays aside */
    cr_assert_leq(scll + sclh, 1.1 / bus_hz, "SCL %.0f Hz", 1.0 / (scll + sclh));
}

Test(i2c_timing, fast_mode_from_170_mhz)
{
    check(170000000u, 400000u, &fast);
}

Test(i2c_timing, standard_mode_from_170_mhz)
{
    check(170000000u, 100000u, &standard);
}

Test(i2c_timing, from_hsi16)
{
    check(16000000u, 400000u, &fast);
    check(16000000u, 100000u, &standard);
}

Test(i2c_timing, faster_than_fast_mode_is_refused)
{
    uint32_t t;
    cr_assert_eq(i2c_timing(170000000u, 1000000u, &t), -1);
}
