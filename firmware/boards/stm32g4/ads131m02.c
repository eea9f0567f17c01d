/*
 * ads131m02.c — the ADS131M02's frames and its bring-up; see ads131m02.h.
 */
#include "ads131m02.h"

#define CRC_POLY 0x1021u
/* After RESET the device reloads its registers before it answers (the
 * datasheet's register acquisition time is microseconds): wait well past it. */
#define RESET_SETTLE_US 100u
/* OSR codes 0..6 are 128 x 2^code; code 7 is 16256, which no whole rate
 * from 8.192 MHz uses. */
#define OSR_BASE 128u
#define OSR_POWER_OF_TWO_CODES 7
#define GAIN_CODES 8

uint16_t ads131m02_crc(const uint8_t *p, size_t n, uint16_t crc)
{
    for (size_t k = 0; k < n; k++) {
        crc ^= (uint16_t)(p[k] << 8);
        for (unsigned bit = 0; bit < 8u; bit++) {
            crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ CRC_POLY) : (uint16_t)(crc << 1);
        }
    }
    return crc;
}

/* A 16-bit value in a 24-bit word: its top two bytes, then a zero. */
static void put_word16(uint8_t *w, uint16_t v)
{
    w[0] = (uint8_t)(v >> 8);
    w[1] = (uint8_t)v;
    w[2] = 0;
}

static int32_t get_code24(const uint8_t *w)
{
    uint32_t u = ((uint32_t)w[0] << 16) | ((uint32_t)w[1] << 8) | w[2];
    return (int32_t)(u ^ 0x800000u) - 0x800000; /* two's complement, 24 bits */
}

size_t ads131m02_encode(uint16_t command, const uint16_t *data, size_t n_data, uint8_t *out,
                        size_t out_size)
{
    size_t words = 1u + n_data + 1u; /* command, data, CRC */
    if (words < ADS131M02_FRAME_WORDS) {
        words = ADS131M02_FRAME_WORDS;
    }
    size_t len = words * ADS131M02_WORD_BYTES;
    if (len > out_size) {
        return 0;
    }
    for (size_t k = 0; k < len; k++) {
        out[k] = 0;
    }
    put_word16(out, command);
    for (size_t k = 0; k < n_data; k++) {
        put_word16(out + (1u + k) * ADS131M02_WORD_BYTES, data[k]);
    }
    size_t crc_at = (1u + n_data) * ADS131M02_WORD_BYTES;
    put_word16(out + crc_at, ads131m02_crc(out, crc_at, ADS131M02_CRC_SEED));
    return len;
}

int ads131m02_decode(const uint8_t frame[ADS131M02_FRAME_BYTES], struct ads131m02_sample *s)
{
    const size_t crc_at = (ADS131M02_FRAME_WORDS - 1u) * ADS131M02_WORD_BYTES;
    uint16_t want = ads131m02_crc(frame, crc_at, ADS131M02_CRC_SEED);
    uint16_t got = (uint16_t)((frame[crc_at] << 8) | frame[crc_at + 1u]);
    if (want != got) {
        return ADS131M02_ERR_CRC;
    }
    s->response = (uint16_t)((frame[0] << 8) | frame[1]);
    s->ch0 = get_code24(frame + ADS131M02_WORD_BYTES);
    s->ch1 = get_code24(frame + 2u * ADS131M02_WORD_BYTES);
    return ADS131M02_OK;
}

int ads131m02_osr_code(uint32_t clkin_hz, uint32_t rate_hz)
{
    if (rate_hz == 0u || clkin_hz % 2u != 0u) {
        return -1;
    }
    uint32_t fmod = clkin_hz / 2u; /* the modulator clock, in every power mode */
    for (int code = 0; code < OSR_POWER_OF_TWO_CODES; code++) {
        uint32_t osr = OSR_BASE << code;
        if (fmod % osr == 0u && fmod / osr == rate_hz) {
            return code;
        }
    }
    return -1;
}

int ads131m02_gain_code(uint32_t gain)
{
    for (int code = 0; code < GAIN_CODES; code++) {
        if (gain == (1u << code)) {
            return code;
        }
    }
    return -1;
}

/* One frame: send `command` (and data), return what came back. */
static int exchange(struct ads131m02 *dev, uint16_t command, const uint16_t *data, size_t n_data,
                    struct ads131m02_sample *s)
{
    uint8_t tx[ADS131M02_MAX_FRAME_BYTES];
    uint8_t rx[ADS131M02_MAX_FRAME_BYTES];
    size_t len = ads131m02_encode(command, data, n_data, tx, sizeof tx);
    const struct spi_bus *bus = dev->bus;
    bus->select(bus->ctx, true);
    bus->transfer(bus->ctx, tx, rx, len);
    bus->select(bus->ctx, false);
    int err = ads131m02_decode(rx, s);
    if (err != ADS131M02_OK) {
        dev->crc_errors++;
    }
    return err;
}

