/*
 * pcf85176_model.h — a PCF85176 LCD driver receiving I2C writes, for the
 * host tests of the STM32G4 board's LCD driver (boards/stm32g4/pcf85176.c).
 *
 * What the part does (its datasheet), and so what the model does: it
 * acknowledges its address (0111 00 SA0, SA0 low here) and nothing else;
 * the bytes that follow are commands while bit 7 (continuation) of the
 * previous command was set — mode-set (10x E B M1 M0), load-data-pointer
 * (0 P5..P0), device-select (1100 A2..A0), blink-select (1110 AB BF1 BF0),
 * bank-select (11110 I O) — then display data, which lands in RAM only if
 * the selected device is this one (hardware subaddress 0). In 1:4
 * multiplex a data byte fills column p (bits 7..4 = BP0..BP3) and p + 1
 * (bits 3..0), and the pointer moves on by 2, wrapping after column 39.
 * The glass shows the RAM only while the display is enabled.
 */
#ifndef PCF85176_MODEL_H
#define PCF85176_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "pcf85176.h"

struct pcf85176_model {
    uint8_t ram[40];   /* per column, bit b = backplane b */
    bool enabled;
    bool bias_half;
    unsigned mux;      /* backplanes: 1 (static), 2, 3 or 4 */
    unsigned pointer;
    unsigned subaddress;
    unsigned blink;
    unsigned writes;
};

void pcf85176_model_init(struct pcf85176_model *m);
struct i2c_bus pcf85176_model_bus(struct pcf85176_model *m);

/* Is the segment at (column, backplane) lit on the glass? */
bool pcf85176_model_lit(const struct pcf85176_model *m, unsigned column, unsigned backplane);

/* Segments lit on the glass. */
unsigned pcf85176_model_lit_count(const struct pcf85176_model *m);

#endif /* PCF85176_MODEL_H */
