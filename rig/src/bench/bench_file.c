/*
 * bench_file.c — loading a bench file (INI, read with inih).
 *
 * Schema (fixtures/benches/sim.ini shows it whole):
 *   [bench]       name, kind = sim | hw, positions = N, records = URL (the
 *                 records store every client of the bench writes to; with
 *                 PostgreSQL also its advisory lock, rig/records.h)
 *   [source]      port (hw: /dev/ttyUSB0; sim), baud, driver = scpi | fluke6105,
 *                 transport = auto | termios | serialport
 *   [reference]   the reference standard's pulse output(s) for the error
 *                 calculator: line (CHIP:LINE, hw), constant (imp/kWh),
 *                 reactive_line, reactive_constant (imp/kvarh), and how its
 *                 lines are requested: bias = as-is | disabled | pull-up |
 *                 pull-down, active_low = yes | no, debounce_us
 *   [lines]       how the meters' pulse inputs are requested: bias,
 *                 active_low, debounce_us (as in [reference])
 *   [position N]  model, serial, rs485, slave, baud, parity, stop,
 *                 pulse1, pulse2, supply (CHIP:LINE), swd, swd_serial,
 *                 defect (sim only: NAME[,PARAM], firmware/boards/native/defect_spec.h),
 *                 golden = ERROR_PCT,WINDOW_PCT (a golden unit, rig/health.h),
 *                 button_next, button_enter (CHIP:LINE relays), buttons_active_low
 *                 = yes|no, press_ms, camera (/dev/videoN), camera_crop = X,Y,W,H
 *                 (the display's hands and eyes, docs/ui.md)
 * Anything unknown or malformed is an error naming file:line and the key;
 * so is a model that is not a MED2 model, a simulated unit's serial that is
 * not 1..99999999, and two positions with one serial.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error_internal.h"
#include "bench/bench_config.h"
#include "rig/error.h"
#include "rig/models.h"
#include "defect_spec.h"

static const char *const bench_keys[] = {"name", "kind", "positions", "records", "board", NULL};
static const char *const source_keys[] = {"port", "baud", "driver", "transport", NULL};
static const char *const position_keys[] = {"model",  "serial", "rs485",  "slave",
                                            "baud",   "parity", "stop",   "pulse1",
                                            "pulse2", "supply", "swd",    "swd_serial",
                                            "defect", "golden",
                                            /* the display's relays and camera (docs/ui.md) */
                                            "button_next", "button_enter", "buttons_active_low",
                                            "press_ms", "camera", "camera_crop", NULL};

/* position_keys[] index of button_next, the first of the display's keys */
#define POSITION_DISPLAY_KEY0 14

static const char *const reference_keys[] = {"line", "constant", "reactive_line",
                                             "reactive_constant", "bias", "active_low",
                                             "debounce_us", NULL};
static const char *const lines_keys[] = {"bias", "active_low", "debounce_us", NULL};

enum section { SEC_NONE, SEC_BENCH, SEC_SOURCE, SEC_POSITION, SEC_REFERENCE, SEC_LINES };

struct parse {
    struct rig_bench_config *cfg;
    FILE *fp;
    int line;           /* line of the text inih is looking at */
    bool at_line_start;
    int rc;             /* first error */
    unsigned bench_seen, source_seen, reference_seen, lines_seen;
    int positions_line;
};

static int fail(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct parse *p, int line, const char *fmt, ...)
{
    if (p->rc)
        return 0;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        p->rc = rig_error_set(-EINVAL, "%s:%d: %s", p->cfg->file, line, msg);
    else
        p->rc = rig_error_set(-EINVAL, "%s: %s", p->cfg->file, msg);
    return 0; /* tells inih this line failed */
}

static int key_index(const char *const *keys, const char *name)
{
    for (int i = 0; keys[i]; i++)
        if (strcmp(keys[i], name) == 0)
            return i;
    return -1;
}

static void join_keys(const char *const *keys, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; keys[i]; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? ", " : "", keys[i]);
    }
}

/* "position 3" -> 3; 0 if not a position section. */
static unsigned position_number(const char *section)
{
    if (strncasecmp(section, "position", 8) != 0)
        return 0;
    const char *s = section + 8;
    while (*s == ' ')
        s++;
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || *end != '\0' || n < 1 || n > RIG_MAX_POSITIONS)
        return 0;
    return (unsigned)n;
}

