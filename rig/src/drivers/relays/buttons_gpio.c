/*
 * buttons_gpio.c — a button of the meter pressed by a relay on a GPIO output
 * line (buttons_internal.h). The line is taken for the press and released
 * after it, inactive, so nothing stays pressed if the rig stops.
 */
#include <errno.h>
#include <time.h>

#include "base/error_internal.h"
#include "drivers/lines/gpio_output.h"
#include "drivers/relays/buttons_internal.h"

static void sleep_ms(unsigned ms)
{
    struct timespec t = {.tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

int rig_button_relay_press(const char *spec, bool active_low, const char *consumer, unsigned ms)
{
    struct rig_gpio_output *o = NULL;
    int rc = rig_gpio_output_open(spec, active_low, consumer, &o);
    if (rc < 0)
        return rc;
    rc = rig_gpio_output_set(o, true);
    if (rc == 0) {
        sleep_ms(ms);
        rc = rig_gpio_output_set(o, false);
    }
    rig_gpio_output_close(o); /* inactive whatever happened */
    return rc < 0 ? rig_error_prefix(rc, "relay %s", spec) : 0;
}
