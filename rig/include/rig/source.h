/*
 * rig/source.h — the AC source (phantom load) and its reference standard.
 *
 * The driver speaks the generic SCPI dialect of the virtual source
 * (rig/sim/sim_source.c) (source_scpi.c) or the Fluke 6100B/6105A's
 * (source_fluke6105.c; the virtual source speaks it too) over a byte
 * transport (rig/transport.h): termios for the simulated source's pty,
 * libserialport for a real instrument. Every setting is followed by
 * SYST:ERR? and an instrument error is reported as a failure.
 */
#ifndef RIG_SOURCE_H
#define RIG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "rig/transport.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;
struct rig_source;

#define RIG_SOURCE_TIMEOUT_MS 2000 /* default wait for a query's reply */

/* The instrument's command set (bench file [source] driver). */
enum rig_source_dialect {
    RIG_SOURCE_SCPI = 0,      /* the generic dialect (scpi), as benchd's source */
    RIG_SOURCE_FLUKE6105 = 1, /* Fluke 6100B/6105A electrical power standard (fluke6105) */
};

/*
 * rig_bench_source — the bench's source (owned by the bench, opened with it).
 * Returns it, or NULL with a last error if the bench has none.
 */
struct rig_source *rig_bench_source(struct rig_bench *bench);

/*
 * rig_source_open — open a source on port (a tty) at baud. Used by the bench;
 * public for tools and tests that talk to a source alone.
 * Returns 0 and *out, or the rig_transport_open errors.
 */
int rig_source_open(const char *port, int baud, enum rig_transport_kind kind,
                    struct rig_source **out);

/*
 * rig_source_open_dialect — rig_source_open for an instrument speaking
 * dialect (the bench file's [source] driver).
 */
int rig_source_open_dialect(const char *port, int baud, enum rig_transport_kind kind,
                            enum rig_source_dialect dialect, struct rig_source **out);

/* rig_source_dialect — the dialect src speaks. */
enum rig_source_dialect rig_source_dialect(const struct rig_source *src);

/*
 * rig_source_pulse_output — make the instrument's energy pulse output pulse
 * at imp_per_kwh (the Fluke 6105A: its energy function set up in the order it
 * requires, read back, then ENER:OUTP:CONS), so it serves as the error
 * calculator's reference pulses. Returns 0, -ENOTSUP (the generic dialect:
 * the reference standard pulses on its own), or as rig_source_set.
 */
int rig_source_pulse_output(struct rig_source *src, double imp_per_kwh);

/* rig_source_close — close without touching the output; NULL is ignored. */
void rig_source_close(struct rig_source *src);

/* rig_source_set_timeout — how long a query waits for its reply (ms > 0). */
void rig_source_set_timeout(struct rig_source *src, int timeout_ms);

/*
 * rig_source_set — set rms voltage (V), rms current (A), the phase by which
 * the current lags the voltage (degrees; 60 = PF 0.5 inductive, -36.87 = PF 0.8
 * capacitive) and the frequency (Hz). Sends SOUR:VOLT, SOUR:CURR, SOUR:PHAS,
 * SOUR:FREQ, each followed by SYST:ERR?.
 * Returns 0, -ERANGE/-EREMOTEIO (the instrument reported an error; the message
 * quotes it and the command), -ETIMEDOUT (no answer), -EIO.
 */
int rig_source_set(struct rig_source *src, double volts, double amps, double phase_deg,
                   double freq_hz);

/*
 * rig_source_set_harmonic — add harmonic order n (2..63) at pct % of the
 * fundamental and phase deg, on the current (current = true) or the voltage.
 * Returns as rig_source_set.
 */
int rig_source_set_harmonic(struct rig_source *src, bool current, unsigned order, double pct,
                            double deg);

/* rig_source_clear_harmonics — SOUR:HARM:CLE. Returns as rig_source_set. */
int rig_source_clear_harmonics(struct rig_source *src);

/*
 * rig_source_output — energise (on) or de-energise the terminals; OFF is
 * verified with OUTP?. Returns as rig_source_set.
 */
int rig_source_output(struct rig_source *src, bool on);

/* rig_source_energy — reference active energy in Wh since reset (MEAS:ENER?). */
int rig_source_energy(struct rig_source *src, double *wh);

/* rig_source_energy_reactive — reference reactive energy in varh (MEAS:ENER:REAC?). */
int rig_source_energy_reactive(struct rig_source *src, double *varh);

/* rig_source_energy_reset — zero the reference energies (MEAS:ENER:RES). */
int rig_source_energy_reset(struct rig_source *src);

/*
 * rig_source_measure — one numeric query, e.g. "MEAS:POW?" or "SOUR:VOLT?".
 * Returns 0, -EPROTO (reply is not a number), -ETIMEDOUT, -EIO.
 */
int rig_source_measure(struct rig_source *src, const char *query, double *value);

/*
 * rig_source_query — raw SCPI. A command containing '?' waits for its reply
 * line (copied into reply); any other command is followed by SYST:ERR? and
 * reply is set to "". Returns 0, -ETIMEDOUT, -EREMOTEIO (instrument error),
 * -EMSGSIZE (reply longer than reply_len - 1), -EIO.
 */
int rig_source_query(struct rig_source *src, const char *command, char *reply, size_t reply_len);

/*
 * rig_source_fd — the source's file descriptor, so a signal handler can
 * write "OUTP OFF\n" with write(2). -1 if none.
 */
int rig_source_fd(const struct rig_source *src);

/* rig_source_port — the tty the source is on. */
const char *rig_source_port(const struct rig_source *src);

#ifdef __cplusplus
}
#endif

#endif /* RIG_SOURCE_H */
