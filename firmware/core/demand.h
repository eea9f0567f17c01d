/*
 * demand.h — demand and maximum demand (manual §3.1, §3.2; registers
 * 500-523, settings 710-714).
 *
 * Demand is the mean of a quantity over the demand period, built from
 * blocks aligned to the real-time clock:
 *   fixed    one block of `period` minutes; updated at the end of each period
 *   sliding  blocks of `period` seconds, the window the last 60 of them
 *            (= period minutes); updated at the end of every block
 *            (docs/modbus.md: "window = period, updated every period seconds")
 *   rolling  blocks of `sub_interval` minutes, the window the last
 *            period/sub_interval of them; a sub-interval that does not divide
 *            the period is taken as 1 minute (manual §3.2)
 * Blocks before the first one completed count as zero, so after a start, a
 * clear or a settings change demand ramps up over one window, as a block
 * demand meter's does. A clock set backwards, or forwards by more than a
 * block, restarts the window the same way; maximum demand is kept.
 * The input is integrated tick by tick (value x elapsed ms), so a step in
 * the load counts from the tick it is seen on, not from the next second.
 */
#ifndef MED2_DEMAND_H
#define MED2_DEMAND_H

#include <stdint.h>

enum demand_quantity {
    DEMAND_CURRENT,
    DEMAND_IMPORT_ACTIVE,
    DEMAND_EXPORT_ACTIVE,
    DEMAND_IMPORT_REACTIVE,
    DEMAND_EXPORT_REACTIVE,
    DEMAND_APPARENT,
    DEMAND_QUANTITY_COUNT
};

enum demand_method { DEMAND_FIXED = 0, DEMAND_SLIDING = 1, DEMAND_ROLLING = 2 };

#define DEMAND_MAX_BLOCKS 60u /* sliding: 60 blocks; rolling: period/sub <= 60 */

struct demand_config {
    uint8_t method;           /* enum demand_method */
    uint8_t period_min;       /* 1..60 */
    uint8_t sub_interval_min; /* 1..60, rolling only */
};

struct demand {
    struct demand_config cfg;
    uint32_t block_s;     /* block length, seconds */
    uint32_t window;      /* blocks per window */
    uint32_t block_id;    /* rtc / block_s of the block being filled */
    uint8_t started;      /* block_id is valid */
    int64_t acc[DEMAND_QUANTITY_COUNT]; /* milli-units x ms in this block, exact */
    float blocks[DEMAND_MAX_BLOCKS][DEMAND_QUANTITY_COUNT];
    uint32_t next_block;  /* ring index */
    float value[DEMAND_QUANTITY_COUNT];
    float max[DEMAND_QUANTITY_COUNT];
};

void demand_init(struct demand *d, const struct demand_config *cfg);

/* New settings: restarts the window, keeps maximum demand. */
void demand_configure(struct demand *d, const struct demand_config *cfg);

/* The last elapsed_ms ran at these values: current (A), P (W, signed),
 * Q (var, signed), S (VA); rtc_seconds is the clock now. */
void demand_on_tick(struct demand *d, uint32_t rtc_seconds, uint32_t elapsed_ms, float i_a,
                    float p_w, float q_var, float s_va);

float demand_value(const struct demand *d, enum demand_quantity q);
float demand_max(const struct demand *d, enum demand_quantity q);

/* "Clear demand" (menu Clear): demand, window and maximum demand to zero. */
void demand_clear(struct demand *d);

#endif /* MED2_DEMAND_H */
