/*
 * modbus_rtu.c — the meters' Modbus RTU client (libmodbus), typed reads from
 * the shared register map.
 *
 * libmodbus accepts a late reply to an earlier, timed-out request as the
 * answer to the next one. So after a timeout or a garbled answer the line is
 * waited out (until it has been silent for a while) and flushed before the
 * one retry.
 */
#include <errno.h>
#include <modbus.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock_internal.h"
#include "error_internal.h"
#include "rig/bench.h"
#include "rig/modbus.h"

#define METER_RETRIES 1          /* after the first attempt */
#define METER_SILENCE_MS 50      /* a line quiet this long has finished talking */

static const struct med2_reg_info reg_table[] = MED2_REG_INFO_TABLE;

struct rig_meter {
    modbus_t *ctx;
    unsigned position;
    int slave;
    char *tty;
    char line[16]; /* "38400 8N1" */
    int timeout_ms;
    int last_exception;
    enum rig_endian endian;
};

int rig_meter_open(const struct rig_position *pos, struct rig_meter **out)
{
    *out = NULL;
    char parity = pos->parity ? pos->parity : 'N';
    int stop = pos->stop_bits ? pos->stop_bits : 1;
    if (!pos->rs485 || !*pos->rs485)
        return rig_error_set(-EINVAL, "position %u: no rs485 port in the bench file",
                             pos->number);
    if (pos->slave < 1 || pos->slave > 247)
        return rig_error_set(-EINVAL, "position %u: slave %d is not 1..247", pos->number,
                             pos->slave);

    struct rig_meter *m = calloc(1, sizeof *m);
    if (!m || !(m->tty = strdup(pos->rs485))) {
        free(m);
        return rig_error_set(-ENOMEM, "position %u: out of memory", pos->number);
    }
    m->position = pos->number;
    m->slave = pos->slave;
    m->timeout_ms = RIG_METER_TIMEOUT_MS;
    snprintf(m->line, sizeof m->line, "%d 8%c%d", pos->baud, parity, stop);

    m->ctx = modbus_new_rtu(pos->rs485, pos->baud, parity, 8, stop);
    if (!m->ctx) {
        int e = errno;
        rig_meter_close(m);
        return rig_error_set(-e, "position %u: bad line settings %d 8%c%d for %s — check the "
                                 "bench file",
                             pos->number, pos->baud, parity, stop, pos->rs485);
    }
    modbus_set_slave(m->ctx, pos->slave);
    rig_meter_set_timeout(m, RIG_METER_TIMEOUT_MS);
    if (modbus_connect(m->ctx) < 0) {
        int e = errno;
        modbus_free(m->ctx);
        m->ctx = NULL;
        rig_meter_close(m);
        return rig_error_set(-e, "position %u: cannot open %s: %s — check the RS485 adapter is "
                                 "plugged in and the bench file's rs485 port",
                             pos->number, pos->rs485, strerror(e));
    }
    *out = m;
    return 0;
}

void rig_meter_close(struct rig_meter *m)
{
    if (!m)
        return;
    if (m->ctx) {
        modbus_close(m->ctx);
        modbus_free(m->ctx);
    }
    free(m->tty);
    free(m);
}

void rig_meter_set_timeout(struct rig_meter *m, int timeout_ms)
{
    if (timeout_ms <= 0)
        return;
    m->timeout_ms = timeout_ms;
    modbus_set_response_timeout(m->ctx, (uint32_t)(timeout_ms / 1000),
                                (uint32_t)(timeout_ms % 1000) * 1000u);
}

void rig_meter_set_endian(struct rig_meter *m, enum rig_endian endian)
{
    m->endian = endian;
}

int rig_meter_last_exception(const struct rig_meter *m)
{
    return m->last_exception;
}

/*
 * Wait out the line: up to one response timeout for a late reply to start,
 * then until it has been quiet for METER_SILENCE_MS; discard it all and flush.
 */
static void wait_out_line(struct rig_meter *m)
{
    int fd = modbus_get_socket(m->ctx);
    int wait_ms = m->timeout_ms;
    char junk[256];

    while (fd >= 0) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, wait_ms);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0 || !(p.revents & POLLIN))
            break;
        if (read(fd, junk, sizeof junk) <= 0)
            break;
        wait_ms = METER_SILENCE_MS;
    }
    modbus_flush(m->ctx);
}

