/*
 * factory.c — the factory block client (rig/factory.h), raw Modbus
 * transactions on the unit's client with every value coded big-endian, as
 * the block defines (med2_regmap.h, MED2_FACTORY_REGMAP).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/error_internal.h"
#include "modbus/modbus_internal.h"
#include "rig/bench.h"
#include "rig/factory.h"
#include "rig/modbus.h"
#include "rig/regmap.h"

#define FACTORY_EXC_LOCKED 1
#define FACTORY_EXC_ADDRESS 2
#define FACTORY_EXC_VALUE 3
#define CAL_FIRST MED2_ADDR_FACTORY_V_GAIN
#define CAL_VALUES 8
#define CAL_WORDS (2 * CAL_VALUES) /* eight floats, 9012..9027 */
#define ID_FIRST MED2_ADDR_FACTORY_SERIAL
#define ID_WORDS 6   /* three uint32, 9006..9011 */

struct factory_reg {
    const char *name;
    uint16_t address;
    enum med2_reg_type type;
    const char *unit;
    double lo, hi;
};

static const struct factory_reg regs[MED2_FACTORY_COUNT] = {
#define FACTORY_ENTRY(id, addr, type, access, unit, lo, hi, def, desc) \
    [MED2_##id] = {#id, (addr), (type), (unit), (lo), (hi)},
    MED2_FACTORY_REGMAP(FACTORY_ENTRY)
#undef FACTORY_ENTRY
};

const char *rig_factory_name(enum med2_factory_id id)
{
    return (unsigned)id < MED2_FACTORY_COUNT ? regs[id].name : "?";
}

int rig_factory_range(enum med2_factory_id id, double *min, double *max, const char **unit)
{
    if ((unsigned)id >= MED2_FACTORY_COUNT)
        return rig_error_set(-EINVAL, "factory: no register with id %d", (int)id);
    if (min)
        *min = regs[id].lo;
    if (max)
        *max = regs[id].hi;
    if (unit)
        *unit = regs[id].unit;
    return 0;
}

struct rig_factory_cal rig_factory_cal_identity(void)
{
    return (struct rig_factory_cal){.v_gain = 1.0, .i_gain = 1.0};
}

/* Explain a refused factory request; code is what the Modbus call returned. */
static int explain(struct rig_meter *m, int code, const char *what)
{
    if (code != -EREMOTEIO)
        return rig_error_prefix(code, "position %u: factory block: %s", m->position, what);
    int exc = rig_meter_last_exception(m);
    if (exc == FACTORY_EXC_LOCKED) {
        uint16_t w[2];
        if (rig_meter_read_registers(m, MED2_ADDR_FACTORY_STATUS, 2, w) == 0 &&
            (rig_decode_u32(w, RIG_ENDIAN_BE) & MED2_FACTORY_SEALED))
            return rig_error_set(-EPERM,
                                 "position %u: the unit is sealed: the factory block refuses %s "
                                 "(exception 01) — a sealed unit is never changed",
                                 m->position, what);
        return rig_error_set(-EACCES,
                             "position %u: the factory block is locked: %s refused with "
                             "exception 01 — write the factory key first",
                             m->position, what);
    }
    if (exc == FACTORY_EXC_ADDRESS)
        return rig_error_set(-ENOTSUP,
                             "position %u: no factory block (exception 02 to %s) — is the unit's "
                             "firmware older than the factory block?",
                             m->position, what);
    if (exc == FACTORY_EXC_VALUE)
        return rig_error_set(-ERANGE, "position %u: %s refused with exception 03: out of range",
                             m->position, what);
    return rig_error_prefix(code, "position %u: factory block", m->position);
}

static int write_words(struct rig_meter *m, uint16_t addr, uint16_t n, const uint16_t *w,
                       const char *what)
{
    int rc = n == 1 ? rig_meter_write_register(m, addr, w[0])
                    : rig_meter_write_registers(m, addr, n, w);
    return rc < 0 ? explain(m, rc, what) : 0;
}

static int read_words(struct rig_meter *m, uint16_t addr, uint16_t n, uint16_t *w,
                      const char *what)
{
    int rc = rig_meter_read_registers(m, addr, n, w);
    return rc < 0 ? explain(m, rc, what) : 0;
}

int rig_factory_read(struct rig_meter *m, enum med2_factory_id id, double *value)
{
    if ((unsigned)id >= MED2_FACTORY_COUNT)
        return rig_error_set(-EINVAL, "factory: no register with id %d", (int)id);
    const struct factory_reg *r = &regs[id];
    uint16_t w[2];
    uint16_t n = r->type == MED2_T_U16 ? 1 : 2;
    char what[64];
    snprintf(what, sizeof what, "reading %s", r->name);
    int rc = read_words(m, r->address, n, w, what);
    if (rc < 0)
        return rc;
    *value = rig_decode_value(r->type, w, RIG_ENDIAN_BE);
    return 0;
}

int rig_factory_write(struct rig_meter *m, enum med2_factory_id id, double value)
{
    if ((unsigned)id >= MED2_FACTORY_COUNT)
        return rig_error_set(-EINVAL, "factory: no register with id %d", (int)id);
    const struct factory_reg *r = &regs[id];
    uint16_t w[4];
    int n = rig_encode_value(r->type, value, RIG_ENDIAN_BE, w);
    if (n < 0)
        return rig_error_set(-EINVAL, "position %u: %s = %g cannot be coded as its type",
                             m->position, r->name, value);
    char what[96];
    snprintf(what, sizeof what, "writing %s = %g (range %g..%g%s%s)", r->name, value, r->lo, r->hi,
             r->unit[0] ? " " : "", r->unit);
    return write_words(m, r->address, (uint16_t)n, w, what);
}

int rig_factory_unlock(struct rig_meter *m)
{
    return rig_factory_write(m, MED2_FACTORY_KEY, MED2_FACTORY_KEY_VALUE);
}

int rig_factory_status(struct rig_meter *m, uint32_t *status)
{
    double v;
    int rc = rig_factory_read(m, MED2_FACTORY_STATUS, &v);
    if (rc == 0)
        *status = (uint32_t)v;
    return rc;
}

static const enum med2_factory_id cal_ids[CAL_VALUES] = {
    MED2_FACTORY_V_GAIN,   MED2_FACTORY_I_GAIN,   MED2_FACTORY_PHASE_DEG,
    MED2_FACTORY_V_OFFSET, MED2_FACTORY_I_OFFSET, MED2_FACTORY_P_OFFSET,
    MED2_FACTORY_I_GAIN_SLOPE, MED2_FACTORY_PHASE_SLOPE};

int rig_factory_read_cal(struct rig_meter *m, struct rig_factory_cal *cal)
{
    uint16_t w[CAL_WORDS];
    int rc = read_words(m, CAL_FIRST, CAL_WORDS, w, "reading the calibration");
    if (rc < 0)
        return rc;
    double *dst[CAL_VALUES] = {&cal->v_gain,   &cal->i_gain,   &cal->phase_deg,
                               &cal->v_offset, &cal->i_offset, &cal->p_offset,
                               &cal->i_gain_slope, &cal->phase_slope};
    for (int k = 0; k < CAL_VALUES; k++)
        *dst[k] = rig_decode_float(&w[2 * k], RIG_ENDIAN_BE);
    return 0;
}

int rig_factory_write_cal(struct rig_meter *m, const struct rig_factory_cal *cal)
{
    uint16_t w[CAL_WORDS];
    const double v[CAL_VALUES] = {cal->v_gain,   cal->i_gain,   cal->phase_deg,
                                  cal->v_offset, cal->i_offset, cal->p_offset,
                                  cal->i_gain_slope, cal->phase_slope};
    for (int k = 0; k < CAL_VALUES; k++)
        if (!isfinite(v[k]) || rig_encode_value(MED2_T_FLOAT, v[k], RIG_ENDIAN_BE, &w[2 * k]) < 0)
            return rig_error_set(-EINVAL, "position %u: %s = %g is not a number to write",
                                 m->position, regs[cal_ids[k]].name, v[k]);
    char what[256];
    snprintf(what, sizeof what,
             "writing the calibration (V gain %.6f, I gain %.6f, phase %.4f deg, offsets %.4f V "
             "%.5f A %.4f W, slopes %.5f/decade %.4f deg/decade)",
             v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    int rc = write_words(m, CAL_FIRST, CAL_WORDS, w, what);
    if (rc == -ERANGE) {
        /* Name the value(s) outside their range, if the map says which. */
        for (int k = 0; k < CAL_VALUES; k++) {
            const struct factory_reg *r = &regs[cal_ids[k]];
            if (v[k] < r->lo || v[k] > r->hi)
                return rig_error_set(-ERANGE,
                                     "position %u: %s = %g refused with exception 03: outside "
                                     "%g..%g%s%s",
                                     m->position, r->name, v[k], r->lo, r->hi,
                                     r->unit[0] ? " " : "", r->unit);
        }
    }
    return rc;
}

int rig_factory_read_identity(struct rig_meter *m, struct rig_factory_identity *id)
{
    uint16_t w[ID_WORDS];
    int rc = read_words(m, ID_FIRST, ID_WORDS, w, "reading the identity");
    if (rc < 0)
        return rc;
    id->serial = rig_decode_u32(&w[0], RIG_ENDIAN_BE);
    id->hw_version = rig_decode_u32(&w[2], RIG_ENDIAN_BE);
    id->cal_date = rig_decode_u32(&w[4], RIG_ENDIAN_BE);
    return 0;
}

int rig_factory_write_identity(struct rig_meter *m, const struct rig_factory_identity *id)
{
    uint16_t w[ID_WORDS];
    rig_encode_value(MED2_T_U32, id->serial, RIG_ENDIAN_BE, &w[0]);
    rig_encode_value(MED2_T_U32, id->hw_version, RIG_ENDIAN_BE, &w[2]);
    rig_encode_value(MED2_T_U32, id->cal_date, RIG_ENDIAN_BE, &w[4]);
    char what[128];
    snprintf(what, sizeof what, "writing the identity (serial %u, hardware %u, date %u)",
             id->serial, id->hw_version, id->cal_date);
    return write_words(m, ID_FIRST, ID_WORDS, w, what);
}

static int command(struct rig_meter *m, unsigned cmd, const char *name)
{
    char what[64];
    snprintf(what, sizeof what, "FACTORY_COMMAND %u (%s)", cmd, name);
    uint16_t w = (uint16_t)cmd;
    return write_words(m, MED2_ADDR_FACTORY_COMMAND, 1, &w, what);
}

int rig_factory_save(struct rig_meter *m)
{
    return command(m, MED2_FACTORY_CMD_SAVE, "save");
}

int rig_factory_seal(struct rig_meter *m)
{
    return command(m, MED2_FACTORY_CMD_SEAL, "seal");
}

int rig_factory_lock(struct rig_meter *m)
{
    return command(m, MED2_FACTORY_CMD_LOCK, "lock");
}