static enum section classify(const char *section)
{
    if (strcmp(section, "bench") == 0)
        return SEC_BENCH;
    if (strcmp(section, "source") == 0)
        return SEC_SOURCE;
    if (position_number(section))
        return SEC_POSITION;
    if (strcmp(section, "reference") == 0)
        return SEC_REFERENCE;
    if (strcmp(section, "lines") == 0)
        return SEC_LINES;
    return SEC_NONE;
}

static bool parse_int(const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno || n < lo || n > hi)
        return false;
    *out = n;
    return true;
}

static bool valid_baud(long b)
{
    static const long bauds[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400,
                                 460800, 921600};
    for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++)
        if (bauds[i] == b)
            return true;
    return false;
}

/* "gpiochip0:17": a chip and a line offset. */
static bool valid_line_spec(const char *v)
{
    const char *colon = strrchr(v, ':');
    long n;
    return colon && colon != v && parse_int(colon + 1, 0, 65535, &n);
}

static int set_string(struct parse *p, char **slot, const char *value)
{
    free(*slot);
    *slot = strdup(value);
    if (!*slot)
        p->rc = rig_error_set(-ENOMEM, "%s: out of memory", p->cfg->file);
    return *slot ? 1 : 0;
}

static int bench_key(struct parse *p, int k, const char *name, const char *value)
{
    struct rig_bench_config *cfg = p->cfg;
    long n;
    switch (k) {
    case 0:
        return set_string(p, &cfg->name, value);
    case 1:
        if (strcmp(value, "sim") == 0)
            cfg->kind = RIG_BENCH_SIM;
        else if (strcmp(value, "hw") == 0)
            cfg->kind = RIG_BENCH_HW;
        else
            return fail(p, p->line, "[bench] kind = '%s' — expected sim or hw", value);
        return 1;
    case 3:
        return set_string(p, &cfg->records, value);
    case 4:
        /* board = qemu: a simulated bench runs the ARM image under QEMU */
        if (strcmp(value, "qemu") == 0)
            cfg->board_qemu = true;
        else if (strcmp(value, "native") != 0)
            return fail(p, p->line, "[bench] board = '%s' — expected native or qemu", value);
        return 1;
    default:
        if (!parse_int(value, 1, RIG_MAX_POSITIONS, &n))
            return fail(p, p->line, "[bench] %s = '%s' is not a number 1..%d", name, value,
                        RIG_MAX_POSITIONS);
        cfg->positions = (unsigned)n;
        p->positions_line = p->line;
        return 1;
    }
}

static int source_key(struct parse *p, int k, const char *name, const char *value)
{
    struct rig_bench_config *cfg = p->cfg;
    long n;
    switch (k) {
    case 0:
        return set_string(p, &cfg->source_port, value);
    case 1:
        if (!parse_int(value, 1, 10000000, &n) || !valid_baud(n))
            return fail(p, p->line, "[source] %s = '%s' is not a baud rate (1200..921600)", name,
                        value);
        cfg->source_baud = (int)n;
        return 1;
    case 2:
        if (strcasecmp(value, "scpi") == 0)
            cfg->source_dialect = RIG_SOURCE_SCPI;
        else if (strcasecmp(value, "fluke6105") == 0)
            cfg->source_dialect = RIG_SOURCE_FLUKE6105;
        else
            return fail(p, p->line, "[source] driver = '%s' — expected scpi (the generic "
                                    "dialect) or fluke6105 (Fluke 6100B/6105A)", value);
        return 1;
    default:
        if (strcmp(value, "auto") == 0)
            cfg->source_transport = RIG_TRANSPORT_AUTO;
        else if (strcmp(value, "termios") == 0)
            cfg->source_transport = RIG_TRANSPORT_TERMIOS;
        else if (strcmp(value, "serialport") == 0)
            cfg->source_transport = RIG_TRANSPORT_SERIALPORT;
        else
            return fail(p, p->line, "[source] transport = '%s' — expected auto, termios or "
                                    "serialport", value);
        return 1;
    }
}

