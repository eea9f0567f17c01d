/*
 * sim_source.c — the virtual phantom-load source and its reference standard.
 *
 * Speaks the generic SCPI dialect listed below on its own pty, and the Fluke
 * 6100B/6105A's (sim_source_fluke.c), so the rig's real-bench drivers are
 * the code that drives it. Voltage and current are
 * set independently (phantom load); the reference energy is the exact
 * integral of the set conditions over virtual time while the output is on.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sim_source_internal.h"


/* What the virtual instrument can deliver. */
#define SOURCE_F_MIN 40.0
#define SOURCE_F_MAX 70.0
#define SOURCE_HARM_PCT_MAX 100.0

static const char *error_text(int code)
{
    switch (code) {
    case SCPI_ERR_NONE: return "No error";
    case SCPI_ERR_SYNTAX: return "Syntax error";
    case SCPI_ERR_MISSING_PARAM: return "Missing parameter";
    case SCPI_ERR_UNDEFINED_HEADER: return "Undefined header";
    case SCPI_ERR_OUT_OF_RANGE: return "Data out of range";
    case SCPI_ERR_QUEUE_OVERFLOW: return "Queue overflow";
    default: return "Unknown error";
    }
}

static void push_error(struct sim_source *src, int code)
{
    if (src->error_count < SIM_ERROR_QUEUE) {
        src->errors[src->error_count++] = code;
    } else {
        src->errors[SIM_ERROR_QUEUE - 1] = SCPI_ERR_QUEUE_OVERFLOW;
    }
}

static void reset_settings(struct sim_source *src)
{
    memset(&src->set, 0, sizeof(src->set));
    src->set.v_rms = 230.0;
    src->set.freq_hz = 50.0;
    src->output = false;
    memset(&src->fluke, 0, sizeof(src->fluke));
    src->fluke.out_unit = 1.0;
}

void sim_source_init(struct sim_source *src)
{
    src->line_len = 0;
    src->line_overflow = false;
    src->error_count = 0;
    src->energy_wh = 0.0;
    src->energy_varh = 0.0;
    src->ambient_c = SIM_AMBIENT_DEFAULT_C;
    reset_settings(src);
    sim_reference_init(src);
}

void sim_source_terminals(const struct sim_source *src, struct sim_terminals *out)
{
    *out = src->set;
    out->ambient_c = src->ambient_c;
    if (!src->output) {
        out->v_rms = 0.0;
        out->i_rms = 0.0;
    }
}

/* Active and reactive power of the set conditions, harmonics included:
 * only equal orders of V and I carry power. */
void sim_source_power(const struct sim_source *src, double *p, double *q)
{
    const double deg = M_PI / 180.0;
    const struct sim_terminals *t = &src->set;
    double phi = t->phase_deg * deg;
    *p = t->v_rms * t->i_rms * cos(phi);
    *q = t->v_rms * t->i_rms * sin(phi);
    for (unsigned a = 0; a < SIM_MAX_HARMONICS; a++) {
        for (unsigned b = 0; b < SIM_MAX_HARMONICS; b++) {
            const struct sim_harmonic *hv = &t->v_harm[a];
            const struct sim_harmonic *hi = &t->i_harm[b];
            if (hv->order < 2 || hv->order != hi->order) {
                continue;
            }
            /* the current's harmonic phase is referred to the current's
             * fundamental, which lags by phi: at order n it lags n*phi */
            double vh = t->v_rms * hv->percent / 100.0;
            double ih = t->i_rms * hi->percent / 100.0;
            double dphi = (hv->phase_deg - hi->phase_deg) * deg + hv->order * phi;
            *p += vh * ih * cos(dphi);
            *q += vh * ih * sin(dphi);
        }
    }
}

void sim_source_integrate(struct sim_source *src, double dt_s)
{
    if (!src->output || dt_s <= 0.0) {
        return;
    }
    double p, q;
    sim_source_power(src, &p, &q);
    src->energy_wh += p * dt_s / 3600.0;
    src->energy_varh += q * dt_s / 3600.0;
}

/* SCPI header matching: each node matches its short form (the capitals of
 * the pattern) or its long form, case-insensitively. */
static bool node_matches(const char *pattern, size_t plen, const char *word, size_t wlen)
{
    size_t short_len = 0;
    while (short_len < plen && isupper((unsigned char)pattern[short_len])) {
        short_len++;
    }
    if (wlen == short_len && strncasecmp(pattern, word, wlen) == 0) {
        return true;
    }
    return wlen == plen && strncasecmp(pattern, word, wlen) == 0;
}

bool sim_scpi_header_matches(const char *pattern, const char *header)
{
    if (*header == ':') {
        header++;
    }
    for (;;) {
        const char *pe = strchr(pattern, ':');
        const char *he = strchr(header, ':');
        size_t plen = pe ? (size_t)(pe - pattern) : strlen(pattern);
        size_t hlen = he ? (size_t)(he - header) : strlen(header);
        if (!node_matches(pattern, plen, header, hlen)) {
            return false;
        }
        if (!pe || !he) {
            return !pe && !he;
        }
        pattern = pe + 1;
        header = he + 1;
    }
}

