/*
 * source_scpi.c — the source's functions (rig/source.h) in the generic SCPI
 * dialect, the virtual source's (rig/sim/sim_source.c), so this is the code
 * that drives both; a source of another dialect is handed to its driver
 * (source_fluke6105.c). The I/O is source_io.c's.
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
    return rig_scpi_expect_off(src, "OUTP?", "OUTP OFF");
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
