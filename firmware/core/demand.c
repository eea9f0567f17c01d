/*
 * demand.c — block, sliding and rolling demand; see demand.h.
 */
#include "demand.h"

#include <string.h>

#define SLIDING_BLOCKS 60u /* a period of N minutes in blocks of N seconds */
#define SECONDS_PER_MINUTE 60u
#define MILLI_PER_UNIT 1000.0f
#define MS_PER_S 1000.0f

static void restart_window(struct demand *d)
{
    memset(d->acc, 0, sizeof(d->acc));
    memset(d->blocks, 0, sizeof(d->blocks));
    memset(d->value, 0, sizeof(d->value));
    d->next_block = 0;
    d->started = 0;
}

void demand_configure(struct demand *d, const struct demand_config *cfg)
{
    d->cfg = *cfg;
    uint32_t period = cfg->period_min >= 1 && cfg->period_min <= 60 ? cfg->period_min : 15;
    switch (cfg->method) {
    case DEMAND_FIXED:
        d->block_s = period * SECONDS_PER_MINUTE;
        d->window = 1;
        break;
    case DEMAND_ROLLING: {
        uint32_t sub = cfg->sub_interval_min;
        if (sub < 1 || sub > period || period % sub != 0) {
            sub = 1; /* manual §3.2: a sub-interval that does not divide is 1 minute */
        }
        d->block_s = sub * SECONDS_PER_MINUTE;
        d->window = period / sub;
        break;
    }
    case DEMAND_SLIDING:
    default:
        d->block_s = period;
        d->window = SLIDING_BLOCKS;
        break;
    }
    restart_window(d);
}

void demand_init(struct demand *d, const struct demand_config *cfg)
{
    memset(d, 0, sizeof(*d));
    demand_configure(d, cfg);
}

static void close_block(struct demand *d)
{
    float *slot = d->blocks[d->next_block];
    for (unsigned q = 0; q < DEMAND_QUANTITY_COUNT; q++) {
        /* seconds the unit did not see (start, power-up) count as zero */
        slot[q] = (float)d->acc[q] / (MILLI_PER_UNIT * MS_PER_S * (float)d->block_s);
        d->acc[q] = 0;
    }
    d->next_block = (d->next_block + 1) % d->window;
    for (unsigned q = 0; q < DEMAND_QUANTITY_COUNT; q++) {
        float sum = 0.0f;
        for (unsigned b = 0; b < d->window; b++) {
            sum += d->blocks[b][q];
        }
        d->value[q] = sum / (float)d->window;
        if (d->value[q] > d->max[q]) {
            d->max[q] = d->value[q];
        }
    }
}

void demand_on_tick(struct demand *d, uint32_t rtc_seconds, uint32_t elapsed_ms, float i_a,
                    float p_w, float q_var, float s_va)
{
    /* the elapsed time belongs to the block being filled; then, if the clock
     * crossed into a new block, that block closes */
    const float value[DEMAND_QUANTITY_COUNT] = {
        i_a, p_w > 0.0f ? p_w : 0.0f, p_w < 0.0f ? -p_w : 0.0f, q_var > 0.0f ? q_var : 0.0f,
        q_var < 0.0f ? -q_var : 0.0f, s_va,
    };
    if (d->started) {
        for (unsigned q = 0; q < DEMAND_QUANTITY_COUNT; q++) {
            /* milli-units x ms in int64: an hour of 20 kW is 7.2e13, exact,
             * where a float sum would drift */
            d->acc[q] += (int64_t)(value[q] * MILLI_PER_UNIT + 0.5f) * (int64_t)elapsed_ms;
        }
    }
    uint32_t id = rtc_seconds / d->block_s;
    if (!d->started) {
        d->block_id = id;
        d->started = 1;
    } else if (id != d->block_id) {
        if (id == d->block_id + 1) {
            close_block(d);
        } else {
            restart_window(d); /* the clock was set: the window no longer means anything */
            d->started = 1;
        }
        d->block_id = id;
    }
}

float demand_value(const struct demand *d, enum demand_quantity q)
{
    return (unsigned)q < DEMAND_QUANTITY_COUNT ? d->value[q] : 0.0f;
}

float demand_max(const struct demand *d, enum demand_quantity q)
{
    return (unsigned)q < DEMAND_QUANTITY_COUNT ? d->max[q] : 0.0f;
}

void demand_clear(struct demand *d)
{
    restart_window(d);
    memset(d->max, 0, sizeof(d->max));
}
