/*
 * rig/factory.h — the meter's private factory block (registers 9000-9027,
 * MED2_FACTORY_REGMAP in med2_regmap.h; docs/factory.md): unlocking with the
 * factory key, status, calibration and identity, save, seal, lock.
 *
 * Every value of the block is big-endian (ABCD) whatever the unit's endian
 * setting (register 708), so this client codes and decodes it BE itself.
 * On RS485 models the block is on the unit's RS485 line; models without
 * RS485 answer it, and only it, on their factory test port (the bench
 * file's rs485 port of that position), fixed at 38400 8N1, and nothing at
 * all once sealed.
 *
 * Errors (every int function): 0 or a negative errno-style code with a
 * one-line message (rig_last_error()) naming the position and the register:
 *   -EACCES   exception 01: the block is locked (no key written, or a wrong
 *             one) — or sealed, see -EPERM
 *   -EPERM    exception 01 on a sealed unit: it refuses every write
 *   -ERANGE   exception 03: the value is out of the register's range
 *   -ENOTSUP  exception 02: the firmware has no factory block (old image?)
 *   -ETIMEDOUT no answer (on a model without RS485: not wired, no firmware,
 *             or sealed)
 *   and the errors of rig/modbus.h.
 */
#ifndef RIG_FACTORY_H
#define RIG_FACTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_regmap.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;
struct rig_meter;

/* Calibration as the firmware applies it (metrology.c): gains multiply,
 * the phase advances the current, offsets are removed from rms values and
 * the active power; below Iref (5 A at the terminals) the slopes add, per
 * decade of current (L = log10(I / 5 A) <= 0), i_gain_slope x L to the
 * current's gain and phase_slope x L degrees to its advance. */
struct rig_factory_cal {
    double v_gain, i_gain;  /* 0.85 .. 1.15 */
    double phase_deg;       /* -3 .. 3, degrees the current is advanced */
    double v_offset;        /* V, -2 .. 2 */
    double i_offset;        /* A, -0.05 .. 0.05 */
    double p_offset;        /* W, -2 .. 2 */
    double i_gain_slope;    /* per decade below Iref, -0.01 .. 0.01 */
    double phase_slope;     /* degrees per decade below Iref, -1 .. 1 */
};

struct rig_factory_identity {
    uint32_t serial;        /* 1 .. 99999999 */
    uint32_t hw_version;    /* 0 .. 65535 */
    uint32_t cal_date;      /* YYYYMMDD, 20000101 .. 20991231 */
};

/* The factory test port of the models without RS485: fixed 38400 8N1
 * (docs/factory.md). */
#define RIG_FACTORY_PORT_BAUD 38400

/*
 * rig_bench_factory — the client that reaches position's factory block:
 * its Modbus client (rig_bench_meter); for a model without RS485 moved to
 * the factory port's fixed 38400 8N1. NULL with a last error if the
 * position does not exist or its port cannot be opened.
 */
struct rig_meter *rig_bench_factory(struct rig_bench *bench, unsigned position);

/* rig_factory_name — "FACTORY_V_GAIN" etc.; "?" for a bad id. */
const char *rig_factory_name(enum med2_factory_id id);

/* rig_factory_info — min, max and unit of a register (from the map). */
int rig_factory_range(enum med2_factory_id id, double *min, double *max, const char **unit);

/* rig_factory_unlock — write MED2_FACTORY_KEY_VALUE to FACTORY_KEY. */
int rig_factory_unlock(struct rig_meter *m);

/* rig_factory_status — FACTORY_STATUS (MED2_FACTORY_UNLOCKED | _SEALED | ...). */
int rig_factory_status(struct rig_meter *m, uint32_t *status);

/*
 * rig_factory_read / rig_factory_write — one value of the block, coded BE
 * by its type. A write is not range-checked here: the firmware is the
 * authority and answers 03 (-ERANGE), and the message gives the range.
 */
int rig_factory_read(struct rig_meter *m, enum med2_factory_id id, double *value);
int rig_factory_write(struct rig_meter *m, enum med2_factory_id id, double value);

/* rig_factory_read_cal / rig_factory_write_cal — the eight calibration
 * values (9012-9027) in one transaction. They apply at once; persist with
 * save. */
int rig_factory_read_cal(struct rig_meter *m, struct rig_factory_cal *cal);
int rig_factory_write_cal(struct rig_meter *m, const struct rig_factory_cal *cal);

/* rig_factory_read_identity / rig_factory_write_identity — serial, hardware
 * version, calibration date (9006-9011) in one transaction. */
int rig_factory_read_identity(struct rig_meter *m, struct rig_factory_identity *id);
int rig_factory_write_identity(struct rig_meter *m, const struct rig_factory_identity *id);

/*
 * rig_factory_save / rig_factory_seal / rig_factory_lock — FACTORY_COMMAND
 * 1 (persist calibration and identity with their CRC), 2 (seal: one-way,
 * only with a saved record), 3 (lock the block again).
 */
int rig_factory_save(struct rig_meter *m);
int rig_factory_seal(struct rig_meter *m);
int rig_factory_lock(struct rig_meter *m);

/* rig_factory_cal_identity — the identity calibration (gains 1, rest 0). */
struct rig_factory_cal rig_factory_cal_identity(void);

#ifdef __cplusplus
}
#endif

#endif /* RIG_FACTORY_H */
