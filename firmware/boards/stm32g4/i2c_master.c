/*
 * i2c_master.c — I2C2 writes, polled; see i2c_master.h.
 */
#include "i2c_master.h"

#include <stddef.h>

#include "i2c_timing.h"
#include "stm32g4_regs.h"

#define MAX_BYTES 255u
/* A byte is 9 bit times, 22.5 us at 400 kHz; a stuck bus gives up after
 * ~1 ms of polling. */
#define POLL_LOOPS 50000u

int i2c_master_init(uint32_t pclk_hz)
{
    uint32_t timingr;
    if (i2c_timing(pclk_hz, I2C_MASTER_BUS_HZ, &timingr) != 0) {
        return -1;
    }
    RCC_APB1ENR1 |= RCC_APB1ENR1_I2C2EN;
    (void)RCC_APB1ENR1;
    I2C_CR1(I2C2_BASE) = 0; /* TIMINGR is written with the peripheral off */
    I2C_TIMINGR(I2C2_BASE) = timingr;
    I2C_CR1(I2C2_BASE) = I2C_CR1_PE; /* analog filter on, digital off: as i2c_timing assumes */
    return 0;
}

/* Wait for `bit`: 0, or -1 on a NACK or a timeout. */
static int wait_for(uint32_t bit)
{
    for (uint32_t loops = POLL_LOOPS; loops > 0u; loops--) {
        uint32_t isr = I2C_ISR(I2C2_BASE);
        if (isr & I2C_ISR_NACKF) {
            return -1;
        }
        if (isr & bit) {
            return 0;
        }
    }
    return -1;
}

static int write_message(void *ctx, uint8_t address, const uint8_t *data, size_t n)
{
    (void)ctx;
    if (n == 0u || n > MAX_BYTES || (I2C_ISR(I2C2_BASE) & I2C_ISR_BUSY)) {
        return -1;
    }
    I2C_ICR(I2C2_BASE) = I2C_ICR_ALL;
    /* AUTOEND: the STOP follows the last byte, or a NACK, by itself */
    I2C_CR2(I2C2_BASE) = ((uint32_t)address << I2C_CR2_SADD7_SHIFT) |
                         ((uint32_t)n << I2C_CR2_NBYTES_SHIFT) | I2C_CR2_AUTOEND | I2C_CR2_START;
    int err = 0;
    for (size_t k = 0; k < n && err == 0; k++) {
        err = wait_for(I2C_ISR_TXIS);
        if (err == 0) {
            I2C_TXDR(I2C2_BASE) = data[k];
        }
    }
    /* the STOP ends the transfer either way */
    for (uint32_t loops = POLL_LOOPS; loops > 0u && !(I2C_ISR(I2C2_BASE) & I2C_ISR_STOPF); loops--) {
    }
    I2C_ICR(I2C2_BASE) = I2C_ICR_ALL;
    return err;
}

struct i2c_bus i2c_master_bus(void)
{
    return (struct i2c_bus){.ctx = NULL, .write = write_message};
}