/* The response to `command`, which the device gives in the next frame. */
static int command_response(struct ads131m02 *dev, uint16_t command, const uint16_t *data,
                            size_t n_data, uint16_t *response)
{
    struct ads131m02_sample s;
    (void)exchange(dev, command, data, n_data, &s); /* answers the frame before: not ours */
    int err = exchange(dev, ADS131M02_CMD_NULL, NULL, 0, &s);
    *response = err == ADS131M02_OK ? s.response : 0u;
    return err;
}

static uint16_t reg_command(uint16_t base, unsigned addr)
{
    return (uint16_t)(base | (addr << ADS131M02_ADDR_SHIFT)); /* nnn nnnn = 0: one register */
}

static int write_register(struct ads131m02 *dev, unsigned addr, uint16_t value)
{
    uint16_t ack;
    int err = command_response(dev, reg_command(ADS131M02_CMD_WREG, addr), &value, 1, &ack);
    if (err == ADS131M02_OK && ack != reg_command(ADS131M02_ACK_WREG, addr)) {
        err = ADS131M02_ERR_VERIFY;
    }
    return err;
}

static int read_register(struct ads131m02 *dev, unsigned addr, uint16_t *value)
{
    return command_response(dev, reg_command(ADS131M02_CMD_RREG, addr), NULL, 0, value);
}

/* Write a register and read it back. */
static int set_register(struct ads131m02 *dev, unsigned addr, uint16_t value)
{
    uint16_t back;
    int err = write_register(dev, addr, value);
    if (err == ADS131M02_OK) {
        err = read_register(dev, addr, &back);
    }
    if (err == ADS131M02_OK && back != value) {
        err = ADS131M02_ERR_VERIFY;
    }
    return err;
}

int ads131m02_start(struct ads131m02 *dev, const struct spi_bus *bus,
                    const struct ads131m02_config *cfg)
{
    dev->bus = bus;
    dev->crc_errors = 0;
    (void)ads131m02_encode(ADS131M02_CMD_NULL, NULL, 0, dev->null_frame, sizeof dev->null_frame);
    int osr = ads131m02_osr_code(cfg->clkin_hz, cfg->rate_hz);
    int gain0 = ads131m02_gain_code(cfg->gain_ch0);
    int gain1 = ads131m02_gain_code(cfg->gain_ch1);
    if (osr < 0 || gain0 < 0 || gain1 < 0) {
        return ADS131M02_ERR_CONFIG;
    }

    struct ads131m02_sample s;
    (void)exchange(dev, ADS131M02_CMD_RESET, NULL, 0, &s);
    bus->delay_us(bus->ctx, RESET_SETTLE_US);
    if (exchange(dev, ADS131M02_CMD_NULL, NULL, 0, &s) != ADS131M02_OK ||
        s.response != ADS131M02_ACK_RESET) {
        return ADS131M02_ERR_NO_DEVICE;
    }
    uint16_t id;
    int err = read_register(dev, ADS131M02_REG_ID, &id);
    if (err != ADS131M02_OK) {
        return err;
    }
    if (ADS131M02_ID_CHANCNT(id) != 2u) {
        return ADS131M02_ERR_NO_DEVICE;
    }
    /* MODE first: from here on the device drops a command with a bad CRC
     * instead of acting on a corrupted one. Writing RESET = 0 clears the
     * reset flag, so a later STATUS showing it means the AFE reset itself. */
    const uint16_t mode = ADS131M02_MODE_RX_CRC_EN | ADS131M02_MODE_WLENGTH_24 | ADS131M02_MODE_TIMEOUT;
    const uint16_t clock = (uint16_t)(ADS131M02_CLOCK_CH1_EN | ADS131M02_CLOCK_CH0_EN |
                                      ((unsigned)osr << ADS131M02_CLOCK_OSR_SHIFT) |
                                      ADS131M02_CLOCK_PWR_HR);
    const uint16_t gain = (uint16_t)(((unsigned)gain1 << ADS131M02_GAIN_CH1_SHIFT) |
                                     ((unsigned)gain0 << ADS131M02_GAIN_CH0_SHIFT));
    err = set_register(dev, ADS131M02_REG_MODE, mode);
    if (err == ADS131M02_OK) {
        err = set_register(dev, ADS131M02_REG_CLOCK, clock);
    }
    if (err == ADS131M02_OK) {
        err = set_register(dev, ADS131M02_REG_GAIN, gain);
    }
    return err;
}

int ads131m02_read(struct ads131m02 *dev, struct ads131m02_sample *s)
{
    uint8_t rx[ADS131M02_FRAME_BYTES];
    const struct spi_bus *bus = dev->bus;
    bus->select(bus->ctx, true);
    bus->transfer(bus->ctx, dev->null_frame, rx, sizeof rx);
    bus->select(bus->ctx, false);
    int err = ads131m02_decode(rx, s);
    if (err != ADS131M02_OK) {
        dev->crc_errors++;
    }
    return err;
}
