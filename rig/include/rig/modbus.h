/*
 * rig/modbus.h — the meters' Modbus RTU line (libmodbus), typed reads from
 * the shared register map (med2_regmap.h).
 *
 * Each request waits RIG_METER_TIMEOUT_MS for the answer. After a timeout or
 * a garbled answer the line is waited out and flushed before one retry:
 * libmodbus would otherwise take a late reply to the timed-out request as the
 * answer to the next one.
 */
#ifndef RIG_MODBUS_H
#define RIG_MODBUS_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_regmap.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;
struct rig_position;
struct rig_meter;

#define RIG_METER_TIMEOUT_MS 500

/* Word/byte order of 2- and 4-register values (manual: endian setting). */
enum rig_endian {
    RIG_ENDIAN_BE = 0,       /* ABCD, the default */
    RIG_ENDIAN_LE = 1,       /* DCBA */
    RIG_ENDIAN_BE_SWAP = 2,  /* BADC: bytes swapped within each register */
    RIG_ENDIAN_LE_SWAP = 3,  /* CDAB: registers reversed, bytes kept */
};

/* Registers 0..13 of the runtime block. */
struct rig_runtime {
    float voltage, current, active_power, reactive_power, apparent_power, power_factor,
        frequency;
};

/*
 * rig_bench_meter — the Modbus client of position (1-based), owned by the
 * bench, opened on first use. Returns it, or NULL with a last error (no such
 * position, port cannot be opened).
 */
struct rig_meter *rig_bench_meter(struct rig_bench *bench, unsigned position);

/*
 * rig_meter_open — a client for the meter at pos (its rs485 tty, slave and
 * line settings). Used by the bench; public for tools and tests.
 * Returns 0 and *out, or -ENOENT/-EACCES/-EBUSY (the port), -EINVAL (settings).
 */
int rig_meter_open(const struct rig_position *pos, struct rig_meter **out);

/* rig_meter_close — close and free; NULL is ignored. */
void rig_meter_close(struct rig_meter *m);

/* rig_meter_set_timeout — response timeout in ms (default RIG_METER_TIMEOUT_MS). */
void rig_meter_set_timeout(struct rig_meter *m, int timeout_ms);

/* rig_meter_set_endian — how 2- and 4-register values are decoded (default BE). */
void rig_meter_set_endian(struct rig_meter *m, enum rig_endian endian);

/*
 * rig_meter_read_registers — function 03, count registers from address.
 * Returns 0, -ETIMEDOUT (no answer, after one retry; the message names the
 * position, slave, tty and line settings), -EBADMSG (garbled answers),
 * -EREMOTEIO (the meter answered an exception: rig_meter_last_exception).
 */
int rig_meter_read_registers(struct rig_meter *m, uint16_t address, uint16_t count,
                             uint16_t *dest);

/* rig_meter_read_float — a 2-register float at address. Returns as above. */
int rig_meter_read_float(struct rig_meter *m, uint16_t address, float *value);

/* rig_meter_read_double — a 4-register double at address. Returns as above. */
int rig_meter_read_double(struct rig_meter *m, uint16_t address, double *value);

/* rig_meter_read_u32 — a 2-register unsigned at address. Returns as above. */
int rig_meter_read_u32(struct rig_meter *m, uint16_t address, uint32_t *value);

/* rig_meter_read_runtime — registers 0..13 in one transaction. Returns as above. */
int rig_meter_read_runtime(struct rig_meter *m, struct rig_runtime *rt);

/* rig_meter_read_import_energy — total import active energy, Wh (register 300). */
int rig_meter_read_import_energy(struct rig_meter *m, double *wh);

/*
 * rig_meter_read_reg — register id of med2_regmap.h, decoded by its type and
 * returned as a double. Returns as rig_meter_read_registers, -EINVAL for an
 * unknown id.
 */
int rig_meter_read_reg(struct rig_meter *m, enum med2_reg_id id, double *value);

/*
 * rig_meter_write_register / rig_meter_write_registers — functions 06 / 16.
 * Not retried (a write whose answer was lost may have been applied).
 * Returns 0, -ETIMEDOUT, -EBADMSG, -EREMOTEIO (exception).
 */
int rig_meter_write_register(struct rig_meter *m, uint16_t address, uint16_t value);
int rig_meter_write_registers(struct rig_meter *m, uint16_t address, uint16_t count,
                              const uint16_t *src);

/* rig_meter_last_exception — the exception code (1..11) of the last
 * -EREMOTEIO, else 0. */
int rig_meter_last_exception(const struct rig_meter *m);

/*
 * rig_reg_lookup — the register-map entry named name (case-insensitive, e.g.
 * "voltage", "total_import_active_energy"). Returns its id, or -ENOENT.
 */
int rig_reg_lookup(const char *name);

/* rig_reg_info — the register-map entry of id, or NULL. */
const struct med2_reg_info *rig_reg_info(enum med2_reg_id id);

/* rig_decode_float / rig_decode_double — decode registers in the given order. */
float rig_decode_float(const uint16_t regs[2], enum rig_endian endian);
double rig_decode_double(const uint16_t regs[4], enum rig_endian endian);

#ifdef __cplusplus
}
#endif

#endif /* RIG_MODBUS_H */
