/*
 * modbus_rtu.c — the meters' Modbus RTU client (libmodbus): the line, raw
 * and typed reads and writes by the unit's register map.
 *
 * libmodbus accepts a late reply to an earlier, timed-out request as the
 * answer to the next one. So after a timeout or a garbled answer the line is
 * waited out (until it has been silent for a while) and flushed before the
 * one retry. A write is retried too after a timeout — setting a register
 * to a value twice is the same as once — unless it reaches a command
 * register (save, restart, seal: a lost reply may hide a command done).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "modbus/modbus_internal.h"
#include "rig/bench.h"
#include "rig/regmap.h"

#define METER_RETRIES 1          /* after the first attempt */
#define METER_SILENCE_MS 50      /* a line quiet this long has finished talking */
/* The longest RTU reply (256 bytes, Serial Line v1.02 §2.5.1) at 11 bits a
 * character (start, 8 data, parity or a second stop, stop). */
#define RTU_MAX_ADU 256u
#define BITS_PER_CHAR 11u
/* A broadcast gets no reply (Serial Line v1.02 §2.1); libmodbus 3.1 waits
 * for one anyway, so wait only the turnaround delay the spec suggests. */
#define BROADCAST_TURNAROUND_MS 100

static int default_timeout_ms(int baud)
{
    if (baud <= 0)
        return RIG_METER_TIMEOUT_MS;
    return RIG_METER_TIMEOUT_MS + (int)((RTU_MAX_ADU * BITS_PER_CHAR * 1000u + (unsigned)baud - 1) /
                                        (unsigned)baud);
}

static void apply_timeout(struct rig_meter *m, int timeout_ms)
{
    if (m->ctx)
        modbus_set_response_timeout(m->ctx, (uint32_t)(timeout_ms / 1000),
                                    (uint32_t)(timeout_ms % 1000) * 1000u);
}

static void describe_line(struct rig_meter *m)
{
    snprintf(m->line_text, sizeof m->line_text, "%d 8%c%d", m->line.baud, m->line.parity,
             m->line.stop_bits);
}

/* Open the port with m->line; on failure m->ctx stays NULL. */
static int connect_line(struct rig_meter *m)
{
    m->ctx = modbus_new_rtu(m->tty, m->line.baud, m->line.parity, 8, m->line.stop_bits);
    if (!m->ctx) {
        int e = errno;
        return rig_error_set(-e, "position %u: bad line settings %s for %s — check the bench file",
                             m->position, m->line_text, m->tty);
    }
    modbus_set_slave(m->ctx, m->line.slave);
    if (!m->timeout_fixed)
        m->timeout_ms = default_timeout_ms(m->line.baud);
    apply_timeout(m, m->timeout_ms);
    if (modbus_connect(m->ctx) < 0) {
        int e = errno;
        modbus_free(m->ctx);
        m->ctx = NULL;
        return rig_error_set(-e, "position %u: cannot open %s: %s — check the RS485 adapter is "
                                 "plugged in and the bench file's rs485 port",
                             m->position, m->tty, strerror(e));
    }
    return 0;
}

static void disconnect_line(struct rig_meter *m)
{
    if (m->ctx) {
        modbus_close(m->ctx);
        modbus_free(m->ctx);
        m->ctx = NULL;
    }
}

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
    if (!m || !(m->tty = strdup(pos->rs485)) || (pos->model && !(m->model = strdup(pos->model)))) {
        rig_meter_close(m);
        return rig_error_set(-ENOMEM, "position %u: out of memory", pos->number);
    }
    enum med2_map map;
    int rc = rig_regmap_for_model(pos->model, &map);
    m->map = rc < 0 ? rc : (int)map;
    m->position = pos->number;
    m->line = (struct rig_line){pos->slave, pos->baud, parity, stop};
    describe_line(m);
    if ((rc = connect_line(m)) < 0) {
        rig_meter_close(m);
        return rc;
    }
    *out = m;
    return 0;
}

void rig_meter_close(struct rig_meter *m)
{
    if (!m)
        return;
    disconnect_line(m);
    free(m->tty);
    free(m->model);
    free(m);
}

void rig_meter_set_timeout(struct rig_meter *m, int timeout_ms)
{
    m->timeout_fixed = timeout_ms > 0;
    m->timeout_ms = timeout_ms > 0 ? timeout_ms : default_timeout_ms(m->line.baud);
    apply_timeout(m, m->timeout_ms);
}

int rig_meter_timeout(const struct rig_meter *m)
{
    return m->timeout_ms;
}

void rig_meter_set_endian(struct rig_meter *m, enum rig_endian endian)
{
    m->endian = endian;
}

