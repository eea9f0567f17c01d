/*
 * source_scpi.c — the AC source driver for the generic SCPI dialect
 * (the dialect of the virtual source, rig/sim/sim_source.c), over a byte transport. The simulated
 * bench's virtual source speaks the same dialect, so this is the code that
 * drives both.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error_internal.h"
#include "drivers/source/source_internal.h"
#include "rig/source.h"

#define SCPI_WRITE_TIMEOUT_MS 1000
#define SCPI_ERROR_DRAIN_MAX 16 /* SYST:ERR? reads until "0,..." at most this often */

int rig_source_open_dialect(const char *port, int baud, enum rig_transport_kind kind,
                            enum rig_source_dialect dialect, struct rig_source **out)
{
    int rc = rig_source_open(port, baud, kind, out);
    if (rc == 0)
        (*out)->dialect = dialect;
    return rc;
}

enum rig_source_dialect rig_source_dialect(const struct rig_source *src)
{
    return src->dialect;
}

int rig_source_open(const char *port, int baud, enum rig_transport_kind kind,
                    struct rig_source **out)
{
    struct rig_transport *t;
    *out = NULL;
    int rc = rig_transport_open(port, baud, kind, &t);
    if (rc < 0)
        return rig_error_prefix(rc, "source");
    struct rig_source *src = calloc(1, sizeof *src);
    if (!src) {
        rig_transport_close(t);
        return rig_error_set(-ENOMEM, "source: out of memory");
    }
    src->t = t;
    src->timeout_ms = RIG_SOURCE_TIMEOUT_MS;
    *out = src;
    return 0;
}

void rig_source_close(struct rig_source *src)
{
    if (!src)
        return;
    rig_transport_close(src->t);
    free(src);
}

void rig_source_set_timeout(struct rig_source *src, int timeout_ms)
{
    if (timeout_ms > 0)
        src->timeout_ms = timeout_ms;
}

int rig_source_fd(const struct rig_source *src)
{
    return src ? rig_transport_fd(src->t) : -1;
}

const char *rig_source_port(const struct rig_source *src)
{
    return rig_transport_port(src->t);
}

static int send_line(struct rig_source *src, const char *cmd)
{
    char line[SCPI_LINE_MAX + 2];
    int n = snprintf(line, sizeof line, "%s\n", cmd);
    if (n < 0 || (size_t)n >= sizeof line)
        return rig_error_set(-EMSGSIZE, "source: command too long: %.40s...", cmd);
    int rc = rig_transport_write(src->t, line, (size_t)n, SCPI_WRITE_TIMEOUT_MS);
    if (rc < 0)
        return rig_error_prefix(rc, "source");
    return 0;
}

/* Send a query and read its one-line reply. */
int rig_scpi_query(struct rig_source *src, const char *cmd, char *reply, size_t len)
{
    /* Anything unread now is stale (a reply to an earlier, timed-out query). */
    rig_transport_discard_input(src->t);
    int rc = send_line(src, cmd);
    if (rc < 0)
        return rc;
    rc = rig_transport_read_line(src->t, reply, len, src->timeout_ms);
    if (rc == -ETIMEDOUT)
        return rig_error_set(rc,
                             "source: no answer on %s to '%s' within %d ms — check the cable, "
                             "baud and that the instrument is on",
                             rig_transport_port(src->t), cmd, src->timeout_ms);
    if (rc < 0)
        return rig_error_prefix(rc, "source: '%s'", cmd);
    return 0;
}

/*
 * Read the error queue after cmd. The first error is reported; the rest of
 * the queue is read out so the next command starts clean.
 */
static int check_errors(struct rig_source *src, const char *cmd)
{
    char reply[SCPI_LINE_MAX];
    char first[SCPI_LINE_MAX] = "";
    int first_code = 0;

    for (int i = 0; i < SCPI_ERROR_DRAIN_MAX; i++) {
        int rc = rig_scpi_query(src, "SYST:ERR?", reply, sizeof reply);
        if (rc < 0)
            return rc;
        char *end;
        long code = strtol(reply, &end, 10);
        if (end == reply || *end != ',')
            return rig_error_set(-EPROTO,
                                 "source: unexpected reply '%s' to SYST:ERR? on %s — is this a "
                                 "SCPI instrument speaking the generic dialect?",
                                 reply, rig_transport_port(src->t));
        if (code == 0)
            break;
        if (first_code == 0) {
            first_code = (int)code;
            snprintf(first, sizeof first, "%s", reply);
        }
    }
    if (first_code == 0)
        return 0;
    /* SCPI -1xx: command errors (the instrument did not understand it);
     * -2xx: execution errors (-222 data out of range, ...). */
    int rc = first_code == -222 ? -ERANGE : -EREMOTEIO;
    const char *hint = first_code <= -100 && first_code > -200
                           ? "check the command's spelling and that the instrument supports it"
                           : "check the value is within the instrument's range";
    return rig_error_set(rc, "source: instrument on %s reports %s after '%s' — %s",
                         rig_transport_port(src->t), first, cmd, hint);
}

int rig_scpi_command(struct rig_source *src, const char *fmt, ...)
{
    char cmd[SCPI_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof cmd)
        return rig_error_set(-EMSGSIZE, "source: command too long");
    rig_transport_discard_input(src->t);
    int rc = send_line(src, cmd);
    if (rc < 0)
        return rc;
    return check_errors(src, cmd);
}

