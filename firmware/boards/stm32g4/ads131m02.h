/*
 * ads131m02.h — the TI ADS131M02 (2 channels, 24 bits, simultaneous
 * sampling): commands, frames, the CRC, and bringing it up, over a
 * struct spi_bus. Source: the ADS131M02 datasheet (SBAS853), §8.5
 * (Programming: commands Table 8-11, frames, CRC) and §8.6 (register map).
 *
 * The device talks in frames of 24-bit words (its reset word length), MSB
 * first, SPI mode 1. Every frame the MCU sends is a command word, its data
 * words, a CRC word, zeros; every frame the device sends back is the
 * response to the *previous* frame's command, the two channels' latest
 * conversions and a CRC word:
 *
 *   in:  [command][data...][CRC][0...]       at least 4 words
 *   out: [response][CH0][CH1][CRC]           4 words, 12 bytes
 *
 * The CRC is CRC-16-CCITT (x^16 + x^12 + x^5 + 1, seed FFFFh, no
 * reflection) over every byte before the CRC word, in the word's top 16
 * bits. With MODE.RX_CRC_EN the device checks the input CRC too and
 * ignores a command whose CRC is wrong (STATUS.CRC_ERR tells).
 *
 * Clocking: the modulator runs at CLKIN / 2 and the data rate is that over
 * the oversampling ratio: 8.192 MHz / 2 / 1024 = 4000 samples/s
 * (HAL_SAMPLE_RATE_HZ), in high-resolution power mode.
 */
#ifndef ADS131M02_H
#define ADS131M02_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spi_bus.h"

#define ADS131M02_WORD_BYTES 3u
#define ADS131M02_FRAME_WORDS 4u
#define ADS131M02_FRAME_BYTES (ADS131M02_FRAME_WORDS * ADS131M02_WORD_BYTES)
/* The longest frame this driver sends: WREG of one register. */
#define ADS131M02_MAX_FRAME_BYTES ADS131M02_FRAME_BYTES

/* Commands (Table 8-11) and the responses that identify them. */
#define ADS131M02_CMD_NULL 0x0000u
#define ADS131M02_CMD_RESET 0x0011u
#define ADS131M02_CMD_STANDBY 0x0022u
#define ADS131M02_CMD_WAKEUP 0x0033u
#define ADS131M02_CMD_LOCK 0x0555u
#define ADS131M02_CMD_UNLOCK 0x0655u
#define ADS131M02_CMD_RREG 0xA000u /* 101a aaaa annn nnnn: n + 1 registers from a */
#define ADS131M02_CMD_WREG 0x6000u /* 011a aaaa annn nnnn */
#define ADS131M02_ACK_WREG 0x4000u /* 010a aaaa ammm mmmm */
#define ADS131M02_ACK_RESET 0xFF22u /* FF20h + the channel count */
#define ADS131M02_ADDR_SHIFT 7

/* Registers (§8.6). */
#define ADS131M02_REG_ID 0x00u
#define ADS131M02_REG_STATUS 0x01u
#define ADS131M02_REG_MODE 0x02u
#define ADS131M02_REG_CLOCK 0x03u
#define ADS131M02_REG_GAIN 0x04u
#define ADS131M02_REG_CFG 0x06u
#define ADS131M02_REG_COUNT 0x40u

#define ADS131M02_ID_CHANCNT(id) (((id) >> 8) & 0xFu)

#define ADS131M02_STATUS_LOCK (1u << 15)
#define ADS131M02_STATUS_CRC_ERR (1u << 12)
#define ADS131M02_STATUS_RESET (1u << 10)
#define ADS131M02_STATUS_DRDY1 (1u << 1)
#define ADS131M02_STATUS_DRDY0 (1u << 0)

#define ADS131M02_MODE_RX_CRC_EN (1u << 12)
#define ADS131M02_MODE_RESET (1u << 10) /* reads 1 after a reset; write 0 to clear */
#define ADS131M02_MODE_WLENGTH_MASK (0x3u << 8)
#define ADS131M02_MODE_WLENGTH_24 (0x1u << 8)
#define ADS131M02_MODE_TIMEOUT (1u << 4) /* SPI timeout: a torn frame restarts */

