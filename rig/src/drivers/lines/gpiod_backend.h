/*
 * gpiod_backend.h — one requested GPIO line, the only part of the rig that
 * speaks libgpiod. Two implementations of this interface exist, for the two
 * incompatible libgpiod APIs: gpiod_v1.c (libgpiod 1.x, Debian 12 and
 * Raspberry Pi OS bookworm) and gpiod_v2.c (libgpiod 2.x, Debian 13); the
 * build compiles the one matching the installed library (pkg-config
 * --modversion libgpiod). Everything above this (pulse inputs with
 * timestamped edges, relay outputs) is written once against this header.
 */
#ifndef RIG_GPIOD_BACKEND_H
#define RIG_GPIOD_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Internal bias of an input line, as the bench file names it. */
enum rig_gpiod_bias {
    RIG_GPIOD_BIAS_AS_IS = 0, /* leave what the board/device tree set */
    RIG_GPIOD_BIAS_DISABLE,
    RIG_GPIOD_BIAS_PULL_UP,
    RIG_GPIOD_BIAS_PULL_DOWN,
};

/* How to request a line. */
struct rig_gpiod_settings {
    const char *consumer;     /* label shown by gpioinfo */
    bool output;              /* false: input with edge events on both edges */
    bool active_low;          /* logical level is the inverse of the pin's */
    bool initial_active;      /* output: logical level at request time */
    enum rig_gpiod_bias bias; /* input */
    unsigned debounce_us;     /* input: asked of the kernel where the API can */
};

/* One edge event, as the kernel timestamped it (CLOCK_MONOTONIC). */
struct rig_gpiod_event {
    uint64_t t_ns;
    unsigned level; /* logical level after the edge: 1 rising, 0 falling */
};

struct rig_gpiod_line;

/* rig_gpiod_api — "v1" or "v2": which libgpiod API this build speaks. */
const char *rig_gpiod_api(void);

/*
 * rig_gpiod_parse_spec — split "CHIP:OFFSET" (gpiod_spec.c). CHIP is a
 * chip name (gpiochip0), a number (0), a path (/dev/gpiochip0) or a label
 * (pinctrl-bcm2711); it goes to chip (size bytes). Returns 0, or -EINVAL with
 * the last error naming what (role, e.g. "pulse input", leads the message).
 */
int rig_gpiod_parse_spec(const char *role, const char *spec, char *chip, size_t size,
                         unsigned *offset);

/*
 * rig_gpiod_request — request line spec ("CHIP:OFFSET") as s says. role
 * ("pulse input", "relay output") leads the error messages. *kernel_debounce
 * tells whether the kernel debounces (s->debounce_us taken by the API); when
 * false the caller debounces in software. Returns 0 and *out, or -EINVAL (bad
 * spec), -ENODEV (no such chip or line), -EBUSY (line held by another
 * consumer), -EACCES, -errno; the last error names the line and what to check.
 */
int rig_gpiod_request(const char *role, const char *spec, const struct rig_gpiod_settings *s,
                      struct rig_gpiod_line **out, bool *kernel_debounce);

/* rig_gpiod_fd — descriptor that polls readable when edge events wait (inputs). */
int rig_gpiod_fd(struct rig_gpiod_line *l);

/*
 * rig_gpiod_read — read up to max waiting edge events (blocks if none wait;
 * poll rig_gpiod_fd first). Returns how many, or -errno.
 */
int rig_gpiod_read(struct rig_gpiod_line *l, struct rig_gpiod_event *ev, size_t max);

/* rig_gpiod_get — logical level of the line now. Returns 0 or -errno. */
int rig_gpiod_get(struct rig_gpiod_line *l, bool *active);

/* rig_gpiod_set — drive an output line to a logical level. Returns 0 or -errno. */
int rig_gpiod_set(struct rig_gpiod_line *l, bool active);

/* rig_gpiod_release — give the line back to the kernel and free; NULL is ignored. */
void rig_gpiod_release(struct rig_gpiod_line *l);

#endif
