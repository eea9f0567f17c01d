/*
 * ads131m02_model.c — an ADS131M02 answering SPI frames; see
 * ads131m02_model.h. Constants are the datasheet's (SBAS853), spelt out
 * here rather than taken from the driver's header.
 */
#include "ads131m02_model.h"

#include <math.h>
#include <string.h>

#define WORD 3u
#define REG_ID 0x00u
#define REG_STATUS 0x01u
#define REG_MODE 0x02u
#define REG_CLOCK 0x03u
#define REG_GAIN 0x04u
#define MODE_RX_CRC_EN 0x1000u
#define MODE_RESET 0x0400u
#define MODE_WLENGTH 0x0300u
#define WLENGTH_24 0x0100u
#define STATUS_CRC_ERR 0x1000u
#define STATUS_DRDY_BOTH 0x0003u
#define VREF 1.2
#define FULL_SCALE 8388607.0

/* Reset values of §8.6 Table 8-12 (ID: 22xxh, two channels). */
static void load_reset_values(struct ads131m02_model *m)
{
    memset(m->reg, 0, sizeof m->reg);
    m->reg[REG_ID] = 0x2210u;
    m->reg[REG_MODE] = 0x0510u;
    m->reg[REG_CLOCK] = 0x030Eu;
    m->reg[0x06] = 0x0600u; /* CFG */
    m->reg[0x0C] = 0x8000u; /* CH0_GCAL_MSB */
    m->reg[0x11] = 0x8000u; /* CH1_GCAL_MSB */
}

void ads131m02_model_init(struct ads131m02_model *m)
{
    memset(m, 0, sizeof *m);
    load_reset_values(m);
    m->response = 0x0500u; /* STATUS after power-up */
}

/* CRC-16-CCITT fed bit by bit, MSB first (the datasheet's shift-register
 * description), independent of the driver's byte loop. */
static uint16_t model_crc(const uint8_t *p, size_t n)
{
    uint16_t crc = 0xFFFFu;
    for (size_t k = 0; k < n; k++) {
        for (int bit = 7; bit >= 0; bit--) {
            unsigned in = (p[k] >> bit) & 1u;
            unsigned feedback = ((crc >> 15) & 1u) ^ in;
            crc = (uint16_t)(crc << 1);
            if (feedback) {
                crc ^= 0x1021u;
            }
        }
    }
    return crc;
}

static uint16_t status(const struct ads131m02_model *m)
{
    uint16_t s = (uint16_t)(m->reg[REG_MODE] & (MODE_RESET | MODE_WLENGTH)) | STATUS_DRDY_BOTH;
    return m->crc_err ? (uint16_t)(s | STATUS_CRC_ERR) : s;
}

unsigned ads131m02_model_gain(const struct ads131m02_model *m, unsigned channel)
{
    return 1u << ((m->reg[REG_GAIN] >> (4u * channel)) & 0x7u);
}

static int32_t code_of(const struct ads131m02_model *m, unsigned channel)
{
    if (!(m->reg[REG_CLOCK] & (0x0100u << channel))) {
        return 0;
    }
    double c = round(m->input_v[channel] * ads131m02_model_gain(m, channel) / VREF * (FULL_SCALE + 1.0));
    if (c > FULL_SCALE) {
        c = FULL_SCALE;
    }
    if (c < -FULL_SCALE - 1.0) {
        c = -FULL_SCALE - 1.0;
    }
    return (int32_t)c;
}

static void put24(uint8_t *w, uint32_t v)
{
    w[0] = (uint8_t)(v >> 16);
    w[1] = (uint8_t)(v >> 8);
    w[2] = (uint8_t)v;
}

static void frame_start(struct ads131m02_model *m)
{
    memset(m->out, m->absent ? 0xFF : 0x00, sizeof m->out);
    m->in_len = 0;
    m->out_pos = 0;
    if (m->absent) {
        return;
    }
    put24(m->out, (uint32_t)m->response << 8);
    if (m->response == status(m)) {
        m->crc_err = false; /* reported */
    }
    put24(m->out + WORD, (uint32_t)code_of(m, 0) & 0xFFFFFFu);
    put24(m->out + 2u * WORD, (uint32_t)code_of(m, 1) & 0xFFFFFFu);
    put24(m->out + 3u * WORD, (uint32_t)model_crc(m->out, 3u * WORD) << 8);
    if (m->disturb_next) {
        m->out[4] ^= 0x10u; /* a bit of CH0 on a noisy line */
        m->disturb_next = false;
    }
}

