/*
 * gpio_output.c — relay outputs on GPIO lines (gpio_output.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "drivers/lines/gpio_output.h"
#include "drivers/lines/gpiod_backend.h"

struct rig_gpio_output {
    struct rig_gpiod_line *line;
    char spec[64];
};

int rig_gpio_output_open(const char *spec, bool active_low, const char *consumer,
                         struct rig_gpio_output **out)
{
    *out = NULL;
    struct rig_gpio_output *o = calloc(1, sizeof *o);
    if (!o)
        return rig_error_set(-ENOMEM, "out of memory");
    struct rig_gpiod_settings s = {
        .consumer = consumer ? consumer : "rig",
        .output = true,
        .active_low = active_low,
        .initial_active = false, /* never press or switch anything by opening */
    };
    bool kernel_debounce;
    int rc = rig_gpiod_request("relay output", spec, &s, &o->line, &kernel_debounce);
    if (rc < 0) {
        free(o);
        return rc;
    }
    snprintf(o->spec, sizeof o->spec, "%s", spec);
    *out = o;
    return 0;
}

int rig_gpio_output_set(struct rig_gpio_output *o, bool active)
{
    int rc = rig_gpiod_set(o->line, active);
    if (rc < 0)
        return rig_error_set(rc, "relay output %s: cannot drive it %s: %s — check that the "
                                 "line is still there (gpioinfo)",
                             o->spec, active ? "active" : "inactive", strerror(-rc));
    return 0;
}

void rig_gpio_output_close(struct rig_gpio_output *o)
{
    if (!o)
        return;
    /* the kernel keeps the last level of a released line on many chips:
     * leave the relay off rather than wherever it was */
    (void)rig_gpiod_set(o->line, false);
    rig_gpiod_release(o->line);
    free(o);
}
