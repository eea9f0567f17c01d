/*
 * sim_source_fluke.c — the virtual source's Fluke 6100B/6105A dialect
 * (users manual, chapter 5), phase 1 only, so the rig's fluke6105 driver is
 * tested here:
 *
 *   *OPT?                                  installed options
 *   OUTP:STAT ON|OFF   OUTP:STAT?          energise / de-energise
 *   SOUR:PHAS1:VOLT:MHAR:HARM<n> <rms>,<deg>   n = 0 (DC, phase 0) .. 100; 1 is the
 *   SOUR:PHAS1:CURR:MHAR:HARM<n> <rms>,<deg>   fundamental; queries give "<rms>,<deg>"
 *   SOUR:PHAS1:VOLT:MHAR:CLE  SOUR:PHAS1:CURR:MHAR:CLE   harmonics off (fundamental kept)
 *   SOUR:PHAS1:POW:WATT?                   active power delivered
 *   ENER:MUT:CONS <k>                      the meter's constant
 *   ENER:MUT:SOUR <s>  ENER:REF:SOUR <s>  ENER:MUT:TEST:PSOU <s>   (and their queries)
 *   ENER:OUTP:CONS <k>  ENER:OUTP:CONS:UNIT IPKWH|IPWH   energy pulse output
 *   ENER:ABOR                              stop the energy function
 *
 * The documented rule of the energy function: the MUT source first, then
 * the REF source, then PSOU. Set out of that order, the instrument resets
 * all three (no error in the queue: the sources read back NONE). Once an
 * ENER: command has been seen, the energy pulse output (benchd's reference
 * wire 1, at ENER:OUTP:CONS) pulses only while the function is set up.
 * DC (HARM0) is accepted and not modelled: the meter's metrology sees AC.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim_source_internal.h"

#define FLUKE_HARM_MAX 100

/* long form -> short form of the nodes this dialect uses */
static const char *const long_forms[][2] = {
    {"SOURCE", "SOUR"}, {"PHASE", "PHAS"},    {"VOLTAGE", "VOLT"},  {"CURRENT", "CURR"},
    {"MHARMONICS", "MHAR"}, {"HARMONIC", "HARM"}, {"CLEAR", "CLE"}, {"POWER", "POW"},
    {"OUTPUT", "OUTP"}, {"STATE", "STAT"},    {"ENERGY", "ENER"},   {"CONSTANT", "CONS"},
    {"REFERENCE", "REF"}, {"PSOURCE", "PSOU"}, {"ABORT", "ABOR"},
};

/* cmd in short forms, upper case, node numbers kept: "SOUR:PHAS1:VOLT:MHAR:HARM3" */
static void normalise(const char *cmd, char *out, size_t size)
{
    size_t o = 0;
    if (*cmd == ':') {
        cmd++;
    }
    while (*cmd && o + 1 < size) {
        char node[32];
        size_t n = 0;
        while (*cmd && *cmd != ':' && n + 1 < sizeof(node)) {
            node[n++] = (char)toupper((unsigned char)*cmd++);
        }
        node[n] = '\0';
        size_t digits = n;
        while (digits > 0 && isdigit((unsigned char)node[digits - 1])) {
            digits--;
        }
        char num[32];
        snprintf(num, sizeof(num), "%s", node + digits);
        node[digits] = '\0';
        for (size_t k = 0; k < sizeof(long_forms) / sizeof(long_forms[0]); k++) {
            if (strcmp(node, long_forms[k][0]) == 0) {
                snprintf(node, sizeof(node), "%s", long_forms[k][1]);
            }
        }
        o += (size_t)snprintf(out + o, size - o, "%s%s%s", node, num, *cmd == ':' ? ":" : "");
        if (*cmd == ':') {
            cmd++;
        }
    }
    out[o < size ? o : size - 1] = '\0';
}

static void apply_phase(struct sim_source *src)
{
    /* the terminals' phase is the current's lag behind the voltage */
    src->set.phase_deg = src->fluke.v_deg - src->fluke.i_deg;
}

static void apply_pulse_constant(struct sim_source *src)
{
    if (src->fluke.out_cons > 0.0) {
        sim_reference_set_constant(src, 1, src->fluke.out_cons * src->fluke.out_unit);
    }
}

