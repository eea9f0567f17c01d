/*
 * power_fail.h — the mains-fail warning: the PVD watching the supply's
 * bulk capacitor through a divider on PVD_IN (PB7), against VREFINT.
 *
 * Why not the PVD on VDD: the 3.3 V regulator holds VDD up until the bulk
 * capacitor is nearly empty, so a VDD threshold would warn at the end of
 * the 20 ms hold-up (docs/power.md) instead of its start. The divider puts
 * PVD_IN at VREFINT when the bulk rail falls below its normal minimum, and
 * the core then has nearly the whole hold-up time to save.
 */
#ifndef POWER_FAIL_H
#define POWER_FAIL_H

#include <stdbool.h>

/* The PVD and its interrupt. The board starts the core only once the
 * supply is up (power_fail_supply_low false): at power-up the regulator
 * runs the MCU while the bulk capacitor is still charging. */
void power_fail_init(void);

/* The warning came since the last power_fail_take (and is cleared). */
bool power_fail_take(void);

/* The supply is below the threshold now. */
bool power_fail_supply_low(void);

#endif /* POWER_FAIL_H */
