/*
 * mb85rs64v_model.c — an MB85RS64V answering SPI transactions; see
 * mb85rs64v_model.h. Opcodes are the datasheet's, spelt out here.
 */
#include "mb85rs64v_model.h"

#include <string.h>

#define OP_WREN 0x06u
#define OP_WRDI 0x04u
#define OP_RDSR 0x05u
#define OP_WRSR 0x01u
#define OP_READ 0x03u
#define OP_WRITE 0x02u
#define SR_WEL 0x02u
#define SR_WRITABLE 0x8Cu /* WPEN, BP1, BP0 */
#define ADDR_MASK 0x1FFFu

void mb85rs64v_model_init(struct mb85rs64v_model *m)
{
    memset(m, 0, sizeof *m);
    memset(m->mem, 0xFF, sizeof m->mem);
}

static bool protected_addr(const struct mb85rs64v_model *m, uint16_t addr)
{
    switch ((m->status >> 2) & 0x3u) {
    case 1: return addr >= 0x1800u; /* upper quarter */
    case 2: return addr >= 0x1000u; /* upper half */
    case 3: return true;
    default: return false;
    }
}

/* One byte in on MOSI; returns the byte out on MISO. */
static uint8_t clock_byte(struct mb85rs64v_model *m, uint8_t in)
{
    size_t pos = m->pos++;
    if (pos == 0u) {
        m->opcode = in;
        if (in == OP_WREN) {
            m->wel = true;
        } else if (in == OP_WRDI) {
            m->wel = false;
        } else if (in == OP_WRITE || in == OP_WRSR) {
            m->write_allowed = m->wel;
            if (!m->wel) {
                m->ignored_writes++;
            }
        }
        return 0;
    }
    switch (m->opcode) {
    case OP_RDSR:
        return (uint8_t)(m->status | (m->wel ? SR_WEL : 0u));
    case OP_WRSR:
        if (pos == 1u && m->write_allowed) {
            m->status = in & SR_WRITABLE;
        }
        return 0;
    case OP_READ:
    case OP_WRITE:
        if (pos == 1u) {
            m->addr = (uint16_t)(in << 8);
            return 0;
        }
        if (pos == 2u) {
            m->addr = (uint16_t)((m->addr | in) & ADDR_MASK);
            return 0;
        }
        if (m->opcode == OP_READ) {
            uint8_t out = m->mem[m->addr];
            m->addr = (uint16_t)((m->addr + 1u) & ADDR_MASK);
            return out;
        }
        if (m->write_allowed) {
            if (protected_addr(m, m->addr)) {
                m->protected_bytes++;
            } else {
                m->mem[m->addr] = in;
            }
        }
        m->addr = (uint16_t)((m->addr + 1u) & ADDR_MASK);
        return 0;
    default:
        return 0;
    }
}

static void bus_select(void *ctx, bool active)
{
    struct mb85rs64v_model *m = ctx;
    if (active && !m->selected) {
        m->pos = 0;
        m->transactions++;
    } else if (!active && m->selected && m->pos > 0u &&
               (m->opcode == OP_WRITE || m->opcode == OP_WRSR)) {
        m->wel = false; /* the end of a WRITE or WRSR resets the latch */
    }
    m->selected = active;
}

static void bus_transfer(void *ctx, const uint8_t *tx, uint8_t *rx, size_t n)
{
    struct mb85rs64v_model *m = ctx;
    for (size_t k = 0; k < n; k++) {
        uint8_t out = 0xFFu; /* not selected, or no part: the line floats high */
        if (m->selected && !m->absent) {
            out = clock_byte(m, tx != NULL ? tx[k] : 0u);
        }
        if (rx != NULL) {
            rx[k] = out;
        }
    }
}

static void bus_delay(void *ctx, uint32_t us)
{
    (void)ctx;
    (void)us;
}

struct spi_bus mb85rs64v_model_bus(struct mb85rs64v_model *m)
{
    return (struct spi_bus){.ctx = m, .select = bus_select, .transfer = bus_transfer, .delay_us = bus_delay};
}