enum rig_endian rig_meter_endian(const struct rig_meter *m)
{
    return m->endian;
}

int rig_meter_map(const struct rig_meter *m, enum med2_map *map)
{
    if (m->map >= 0) {
        *map = (enum med2_map)m->map;
        return 0;
    }
    if (m->map == -ENODEV)
        return rig_error_set(-ENODEV, "position %u: model %s has no RS485 register map",
                             m->position, m->model);
    return rig_error_set(m->map, "position %u: %s model '%s' — the bench file's model decides "
                                 "the register map",
                         m->position, m->model ? "unknown" : "no", m->model ? m->model : "");
}

void rig_meter_line(const struct rig_meter *m, struct rig_line *line)
{
    *line = m->line;
}

int rig_meter_set_line(struct rig_meter *m, const struct rig_line *line)
{
    if (line->slave < 0 || line->slave > 247 ||
        (line->parity != 'N' && line->parity != 'E' && line->parity != 'O') ||
        (line->stop_bits != 1 && line->stop_bits != 2) || line->baud <= 0)
        return rig_error_set(-EINVAL, "position %u: line settings slave %d, %d 8%c%d are not valid",
                             m->position, line->slave, line->baud, line->parity, line->stop_bits);
    bool reopen = !m->ctx || line->baud != m->line.baud || line->parity != m->line.parity ||
                  line->stop_bits != m->line.stop_bits;
    m->line = *line;
    describe_line(m);
    if (!reopen) {
        modbus_set_slave(m->ctx, line->slave);
        return 0;
    }
    /* Close first: closing restores the termios saved at connect, which
     * would undo the new settings if done after opening again. */
    disconnect_line(m);
    return connect_line(m);
}

unsigned long rig_meter_transactions(const struct rig_meter *m)
{
    return m->transactions;
}

/* ---- the line's busy time (rig_meter_line_seconds) ---- */

#define RTU_SILENCE_FIXED_S 0.00175 /* t3.5 above 19200 baud */
#define RTU_SILENCE_CHARS 3.5
#define RTU_FAST_BAUD 19200
#define RTU_READ_REQ_BYTES 8u       /* address, function, start, count, CRC */
#define RTU_READ_REPLY_BYTES 5u     /* + 2 per register */
#define RTU_WRITE1_BYTES 8u         /* function 06, request and echo */
#define RTU_WRITEN_REQ_BYTES 9u     /* + 2 per register */
#define RTU_WRITEN_REPLY_BYTES 8u
#define RTU_EXCEPTION_BYTES 5u

double rig_meter_line_seconds(const struct rig_meter *m)
{
    return m->line_s;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool is_exception(int e);

/* One transaction's frames on the line: rc < 0 with ETIMEDOUT counts the
 * time waited (from t0) instead of a reply; an exception, its 5 bytes. */
static void account(struct rig_meter *m, unsigned req, unsigned reply, int rc, int e, double t0)
{
    double bits = 1.0 + 8.0 + (m->line.parity != 'N' ? 1.0 : 0.0) + m->line.stop_bits;
    double chr = m->line.baud > 0 ? bits / m->line.baud : 0.0;
    double silence = m->line.baud > RTU_FAST_BAUD ? RTU_SILENCE_FIXED_S : RTU_SILENCE_CHARS * chr;
    if (rc < 0 && e == ETIMEDOUT) {
        m->line_s += silence + req * chr + (wall_now() - t0);
        return;
    }
    if (rc < 0 && is_exception(e))
        reply = RTU_EXCEPTION_BYTES;
    m->line_s += 2.0 * silence + (req + reply) * chr + RIG_METER_TURNAROUND_S +
                 RIG_METER_ADAPTER_LATENCY_S;
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
    double t0 = wall_now();

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
    m->line_s += wall_now() - t0;
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
                             m->position, m->line.slave, m->last_exception, modbus_strerror(e),
                             what);
    }
    if (e == ETIMEDOUT)
        return rig_error_set(-ETIMEDOUT,
                             "position %u: no answer from slave %d on %s at %s — check wiring "
                             "and the unit's serial settings",
                             m->position, m->line.slave, m->tty, m->line_text);
    if (e >= EMBBADCRC && e <= EMBBADSLAVE)
        return rig_error_set(-EBADMSG,
                             "position %u: garbled answer from slave %d on %s at %s (%s) to %s — "
                             "check the line settings match the unit's and the bus termination",
                             m->position, m->line.slave, m->tty, m->line_text, modbus_strerror(e),
                             what);
    return rig_error_set(e > 0 && e < MODBUS_ENOBASE ? -e : -EIO,
                         "position %u: %s on %s failed: %s — check the RS485 adapter", m->position,
                         what, m->tty, modbus_strerror(e));
}

