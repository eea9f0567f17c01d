/*
 * i2c_timing.h — the I2C master's TIMINGR for a bus speed (RM0440 §41.4.9,
 * "I2C timings"), from the I2C-bus specification's limits (NXP UM10204
 * Table 10) for standard mode (<= 100 kHz) and fast mode (<= 400 kHz).
 *
 * Host-testable: i2c_master.c applies what this computes.
 */
#ifndef I2C_TIMING_H
#define I2C_TIMING_H

#include <stdint.h>

#define I2C_TIMINGR_PRESC_SHIFT 28
#define I2C_TIMINGR_SCLDEL_SHIFT 20
#define I2C_TIMINGR_SDADEL_SHIFT 16
#define I2C_TIMINGR_SCLH_SHIFT 8
#define I2C_TIMINGR_SCLL_SHIFT 0

/* The analog noise filter's delay (RM0440: 50 ns min, 260 ns max; on by
 * default, the digital filter off). */
#define I2C_ANALOG_FILTER_MIN_NS 50u
#define I2C_ANALOG_FILTER_MAX_NS 260u

/* TIMINGR for `bus_hz` (<= 400 kHz) from the I2C kernel clock: SCL low and
 * high at least the specification's minimum, the period no shorter than
 * 1 / bus_hz, the data setup and hold delays within their limits at the
 * mode's worst rise and fall times. 0, or -1 if no prescaler fits. */
int i2c_timing(uint32_t kernel_hz, uint32_t bus_hz, uint32_t *timingr);

#endif /* I2C_TIMING_H */
