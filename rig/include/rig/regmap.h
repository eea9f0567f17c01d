/*
 * rig/regmap.h — the meters' register maps as the rig sees them, derived
 * from the shared table in med2_regmap.h (manual §5): which map a model has,
 * where a value lives in it, how many transactions a set of values needs,
 * and how values become register words and back in each endian mode.
 *
 * Nothing here touches a line; rig/modbus.h does the talking.
 */
#ifndef RIG_REGMAP_H
#define RIG_REGMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "med2_regmap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Word/byte order of 2- and 4-register values (manual §5 register 708;
 * docs/modbus.md "Manual ambiguities": A is the most significant byte). */
enum rig_endian {
    RIG_ENDIAN_BE = 0,       /* ABCD, the default */
    RIG_ENDIAN_LE = 1,       /* DCBA */
    RIG_ENDIAN_BE_SWAP = 2,  /* BADC: bytes swapped within each register */
    RIG_ENDIAN_LE_SWAP = 3,  /* CDAB: registers reversed, bytes kept */
};

/* Function 03 reads at most 125 registers (Modbus Application Protocol
 * v1.1b3 §6.3), function 10 writes at most 123 (§6.12). */
#define RIG_MB_MAX_READ 125u
#define RIG_MB_MAX_WRITE 123u

/* The manual's password: 7 decimal digits, default 0000001 (manual §3.2). */
#define RIG_PASSWORD_DIGITS 7u
#define RIG_PASSWORD_DEFAULT "0000001"

/* One transaction of a read plan: count registers from address. */
struct rig_read_block {
    uint16_t address;
    uint16_t count;
};

/*
 * rig_regmap_for_model — the register map of a model: C80-1M-V3 and
 * C80-1M-V3CT have the C80 map, B80-1M-V2 and B80-1M-V2CT the B80 map.
 * Returns 0 and *map; -ENODEV for a model without RS485 (B80-0M-02,
 * B80-0M-02P, B80-0W-01: no register map); -EINVAL for an unknown model or
 * NULL (the message names it and lists the models).
 */
int rig_regmap_for_model(const char *model, enum med2_map *map);

/* rig_regmap_name — "C80" or "B80"; "?" for anything else. */
const char *rig_regmap_name(enum med2_map map);

/*
 * rig_reg_lookup — the register-map entry named name, case-insensitive
 * ("voltage", "total_import_active_energy", "t1_1_import_active_energy",
 * "slave_id", "endian"). Returns its id, or -ENOENT (message names it).
 */
int rig_reg_lookup(const char *name);

/* rig_reg_info — the register-map entry of id, or NULL if id is not one. */
const struct med2_reg_info *rig_reg_info(enum med2_reg_id id);

/*
 * rig_reg_name — the entry's name in lower case as the CLI prints it
 * ("total_import_active_energy"); "?" if id is not one. The string is static.
 */
const char *rig_reg_name(enum med2_reg_id id);

/*
 * rig_reg_address — the 0-based register address of id in map.
 * Returns the address (0..65534), or -ENOENT if the map does not have the
 * value (the message names the register and the map), -EINVAL for a bad id.
 */
int rig_reg_address(enum med2_map map, enum med2_reg_id id);

/* rig_reg_words — registers one value of id occupies (1, 2 or 4); 0 for a bad id. */
unsigned rig_reg_words(enum med2_reg_id id);

/* rig_reg_readable / rig_reg_writable — by the entry's access (r, w, rw). */
bool rig_reg_readable(enum med2_reg_id id);
bool rig_reg_writable(enum med2_reg_id id);

/* rig_reg_is_command — a write-only single-register command (2000, 3000),
 * written with function 06 (manual §5). */
bool rig_reg_is_command(enum med2_reg_id id);

/*
 * rig_reg_by_address — the value of map that starts at address.
 * Returns its id, or -ENOENT if no value starts there.
 */
int rig_reg_by_address(enum med2_map map, uint16_t address);

/*
 * rig_regmap_plan — the fewest function-03 transactions that read the given
 * values of map: values are sorted by address, merged while contiguous (the
 * next starts where the previous ends), split at gaps (an unmapped address
 * is exception 02) and before a block would pass RIG_MB_MAX_READ registers,
 * never inside a value. ids may repeat; n may be 0 (no blocks).
 * Returns the number of blocks written to blocks (at most cap), or -ENOENT
 * (a value not in map), -EPERM (a write-only value), -ENOSPC (cap too small),
 * -EINVAL (bad id).
 */
int rig_regmap_plan(enum med2_map map, const enum med2_reg_id *ids, size_t n,
                    struct rig_read_block *blocks, size_t cap);

/*
 * rig_regmap_readable — every readable value of map, in address order, into
 * ids (cap at least MED2_REG_COUNT). Returns how many.
 */
size_t rig_regmap_readable(enum med2_map map, enum med2_reg_id *ids, size_t cap);

/*
 * rig_decode_value — registers (in register order, as read) of a value of
 * type to a double, in endian. U16 is taken as is; CHARS (the password
 * registers, never swapped) are returned as the 32-bit number of their
 * bytes in register order.
 */
double rig_decode_value(enum med2_reg_type type, const uint16_t *regs, enum rig_endian endian);

/* rig_decode_float / rig_decode_double / rig_decode_u32 — the same, by type. */
float rig_decode_float(const uint16_t regs[2], enum rig_endian endian);
double rig_decode_double(const uint16_t regs[4], enum rig_endian endian);
uint32_t rig_decode_u32(const uint16_t regs[2], enum rig_endian endian);

/*
 * rig_encode_value — value of type into its registers (register order) in
 * endian. U16 and U32 must be whole and in range. Returns the number of
 * registers (1, 2 or 4), or -EINVAL (not whole, out of the type's range,
 * CHARS, unknown type).
 */
int rig_encode_value(enum med2_reg_type type, double value, enum rig_endian endian,
                     uint16_t *regs);

/*
 * rig_reg_check_value — would the meter accept value for id by the map's
 * range (min..max, whole numbers for integer types)? Commands accept their
 * listed values only (2000: 100, 110, 120; 3000: 200, 210, 220).
 * Returns 0, or -EINVAL with a message naming the register and its range,
 * -EPERM if id is read-only.
 */
int rig_reg_check_value(enum med2_reg_id id, double value);

/*
 * rig_password_words — the 4 registers 6000..6003 for a 7-digit password in
 * the manual's byte layout (§5: 1234567 -> 0x0037 0x3635 0x3433 0x3231:
 * a NUL, then the digits last to first, two per register, high byte first),
 * independent of the endian setting. Returns 0, or -EINVAL (not exactly 7
 * decimal digits).
 */
int rig_password_words(const char *password, uint16_t words[4]);

/*
 * rig_endian_from_708 — which endian mode a meter is in, from the 2
 * registers it answers for 708: each mode encodes its own number
 * distinctly (BE {0,0}, LE {0x0100,0}, BE swap {0,0x0200}, LE swap {3,0}).
 * Returns the mode, or -EBADMSG if the words are no mode's encoding of itself.
 */
int rig_endian_from_708(const uint16_t regs[2]);

/* rig_endian_name — "BE", "LE", "BE-swap", "LE-swap". */
const char *rig_endian_name(enum rig_endian endian);

#ifdef __cplusplus
}
#endif

#endif /* RIG_REGMAP_H */