/* The display's keys (docs/ui.md): relays for the buttons, the camera. */
static int display_key(struct parse *p, unsigned number, const char *name, const char *value)
{
    struct rig_bench_config_position *pos = &p->cfg->pos[number - 1];
    long n;
    int *c = pos->pub.camera_crop;
    char extra;
    if (strncmp(name, "button_", 7) == 0) {
        if (!valid_line_spec(value))
            return fail(p, p->line, "[position %u] %s = '%s' — expected CHIP:LINE, e.g. "
                                    "gpiochip0:12", number, name, value);
        return set_string(p, &pos->button[strcmp(name, "button_next") == 0 ? 0 : 1], value);
    }
    if (strcmp(name, "buttons_active_low") == 0) {
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
            return fail(p, p->line, "[position %u] buttons_active_low = '%s' — expected yes or no",
                        number, value);
        pos->pub.buttons_active_low = strcmp(value, "yes") == 0;
        return 1;
    }
    if (strcmp(name, "press_ms") == 0) {
        if (!parse_int(value, 50, 1900, &n))
            return fail(p, p->line, "[position %u] press_ms = '%s' — expected 50..1900 (a short "
                                    "press; 2000 and more is a long one)", number, value);
        pos->pub.press_ms = (unsigned)n;
        return 1;
    }
    if (strcmp(name, "camera") == 0)
        return set_string(p, &pos->camera, value);
    if (sscanf(value, "%d,%d,%d,%d%c", &c[0], &c[1], &c[2], &c[3], &extra) != 4 || c[0] < 0 ||
        c[1] < 0 || c[2] < 1 || c[3] < 1)
        return fail(p, p->line, "[position %u] camera_crop = '%s' — expected X,Y,W,H in pixels, "
                                "the digits' place in the camera's picture", number, value);
    return 1;
}

static int position_key(struct parse *p, unsigned number, int k, const char *name,
                        const char *value)
{
    struct rig_bench_config_position *pos = &p->cfg->pos[number - 1];
    long n;
    if (k >= POSITION_DISPLAY_KEY0)
        return display_key(p, number, name, value);
    switch (k) {
    case 0: return set_string(p, &pos->model, value);
    case 1: return set_string(p, &pos->serial, value);
    case 2: return set_string(p, &pos->rs485, value);
    case 3:
        if (!parse_int(value, 1, 247, &n))
            return fail(p, p->line, "[position %u] slave = '%s' is not a Modbus slave id 1..247",
                        number, value);
        pos->pub.slave = (int)n;
        return 1;
    case 4:
        if (!parse_int(value, 1, 10000000, &n) || !valid_baud(n))
            return fail(p, p->line, "[position %u] baud = '%s' is not a baud rate (1200..921600)",
                        number, value);
        pos->pub.baud = (int)n;
        return 1;
    case 5:
        if (strlen(value) != 1 || !strchr("NEOneo", value[0]))
            return fail(p, p->line, "[position %u] parity = '%s' — expected N, E or O", number,
                        value);
        pos->pub.parity = (char)toupper((unsigned char)value[0]);
        return 1;
    case 6:
        if (!parse_int(value, 1, 2, &n))
            return fail(p, p->line, "[position %u] stop = '%s' — expected 1 or 2", number, value);
        pos->pub.stop_bits = (int)n;
        return 1;
    case 7:
    case 8:
    case 9:
        if (!valid_line_spec(value))
            return fail(p, p->line, "[position %u] %s = '%s' — expected CHIP:LINE, e.g. "
                                    "gpiochip0:17", number, name, value);
        return set_string(p, k == 9 ? &pos->supply : &pos->pulse[k - 7], value);
    case 10: return set_string(p, &pos->swd, value);
    case 11: return set_string(p, &pos->swd_serial, value);
    case 13: {
        double e, w;
        char extra;
        if (sscanf(value, "%lf,%lf%c", &e, &w, &extra) != 2 || !(w > 0.0) || !(fabs(e) < 100.0))
            return fail(p, p->line, "[position %u] golden = '%s' — expected ERROR_PCT,WINDOW_PCT, "
                                    "e.g. golden = +0.12,0.05", number, value);
        pos->pub.golden = true;
        pos->pub.golden_error = e / 100.0;
        pos->pub.golden_window = w / 100.0;
        return 1;
    }
    default: {
        char why[768];
        if (rig_bench_check_defect(value, why, sizeof why) < 0)
            return fail(p, p->line, "[position %u] defect = '%s': %s", number, value, why);
        return set_string(p, &pos->defect, value);
    }
    }
}