#define ADS131M02_CLOCK_CH1_EN (1u << 9)
#define ADS131M02_CLOCK_CH0_EN (1u << 8)
#define ADS131M02_CLOCK_OSR_SHIFT 2
#define ADS131M02_CLOCK_OSR_MASK (0x7u << ADS131M02_CLOCK_OSR_SHIFT)
#define ADS131M02_CLOCK_PWR_MASK 0x3u
#define ADS131M02_CLOCK_PWR_HR 0x2u /* high resolution: CLKIN 8.192 MHz */

#define ADS131M02_GAIN_CH0_SHIFT 0
#define ADS131M02_GAIN_CH1_SHIFT 4 /* PGAGAIN code k: gain 2^k, k 0..7 */

/* The reference: a full-scale code is 1.2 V / gain at the input. */
#define ADS131M02_VREF_UV 1200000u
#define ADS131M02_CODE_MAX 8388607

/* Errors of ads131m02_start and the frame calls. */
enum ads131m02_error {
    ADS131M02_OK = 0,
    ADS131M02_ERR_CRC = -1,       /* a frame from the device failed its CRC */
    ADS131M02_ERR_NO_DEVICE = -2, /* no reset acknowledgement: absent or not an ADS131M02 */
    ADS131M02_ERR_VERIFY = -3,    /* a register read back other than written */
    ADS131M02_ERR_CONFIG = -4,    /* no OSR gives the rate from CLKIN; a gain not 2^k */
};

/* What the board wants of the AFE. */
struct ads131m02_config {
    uint32_t clkin_hz;  /* 8192000 */
    uint32_t rate_hz;   /* HAL_SAMPLE_RATE_HZ */
    uint8_t gain_ch0;   /* 1, 2, 4 ... 128 */
    uint8_t gain_ch1;
};

/* One output frame, decoded. */
struct ads131m02_sample {
    uint16_t response; /* STATUS for a NULL command */
    int32_t ch0;
    int32_t ch1;
};

struct ads131m02 {
    const struct spi_bus *bus;
    /* the NULL frame with its CRC, sent for every sample (the device
     * checks input CRCs once RX_CRC_EN is set) */
    uint8_t null_frame[ADS131M02_FRAME_BYTES];
    uint32_t crc_errors; /* frames from the device that failed their CRC */
};

/* CRC-16-CCITT of n bytes, from `crc` (ADS131M02_CRC_SEED for a frame). */
#define ADS131M02_CRC_SEED 0xFFFFu
uint16_t ads131m02_crc(const uint8_t *p, size_t n, uint16_t crc);

/* A frame carrying `command`, then n_data data words, their CRC and zeros
 * to the device's 4-word minimum; returns its bytes (<= out_size, 0 if it
 * does not fit). */
size_t ads131m02_encode(uint16_t command, const uint16_t *data, size_t n_data, uint8_t *out,
                        size_t out_size);

/* Decode an output frame: ADS131M02_OK, or ADS131M02_ERR_CRC (then *s is
 * untouched). */
int ads131m02_decode(const uint8_t frame[ADS131M02_FRAME_BYTES], struct ads131m02_sample *s);

/* The CLOCK register's OSR code that gives rate_hz from clkin_hz, -1 if none. */
int ads131m02_osr_code(uint32_t clkin_hz, uint32_t rate_hz);

/* The PGA code of a gain (2^code), -1 if it is not one the PGA has. */
int ads131m02_gain_code(uint32_t gain);

/* Reset the device and configure it: 24-bit words, input CRC checked,
 * both channels on at the configured rate and gains; each register read
 * back. ADS131M02_OK or an error (the device is then not sampling as
 * configured). */
int ads131m02_start(struct ads131m02 *dev, const struct spi_bus *bus,
                    const struct ads131m02_config *cfg);

/* Read the latest conversion (one NULL frame): ADS131M02_OK or
 * ADS131M02_ERR_CRC (counted in crc_errors). */
int ads131m02_read(struct ads131m02 *dev, struct ads131m02_sample *s);

#endif /* ADS131M02_H */