static bool is_exception(int e)
{
    return e >= EMBXILFUN && e <= EMBXGTAR;
}

/* Turn a libmodbus failure into our code and message. */
static int report(struct rig_meter *m, int e, const char *what)
{
    if (is_exception(e)) {
        m->last_exception = e - MODBUS_ENOBASE;
        return rig_error_set(-EREMOTEIO, "position %u: slave %d answered exception %02d (%s) to %s",
                             m->position, m->slave, m->last_exception, modbus_strerror(e), what);
    }
    if (e == ETIMEDOUT)
        return rig_error_set(-ETIMEDOUT,
                             "position %u: no answer from slave %d on %s at %s — check wiring "
                             "and the unit's serial settings",
                             m->position, m->slave, m->tty, m->line);
    if (e >= EMBBADCRC && e <= EMBBADSLAVE)
        return rig_error_set(-EBADMSG,
                             "position %u: garbled answer from slave %d on %s at %s (%s) to %s — "
                             "check the line settings match the unit's and the bus termination",
                             m->position, m->slave, m->tty, m->line, modbus_strerror(e), what);
    return rig_error_set(e > 0 && e < MODBUS_ENOBASE ? -e : -EIO,
                         "position %u: %s on %s failed: %s — check the RS485 adapter", m->position,
                         what, m->tty, modbus_strerror(e));
}

int rig_meter_read_registers(struct rig_meter *m, uint16_t address, uint16_t count,
                             uint16_t *dest)
{
    char what[64];
    int e = 0;

    snprintf(what, sizeof what, "reading %u registers at %u", count, address);
    m->last_exception = 0;
    if (count == 0 || count > MODBUS_MAX_READ_REGISTERS)
        return rig_error_set(-EINVAL, "position %u: cannot read %u registers at once (1..%d)",
                             m->position, count, MODBUS_MAX_READ_REGISTERS);
    for (int attempt = 0; attempt <= METER_RETRIES; attempt++) {
        int rc = modbus_read_registers(m->ctx, address, count, dest);
        if (rc == count)
            return 0;
        e = rc < 0 ? errno : EMBBADDATA;
        if (is_exception(e))
            break;
        wait_out_line(m);
    }
    return report(m, e, what);
}

static int write_failed(struct rig_meter *m, const char *what)
{
    int e = errno;
    if (!is_exception(e))
        wait_out_line(m);
    return report(m, e, what);
}

int rig_meter_write_register(struct rig_meter *m, uint16_t address, uint16_t value)
{
    char what[64];
    m->last_exception = 0;
    if (modbus_write_register(m->ctx, address, value) == 1)
        return 0;
    snprintf(what, sizeof what, "writing register %u", address);
    return write_failed(m, what);
}

int rig_meter_write_registers(struct rig_meter *m, uint16_t address, uint16_t count,
                              const uint16_t *src)
{
    char what[64];
    m->last_exception = 0;
    if (modbus_write_registers(m->ctx, address, count, src) == count)
        return 0;
    snprintf(what, sizeof what, "writing %u registers at %u", count, address);
    return write_failed(m, what);
}

/* Canonical big-endian bytes (A first) of n registers in the given order. */
static void canonical_bytes(const uint16_t *regs, unsigned n, enum rig_endian endian,
                            uint8_t *out)
{
    uint8_t wire[8];
    unsigned nb = n * 2;
    for (unsigned i = 0; i < n; i++) {
        wire[2 * i] = (uint8_t)(regs[i] >> 8);
        wire[2 * i + 1] = (uint8_t)(regs[i] & 0xff);
    }
    for (unsigned i = 0; i < nb; i++) {
        switch (endian) {
        case RIG_ENDIAN_LE: /* DCBA: all bytes reversed */
            out[i] = wire[nb - 1 - i];
            break;
        case RIG_ENDIAN_BE_SWAP: /* BADC: bytes swapped within each register */
            out[i] = wire[i ^ 1u];
            break;
        case RIG_ENDIAN_LE_SWAP: /* CDAB: registers reversed, bytes kept */
            out[i] = wire[(nb - 2 - (i & ~1u)) + (i & 1u)];
            break;
        case RIG_ENDIAN_BE:
        default:
            out[i] = wire[i];
            break;
        }
    }
}

