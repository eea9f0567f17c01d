/*
 * demand_nv.c — demand and maximum demand in NV; see demand_nv.h.
 */
#include "demand_nv.h"

#include <string.h>

struct demand_record {
    struct demand_config cfg;
    uint8_t reserved;
    float value[DEMAND_QUANTITY_COUNT];
    float max[DEMAND_QUANTITY_COUNT];
};

/* What is in NV now (the last save or load), to save only on a change.
 * One meter per core, as everything the board provides. */
static struct demand_record last;
static bool last_valid;

static void record_of(const struct demand *d, struct demand_record *r)
{
    memset(r, 0, sizeof(*r));
    r->cfg = d->cfg;
    memcpy(r->value, d->value, sizeof(r->value));
    memcpy(r->max, d->max, sizeof(r->max));
}

enum nvstore_status demand_nv_load(struct nvstore *nv, struct demand *d)
{
    struct demand_record r;
    last_valid = false;
    enum nvstore_status st = nvstore_load(nv, NVSTORE_DEMAND, &r, sizeof(r));
    if (st != NVSTORE_OK && st != NVSTORE_RECOVERED) {
        return st;
    }
    memcpy(d->max, r.max, sizeof(d->max));
    if (memcmp(&r.cfg, &d->cfg, sizeof(r.cfg)) == 0) {
        memcpy(d->value, r.value, sizeof(d->value));
    }
    last = r;
    last_valid = true;
    return st;
}

int demand_nv_save(struct nvstore *nv, const struct demand *d, bool force)
{
    struct demand_record r;
    record_of(d, &r);
    if (!force && last_valid && memcmp(&r, &last, sizeof(r)) == 0) {
        return 0;
    }
    int err = nvstore_save(nv, NVSTORE_DEMAND, &r, sizeof(r));
    if (err == 0) {
        last = r;
        last_valid = true;
    }
    return err;
}