static int check_finite(const char *what, double v)
{
    if (!isfinite(v))
        return rig_error_set(-EINVAL, "source: %s is not a finite number", what);
    return 0;
}

int rig_source_set(struct rig_source *src, double volts, double amps, double phase_deg,
                   double freq_hz)
{
    int rc;
    if ((rc = check_finite("voltage", volts)) < 0 || (rc = check_finite("current", amps)) < 0 ||
        (rc = check_finite("phase", phase_deg)) < 0 || (rc = check_finite("frequency", freq_hz)) < 0)
        return rc;
    if (src->dialect == RIG_SOURCE_FLUKE6105)
        return rig_fluke_set(src, volts, amps, phase_deg, freq_hz);
    if ((rc = rig_scpi_command(src, "SOUR:VOLT %.9g", volts)) < 0)
        return rc;
    if ((rc = rig_scpi_command(src, "SOUR:CURR %.9g", amps)) < 0)
        return rc;
    if ((rc = rig_scpi_command(src, "SOUR:PHAS %.9g", phase_deg)) < 0)
        return rc;
    return rig_scpi_command(src, "SOUR:FREQ %.9g", freq_hz);
}

int rig_source_set_harmonic(struct rig_source *src, bool current, unsigned order, double pct,
                            double deg)
{
    int rc;
    if ((rc = check_finite("harmonic amplitude", pct)) < 0 ||
        (rc = check_finite("harmonic phase", deg)) < 0)
        return rc;
    if (src->dialect == RIG_SOURCE_FLUKE6105)
        return rig_fluke_set_harmonic(src, current, order, pct, deg);
    return rig_scpi_command(src, "SOUR:HARM:%s %u,%.9g,%.9g", current ? "CURR" : "VOLT", order, pct, deg);
}

int rig_source_clear_harmonics(struct rig_source *src)
{
    if (src->dialect == RIG_SOURCE_FLUKE6105)
        return rig_fluke_clear_harmonics(src);
    return rig_scpi_command(src, "SOUR:HARM:CLE");
}

int rig_source_output(struct rig_source *src, bool on)
{
    if (src->dialect == RIG_SOURCE_FLUKE6105)
        return rig_fluke_output(src, on);
    int rc = rig_scpi_command(src, "OUTP %s", on ? "ON" : "OFF");
    if (rc < 0 || on)
        return rc;
    /* Off is the safe state: make sure the instrument agrees. */
    char reply[SCPI_LINE_MAX];
    if ((rc = rig_scpi_query(src, "OUTP?", reply, sizeof reply)) < 0)
        return rc;
    if (strcmp(reply, "0") != 0 && strcasecmp(reply, "OFF") != 0)
        return rig_error_set(-EIO,
                             "source: output still on after OUTP OFF (OUTP? says '%s') on %s — "
                             "switch the instrument off by hand",
                             reply, rig_transport_port(src->t));
    return 0;
}

int rig_source_measure(struct rig_source *src, const char *q, double *value)
{
    char reply[SCPI_LINE_MAX];
    if (src->dialect == RIG_SOURCE_FLUKE6105 && !(q = rig_fluke_query(q)))
        return -ENOTSUP;
    int rc = rig_scpi_query(src, q, reply, sizeof reply);
    if (rc < 0)
        return rc;
    char *end;
    errno = 0;
    double v = strtod(reply, &end);
    while (*end == ' ')
        end++;
    if (end == reply || *end != '\0' || errno == ERANGE)
        return rig_error_set(-EPROTO, "source: '%s' answered '%s', not a number", q, reply);
    *value = v;
    return 0;
}

int rig_source_energy(struct rig_source *src, double *wh)
{
    if (src->dialect == RIG_SOURCE_FLUKE6105)
        return rig_fluke_no_energy_register(src);
    return rig_source_measure(src, "MEAS:ENER?", wh);
}

int rig_source_energy_reactive(struct rig_source *src, double *varh)
{
    if (src->dialect == RIG_SOURCE_FLUKE6105)
        return rig_fluke_no_energy_register(src);
    return rig_source_measure(src, "MEAS:ENER:REAC?", varh);
}

int rig_source_energy_reset(struct rig_source *src)
{
    if (src->dialect == RIG_SOURCE_FLUKE6105)
        return rig_fluke_no_energy_register(src);
    return rig_scpi_command(src, "MEAS:ENER:RES");
}

int rig_source_query(struct rig_source *src, const char *cmd, char *reply, size_t reply_len)
{
    if (!cmd || !*cmd || strchr(cmd, '\n'))
        return rig_error_set(-EINVAL, "source: a command is one line of SCPI");
    if (strchr(cmd, '?'))
        return rig_scpi_query(src, cmd, reply, reply_len);
    if (reply_len)
        reply[0] = '\0';
    return rig_scpi_command(src, "%s", cmd);
}

int rig_source_pulse_output(struct rig_source *src, double imp_per_kwh)
{
    if (!(imp_per_kwh > 0.0) || !isfinite(imp_per_kwh))
        return rig_error_set(-EINVAL, "source: pulse constant %g imp/kWh", imp_per_kwh);
    if (src->dialect == RIG_SOURCE_FLUKE6105)
        return rig_fluke_pulse_output(src, imp_per_kwh);
    return rig_error_set(-ENOTSUP, "source on %s: the generic SCPI dialect has no energy pulse "
                                   "output — the bench's reference standard pulses on its own",
                         rig_transport_port(src->t));
}