int sim_scpi_parse_number(const char *s, double *out)
{
    if (s == NULL || *s == '\0') {
        return SCPI_ERR_MISSING_PARAM;
    }
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    while (isspace((unsigned char)*end)) {
        end++;
    }
    if (end == s || *end != '\0' || errno != 0 || !isfinite(x)) {
        return SCPI_ERR_SYNTAX;
    }
    *out = x;
    return SCPI_ERR_NONE;
}

int sim_scpi_set_ranged(const char *arg, double lo, double hi, double *field)
{
    double x;
    int err = sim_scpi_parse_number(arg, &x);
    if (err != SCPI_ERR_NONE) {
        return err;
    }
    if (x < lo || x > hi) {
        return SCPI_ERR_OUT_OF_RANGE;
    }
    *field = x;
    return SCPI_ERR_NONE;
}

int sim_scpi_set_harmonic(struct sim_harmonic *table, const char *arg)
{
    if (arg == NULL) {
        return SCPI_ERR_MISSING_PARAM;
    }
    unsigned order;
    double pct, deg;
    char extra;
    if (sscanf(arg, "%u , %lf , %lf %c", &order, &pct, &deg, &extra) != 3) {
        return SCPI_ERR_SYNTAX;
    }
    if (order < 2 || order > SOURCE_HARM_ORDER_MAX || pct < 0.0 || pct > SOURCE_HARM_PCT_MAX) {
        return SCPI_ERR_OUT_OF_RANGE;
    }
    struct sim_harmonic *slot = NULL;
    for (unsigned k = 0; k < SIM_MAX_HARMONICS; k++) {
        if (table[k].order == order) {
            slot = &table[k];
            break;
        }
        if (slot == NULL && table[k].order == 0) {
            slot = &table[k];
        }
    }
    if (slot == NULL) {
        return SCPI_ERR_OUT_OF_RANGE; /* every harmonic slot is in use */
    }
    if (pct == 0.0) {
        memset(slot, 0, sizeof(*slot));
        return SCPI_ERR_NONE;
    }
    slot->order = (uint16_t)order;
    slot->percent = (float)pct;
    slot->phase_deg = (float)deg;
    return SCPI_ERR_NONE;
}