/* bias, active_low, debounce_us of [reference] or [lines] (bench_line_opts.c) */
static int line_opt_key(struct parse *p, const char *section, struct rig_bench_line_opts *o,
                        const char *name, const char *value)
{
    char why[160];
    if (rig_bench_line_opt(o, name, value, why, sizeof why) < 0)
        return fail(p, p->line, "[%s] %s", section, why);
    return 1;
}

static int reference_key(struct parse *p, int k, const char *name, const char *value)
{
    struct rig_bench_config *cfg = p->cfg;
    unsigned wire = k < 2 ? 1 : 2;
    switch (k) {
    case 0:
    case 2:
        if (!valid_line_spec(value))
            return fail(p, p->line, "[reference] %s = '%s' — expected CHIP:LINE, e.g. "
                                    "gpiochip0:26", name, value);
        return set_string(p, &cfg->reference_line[wire], value);
    case 1:
    case 3: {
        char *end;
        double c = strtod(value, &end);
        if (end == value || *end || !(c > 0.0) || c > 1e9)
            return fail(p, p->line, "[reference] %s = '%s' is not a pulse constant (imp/kWh, "
                                    "> 0), e.g. %s = 100000", name, value, name);
        cfg->reference_constant[wire] = c;
        return 1;
    }
    default:
        return line_opt_key(p, "reference", &cfg->reference_opts, name, value);
    }
}

int rig_bench_check_defect(const char *spec, char *why, size_t len)
{
    struct sim_defect d;
    if (sim_defect_parse(spec, &d, why, len) == 0)
        return 0;
    size_t used = strlen(why);
    snprintf(why + used, len - used, " — known: %s", sim_defect_known());
    return -EINVAL;
}

/* A simulated unit's serial: the factory block's 1..99999999, digits only. */
static bool valid_serial(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    return isdigit((unsigned char)s[0]) && !*end && v >= 1 && v <= 99999999ul;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    char known[256];
    enum section sec = classify(section);
    const char *const *keys = sec == SEC_BENCH       ? bench_keys
                              : sec == SEC_SOURCE    ? source_keys
                              : sec == SEC_REFERENCE ? reference_keys
                              : sec == SEC_LINES     ? lines_keys
                                                     : position_keys;
    if (p->rc)
        return 0;
    if (sec == SEC_NONE)
        return fail(p, p->line, "%s%s%s'%s' is outside a known section — expected [bench], "
                                "[source], [reference], [lines] or [position N]",
                    *section ? "[" : "", section, *section ? "] " : "", name);
    int k = key_index(keys, name);
    if (k < 0) {
        join_keys(keys, known, sizeof known);
        return fail(p, p->line, "[%s] unknown key '%s' — known keys: %s", section, name, known);
    }
    if (!value || !*value)
        return fail(p, p->line, "[%s] %s has no value", section, name);

    unsigned *seen = sec == SEC_BENCH       ? &p->bench_seen
                     : sec == SEC_SOURCE    ? &p->source_seen
                     : sec == SEC_REFERENCE ? &p->reference_seen
                     : sec == SEC_LINES     ? &p->lines_seen
                                            : &p->cfg->pos[position_number(section) - 1].keys_seen;
    if (*seen & (1u << k))
        return fail(p, p->line, "[%s] %s is given twice", section, name);
    *seen |= 1u << k;

    switch (sec) {
    case SEC_BENCH: return bench_key(p, k, name, value);
    case SEC_SOURCE: return source_key(p, k, name, value);
    case SEC_REFERENCE: return reference_key(p, k, name, value);
    case SEC_LINES: return line_opt_key(p, "lines", &p->cfg->pulse_opts, name, value);
    default: return position_key(p, position_number(section), k, name, value);
    }
}

/*
 * inih reads through this, so we know the line number (the handler of this
 * inih build has none) and see every section header, even one without keys.
 */
