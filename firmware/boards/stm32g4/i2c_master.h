/*
 * i2c_master.h — I2C2 as a master that writes (the LCD driver is the only
 * device on it): the struct i2c_bus pcf85176.c sends through.
 *
 * Polled: a frame is 24 bytes, 0.6 ms at 400 kHz, sent from the main loop
 * (lcd.c) where the AFE's interrupt goes on sampling meanwhile.
 */
#ifndef I2C_MASTER_H
#define I2C_MASTER_H

#include <stdint.h>

#include "pcf85176.h"

#define I2C_MASTER_BUS_HZ 400000u

/* I2C2 at I2C_MASTER_BUS_HZ from PCLK1; 0, or -1 if no timing fits. */
int i2c_master_init(uint32_t pclk_hz);

/* The struct i2c_bus of I2C2: a write of up to 255 bytes, 0 or -1 (no
 * acknowledge, a bus error, or the bus stuck). */
struct i2c_bus i2c_master_bus(void);

#endif /* I2C_MASTER_H */