static uint16_t word16(const uint8_t *w)
{
    return (uint16_t)((w[0] << 8) | w[1]);
}

static void execute(struct ads131m02_model *m, uint16_t cmd, const uint8_t *data)
{
    m->executed++;
    unsigned addr = (cmd >> 7) & 0x3Fu;
    unsigned count = (cmd & 0x7Fu) + 1u;
    if (cmd == 0x0011u) { /* RESET */
        load_reset_values(m);
        m->crc_err = false;
        m->response = 0xFF22u;
    } else if ((cmd & 0xE000u) == 0xA000u) { /* RREG */
        m->response = addr == REG_STATUS ? status(m) : m->reg[addr];
    } else if ((cmd & 0xE000u) == 0x6000u) { /* WREG */
        for (unsigned k = 0; k < count && addr + k < 64u; k++) {
            if (addr + k > REG_STATUS) { /* ID and STATUS are read-only */
                m->reg[addr + k] = word16(data + k * WORD);
            }
        }
        if ((m->reg[REG_MODE] & MODE_WLENGTH) != WLENGTH_24) {
            m->faults++; /* the model speaks 24-bit words only */
        }
        m->response = (uint16_t)(0x4000u | (addr << 7) | (count - 1u));
    } else {
        m->response = status(m); /* NULL, and what the model does not act on */
    }
}

static void frame_end(struct ads131m02_model *m)
{
    if (m->absent) {
        return;
    }
    m->frames++;
    if (m->in_len < WORD) {
        return;
    }
    uint16_t cmd = word16(m->in);
    size_t data_words = (cmd & 0xE000u) == 0x6000u ? (cmd & 0x7Fu) + 1u : 0u;
    size_t crc_at = (1u + data_words) * WORD;
    if (m->reg[REG_MODE] & MODE_RX_CRC_EN) {
        if (m->in_len < crc_at + WORD || word16(m->in + crc_at) != model_crc(m->in, crc_at)) {
            m->rejected++;
            m->crc_err = true;
            m->response = status(m);
            return;
        }
    }
    if (m->in_len < crc_at) {
        m->response = status(m);
        return;
    }
    execute(m, cmd, m->in + WORD);
}

static void bus_select(void *ctx, bool active)
{
    struct ads131m02_model *m = ctx;
    if (active && !m->selected) {
        frame_start(m);
    } else if (!active && m->selected) {
        frame_end(m);
    }
    m->selected = active;
}

static void bus_transfer(void *ctx, const uint8_t *tx, uint8_t *rx, size_t n)
{
    struct ads131m02_model *m = ctx;
    for (size_t k = 0; k < n; k++) {
        uint8_t in = tx != NULL ? tx[k] : 0u;
        uint8_t out = m->out_pos < sizeof m->out ? m->out[m->out_pos] : (m->absent ? 0xFFu : 0u);
        m->out_pos++;
        if (m->selected && m->in_len < sizeof m->in) {
            m->in[m->in_len++] = in;
        }
        if (rx != NULL) {
            rx[k] = m->selected ? out : 0xFFu; /* not selected: the line floats high */
        }
    }
}

static void bus_delay(void *ctx, uint32_t us)
{
    struct ads131m02_model *m = ctx;
    m->delay_us += us;
}

struct spi_bus ads131m02_model_bus(struct ads131m02_model *m)
{
    return (struct spi_bus){.ctx = m, .select = bus_select, .transfer = bus_transfer, .delay_us = bus_delay};
}

uint32_t ads131m02_model_rate(const struct ads131m02_model *m, uint32_t clkin_hz)
{
    static const uint32_t osr[8] = {128, 256, 512, 1024, 2048, 4096, 8192, 16256};
    /* PWR: 00 very-low-power (CLKIN 2.048 MHz), 01 low-power (4.096 MHz),
     * 1x high-resolution (8.192 MHz) */
    static const uint32_t clkin_of_mode[4] = {2048000, 4096000, 8192000, 8192000};
    uint16_t clock = m->reg[REG_CLOCK];
    if (clkin_of_mode[clock & 0x3u] != clkin_hz) {
        return 0;
    }
    return clkin_hz / 2u / osr[(clock >> 2) & 0x7u];
}