static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    char *s = fgets(str, num, p->fp);
    if (!s)
        return NULL;
    if (p->at_line_start)
        p->line++;
    size_t n = strlen(s);
    p->at_line_start = n > 0 && s[n - 1] == '\n';

    const char *t = s;
    while (isspace((unsigned char)*t))
        t++;
    if (*t == '[' && !p->rc) {
        const char *close = strchr(t, ']');
        if (!close) {
            fail(p, p->line, "section header without ']'");
            return s;
        }
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(close - t - 1), t + 1);
        enum section sec = classify(name);
        if (sec == SEC_NONE) {
            fail(p, p->line, "unknown section [%s] — expected [bench], [source], [reference], "
                             "[lines] or [position N] (N = 1..%d)", name, RIG_MAX_POSITIONS);
        } else if (sec == SEC_REFERENCE) {
            if (!p->cfg->reference_line_no)
                p->cfg->reference_line_no = p->line;
        } else if (sec == SEC_POSITION) {
            struct rig_bench_config_position *pos = &p->cfg->pos[position_number(name) - 1];
            if (pos->line)
                fail(p, p->line, "[%s] appears twice (first at line %d)", name, pos->line);
            else
                pos->line = p->line;
        }
    }
    return s;
}

static int check(struct parse *p)
{
    struct rig_bench_config *cfg = p->cfg;
    unsigned highest = 0;

    if (!cfg->kind)
        return fail(p, 0, "[bench] kind is missing — expected kind = sim or kind = hw");
    if (!p->source_seen)
        return fail(p, 0, "[source] is missing — a bench has a source: port = sim on a simulated "
                          "bench, the source's serial port on a real one");
    for (unsigned i = 0; i < RIG_MAX_POSITIONS; i++)
        if (cfg->pos[i].line)
            highest = i + 1;
    if (!cfg->positions)
        cfg->positions = highest;
    if (!cfg->positions)
        return fail(p, 0, "no positions — add [position 1] and [bench] positions = N");
    if (highest > cfg->positions)
        return fail(p, cfg->pos[highest - 1].line,
                    "[position %u] but [bench] positions = %u (line %d)", highest,
                    cfg->positions, p->positions_line);
    for (unsigned i = 0; i < cfg->positions; i++) {
        struct rig_bench_config_position *pos = &cfg->pos[i];
        if (!pos->line)
            return fail(p, p->positions_line, "[bench] positions = %u but there is no "
                                              "[position %u]", cfg->positions, i + 1);
        if (!pos->model)
            return fail(p, pos->line, "[position %u] model is missing, e.g. model = C80-1M-V3",
                        i + 1);
        struct rig_model_info info;
        if (rig_model_info(pos->model, &info) < 0)
            return fail(p, pos->line, "[position %u] %s", i + 1, rig_last_error());
        if (pos->defect && cfg->kind != RIG_BENCH_SIM)
            return fail(p, pos->line, "[position %u] defect is for simulated units only (kind = "
                                      "sim)", i + 1);
        if (cfg->kind == RIG_BENCH_SIM) {
            if (!pos->serial)
                return fail(p, pos->line, "[position %u] serial is missing (a simulated unit "
                                          "needs one, e.g. serial = 24110001)", i + 1);
            if (!valid_serial(pos->serial))
                return fail(p, pos->line, "[position %u] serial = '%s' is not 1..99999999 (the "
                                          "factory block's eight digits)", i + 1, pos->serial);
            for (unsigned j = 0; j < i; j++)
                if (cfg->pos[j].serial && strcmp(cfg->pos[j].serial, pos->serial) == 0)
                    return fail(p, pos->line, "[position %u] serial %s is also position %u's: "
                                              "every unit has its own", i + 1, pos->serial, j + 1);
            if (pos->rs485 && strcmp(pos->rs485, "sim") != 0)
                return fail(p, pos->line, "[position %u] rs485 = '%s' in a kind = sim bench — "
                                          "use rs485 = sim or kind = hw", i + 1, pos->rs485);
        } else if (!pos->rs485 || strcmp(pos->rs485, "sim") == 0) {
            return fail(p, pos->line, "[position %u] rs485 must name the RS485 adapter's port "
                                      "on a kind = hw bench, e.g. rs485 = /dev/ttyUSB1", i + 1);
        }
        pos->pub.number = i + 1;
        if (!pos->pub.slave)
            pos->pub.slave = 1;
        if (!pos->pub.baud)
            pos->pub.baud = 38400;
        if (!pos->pub.parity)
            pos->pub.parity = 'N';
        if (!pos->pub.stop_bits)
            pos->pub.stop_bits = 1;
    }
    if (cfg->kind == RIG_BENCH_SIM) {
        if (cfg->source_port && strcmp(cfg->source_port, "sim") != 0)
            return fail(p, 0, "[source] port = '%s' in a kind = sim bench — use port = sim or "
                              "kind = hw", cfg->source_port);
    } else if (!cfg->source_port || strcmp(cfg->source_port, "sim") == 0) {
        return fail(p, 0, "[source] port must name the source's serial port on a kind = hw "
                          "bench, e.g. port = /dev/ttyUSB0");
    }
    for (unsigned w = 1; w <= 2; w++) {
        const char *key = w == 1 ? "line" : "reactive_line";
        const char *ckey = w == 1 ? "constant" : "reactive_constant";
        if (cfg->reference_line[w] && cfg->kind == RIG_BENCH_SIM)
            return fail(p, cfg->reference_line_no, "[reference] %s is for a real bench (kind = "
                                                   "hw); benchd has its own reference wire",
                        key);
        if (cfg->reference_line[w] && !cfg->reference_constant[w])
            return fail(p, cfg->reference_line_no, "[reference] %s needs %s (the reference "
                                                   "standard's pulses per kWh, see its manual)",
                        key, ckey);
    }
    if (!cfg->source_baud)
        cfg->source_baud = 115200;
    if (!cfg->name && !(cfg->name = strdup(cfg->file)))
        return fail(p, 0, "out of memory");
    return 0;
}

