/*
 * med2_regmap.h — the public Modbus register map of the MED2 meters.
 *
 * The one header the firmware and the rig share, so both sides agree on
 * addresses, types and access by construction. Source: user manual §5,
 * C80-1M-V3(CT) table. Addresses are 0-based register (PDU) addresses.
 *
 * Each entry: X(id, address, type, access, unit, description)
 *   type    MED2_T_FLOAT (2 registers), MED2_T_DOUBLE (4), MED2_T_U32 (2),
 *           MED2_T_U16 (1)
 *   access  MED2_A_R read-only, MED2_A_RW read/write, MED2_A_W write-only
 */
#ifndef MED2_REGMAP_H
#define MED2_REGMAP_H

enum med2_reg_type { MED2_T_U16 = 1, MED2_T_U32 = 2, MED2_T_FLOAT = 3, MED2_T_DOUBLE = 4 };
enum med2_reg_access { MED2_A_R = 1, MED2_A_W = 2, MED2_A_RW = 3 };

/* Registers one value of the type occupies. */
#define MED2_REG_WORDS(type) \
    ((type) == MED2_T_U16 ? 1u : (type) == MED2_T_DOUBLE ? 4u : 2u)

#define MED2_REGMAP_C80(X)                                                              \
    X(VOLTAGE,           0, MED2_T_FLOAT,  MED2_A_R, "V",   "Voltage")                 \
    X(CURRENT,           2, MED2_T_FLOAT,  MED2_A_R, "A",   "Current")                 \
    X(ACTIVE_POWER,      4, MED2_T_FLOAT,  MED2_A_R, "W",   "Active power")            \
    X(REACTIVE_POWER,    6, MED2_T_FLOAT,  MED2_A_R, "var", "Reactive power")          \
    X(APPARENT_POWER,    8, MED2_T_FLOAT,  MED2_A_R, "VA",  "Apparent power")          \
    X(POWER_FACTOR,     10, MED2_T_FLOAT,  MED2_A_R, "",    "Power factor")            \
    X(FREQUENCY,        12, MED2_T_FLOAT,  MED2_A_R, "Hz",  "Frequency")               \
    X(TOTAL_IMPORT_ACTIVE_ENERGY, 300, MED2_T_DOUBLE, MED2_A_R, "Wh", "Total import active energy")

/* Register ids, usable as array indices: MED2_REG_VOLTAGE, ... */
enum med2_reg_id {
#define MED2_REG_ENUM(id, addr, type, access, unit, desc) MED2_REG_##id,
    MED2_REGMAP_C80(MED2_REG_ENUM)
#undef MED2_REG_ENUM
    MED2_REG_COUNT
};

/* Start addresses as constants: MED2_ADDR_VOLTAGE == 0, ... */
enum med2_reg_addr {
#define MED2_REG_ADDR(id, addr, type, access, unit, desc) MED2_ADDR_##id = (addr),
    MED2_REGMAP_C80(MED2_REG_ADDR)
#undef MED2_REG_ADDR
};

struct med2_reg_info {
    const char *name;        /* the id as text, e.g. "VOLTAGE" */
    unsigned short address;
    enum med2_reg_type type;
    enum med2_reg_access access;
    const char *unit;
    const char *description;
};

/* The table itself, one static copy per translation unit that asks for it. */
#define MED2_REG_INFO_ENTRY(id, addr, type, access, unit, desc) {#id, (addr), (type), (access), (unit), (desc)},
#define MED2_REG_INFO_TABLE { MED2_REGMAP_C80(MED2_REG_INFO_ENTRY) }

#endif /* MED2_REGMAP_H */