/* SOUR:PHAS1:<VOLT|CURR>:MHAR:HARM<n> */
static int harmonic(struct sim_source *src, bool current, unsigned n, const char *arg, bool query,
                    bool *changed)
{
    struct sim_terminals *t = &src->set;
    double *fund = current ? &t->i_rms : &t->v_rms;
    double *deg = current ? &src->fluke.i_deg : &src->fluke.v_deg;
    if (n > FLUKE_HARM_MAX) {
        return SCPI_ERR_UNDEFINED_HEADER;
    }
    if (query) {
        sim_scpi_reply(src, "%.6f,%.6f", n == 1 ? *fund : 0.0, n == 1 ? *deg : 0.0);
        return SCPI_ERR_NONE;
    }
    double rms, ph;
    char extra;
    if (arg == NULL) {
        return SCPI_ERR_MISSING_PARAM;
    }
    if (sscanf(arg, "%lf , %lf %c", &rms, &ph, &extra) != 2 || !isfinite(rms) || !isfinite(ph)) {
        return SCPI_ERR_SYNTAX;
    }
    if (rms < 0.0 || rms > (current ? SOURCE_I_MAX : SOURCE_V_MAX) || fabs(ph) > 360.0 ||
        (n == 0 && ph != 0.0)) {
        return SCPI_ERR_OUT_OF_RANGE;
    }
    if (n == 0) {
        return SCPI_ERR_NONE; /* DC: not modelled */
    }
    if (n == 1) {
        *fund = rms;
        *deg = ph;
        apply_phase(src);
        *changed = true;
        return SCPI_ERR_NONE;
    }
    if (n > SOURCE_HARM_ORDER_MAX || !(*fund > 0.0)) {
        return SCPI_ERR_OUT_OF_RANGE; /* the model keeps harmonics relative to a fundamental */
    }
    char spec[96];
    snprintf(spec, sizeof(spec), "%u,%.9g,%.9g", n, rms / *fund * 100.0, ph);
    int err = sim_scpi_set_harmonic(current ? t->i_harm : t->v_harm, spec);
    *changed = err == SCPI_ERR_NONE;
    return err;
}

/* ENER:MUT:SOUR, ENER:REF:SOUR, ENER:MUT:TEST:PSOU: step 1, 2, 3 of the rule */
static int energy_source(struct sim_source *src, unsigned step, char *slot, const char *arg,
                         bool query)
{
    struct sim_fluke *f = &src->fluke;
    f->energy_used = true;
    if (query) {
        sim_scpi_reply(src, "%s", slot[0] ? slot : "NONE");
        return SCPI_ERR_NONE;
    }
    if (arg == NULL) {
        return SCPI_ERR_MISSING_PARAM;
    }
    if (step > f->energy_order + 1) {
        /* out of order: the instrument resets the energy function */
        f->mut[0] = f->ref[0] = f->psou[0] = '\0';
        f->energy_order = 0;
        return SCPI_ERR_NONE;
    }
    if (step <= 2) {
        f->psou[0] = '\0'; /* what follows must be set again */
    }
    if (step == 1) {
        f->ref[0] = '\0';
    }
    snprintf(slot, sizeof(f->mut), "%.15s", arg);
    for (char *c = slot; *c; c++) {
        *c = (char)toupper((unsigned char)*c);
    }
    f->energy_order = step;
    return SCPI_ERR_NONE;
}

static int pulse_output(struct sim_source *src, bool unit, const char *arg, bool query)
{
    struct sim_fluke *f = &src->fluke;
    f->energy_used = true;
    if (query) {
        if (unit) {
            sim_scpi_reply(src, "%s", f->out_unit == 1000.0 ? "IPWH" : "IPKWH");
        } else {
            sim_scpi_reply(src, "%.9g", f->out_cons);
        }
        return SCPI_ERR_NONE;
    }
    if (arg == NULL) {
        return SCPI_ERR_MISSING_PARAM;
    }
    if (unit) {
        if (strcasecmp(arg, "IPKWH") == 0) {
            f->out_unit = 1.0;
        } else if (strcasecmp(arg, "IPWH") == 0) {
            f->out_unit = 1000.0;
        } else {
            return SCPI_ERR_SYNTAX;
        }
    } else {
        int err = sim_scpi_set_ranged(arg, 1e-3, SIM_REF_CONSTANT_MAX, &f->out_cons);
        if (err != SCPI_ERR_NONE) {
            return err;
        }
    }
    if (f->out_cons * f->out_unit > SIM_REF_CONSTANT_MAX) {
        return SCPI_ERR_OUT_OF_RANGE;
    }
    apply_pulse_constant(src);
    return SCPI_ERR_NONE;
}

