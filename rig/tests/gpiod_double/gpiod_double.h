/*
 * gpiod_double.h — the test side of a stand-in for libgpiod: the rig's gpiod
 * backends are compiled against v1/gpiod.h or v2/gpiod.h here and linked with
 * gpiod_double_v1.c or gpiod_double_v2.c instead of the library, so the
 * driver code runs where there is no GPIO chip. The double models what the
 * kernel does behind the API: chips and lines, requests (and lines held by
 * others), active-low, bias, pin levels, edge events with timestamps in a
 * queue read through a descriptor, and the kernel's debounce (line API v2).
 *
 * A test builds chips, then drives pins from virtual time: the double stamps
 * each edge with the time the test gives, as the kernel stamps it with
 * CLOCK_MONOTONIC.
 */
#ifndef GPIOD_DOUBLE_H
#define GPIOD_DOUBLE_H

#include <stdbool.h>
#include <stdint.h>

/* gpiod_double_reset — forget every chip, request and queued event. */
void gpiod_double_reset(void);

/*
 * gpiod_double_add_chip — a chip of num_lines lines labelled label; it is
 * gpiochipN, /dev/gpiochipN and N for the N returned (0, 1, ...), or -1.
 */
int gpiod_double_add_chip(const char *label, unsigned num_lines);

/* gpiod_double_hold — another program requests the line (requests get EBUSY). */
void gpiod_double_hold(unsigned chip, unsigned offset, const char *consumer);

/*
 * gpiod_double_drive — the outside world sets the pin's physical level at
 * virtual time t_ns (non-decreasing). A line requested for edge events gets
 * an event (through the kernel's debounce when one is set). 0 or -1.
 */
int gpiod_double_drive(unsigned chip, unsigned offset, int level, uint64_t t_ns);

/*
 * gpiod_double_advance — virtual time reaches t_ns: debounced edges whose
 * line has been stable for the debounce period are reported, stamped with
 * the instant the period ended (as gpiolib's debounce does).
 */
void gpiod_double_advance(uint64_t t_ns);

/* What a line's current request asked for, and its pin. */
struct gpiod_double_line {
    bool requested, output, edge_events, active_low;
    int bias;                 /* 0 as is, 1 disabled, 2 pull-up, 3 pull-down */
    unsigned long debounce_us;
    int physical;             /* pin level 0/1 (kept after release, as chips do) */
    char consumer[32];
    unsigned long requests;   /* how often the line has been requested */
};

/* gpiod_double_line — the state of a line. 0, or -1 if there is no such line. */
int gpiod_double_line(unsigned chip, unsigned offset, struct gpiod_double_line *st);

/* gpiod_double_api — "v1" or "v2": the API surface linked in. */
const char *gpiod_double_api(void);

#endif
