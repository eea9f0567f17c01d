/*
 * pcf85176_model.c — a PCF85176 parsing I2C writes; see pcf85176_model.h.
 */
#include "pcf85176_model.h"

#include <string.h>

#define ADDRESS 0x38u
#define COLUMNS 40u

void pcf85176_model_init(struct pcf85176_model *m)
{
    memset(m, 0, sizeof *m);
    m->mux = 4; /* power-on reset: 1:4, display disabled */
}

/* One command byte (bit 7 already looked at). */
static void command(struct pcf85176_model *m, uint8_t c)
{
    if ((c & 0x40u) == 0u) {
        m->pointer = c & 0x3Fu;
    } else if ((c & 0x60u) == 0x40u) {
        static const unsigned mux_of[4] = {4, 1, 2, 3};
        m->enabled = (c & 0x08u) != 0u;
        m->bias_half = (c & 0x04u) != 0u;
        m->mux = mux_of[c & 0x3u];
    } else if ((c & 0x78u) == 0x60u) {
        m->subaddress = c & 0x7u;
    } else if ((c & 0x78u) == 0x70u) {
        m->blink = c & 0x7u;
    } /* bank-select: no effect in 1:4 */
}

static int bus_write(void *ctx, uint8_t address, const uint8_t *data, size_t n)
{
    struct pcf85176_model *m = ctx;
    if (address != ADDRESS) {
        return -1; /* no acknowledge */
    }
    m->writes++;
    size_t k = 0;
    bool more = true;
    while (more && k < n) {
        more = (data[k] & 0x80u) != 0u;
        command(m, data[k]);
        k++;
    }
    for (; k < n; k++) {
        if (m->subaddress != 0u) {
            continue; /* addressed to another device of a cascade */
        }
        if (m->mux == 4u) {
            m->ram[m->pointer % COLUMNS] = (uint8_t)((data[k] >> 4) & 0xFu);
            m->ram[(m->pointer + 1u) % COLUMNS] = (uint8_t)(data[k] & 0xFu);
            m->pointer = (m->pointer + 2u) % COLUMNS;
        }
    }
    return 0;
}

struct i2c_bus pcf85176_model_bus(struct pcf85176_model *m)
{
    return (struct i2c_bus){.ctx = m, .write = bus_write};
}

bool pcf85176_model_lit(const struct pcf85176_model *m, unsigned column, unsigned backplane)
{
    /* ram holds a nibble per column, BP0 in its top bit as sent */
    return m->enabled && ((m->ram[column] >> (3u - backplane)) & 1u);
}

unsigned pcf85176_model_lit_count(const struct pcf85176_model *m)
{
    unsigned n = 0;
    for (unsigned c = 0; c < COLUMNS; c++) {
        for (unsigned b = 0; b < 4u; b++) {
            n += pcf85176_model_lit(m, c, b) ? 1u : 0u;
        }
    }
    return n;
}