void sim_scpi_reply(struct sim_source *src, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    size_t n = sim_format_line(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    /* The reader is a client on the slave side; a full pty buffer means it
     * stopped reading, and a real instrument would drop output too. */
    ssize_t w = write(src->pty.master, buf, n);
    (void)w;
}

/* Execute one program message unit. Returns true if the terminals changed. */
static bool execute(struct sim_source *src, char *cmd)
{
    while (isspace((unsigned char)*cmd)) {
        cmd++;
    }
    size_t len = strlen(cmd);
    while (len > 0 && isspace((unsigned char)cmd[len - 1])) {
        cmd[--len] = '\0';
    }
    if (len == 0) {
        return false;
    }
    char *arg = cmd;
    while (*arg && !isspace((unsigned char)*arg)) {
        arg++;
    }
    if (*arg) {
        *arg++ = '\0';
        while (isspace((unsigned char)*arg)) {
            arg++;
        }
    } else {
        arg = NULL;
    }
    bool query = cmd[strlen(cmd) - 1] == '?';
    if (query) {
        cmd[strlen(cmd) - 1] = '\0';
    }
    struct sim_terminals *t = &src->set;
    int err = SCPI_ERR_NONE;
    bool changed = false;
    double p, q;

    if (sim_fluke_execute(src, cmd, arg, query, &err, &changed)) {
        /* the Fluke 6100B/6105A dialect (sim_source_fluke.c) */
    } else if (query && strcasecmp(cmd, "*IDN") == 0) {
        sim_scpi_reply(src, "MED2-HIL,Virtual phantom-load source,SIM-0001,1.0");
    } else if (!query && strcasecmp(cmd, "*RST") == 0) {
        reset_settings(src);
        changed = true;
    } else if (!query && strcasecmp(cmd, "*CLS") == 0) {
        src->error_count = 0;
    } else if (query && strcasecmp(cmd, "*OPC") == 0) {
        sim_scpi_reply(src, "1");
    } else if (query && sim_scpi_header_matches("SYSTem:ERRor", cmd)) {
        int code = SCPI_ERR_NONE;
        if (src->error_count > 0) {
            code = src->errors[0];
            memmove(src->errors, src->errors + 1, (--src->error_count) * sizeof(src->errors[0]));
        }
        sim_scpi_reply(src, "%d,\"%s\"", code, error_text(code));
    } else if (sim_scpi_header_matches("SOURce:VOLTage", cmd)) {
        if (query) {
            sim_scpi_reply(src, "%.6f", t->v_rms);
        } else if ((err = sim_scpi_set_ranged(arg, 0.0, SOURCE_V_MAX, &t->v_rms)) == SCPI_ERR_NONE) {
            changed = true;
        }
    } else if (sim_scpi_header_matches("SOURce:CURRent", cmd)) {
        if (query) {
            sim_scpi_reply(src, "%.6f", t->i_rms);
        } else if ((err = sim_scpi_set_ranged(arg, 0.0, SOURCE_I_MAX, &t->i_rms)) == SCPI_ERR_NONE) {
            changed = true;
        }
    } else if (sim_scpi_header_matches("SOURce:PHASe", cmd)) {
        if (query) {
            sim_scpi_reply(src, "%.6f", t->phase_deg);
        } else if ((err = sim_scpi_set_ranged(arg, -360.0, 360.0, &t->phase_deg)) == SCPI_ERR_NONE) {
            changed = true;
        }
    } else if (sim_scpi_header_matches("SOURce:FREQuency", cmd)) {
        if (query) {
            sim_scpi_reply(src, "%.6f", t->freq_hz);
        } else if ((err = sim_scpi_set_ranged(arg, SOURCE_F_MIN, SOURCE_F_MAX, &t->freq_hz)) ==
                   SCPI_ERR_NONE) {
            changed = true;
        }
    } else if (!query && sim_scpi_header_matches("SOURce:HARMonic:VOLTage", cmd)) {
        changed = (err = sim_scpi_set_harmonic(t->v_harm, arg)) == SCPI_ERR_NONE;
    } else if (!query && sim_scpi_header_matches("SOURce:HARMonic:CURRent", cmd)) {
        changed = (err = sim_scpi_set_harmonic(t->i_harm, arg)) == SCPI_ERR_NONE;
    } else if (!query && sim_scpi_header_matches("SOURce:HARMonic:CLEar", cmd)) {
        memset(t->v_harm, 0, sizeof(t->v_harm));
        memset(t->i_harm, 0, sizeof(t->i_harm));
        changed = true;
    } else if (sim_scpi_header_matches("OUTPut", cmd)) {
        if (query) {
            sim_scpi_reply(src, "%d", src->output ? 1 : 0);
        } else if (arg == NULL) {
            err = SCPI_ERR_MISSING_PARAM;
        } else if (strcasecmp(arg, "ON") == 0 || strcmp(arg, "1") == 0) {
            changed = !src->output;
            src->output = true;
        } else if (strcasecmp(arg, "OFF") == 0 || strcmp(arg, "0") == 0) {
            changed = src->output;
            src->output = false;
        } else {
            err = SCPI_ERR_SYNTAX;
        }
    } else if (query && sim_scpi_header_matches("MEASure:VOLTage", cmd)) {
        sim_scpi_reply(src, "%.6f", src->output ? t->v_rms : 0.0);
    } else if (query && sim_scpi_header_matches("MEASure:CURRent", cmd)) {
        sim_scpi_reply(src, "%.6f", src->output ? t->i_rms : 0.0);
    } else if (query && sim_scpi_header_matches("MEASure:POWer", cmd)) {
        sim_source_power(src, &p, &q);
        sim_scpi_reply(src, "%.6f", src->output ? p : 0.0);
    } else if (query && sim_scpi_header_matches("MEASure:POWer:REACtive", cmd)) {
        sim_source_power(src, &p, &q);
        sim_scpi_reply(src, "%.6f", src->output ? q : 0.0);
    } else if (query && sim_scpi_header_matches("MEASure:FREQuency", cmd)) {
        sim_scpi_reply(src, "%.6f", t->freq_hz);
    } else if (query && sim_scpi_header_matches("MEASure:ENERgy", cmd)) {
        sim_scpi_reply(src, "%.9f", src->energy_wh);
    } else if (query && sim_scpi_header_matches("MEASure:ENERgy:REACtive", cmd)) {
        sim_scpi_reply(src, "%.9f", src->energy_varh);
    } else if (!query && sim_scpi_header_matches("MEASure:ENERgy:RESet", cmd)) {
        src->energy_wh = 0.0;
        src->energy_varh = 0.0;
    } else {
        err = SCPI_ERR_UNDEFINED_HEADER;
    }
    if (err != SCPI_ERR_NONE) {
        push_error(src, err);
        return false;
    }
    return changed;
}

bool sim_source_service(struct sim_source *src)
{
    bool changed = false;
    char buf[256];
    for (;;) {
        ssize_t n = read(src->pty.master, buf, sizeof(buf));
        if (n <= 0) {
            break;
        }
        for (ssize_t k = 0; k < n; k++) {
            char c = buf[k];
            if (c == '\n' || c == '\r') {
                if (src->line_overflow) {
                    push_error(src, SCPI_ERR_SYNTAX);
                } else if (src->line_len > 0) {
                    src->line[src->line_len] = '\0';
                    /* program message units separated by ';' */
                    char *save = NULL;
                    for (char *unit = strtok_r(src->line, ";", &save); unit;
                         unit = strtok_r(NULL, ";", &save)) {
                        changed |= execute(src, unit);
                    }
                }
                src->line_len = 0;
                src->line_overflow = false;
            } else if (src->line_len + 1 < sizeof(src->line)) {
                src->line[src->line_len++] = c;
            } else {
                src->line_overflow = true;
            }
        }
    }
    return changed;
}
