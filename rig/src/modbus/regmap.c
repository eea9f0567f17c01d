/*
 * regmap.c — the register maps as the rig sees them: model to map, names,
 * addresses, read plans, value codecs and the password layout, all derived
 * from the one table in med2_regmap.h.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error_internal.h"
#include "rig/regmap.h"

static const struct med2_reg_info reg_table[MED2_REG_COUNT] = MED2_REG_INFO_TABLE;

/* The models of the manual's product table and their maps (manual §5: the
 * C80 tables are "for the C80-1M-V3CT and C80-1M-V3", the B80 tables "for
 * the B80-1M-V2CT and B80-1M-V2"; the others have no RS485). */
static const struct {
    const char *name;
    int map; /* enum med2_map, or -1: no RS485 */
} models[] = {
    {"C80-1M-V3", MED2_MAP_C80},   {"C80-1M-V3CT", MED2_MAP_C80}, {"B80-1M-V2", MED2_MAP_B80},
    {"B80-1M-V2CT", MED2_MAP_B80}, {"B80-0M-02", -1},             {"B80-0M-02P", -1},
    {"B80-0W-01", -1},
};

#define MODEL_LIST "C80-1M-V3, C80-1M-V3CT, B80-1M-V2, B80-1M-V2CT, B80-0M-02, B80-0M-02P, B80-0W-01"

/* Command values (manual §5, the command tables of 2000 and 3000). */
static const unsigned system_commands[] = {100, 110, 120};
static const unsigned counter_commands[] = {200, 210, 220};

int rig_regmap_for_model(const char *model, enum med2_map *map)
{
    if (!model)
        return rig_error_set(-EINVAL, "no model given (one of " MODEL_LIST ")");
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        if (strcmp(model, models[i].name) != 0)
            continue;
        if (models[i].map < 0)
            return rig_error_set(-ENODEV, "model %s has no RS485 interface and no register map",
                                 model);
        *map = (enum med2_map)models[i].map;
        return 0;
    }
    return rig_error_set(-EINVAL, "unknown model '%s' (one of " MODEL_LIST ")", model);
}

const char *rig_regmap_name(enum med2_map map)
{
    switch (map) {
    case MED2_MAP_C80: return "C80";
    case MED2_MAP_B80: return "B80";
    default: return "?";
    }
}

static bool valid_id(enum med2_reg_id id)
{
    return (int)id >= 0 && id < MED2_REG_COUNT;
}

static bool valid_map(enum med2_map map)
{
    return (int)map >= 0 && map < MED2_MAP_COUNT;
}

const struct med2_reg_info *rig_reg_info(enum med2_reg_id id)
{
    return valid_id(id) ? &reg_table[id] : NULL;
}

const char *rig_reg_name(enum med2_reg_id id)
{
    /* Per thread, so no thread ever writes what another reads. */
    static _Thread_local char names[MED2_REG_COUNT][48];
    static _Thread_local bool filled;
    if (!valid_id(id))
        return "?";
    if (!filled) {
        for (int i = 0; i < MED2_REG_COUNT; i++) {
            size_t n = 0;
            for (; n < sizeof names[i] - 1 && reg_table[i].name[n]; n++)
                names[i][n] = (char)tolower((unsigned char)reg_table[i].name[n]);
            names[i][n] = '\0';
        }
        filled = true;
    }
    return names[id];
}

int rig_reg_lookup(const char *name)
{
    for (int i = 0; i < MED2_REG_COUNT; i++)
        if (strcasecmp(name, reg_table[i].name) == 0)
            return i;
    return rig_error_set(-ENOENT, "no register named '%s' in med2_regmap.h", name);
}

int rig_reg_address(enum med2_map map, enum med2_reg_id id)
{
    if (!valid_id(id) || !valid_map(map))
        return rig_error_set(-EINVAL, "no register id %d in map %d", (int)id, (int)map);
    unsigned a = reg_table[id].address[map];
    if (a == MED2_NA)
        return rig_error_set(-ENOENT, "register %s is not in the %s map", rig_reg_name(id),
                             rig_regmap_name(map));
    return (int)a;
}

unsigned rig_reg_words(enum med2_reg_id id)
{
    return valid_id(id) ? MED2_REG_WORDS(reg_table[id].type) : 0;
}

bool rig_reg_readable(enum med2_reg_id id)
{
    return valid_id(id) && (reg_table[id].access & MED2_A_R);
}

bool rig_reg_writable(enum med2_reg_id id)
{
    return valid_id(id) && (reg_table[id].access & MED2_A_W);
}

bool rig_reg_is_command(enum med2_reg_id id)
{
    return valid_id(id) && reg_table[id].access == MED2_A_W && reg_table[id].type == MED2_T_U16;
}

int rig_reg_by_address(enum med2_map map, uint16_t address)
{
    if (valid_map(map))
        for (int i = 0; i < MED2_REG_COUNT; i++)
            if (reg_table[i].address[map] == address)
                return i;
    return -ENOENT;
}

