/*
 * source_internal.h — what the source's dialects share: the instrument's
 * SCPI I/O (source_scpi.c, also the generic dialect) and the Fluke
 * 6100B/6105A dialect (source_fluke6105.c).
 */
#ifndef RIG_SOURCE_INTERNAL_H
#define RIG_SOURCE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "rig/source.h"
#include "rig/transport.h"

#define SCPI_LINE_MAX 256

struct rig_source {
    struct rig_transport *t;
    int timeout_ms;
    enum rig_source_dialect dialect;
    double v_rms, i_rms; /* fundamentals as set (the Fluke sets harmonics in volts/amps) */
};

/*
 * rig_scpi_command — send one printf-formatted command, then read the
 * error queue (SYST:ERR?): an instrument error fails with the error and the
 * command quoted. Returns 0, -ERANGE, -EREMOTEIO, -ETIMEDOUT, -EPROTO, -EIO.
 */
int rig_scpi_command(struct rig_source *src, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* rig_scpi_query — send a query, read its one-line reply. Returns 0, -ETIMEDOUT, -EIO. */
int rig_scpi_query(struct rig_source *src, const char *cmd, char *reply, size_t len);

/* rig_scpi_expect_off — after command switched the output off, query must
 * say 0 or OFF. Returns 0, -EIO (still on: the message says to act), or as
 * rig_scpi_query. */
int rig_scpi_expect_off(struct rig_source *src, const char *query, const char *command);

/* The Fluke 6100B/6105A dialect of the rig_source_* functions (rig/source.h). */
int rig_fluke_set(struct rig_source *src, double volts, double amps, double phase_deg,
                  double freq_hz);
int rig_fluke_set_harmonic(struct rig_source *src, bool current, unsigned order, double pct,
                           double deg);
int rig_fluke_clear_harmonics(struct rig_source *src);
int rig_fluke_output(struct rig_source *src, bool on);
int rig_fluke_pulse_output(struct rig_source *src, double imp_per_kwh);
/* the Fluke's query for a generic one ("MEAS:POW?"), NULL (last error set) if none */
const char *rig_fluke_query(const char *generic);
/* the energy registers (MEAS:ENER?) the Fluke does not have: -ENOTSUP, why */
int rig_fluke_no_energy_register(struct rig_source *src);

#endif