int rig_bench_config_load(const char *file, struct rig_bench_config **out)
{
    *out = NULL;
    struct rig_bench_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg || !(cfg->file = strdup(file))) {
        free(cfg);
        return rig_error_set(-ENOMEM, "%s: out of memory", file);
    }
    struct parse p = {.cfg = cfg, .at_line_start = true};
    p.fp = fopen(file, "r");
    if (!p.fp) {
        int e = errno;
        rig_bench_config_free(cfg);
        return rig_error_set(-e, "cannot read bench file %s: %s — check the path (benches live "
                                 "in fixtures/benches/)",
                             file, strerror(e));
    }
    int line = ini_parse_stream(reader, &p, on_value, &p);
    fclose(p.fp);
    if (!p.rc && line != 0)
        fail(&p, line > 0 ? line : 0, "cannot parse this line — expected [section] or key = value");
    if (!p.rc)
        check(&p);
    if (p.rc) {
        rig_bench_config_free(cfg);
        return p.rc;
    }
    rig_bench_config_finish(cfg);
    *out = cfg;
    return 0;
}

void rig_bench_config_finish(struct rig_bench_config *cfg)
{
    for (unsigned i = 0; i < cfg->positions; i++) {
        struct rig_bench_config_position *pos = &cfg->pos[i];
        pos->pub.model = pos->model;
        pos->pub.serial = pos->serial;
        pos->pub.rs485 = pos->rs485;
        pos->pub.pulse[0] = pos->pulse[0];
        pos->pub.pulse[1] = pos->pulse[1];
        pos->pub.supply = pos->supply;
        pos->pub.swd = pos->swd;
        pos->pub.swd_serial = pos->swd_serial;
        pos->pub.defect = pos->defect;
        pos->pub.button[0] = pos->button[0];
        pos->pub.button[1] = pos->button[1];
        pos->pub.camera = pos->camera;
    }
}

void rig_bench_config_free(struct rig_bench_config *cfg)
{
    if (!cfg)
        return;
    for (unsigned i = 0; i < RIG_MAX_POSITIONS; i++) {
        struct rig_bench_config_position *pos = &cfg->pos[i];
        free(pos->model);
        free(pos->serial);
        free(pos->rs485);
        free(pos->pulse[0]);
        free(pos->pulse[1]);
        free(pos->supply);
        free(pos->swd);
        free(pos->swd_serial);
        free(pos->defect);
        free(pos->button[0]);
        free(pos->button[1]);
        free(pos->camera);
    }
    free(cfg->file);
    free(cfg->name);
    free(cfg->source_port);
    free(cfg->records);
    free(cfg->control);
    free(cfg->reference_line[1]);
    free(cfg->reference_line[2]);
    free(cfg);
}
