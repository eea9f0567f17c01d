/*
 * i2c_timing.c — TIMINGR from the kernel clock; see i2c_timing.h.
 */
#include "i2c_timing.h"

#define NS_PER_S 1000000000ull
#define PRESC_MAX 16u  /* PRESC + 1 */
#define SCL_MAX 256u   /* SCLL + 1, SCLH + 1 */
#define DEL_MAX 16u    /* SCLDEL + 1; SDADEL <= 15 */

/* UM10204 Table 10, nanoseconds. */
struct i2c_mode {
    uint32_t max_hz, low_min, high_min, su_dat_min, vd_dat_max, rise_max, fall_max;
};
static const struct i2c_mode standard = {100000u, 4700u, 4000u, 250u, 3450u, 1000u, 300u};
static const struct i2c_mode fast = {400000u, 1300u, 600u, 100u, 900u, 300u, 300u};

/* Kernel cycles in `ns`, rounded up. */
static uint32_t cycles_up(uint64_t ns, uint32_t hz)
{
    return (uint32_t)((ns * hz + NS_PER_S - 1u) / NS_PER_S);
}

static uint32_t div_up(uint32_t a, uint32_t b)
{
    return (a + b - 1u) / b;
}

int i2c_timing(uint32_t kernel_hz, uint32_t bus_hz, uint32_t *timingr)
{
    const struct i2c_mode *mode = bus_hz <= standard.max_hz ? &standard : &fast;
    if (bus_hz == 0u || bus_hz > fast.max_hz) {
        return -1;
    }
    uint32_t low = cycles_up(mode->low_min, kernel_hz);
    uint32_t high = cycles_up(mode->high_min, kernel_hz);
    uint32_t period = div_up(kernel_hz, bus_hz);
    uint32_t setup = cycles_up(mode->rise_max + mode->su_dat_min, kernel_hz);
    /* data hold (RM0440): SDADEL x tPRESC between tf - tAF(min) - 3 tI2CCLK
     * and tVD;DAT - tr - tAF(max) - 4 tI2CCLK, in kernel cycles */
    uint32_t hold_min_c = cycles_up(mode->fall_max - I2C_ANALOG_FILTER_MIN_NS, kernel_hz);
    uint32_t hold_min = hold_min_c > 3u ? hold_min_c - 3u : 0u;
    uint64_t hold_max_ns = mode->vd_dat_max - mode->rise_max - I2C_ANALOG_FILTER_MAX_NS;
    uint32_t hold_max_c = (uint32_t)(hold_max_ns * kernel_hz / NS_PER_S);
    if (hold_max_c < 4u) {
        return -1;
    }
    uint32_t hold_max = hold_max_c - 4u;

    for (uint32_t p = 1; p <= PRESC_MAX; p++) {
        uint32_t scll = div_up(low, p), sclh = div_up(high, p);
        uint32_t total = div_up(period, p);
        if (scll + sclh < total) { /* stretch both to the period, low first */
            uint32_t extra = total - scll - sclh;
            scll += extra - extra / 2u;
            sclh += extra / 2u;
        }
        uint32_t scldel = div_up(setup, p);
        uint32_t sdadel = div_up(hold_min, p);
        if (scll > SCL_MAX || sclh > SCL_MAX || scldel > DEL_MAX || sdadel >= DEL_MAX ||
            sdadel * p > hold_max) {
            continue;
        }
        *timingr = ((p - 1u) << I2C_TIMINGR_PRESC_SHIFT) | ((scldel - 1u) << I2C_TIMINGR_SCLDEL_SHIFT) |
                   (sdadel << I2C_TIMINGR_SDADEL_SHIFT) | ((sclh - 1u) << I2C_TIMINGR_SCLH_SHIFT) |
                   ((scll - 1u) << I2C_TIMINGR_SCLL_SHIFT);
        return 0;
    }
    return -1;
}
