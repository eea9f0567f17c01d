/*
 * demand_nv.h — demand and maximum demand across power cuts
 * (docs/power.md): the NV record NVSTORE_DEMAND.
 *
 * Maximum demand is a billing register: it must survive any power cut, as
 * the energy registers do. The record holds the demand configuration it
 * was taken under, the last demand values and the maxima; the window of
 * blocks (up to 60 x 6 floats) is not kept — after power-up a new window
 * starts, as after any configuration change (demand_configure), and the
 * last demand values show until its first block closes.
 *
 * Saved with the energy record (on its schedule, when anything changed, and
 * on the power-fail warning), so a hard cut loses at most one save interval
 * of a new maximum, a warned cut nothing.
 */
#ifndef MED2_DEMAND_NV_H
#define MED2_DEMAND_NV_H

#include <stdbool.h>

#include "demand.h"
#include "nvstore.h"

/* Restore what the record holds into `d` (already initialised with the
 * configuration in force); returns the record's load status. */
enum nvstore_status demand_nv_load(struct nvstore *nv, struct demand *d);

/* Save `d` if it differs from what was last saved or loaded; 0 or the
 * negative error of nvstore_save. `force`: save even if unchanged. */
int demand_nv_save(struct nvstore *nv, const struct demand *d, bool force);

#endif /* MED2_DEMAND_NV_H */
