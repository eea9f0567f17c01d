/*
 * sim_source_internal.h — what the virtual source's two dialects share:
 * sim_source.c (the generic SCPI dialect, the parser and the power model)
 * and sim_source_fluke.c (the Fluke 6100B/6105A dialect).
 */
#ifndef SIM_SOURCE_INTERNAL_H
#define SIM_SOURCE_INTERNAL_H

#include <stdbool.h>

#include "sim_bench.h"

/* SCPI-99 / IEEE 488.2 error numbers used here. */
#define SCPI_ERR_NONE 0
#define SCPI_ERR_SYNTAX (-102)
#define SCPI_ERR_MISSING_PARAM (-109)
#define SCPI_ERR_UNDEFINED_HEADER (-113)
#define SCPI_ERR_OUT_OF_RANGE (-222)
#define SCPI_ERR_QUEUE_OVERFLOW (-350)

/* What the virtual instrument can deliver. */
#define SOURCE_V_MAX 480.0
#define SOURCE_I_MAX 120.0
#define SOURCE_HARM_ORDER_MAX 63

/* Does header (a command without its '?') match pattern ("SOURce:VOLTage")? */
bool sim_scpi_header_matches(const char *pattern, const char *header);
/* One number argument: SCPI_ERR_NONE and *out, or the error number. */
int sim_scpi_parse_number(const char *s, double *out);
/* One number argument in lo..hi into *field: SCPI_ERR_NONE or the error number. */
int sim_scpi_set_ranged(const char *arg, double lo, double hi, double *field);
/* Set harmonic "n,pct,deg" in table: SCPI_ERR_NONE or the error number. */
int sim_scpi_set_harmonic(struct sim_harmonic *table, const char *arg);
/* One reply line to the instrument's client. */
void sim_scpi_reply(struct sim_source *src, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * sim_fluke_execute — one program message unit of the Fluke 6100B/6105A
 * dialect (sim_source_fluke.c). Returns false if cmd is not one of its
 * headers (the generic dialect then tries it); else true, with *err the SCPI
 * error (SCPI_ERR_NONE) and *changed whether the terminals changed.
 */
bool sim_fluke_execute(struct sim_source *src, const char *cmd, const char *arg, bool query,
                       int *err, bool *changed);

/* Is wire 1 held by the Fluke's energy function (used but not set up in order)? */
bool sim_fluke_holds_pulses(const struct sim_source *src);

#endif
