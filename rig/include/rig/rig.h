/*
 * rig/rig.h — the MED2 HIL rig library, everything a suite or tool needs in
 * one include. The simulated bench's own control API (rig/sim/) is not part
 * of it: a suite sees a simulated bench only through rig/bench.h.
 */
#ifndef RIG_RIG_H
#define RIG_RIG_H

#include "rig/bench.h"
#include "rig/buttons.h"
#include "rig/display.h"
#include "rig/eol.h"
#include "rig/error.h"
#include "rig/factory.h"
#include "rig/flash.h"
#include "rig/gate.h"
#include "rig/lines.h"
#include "rig/loadpoints.h"
#include "rig/measure.h"
#include "rig/modbus.h"
#include "rig/models.h"
#include "rig/power.h"
#include "rig/records.h"
#include "rig/source.h"
#include "rig/transport.h"

#endif /* RIG_RIG_H */
