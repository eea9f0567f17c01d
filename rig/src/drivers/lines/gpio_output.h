/*
 * gpio_output.h — a relay (a button, a supply) driven from one GPIO output
 * line of the bench's Pi, through libgpiod (gpiod_backend.h, v1 or v2).
 * The line is requested inactive, so opening never presses a button or
 * switches a supply, and is left inactive when closed.
 */
#ifndef RIG_GPIO_OUTPUT_H
#define RIG_GPIO_OUTPUT_H

#include <stdbool.h>

struct rig_gpio_output;

/*
 * rig_gpio_output_open — request spec "CHIP:OFFSET" (e.g. "gpiochip0:22";
 * CHIP as a name, number, path or label) as an output, inactive. active_low:
 * the relay is energised by a low pin. consumer labels the request (gpioinfo
 * shows it). Returns 0 and *out, or -EINVAL (bad spec), -ENODEV (no such chip
 * or line), -EBUSY (line held by another program), -errno; rig_error_set
 * names the line and what to check.
 */
int rig_gpio_output_open(const char *spec, bool active_low, const char *consumer,
                         struct rig_gpio_output **out);

/* rig_gpio_output_set — drive the relay on (active) or off. Returns 0 or -errno. */
int rig_gpio_output_set(struct rig_gpio_output *o, bool active);

/* rig_gpio_output_close — drive the line inactive, release it and free; NULL is ignored. */
void rig_gpio_output_close(struct rig_gpio_output *o);

#endif