size_t rig_regmap_readable(enum med2_map map, enum med2_reg_id *ids, size_t cap)
{
    size_t n = 0;
    if (!valid_map(map))
        return 0;
    /* The table is in address order within each map (as the manual lists
     * it), but sort anyway so a reordered header cannot break the plans. */
    for (int i = 0; i < MED2_REG_COUNT && n < cap; i++)
        if (reg_table[i].address[map] != MED2_NA && rig_reg_readable((enum med2_reg_id)i))
            ids[n++] = (enum med2_reg_id)i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && reg_table[ids[j]].address[map] <
                                        reg_table[ids[j - 1]].address[map]; j--) {
            enum med2_reg_id t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    return n;
}

int rig_regmap_plan(enum med2_map map, const enum med2_reg_id *ids, size_t n,
                    struct rig_read_block *blocks, size_t cap)
{
    /* A bitmap of the value starts wanted, walked in address order. */
    bool want[MED2_REG_COUNT] = {false};
    for (size_t i = 0; i < n; i++) {
        int rc = rig_reg_address(map, ids[i]);
        if (rc < 0)
            return rc;
        if (!rig_reg_readable(ids[i]))
            return rig_error_set(-EPERM, "register %s is write-only", rig_reg_name(ids[i]));
        want[ids[i]] = true;
    }
    enum med2_reg_id order[MED2_REG_COUNT];
    size_t all = rig_regmap_readable(map, order, MED2_REG_COUNT);
    size_t nb = 0;
    bool open = false;
    for (size_t k = 0; k < all; k++) {
        enum med2_reg_id id = order[k];
        if (!want[id])
            continue;
        unsigned a = reg_table[id].address[map];
        unsigned w = MED2_REG_WORDS(reg_table[id].type);
        if (open && blocks[nb - 1].address + blocks[nb - 1].count == a &&
            blocks[nb - 1].count + w <= RIG_MB_MAX_READ) {
            blocks[nb - 1].count = (uint16_t)(blocks[nb - 1].count + w);
            continue;
        }
        if (nb == cap)
            return rig_error_set(-ENOSPC, "a read plan of the %s map needs more than %zu blocks",
                                 rig_regmap_name(map), cap);
        blocks[nb++] = (struct rig_read_block){(uint16_t)a, (uint16_t)w};
        open = true;
    }
    return (int)nb;
}

/* Canonical big-endian bytes (A first) of n registers in the given order,
 * or (inverse) registers from canonical bytes: the permutations are their
 * own inverses. */
static unsigned wire_index(unsigned i, unsigned nb, enum rig_endian endian)
{
    switch (endian) {
    case RIG_ENDIAN_LE: return nb - 1 - i;                        /* DCBA */
    case RIG_ENDIAN_BE_SWAP: return i ^ 1u;                       /* BADC */
    case RIG_ENDIAN_LE_SWAP: return (nb - 2 - (i & ~1u)) + (i & 1u); /* CDAB */
    case RIG_ENDIAN_BE:
    default: return i;
    }
}

static void canonical_bytes(const uint16_t *regs, unsigned n, enum rig_endian endian,
                            uint8_t *out)
{
    uint8_t wire[8] = {0};
    unsigned nb = n * 2;
    for (unsigned i = 0; i < n; i++) {
        wire[2 * i] = (uint8_t)(regs[i] >> 8);
        wire[2 * i + 1] = (uint8_t)(regs[i] & 0xff);
    }
    for (unsigned i = 0; i < nb; i++)
        out[i] = wire[wire_index(i, nb, endian)];
}

static void regs_from_canonical(const uint8_t *bytes, unsigned n, enum rig_endian endian,
                                uint16_t *regs)
{
    uint8_t wire[8] = {0};
    unsigned nb = n * 2;
    for (unsigned i = 0; i < nb; i++)
        wire[wire_index(i, nb, endian)] = bytes[i];
    for (unsigned i = 0; i < n; i++)
        regs[i] = (uint16_t)(wire[2 * i] << 8 | wire[2 * i + 1]);
}