bool sim_fluke_holds_pulses(const struct sim_source *src)
{
    return src->fluke.energy_used && src->fluke.energy_order < 3;
}

bool sim_fluke_execute(struct sim_source *src, const char *cmd, const char *arg, bool query,
                       int *err, bool *changed)
{
    char h[128];
    unsigned n;
    char tail;
    struct sim_fluke *f = &src->fluke;
    double p, q;
    normalise(cmd, h, sizeof(h));
    *err = SCPI_ERR_NONE;
    if (query && strcmp(h, "*OPT") == 0) {
        sim_scpi_reply(src, "6105A,PQ,ENER");
    } else if (strcmp(h, "OUTP:STAT") == 0) {
        if (query) {
            sim_scpi_reply(src, "%d", src->output ? 1 : 0);
        } else if (arg != NULL && (strcasecmp(arg, "ON") == 0 || strcmp(arg, "1") == 0)) {
            *changed = !src->output;
            src->output = true;
        } else if (arg != NULL && (strcasecmp(arg, "OFF") == 0 || strcmp(arg, "0") == 0)) {
            *changed = src->output;
            src->output = false;
        } else {
            *err = arg == NULL ? SCPI_ERR_MISSING_PARAM : SCPI_ERR_SYNTAX;
        }
    } else if (sscanf(h, "SOUR:PHAS1:VOLT:MHAR:HARM%u%c", &n, &tail) == 1) {
        *err = harmonic(src, false, n, arg, query, changed);
    } else if (sscanf(h, "SOUR:PHAS1:CURR:MHAR:HARM%u%c", &n, &tail) == 1) {
        *err = harmonic(src, true, n, arg, query, changed);
    } else if (!query && (strcmp(h, "SOUR:PHAS1:VOLT:MHAR:CLE") == 0 ||
                          strcmp(h, "SOUR:PHAS1:CURR:MHAR:CLE") == 0)) {
        struct sim_harmonic *table = h[11] == 'V' ? src->set.v_harm : src->set.i_harm;
        memset(table, 0, sizeof(src->set.v_harm));
        *changed = true;
    } else if (query && strcmp(h, "SOUR:PHAS1:POW:WATT") == 0) {
        sim_source_power(src, &p, &q);
        sim_scpi_reply(src, "%.6f", src->output ? p : 0.0);
    } else if (strcmp(h, "ENER:MUT:CONS") == 0) {
        f->energy_used = true;
        if (query) {
            sim_scpi_reply(src, "%.9g", f->mut_cons);
        } else {
            *err = sim_scpi_set_ranged(arg, 1e-6, 1e9, &f->mut_cons);
        }
    } else if (strcmp(h, "ENER:MUT:SOUR") == 0) {
        *err = energy_source(src, 1, f->mut, arg, query);
    } else if (strcmp(h, "ENER:REF:SOUR") == 0) {
        *err = energy_source(src, 2, f->ref, arg, query);
    } else if (strcmp(h, "ENER:MUT:TEST:PSOU") == 0) {
        *err = energy_source(src, 3, f->psou, arg, query);
    } else if (strcmp(h, "ENER:OUTP:CONS") == 0 || strcmp(h, "ENER:OUTP:CONS:UNIT") == 0) {
        *err = pulse_output(src, h[14] == ':', arg, query);
    } else if (!query && strcmp(h, "ENER:ABOR") == 0) {
        f->energy_used = true;
        f->mut[0] = f->ref[0] = f->psou[0] = '\0';
        f->energy_order = 0;
    } else {
        return false;
    }
    return true;
}
