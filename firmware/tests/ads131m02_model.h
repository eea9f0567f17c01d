/*
 * ads131m02_model.h — an ADS131M02 at the SPI-transaction level, for the
 * host tests of the STM32G4 board's AFE driver (boards/stm32g4/ads131m02.c).
 *
 * What the part does, as the datasheet (SBAS853 §8.5, §8.6) says, and so
 * what the model does:
 *   - a frame is the bytes between chip select going active and released;
 *     words are 24 bits (the only word length modelled: another WLENGTH is
 *     recorded as a fault);
 *   - it answers each frame with the response to the previous frame's
 *     command (NULL: STATUS; RESET: FF22h; RREG: the register; WREG:
 *     010a aaaa a000 0000), the two channels' codes and a CRC-16-CCITT
 *     (seed FFFFh) over the 9 bytes before it;
 *   - with MODE.RX_CRC_EN set it checks the input CRC and ignores a command
 *     whose CRC is wrong, setting STATUS.CRC_ERR (cleared when STATUS is
 *     sent);
 *   - the codes are the inputs' voltages times the channel's PGA gain over
 *     the 1.2 V reference, full scale 2^23 - 1, clipped; a disabled channel
 *     gives 0;
 *   - RESET (or power-up) loads the reset values of §8.6.
 * It is written from the datasheet, not from the driver: the tests hold the
 * driver to the part.
 */
#ifndef ADS131M02_MODEL_H
#define ADS131M02_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spi_bus.h"

#define ADS131M02_MODEL_BUF 64u

struct ads131m02_model {
    uint16_t reg[64];
    uint16_t response;       /* sent first in the next frame */
    bool crc_err;
    bool selected;
    uint8_t in[ADS131M02_MODEL_BUF];
    size_t in_len;
    uint8_t out[ADS131M02_MODEL_BUF];
    size_t out_pos;
    double input_v[2];       /* differential input of CH0, CH1, volts */
    bool absent;             /* no part: MISO reads all ones */
    bool disturb_next;       /* flip one bit of the next output frame on the wire */
    unsigned frames;         /* frames seen */
    unsigned executed;       /* commands acted on */
    unsigned rejected;       /* commands dropped for a bad input CRC */
    unsigned faults;         /* things the real part would not do right (bad word length) */
    uint32_t delay_us;       /* waited in total */
};

void ads131m02_model_init(struct ads131m02_model *m);

/* The struct spi_bus that talks to this model. */
struct spi_bus ads131m02_model_bus(struct ads131m02_model *m);

/* Samples per second the CLOCK register sets with this CLKIN, as the part
 * would sample (0 if the power mode does not suit the clock). */
uint32_t ads131m02_model_rate(const struct ads131m02_model *m, uint32_t clkin_hz);

/* The PGA gain of a channel as GAIN sets it. */
unsigned ads131m02_model_gain(const struct ads131m02_model *m, unsigned channel);

#endif /* ADS131M02_MODEL_H */
