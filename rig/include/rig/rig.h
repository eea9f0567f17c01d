/*
 * rig/rig.h — the MED2 HIL rig library, everything in one include.
 */
#ifndef RIG_RIG_H
#define RIG_RIG_H

#include "rig/bench.h"
#include "rig/eol.h"
#include "rig/error.h"
#include "rig/factory.h"
#include "rig/flash.h"
#include "rig/lines.h"
#include "rig/loadpoints.h"
#include "rig/measure.h"
#include "rig/modbus.h"
#include "rig/records.h"
#include "rig/simbench.h"
#include "rig/simctl.h"
#include "rig/source.h"
#include "rig/transport.h"

#endif /* RIG_RIG_H */