uint32_t rig_decode_u32(const uint16_t regs[2], enum rig_endian endian)
{
    uint8_t b[4];
    canonical_bytes(regs, 2, endian, b);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

float rig_decode_float(const uint16_t regs[2], enum rig_endian endian)
{
    uint32_t u = rig_decode_u32(regs, endian);
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

double rig_decode_value(enum med2_reg_type type, const uint16_t *regs, enum rig_endian endian)
{
    switch (type) {
    case MED2_T_U16: return regs[0];
    case MED2_T_U32: return rig_decode_u32(regs, endian);
    case MED2_T_FLOAT: return rig_decode_float(regs, endian);
    case MED2_T_DOUBLE: return rig_decode_double(regs, endian);
    case MED2_T_CHARS: return (double)((uint32_t)regs[0] << 16 | regs[1]);
    default: return NAN;
    }
}

int rig_encode_value(enum med2_reg_type type, double value, enum rig_endian endian,
                     uint16_t *regs)
{
    uint8_t b[8];
    switch (type) {
    case MED2_T_U16:
        if (!(value >= 0 && value <= 65535) || value != floor(value))
            return rig_error_set(-EINVAL, "%g is not a 16-bit unsigned number", value);
        regs[0] = (uint16_t)value;
        return 1;
    case MED2_T_U32: {
        if (!(value >= 0 && value <= 4294967295.0) || value != floor(value))
            return rig_error_set(-EINVAL, "%g is not a 32-bit unsigned number", value);
        uint32_t u = (uint32_t)value;
        b[0] = (uint8_t)(u >> 24), b[1] = (uint8_t)(u >> 16), b[2] = (uint8_t)(u >> 8),
        b[3] = (uint8_t)u;
        regs_from_canonical(b, 2, endian, regs);
        return 2;
    }
    case MED2_T_FLOAT: {
        if (!isfinite(value))
            return rig_error_set(-EINVAL, "%g is not a finite number", value);
        float f = (float)value;
        uint32_t u;
        memcpy(&u, &f, sizeof u);
        b[0] = (uint8_t)(u >> 24), b[1] = (uint8_t)(u >> 16), b[2] = (uint8_t)(u >> 8),
        b[3] = (uint8_t)u;
        regs_from_canonical(b, 2, endian, regs);
        return 2;
    }
    case MED2_T_DOUBLE: {
        if (!isfinite(value))
            return rig_error_set(-EINVAL, "%g is not a finite number", value);
        uint64_t u;
        memcpy(&u, &value, sizeof u);
        for (int i = 0; i < 8; i++)
            b[i] = (uint8_t)(u >> (56 - 8 * i));
        regs_from_canonical(b, 4, endian, regs);
        return 4;
    }
    default:
        return rig_error_set(-EINVAL, "no numeric encoding for register type %d", (int)type);
    }
}

static bool in_set(const unsigned *set, size_t n, double v)
{
    for (size_t i = 0; i < n; i++)
        if (v == set[i])
            return true;
    return false;
}

int rig_reg_check_value(enum med2_reg_id id, double value)
{
    const struct med2_reg_info *r = rig_reg_info(id);
    if (!r)
        return rig_error_set(-EINVAL, "no register id %d", (int)id);
    if (!(r->access & MED2_A_W))
        return rig_error_set(-EPERM, "register %s is read-only", rig_reg_name(id));
    if (r->type == MED2_T_CHARS)
        return rig_error_set(-EINVAL, "register %s holds password characters: use the password "
                                      "option", rig_reg_name(id));
    if (id == MED2_REG_SYSTEM_COMMAND || id == MED2_REG_COUNTER_COMMAND) {
        const unsigned *set = id == MED2_REG_SYSTEM_COMMAND ? system_commands : counter_commands;
        if (!in_set(set, 3, value))
            return rig_error_set(-EINVAL, "%s %g is not a command (%u, %u or %u; manual §5)",
                                 rig_reg_name(id), value, set[0], set[1], set[2]);
        return 0;
    }
    bool integer = r->type == MED2_T_U16 || r->type == MED2_T_U32;
    if (!isfinite(value) || value < r->min || value > r->max || (integer && value != floor(value)))
        return rig_error_set(-EINVAL, "%s %g is outside %g..%g%s (manual §5)", rig_reg_name(id),
                             value, r->min, r->max, integer ? ", whole numbers" : "");
    return 0;
}

int rig_password_words(const char *password, uint16_t words[4])
{
    if (!password || strlen(password) != RIG_PASSWORD_DIGITS)
        return rig_error_set(-EINVAL, "the password is %u digits (0000000..9999999), not '%s'",
                             RIG_PASSWORD_DIGITS, password ? password : "(none)");
    for (unsigned i = 0; i < RIG_PASSWORD_DIGITS; i++)
        if (!isdigit((unsigned char)password[i]))
            return rig_error_set(-EINVAL, "the password is %u digits (0000000..9999999), not '%s'",
                                 RIG_PASSWORD_DIGITS, password);
    /* Bytes on the wire: NUL, then the digits last to first (manual §5). */
    uint8_t b[8] = {0};
    for (unsigned i = 0; i < RIG_PASSWORD_DIGITS; i++)
        b[1 + i] = (uint8_t)password[RIG_PASSWORD_DIGITS - 1 - i];
    for (unsigned i = 0; i < 4; i++)
        words[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
    return 0;
}

int rig_endian_from_708(const uint16_t regs[2])
{
    for (int e = RIG_ENDIAN_BE; e <= RIG_ENDIAN_LE_SWAP; e++)
        if (rig_decode_u32(regs, (enum rig_endian)e) == (uint32_t)e)
            return e;
    return rig_error_set(-EBADMSG, "register 708 reads 0x%04x 0x%04x: no endian mode encodes "
                                   "itself so",
                         regs[0], regs[1]);
}

const char *rig_endian_name(enum rig_endian endian)
{
    switch (endian) {
    case RIG_ENDIAN_BE: return "BE";
    case RIG_ENDIAN_LE: return "LE";
    case RIG_ENDIAN_BE_SWAP: return "BE-swap";
    case RIG_ENDIAN_LE_SWAP: return "LE-swap";
    default: return "?";
    }
}