static int require_line(struct rig_meter *m)
{
    if (m->ctx)
        return 0;
    return rig_error_set(-EBADF, "position %u: %s is not open (moving to %s failed)", m->position,
                         m->tty, m->line_text);
}

int rig_meter_read_registers(struct rig_meter *m, uint16_t address, uint16_t count,
                             uint16_t *dest)
{
    char what[64];
    int e = 0;

    snprintf(what, sizeof what, "reading %u registers at %u", count, address);
    m->last_exception = 0;
    if (count == 0 || count > RIG_MB_MAX_READ)
        return rig_error_set(-EINVAL, "position %u: cannot read %u registers at once (1..%u)",
                             m->position, count, RIG_MB_MAX_READ);
    if (m->line.slave == MODBUS_BROADCAST_ADDRESS)
        return rig_error_set(-EINVAL, "position %u: a broadcast cannot read", m->position);
    int rc = require_line(m);
    if (rc < 0)
        return rc;
    for (int attempt = 0; attempt <= METER_RETRIES; attempt++) {
        m->transactions++;
        double t0 = wall_now();
        rc = modbus_read_registers(m->ctx, address, count, dest);
        e = rc < 0 ? errno : 0;
        account(m, RTU_READ_REQ_BYTES, RTU_READ_REPLY_BYTES + 2u * count, rc, e, t0);
        if (rc == count)
            return 0;
        e = rc < 0 ? e : EMBBADDATA;
        if (is_exception(e))
            break;
        wait_out_line(m);
    }
    return report(m, e, what);
}

/* A write's outcome: rc is libmodbus's, expect what success returns. */
static int write_outcome(struct rig_meter *m, int rc, int expect, const char *what)
{
    int e = errno;
    if (m->line.slave == MODBUS_BROADCAST_ADDRESS) {
        apply_timeout(m, m->timeout_ms);
        if (rc < 0 && e == ETIMEDOUT)
            return 0; /* as it should be: nobody answers a broadcast */
        if (rc >= 0)
            return rig_error_set(-EBADMSG, "position %u: a meter answered the broadcast %s on %s",
                                 m->position, what, m->tty);
    }
    if (rc == expect)
        return 0;
    if (rc >= 0)
        e = EMBBADDATA;
    if (!is_exception(e))
        wait_out_line(m);
    return report(m, e, what);
}

static void before_write(struct rig_meter *m)
{
    m->last_exception = 0;
    m->transactions++;
    if (m->line.slave == MODBUS_BROADCAST_ADDRESS)
        apply_timeout(m, BROADCAST_TURNAROUND_MS);
}

/* May this write be sent again after a timeout: no command among its registers? */
static bool repeatable(const struct rig_meter *m, uint16_t address, uint16_t count)
{
    if (m->line.slave == MODBUS_BROADCAST_ADDRESS)
        return false;
    for (unsigned a = address; a < (unsigned)address + count; a++) {
        if (a == MED2_ADDR_FACTORY_COMMAND)
            return false;
        int id = m->map >= 0 ? rig_reg_by_address((enum med2_map)m->map, (uint16_t)a) : -1;
        if (id >= 0 && rig_reg_is_command((enum med2_reg_id)id))
            return false;
    }
    return true;
}

int rig_meter_write_register(struct rig_meter *m, uint16_t address, uint16_t value)
{
    char what[64];
    int rc = require_line(m);
    if (rc < 0)
        return rc;
    snprintf(what, sizeof what, "writing register %u", address);
    before_write(m);
    double t0 = wall_now();
    rc = modbus_write_register(m->ctx, address, value);
    int e = errno;
    account(m, RTU_WRITE1_BYTES, RTU_WRITE1_BYTES, rc, e, t0);
    if (rc < 0 && e == ETIMEDOUT && repeatable(m, address, 1)) {
        wait_out_line(m);
        before_write(m);
        t0 = wall_now();
        rc = modbus_write_register(m->ctx, address, value);
        e = errno;
        account(m, RTU_WRITE1_BYTES, RTU_WRITE1_BYTES, rc, e, t0);
    }
    errno = e;
    return write_outcome(m, rc, 1, what);
}