float rig_decode_float(const uint16_t regs[2], enum rig_endian endian)
{
    uint8_t b[4];
    canonical_bytes(regs, 2, endian, b);
    uint32_t u = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

double rig_decode_double(const uint16_t regs[4], enum rig_endian endian)
{
    uint8_t b[8];
    canonical_bytes(regs, 4, endian, b);
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | b[i];
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static uint32_t decode_u32(const uint16_t regs[2], enum rig_endian endian)
{
    uint8_t b[4];
    canonical_bytes(regs, 2, endian, b);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int rig_meter_read_float(struct rig_meter *m, uint16_t address, float *value)
{
    uint16_t r[2];
    int rc = rig_meter_read_registers(m, address, 2, r);
    if (rc == 0)
        *value = rig_decode_float(r, m->endian);
    return rc;
}

int rig_meter_read_double(struct rig_meter *m, uint16_t address, double *value)
{
    uint16_t r[4];
    int rc = rig_meter_read_registers(m, address, 4, r);
    if (rc == 0)
        *value = rig_decode_double(r, m->endian);
    return rc;
}

int rig_meter_read_u32(struct rig_meter *m, uint16_t address, uint32_t *value)
{
    uint16_t r[2];
    int rc = rig_meter_read_registers(m, address, 2, r);
    if (rc == 0)
        *value = decode_u32(r, m->endian);
    return rc;
}

int rig_meter_read_runtime(struct rig_meter *m, struct rig_runtime *rt)
{
    uint16_t r[14];
    int rc = rig_meter_read_registers(m, MED2_ADDR_VOLTAGE, 14, r);
    if (rc < 0)
        return rc;
    rt->voltage = rig_decode_float(&r[MED2_ADDR_VOLTAGE], m->endian);
    rt->current = rig_decode_float(&r[MED2_ADDR_CURRENT], m->endian);
    rt->active_power = rig_decode_float(&r[MED2_ADDR_ACTIVE_POWER], m->endian);
    rt->reactive_power = rig_decode_float(&r[MED2_ADDR_REACTIVE_POWER], m->endian);
    rt->apparent_power = rig_decode_float(&r[MED2_ADDR_APPARENT_POWER], m->endian);
    rt->power_factor = rig_decode_float(&r[MED2_ADDR_POWER_FACTOR], m->endian);
    rt->frequency = rig_decode_float(&r[MED2_ADDR_FREQUENCY], m->endian);
    return 0;
}

int rig_meter_read_import_energy(struct rig_meter *m, double *wh)
{
    return rig_meter_read_double(m, MED2_ADDR_TOTAL_IMPORT_ACTIVE_ENERGY, wh);
}

const struct med2_reg_info *rig_reg_info(enum med2_reg_id id)
{
    if ((int)id < 0 || id >= MED2_REG_COUNT)
        return NULL;
    return &reg_table[id];
}

int rig_reg_lookup(const char *name)
{
    for (int i = 0; i < MED2_REG_COUNT; i++)
        if (strcasecmp(name, reg_table[i].name) == 0)
            return i;
    return rig_error_set(-ENOENT, "no register named '%s' in med2_regmap.h", name);
}

int rig_meter_read_reg(struct rig_meter *m, enum med2_reg_id id, double *value)
{
    const struct med2_reg_info *info = rig_reg_info(id);
    if (!info)
        return rig_error_set(-EINVAL, "position %u: no register id %d", m->position, (int)id);
    uint16_t r[4];
    unsigned words = MED2_REG_WORDS(info->type);
    int rc = rig_meter_read_registers(m, info->address, (uint16_t)words, r);
    if (rc < 0)
        return rc;
    switch (info->type) {
    case MED2_T_U16: *value = r[0]; break;
    case MED2_T_U32: *value = decode_u32(r, m->endian); break;
    case MED2_T_FLOAT: *value = rig_decode_float(r, m->endian); break;
    case MED2_T_DOUBLE: *value = rig_decode_double(r, m->endian); break;
    }
    return 0;
}
