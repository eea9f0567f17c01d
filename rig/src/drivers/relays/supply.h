/*
 * supply.h — the supply relay of one position of a real bench: a GPIO
 * output (drivers/lines/gpio_output.h) driving a relay whose normally-closed
 * contact feeds the unit. Energising the relay cuts the supply, so a line
 * released (or never requested) leaves the unit powered.
 */
#ifndef RIG_SUPPLY_H
#define RIG_SUPPLY_H

#include <stdbool.h>

struct rig_supply_relay;

/* Request the relay's line `spec` ("CHIP:OFFSET") for position, unit
 * powered. Returns 0 and *out or -errno with a last error naming the line. */
int rig_supply_relay_open(const char *spec, unsigned position, struct rig_supply_relay **out);

/* Supply on (relay released) or off (relay energised). 0 or -errno. */
int rig_supply_relay_set(struct rig_supply_relay *r, bool on);

/* Release the line (the unit is powered again); NULL is ignored. */
void rig_supply_relay_close(struct rig_supply_relay *r);

#endif
