/*
 * energy.h — the energy registers: four quadrants, tariffs, partial
 * counters, integrated sample by sample in fixed point.
 *
 * The latest published P and Q are integrated at every sample (so the Wh
 * boundaries, and with them the pulse edges, land on the right sample) into
 * int64 residues in nanojoules; whole mWh are carried into uint64 registers
 * and the sub-mWh residue is kept, so nothing is lost between register
 * updates. Registers carry mWh (docs/modbus.md: "registers carry the internal
 * resolution"); the legal display/pulse unit is 1 Wh.
 *
 * Quadrants (manual §1, docs/modbus.md): P > 0 counts import active, P < 0
 * export active; Q > 0 (current lagging) import reactive, Q < 0 export.
 * Tariffs (manual §4): every mWh goes to Total, to the active tariff and,
 * while running, to the partial counter. On 4-tariff models T1 energy goes
 * to the sub-tariff the schedule selects and to T1, so T1 = sum of T1-x by
 * construction; while T2 is active no T1 register counts.
 */
#ifndef MED2_ENERGY_H
#define MED2_ENERGY_H

#include <stdbool.h>
#include <stdint.h>

/* 1 mWh = 3.6 J = 3.6e9 nJ. */
#define ENERGY_NJ_PER_MWH 3600000000ll
#define ENERGY_MWH_PER_WH 1000u
/* Anti-creep: no energy below this fraction of the starting current Ist
 * (terminal current), so the meter cannot creep on noise at no load
 * (EN 50470-3 no-load test: the AFE's noise floor is ~0.6 mA direct,
 * ~0.05 mA CT, and its V-to-I crosstalk up to ~1.5 mA / 0.15 mA, far
 * below) yet surely starts at Ist (its starting-current test), even a unit
 * whose current channel reads a few % low there; and a Class C CT unit
 * also starts at MID's 0.02 Itr = 5 mA (4 mA threshold, docs/modbus.md).
 * Ist from the manual, Section 6, in model.h. Applied in one place: the
 * metrology publishes P = Q = 0 below it (metrology_set_no_load), and the
 * registers count what is published. */
#define ENERGY_CREEP_FRACTION_OF_IST 0.4f

enum energy_kind {
    ENERGY_IMPORT_ACTIVE,
    ENERGY_EXPORT_ACTIVE,
    ENERGY_IMPORT_REACTIVE,
    ENERGY_EXPORT_REACTIVE,
    ENERGY_KIND_COUNT
};

enum energy_slot {
    ENERGY_TOTAL,
    ENERGY_T1,
    ENERGY_T1_1,
    ENERGY_T1_2,
    ENERGY_T1_3,
    ENERGY_T1_4,
    ENERGY_T2,
    ENERGY_PARTIAL,
    ENERGY_SLOT_COUNT
};

/* Everything that must survive a reset, as one plain blob for nvstore. */
struct energy_counters {
    uint64_t mwh[ENERGY_KIND_COUNT][ENERGY_SLOT_COUNT];
    uint8_t t2_active;       /* command 220 toggles T1 <-> T2 */
    uint8_t partial_running; /* command 210 starts/stops */
    uint8_t reserved[6];
};

struct energy {
    struct energy_counters c;
    int64_t residue_nj[ENERGY_KIND_COUNT];    /* 0 <= residue < ENERGY_NJ_PER_MWH */
    int64_t nj_per_sample[ENERGY_KIND_COUNT]; /* from the latest published power */
    uint32_t wh_mwh;          /* import active mWh since the last whole Wh (pulse output 1) */
    uint8_t tariffs;          /* 1, 2 or 4, from the model */
    uint8_t sub_tariff;       /* T1-x the schedule selects now, 1..4 (4-tariff models) */
};

/* Zero registers; `tariffs` is the model's 1, 2 or 4. */
void energy_init(struct energy *e, unsigned tariffs);

/* A new published measurement: integrate from the next sample on. P and Q
 * are what the registers count (primary on CT models), 0 at no load (the
 * metrology's anti-creep). */
void energy_set_power(struct energy *e, float p_w, float q_var);

/*
 * Integrate one sample at the current power; returns the number of whole
 * import-active Wh completed at this sample (pulse output 1: 0 or 1, one
 * sample at the 80 A x 253 V maximum is 1.4 mWh).
 */
uint32_t energy_on_sample(struct energy *e);

/* The T1 sub-tariff the schedule selects (1..4; 0 means none is configured,
 * and T1-1 counts). Ignored on 1- and 2-tariff models. */
void energy_select_sub_tariff(struct energy *e, unsigned sub_tariff);

/* Register value in mWh. */
uint64_t energy_register_mwh(const struct energy *e, enum energy_kind kind, enum energy_slot slot);

/* Balance |import| - |export| in mWh (manual §3.1), active or reactive. */
int64_t energy_balance_mwh(const struct energy *e, bool reactive);

/* Commands 220, 210, 200 (manual §5). */
void energy_toggle_t2(struct energy *e);
void energy_partial_start_stop(struct energy *e);
void energy_partial_reset(struct energy *e);
bool energy_t2_active(const struct energy *e);
bool energy_partial_running(const struct energy *e);

/* Total import active energy, mWh (the register at 300). */
uint64_t energy_import_mwh(const struct energy *e);

#endif /* MED2_ENERGY_H */
