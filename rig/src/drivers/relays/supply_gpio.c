/*
 * supply_gpio.c — the supply relay on a GPIO output line; see supply.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "drivers/lines/gpio_output.h"
#include "drivers/relays/supply.h"

struct rig_supply_relay {
    struct rig_gpio_output *out;
    unsigned position;
};

int rig_supply_relay_open(const char *spec, unsigned position, struct rig_supply_relay **out)
{
    struct rig_supply_relay *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return rig_error_set(-ENOMEM, "out of memory");
    }
    char consumer[32];
    snprintf(consumer, sizeof(consumer), "med2-rig supply %u", position);
    int rc = rig_gpio_output_open(spec, false, consumer, &r->out);
    if (rc < 0) {
        free(r);
        return rig_error_prefix(rc, "position %u: supply relay", position);
    }
    r->position = position;
    *out = r;
    return 0;
}

int rig_supply_relay_set(struct rig_supply_relay *r, bool on)
{
    int rc = rig_gpio_output_set(r->out, !on); /* energised = the NC contact opens */
    return rc < 0 ? rig_error_prefix(rc, "position %u: supply relay", r->position) : 0;
}

void rig_supply_relay_close(struct rig_supply_relay *r)
{
    if (r != NULL) {
        rig_gpio_output_close(r->out);
        free(r);
    }
}
