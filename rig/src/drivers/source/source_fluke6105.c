/*
 * source_fluke6105.c — the Fluke 6100B/6105A electrical power standard
 * (users manual, chapter 5; bench file [source] driver = fluke6105). Phase 1
 * only (a single-phase meter): each quantity is a harmonic of the output's
 * "multiple harmonics" waveform, in rms volts or amps and degrees,
 *   SOUR:PHAS1:VOLT:MHAR:HARM1 <rms>,<deg>   (HARM0 = DC, phase 0)
 * so a harmonic given in percent of the fundamental is sent as
 * pct/100 x the fundamental as set. The current's phase is the negative of
 * the lag (a current lagging by 60 degrees is HARM1 <I>,-60).
 *
 * Its energy pulse output serves the rig's error calculator as reference
 * pulses: the energy function is set up in the order the instrument
 * requires — the meter-under-test source, then the reference source, then
 * the pulse source (the instrument resets what was set out of order) — and
 * each is read back, then the constant and its unit.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/error_internal.h"
#include "drivers/source/source_internal.h"

#define FLUKE_HARMONIC_MAX 100

int rig_fluke_set(struct rig_source *src, double volts, double amps, double phase_deg,
                  double freq_hz)
{
    int rc;
    if ((rc = rig_scpi_command(src, "SOUR:FREQ %.9g", freq_hz)) < 0 ||
        (rc = rig_scpi_command(src, "SOUR:PHAS1:VOLT:MHAR:HARM1 %.9g,0", volts)) < 0 ||
        (rc = rig_scpi_command(src, "SOUR:PHAS1:CURR:MHAR:HARM1 %.9g,%.9g", amps, -phase_deg)) < 0)
        return rc;
    src->v_rms = volts;
    src->i_rms = amps;
    return 0;
}

int rig_fluke_set_harmonic(struct rig_source *src, bool current, unsigned order, double pct,
                           double deg)
{
    if (order < 2 || order > FLUKE_HARMONIC_MAX)
        return rig_error_set(-EINVAL, "source: harmonic %u — the 6100B/6105A takes 2..%d "
                                      "(1 is the fundamental)",
                             order, FLUKE_HARMONIC_MAX);
    double rms = (current ? src->i_rms : src->v_rms) * pct / 100.0;
    return rig_scpi_command(src, "SOUR:PHAS1:%s:MHAR:HARM%u %.9g,%.9g", current ? "CURR" : "VOLT",
                            order, rms, deg);
}

int rig_fluke_clear_harmonics(struct rig_source *src)
{
    /* clears the harmonics, keeps the fundamentals */
    int rc = rig_scpi_command(src, "SOUR:PHAS1:VOLT:MHAR:CLE");
    return rc < 0 ? rc : rig_scpi_command(src, "SOUR:PHAS1:CURR:MHAR:CLE");
}

int rig_fluke_output(struct rig_source *src, bool on)
{
    int rc = rig_scpi_command(src, "OUTP:STAT %s", on ? "ON" : "OFF");
    return rc < 0 || on ? rc : rig_scpi_expect_off(src, "OUTP:STAT?", "OUTP:STAT OFF");
}

/* set one energy-function source and read it back */
static int energy_source(struct rig_source *src, const char *header, const char *value)
{
    char reply[SCPI_LINE_MAX];
    char q[64];
    int rc = rig_scpi_command(src, "%s %s", header, value);
    if (rc < 0)
        return rc;
    snprintf(q, sizeof q, "%s?", header);
    if ((rc = rig_scpi_query(src, q, reply, sizeof reply)) < 0)
        return rc;
    if (strcasecmp(reply, value) != 0)
        return rig_error_set(-EREMOTEIO, "source: %s reads back '%s' after %s %s on %s — the "
                                         "instrument reset its energy function (set the MUT "
                                         "source, then the REF source, then PSOU)",
                             q, reply, header, value, rig_transport_port(src->t));
    return 0;
}

int rig_fluke_pulse_output(struct rig_source *src, double imp_per_kwh)
{
    int rc;
    if ((rc = energy_source(src, "ENER:MUT:SOUR", "PULS")) < 0 ||
        (rc = energy_source(src, "ENER:REF:SOUR", "MAIN")) < 0 ||
        (rc = energy_source(src, "ENER:MUT:TEST:PSOU", "PHAS1")) < 0)
        return rc;
    if ((rc = rig_scpi_command(src, "ENER:OUTP:CONS:UNIT IPKWH")) < 0)
        return rc;
    return rig_scpi_command(src, "ENER:OUTP:CONS %.9g", imp_per_kwh);
}

const char *rig_fluke_query(const char *generic)
{
    static const struct {
        const char *generic, *fluke;
    } map[] = {
        {"MEAS:POW?", "SOUR:PHAS1:POW:WATT?"},
        {"SOUR:FREQ?", "SOUR:FREQ?"},
        {"OUTP?", "OUTP:STAT?"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(generic, map[i].generic) == 0)
            return map[i].fluke;
    if (strncasecmp(generic, "SOUR:PHAS1:", 11) == 0 || strncasecmp(generic, "ENER:", 5) == 0)
        return generic; /* already the Fluke's own */
    rig_error_set(-ENOTSUP, "source: '%s' has no counterpart on the Fluke 6100B/6105A (driver = "
                            "fluke6105)", generic);
    return NULL;
}

int rig_fluke_no_energy_register(struct rig_source *src)
{
    return rig_error_set(-ENOTSUP, "source on %s: the Fluke 6100B/6105A driver reads energy as "
                                   "pulses (its energy pulse output on the [reference] line), "
                                   "not as a register",
                         rig_transport_port(src->t));
}
