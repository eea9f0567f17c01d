/*
 * buttons_internal.h — the display's button relays on a real bench, for
 * the bench's hw driver (bench_hw.c).
 */
#ifndef RIG_BUTTONS_INTERNAL_H
#define RIG_BUTTONS_INTERNAL_H

#include <stdbool.h>

/*
 * rig_button_relay_press — energise the relay on line spec ("CHIP:LINE")
 * for ms of real time, then release it; the line is requested for the
 * press only. Returns 0 or as rig_gpio_output_open / _set (the last error
 * names the line).
 */
int rig_button_relay_press(const char *spec, bool active_low, const char *consumer, unsigned ms);

#endif