int rig_meter_write_registers(struct rig_meter *m, uint16_t address, uint16_t count,
                              const uint16_t *src)
{
    char what[64];
    if (count == 0 || count > RIG_MB_MAX_WRITE)
        return rig_error_set(-EINVAL, "position %u: cannot write %u registers at once (1..%u)",
                             m->position, count, RIG_MB_MAX_WRITE);
    int rc = require_line(m);
    if (rc < 0)
        return rc;
    snprintf(what, sizeof what, "writing %u registers at %u", count, address);
    before_write(m);
    const unsigned req = RTU_WRITEN_REQ_BYTES + 2u * count;
    double t0 = wall_now();
    rc = modbus_write_registers(m->ctx, address, count, src);
    int e = errno;
    account(m, req, RTU_WRITEN_REPLY_BYTES, rc, e, t0);
    if (rc < 0 && e == ETIMEDOUT && repeatable(m, address, count)) {
        wait_out_line(m);
        before_write(m);
        t0 = wall_now();
        rc = modbus_write_registers(m->ctx, address, count, src);
        e = errno;
        account(m, req, RTU_WRITEN_REPLY_BYTES, rc, e, t0);
    }
    errno = e;
    return write_outcome(m, rc, count, what);
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
        *value = rig_decode_u32(r, m->endian);
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
    /* Register 300 in both maps (manual §5). */
    return rig_meter_read_double(m, MED2_ADDR_TOTAL_IMPORT_ACTIVE_ENERGY, wh);
}

int rig_meter_read_reg(struct rig_meter *m, enum med2_reg_id id, double *value)
{
    return rig_meter_read_regs(m, &id, 1, value);
}

int rig_meter_read_regs(struct rig_meter *m, const enum med2_reg_id *ids, size_t n,
                        double *values)
{
    enum med2_map map;
    struct rig_read_block blocks[MED2_REG_COUNT];
    uint16_t regs[RIG_MB_MAX_READ];
    int rc = rig_meter_map(m, &map);
    if (rc < 0)
        return rc;
    int nb = rig_regmap_plan(map, ids, n, blocks, MED2_REG_COUNT);
    if (nb < 0)
        return rig_error_prefix(nb, "position %u (%s, %s map)", m->position, m->model,
                                rig_regmap_name(map));
    for (int b = 0; b < nb; b++) {
        if ((rc = rig_meter_read_registers(m, blocks[b].address, blocks[b].count, regs)) < 0)
            return rc;
        /* Hand each wanted value its words from the block. */
        for (size_t i = 0; i < n; i++) {
            unsigned a = (unsigned)rig_reg_address(map, ids[i]);
            if (a < blocks[b].address || a >= blocks[b].address + blocks[b].count)
                continue;
            values[i] = rig_decode_value(rig_reg_info(ids[i])->type, &regs[a - blocks[b].address],
                                         m->endian);
        }
    }
    return 0;
}

int rig_meter_read_map(struct rig_meter *m, double values[MED2_REG_COUNT],
                       bool present[MED2_REG_COUNT])
{
    enum med2_map map;
    enum med2_reg_id ids[MED2_REG_COUNT];
    double got[MED2_REG_COUNT];
    int rc = rig_meter_map(m, &map);
    if (rc < 0)
        return rc;
    size_t n = rig_regmap_readable(map, ids, MED2_REG_COUNT);
    if ((rc = rig_meter_read_regs(m, ids, n, got)) < 0)
        return rc;
    for (int i = 0; i < MED2_REG_COUNT; i++)
        present[i] = false;
    for (size_t i = 0; i < n; i++) {
        values[ids[i]] = got[i];
        present[ids[i]] = true;
    }
    return 0;
}

int rig_meter_write_reg(struct rig_meter *m, enum med2_reg_id id, double value)
{
    enum med2_map map;
    uint16_t regs[4];
    int rc = rig_meter_map(m, &map);
    if (rc < 0)
        return rc;
    if ((rc = rig_reg_address(map, id)) < 0)
        return rig_error_prefix(rc, "position %u (%s)", m->position, m->model);
    uint16_t address = (uint16_t)rc;
    if ((rc = rig_reg_check_value(id, value)) < 0)
        return rig_error_prefix(rc, "position %u", m->position);
    const struct med2_reg_info *r = rig_reg_info(id);
    if ((rc = rig_encode_value(r->type, value, m->endian, regs)) < 0)
        return rig_error_prefix(rc, "position %u: %s", m->position, rig_reg_name(id));
    if (rig_reg_is_command(id)) /* manual §5: commands are written with 06 */
        return rig_meter_write_register(m, address, regs[0]);
    return rig_meter_write_registers(m, address, (uint16_t)rc, regs);
}

int rig_meter_detect_endian(struct rig_meter *m)
{
    enum med2_map map;
    uint16_t r[2];
    int rc = rig_meter_map(m, &map);
    if (rc < 0)
        return rc;
    if ((rc = rig_meter_read_registers(m, MED2_ADDR_ENDIAN, 2, r)) < 0)
        return rc;
    if ((rc = rig_endian_from_708(r)) < 0)
        return rig_error_prefix(rc, "position %u", m->position);
    m->endian = (enum rig_endian)rc;
    return rc;
}
