/*
 * ui_walk.c — walking a position's whole menu (ui_walk.h).
 *
 * The words the pages show are docs/ui.md's (English, the default
 * language); a page is named by its word, or by its marks where it shows a
 * value. What a leaf is checked against comes from outside the display:
 * the register of the same quantity over Modbus, the register map's
 * default on a model without RS485, the bench file's serial, the
 * capability table's order number, the factory block.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <poll.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_walk.h"

#define MAX_STEPS 40 /* more pages than any menu level has */
/* the measurement pages of §3.1: one of these and a unit */
#define VALUE_MARKS (M(ENERGY) | M(INSTANT) | M(DEMAND))
#define UNIT_MARKS (M(KWH) | M(KVARH) | M(V) | M(A) | M(W) | M(VAR) | M(VA) | M(PF) | M(HZ))
#define SERIAL_HALF_S 2.0
#define CLOCK_SLACK_S 5.0 /* presses move the clock between the display and the register */

enum kind { NUM, CHOICE, FIXED, ACTION };

struct leafdef {
    const char *word;
    enum kind kind;
    int reg;                    /* NUM, CHOICE: the register it sets, -1: none */
    const char *const *choices; /* CHOICE: the words in register order */
    double expect;              /* no register: the documented default */
};

static const char *const bauds[] = {"1200", "2400", "4800", "9600", "19200", "38400", "57600", "115200", NULL};
static const char *const parities[] = {"NONE", "ODD", "EVEN", NULL};
static const char *const stops[] = {"1", "2", NULL};
static const char *const endians[] = {"BE", "LE", "BE-SWAP", "LE-SWAP", NULL};
static const char *const methods[] = {"FIXED", "SLIDE", "ROLLING", NULL};
static const char *const sources[] = {"OFF", "IMP-A", "EXP-A", "IMP-R", "EXP-R", NULL};
static const char *const mults[] = {"DIV1000", "DIV100", "DIV10", "1", "MUL10", "MUL100", "MUL1000", NULL};
static const char *const langs[] = {"TURKCE", "ENGLISH", NULL};
static const char *const lights[] = {"OFF", "ON", "TIMED", NULL};
static const char *const onoff[] = {"OFF", "ON", NULL};

static const struct leafdef leafdefs[] = {
    {"ADDR", NUM, MED2_REG_SLAVE_ID, NULL, 0},
    {"BAUD", CHOICE, MED2_REG_BAUDRATE, bauds, 0},
    {"PARITY", CHOICE, MED2_REG_PARITY, parities, 0},
    {"STOPBIT", CHOICE, MED2_REG_STOPBIT, stops, 0},
    {"DATA", CHOICE, MED2_REG_ENDIAN, endians, 0},
    {"METHOD", CHOICE, MED2_REG_DEMAND_METHOD, methods, 0},
    {"PERIOD", NUM, MED2_REG_DEMAND_PERIOD, NULL, 0},
    {"SUBINT", NUM, MED2_REG_SUB_INTERVAL, NULL, 0},
    {"SOURCE", CHOICE, MED2_REG_PULSE2_SOURCE, sources, 0},
    {"ENERGY", NUM, MED2_REG_PULSE2_ENERGY, NULL, 0},
    {"MULT", CHOICE, MED2_REG_PULSE2_MULTIPLIER, mults, 0},
    {"TIME", NUM, MED2_REG_PULSE2_DURATION, NULL, 0},
    {"LANG", CHOICE, -1, langs, 1},
    {"LIGHT", CHOICE, -1, lights, 2},
    {"LTIME", NUM, -1, NULL, 60},
    {"YEAR", NUM, MED2_REG_YEAR, NULL, 0},
    {"MONTH", NUM, MED2_REG_MONTH, NULL, 0},
    {"DAY", NUM, MED2_REG_DAY, NULL, 0},
    {"HOUR", NUM, MED2_REG_HOUR, NULL, 0},
    {"MINUTE", NUM, MED2_REG_MINUTE, NULL, 0},
    {"SECOND", NUM, MED2_REG_SECOND, NULL, 0},
    {"PROTECT", CHOICE, -1, onoff, 0},
    {"PASS", NUM, -1, NULL, 0}, /* a new password is typed from 0000000 */
    {"SETTING", ACTION, MED2_REG_SUB_INTERVAL, NULL, 1}, /* set to 5 first, then cleared */
    {"PARTIAL", ACTION, MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY, NULL, 0},
    {"DEMAND", ACTION, MED2_REG_MAX_CURRENT_DEMAND, NULL, 0},
    {"ALL", ACTION, MED2_REG_MAX_CURRENT_DEMAND, NULL, 0},
    {"START", ACTION, -1, NULL, 0},
    {"STOP", ACTION, -1, NULL, 0},
    {"RESET", ACTION, MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY, NULL, 0},
};

void ui_expect_shows(unsigned pos, const char *word)
{
    struct rig_display d;
    ui_read(pos, &d);
    cr_assert(rig_display_shows(&d, word), "position %u shows '%s', expected %s", pos, d.text, word);
}

void ui_walk_init(struct ui_walk *w, unsigned pos)
{
    memset(w, 0, sizeof *w);
    w->pos = pos;
    w->model = rig_bench_position(ui_bench, pos)->model;
    struct rig_model_info mi;
    cr_assert_eq(rig_model_info(w->model, &mi), 0);
    w->rs485 = mi.rs485;
    w->n_values = ui_tree_values(w->model, w->values, UI_WALK_MAX_LEAVES);
}

static bool read_modbus(struct ui_walk *w, enum med2_reg_id reg, double *v)
{
    if (!w->rs485)
        return false;
    cr_assert_eq(rig_meter_read_reg(rig_bench_meter(ui_bench, w->pos), reg, v), 0, "%s",
                 rig_last_error());
    return true;
}

/* Resolution of a shown quantity (docs/ui.md) and what moves between the
 * display's refresh (1 s) and the register. */
static double tolerance(enum med2_reg_id reg, double modbus)
{
    if (reg >= MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY && reg <= MED2_REG_BALANCE_REACTIVE_ENERGY)
        return 1.0 + 230.0 * 5.0 / 3600.0 * 1.5; /* Wh: 1 Wh shown, 1 s of load and a press */
    double res = reg == MED2_REG_CURRENT || reg == MED2_REG_POWER_FACTOR ||
                         reg == MED2_REG_CURRENT_DEMAND || reg == MED2_REG_MAX_CURRENT_DEMAND
                     ? 0.001
                 : reg == MED2_REG_FREQUENCY ? 0.01
                                             : 0.1;
    return res + 0.005 * fabs(modbus);
}

static void count_ocr(struct ui_walk *w, const struct rig_display *d, bool must)
{
    struct rig_display ocr;
    w->pages++;
    cr_assert_eq(rig_display_ocr(ui_bench, w->pos, &ocr), 0, "%s", rig_last_error());
    bool same = rig_display_same_digits(&ocr, d);
    w->ocr_same += same;
    if (!same && getenv("UI_OCR_DEBUG"))
        fprintf(stderr, "ocr '%s' frame '%s'\n", ocr.text, d->text);
    cr_expect(!must || same, "position %u: OCR reads '%s', the frame shows '%s'", w->pos, ocr.text,
              d->text);
}

static bool check_value(struct ui_walk *w, const struct rig_display *d)
{
    int reg = ui_tree_find(w->values, w->n_values, ui_page_marks(d));
    if (reg < 0)
        return false;
    for (size_t k = 0; k < w->n_values; k++)
        if (w->values[k].marks == ui_page_marks(d))
            w->seen[k] = true;
    double shown, v;
    cr_assert(rig_display_value(d, &shown), "position %u: page of %s shows '%s'", w->pos,
              rig_reg_name((enum med2_reg_id)reg), d->text);
    if (read_modbus(w, (enum med2_reg_id)reg, &v)) {
        bool energy = reg >= MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY && reg <= MED2_REG_BALANCE_REACTIVE_ENERGY;
        double on_display = energy ? shown * 1000.0 : shown;
        cr_expect_leq(fabs(on_display - v), tolerance((enum med2_reg_id)reg, v),
                      "position %u %s: display '%s', Modbus %.4f", w->pos,
                      rig_reg_name((enum med2_reg_id)reg), d->text, v);
    }
    w->checked++; /* on a model without RS485: the page is there and shows a number */
    return true;
}

/* The value a setting's edit starts from, read off the display. */
static double edit_value(const struct rig_display *d, const struct leafdef *def)
{
    if (def->kind == NUM) {
        double v;
        cr_assert(rig_display_value(d, &v), "an edit shows '%s'", d->text);
        return v;
    }
    for (int k = 0; def->choices[k]; k++)
        if (rig_display_shows(d, def->choices[k]))
            return k;
    cr_assert_fail("the edit of %s shows '%s', none of its choices", def->word, d->text);
    return -1;
}

static void check_setting(struct ui_walk *w, const struct leafdef *def)
{
    struct rig_display d;
    ui_enter(w->pos);
    ui_read(w->pos, &d);
    cr_assert(d.frame.marks & M(INPUT), "position %u: %s did not open an edit ('%s')", w->pos,
              def->word, d.text);
    double shown = edit_value(&d, def), want = def->expect, slack = 0;
    if (def->reg >= 0) {
        const struct med2_reg_info *r = rig_reg_info((enum med2_reg_id)def->reg);
        bool clock = def->reg >= MED2_REG_DAY && def->reg <= MED2_REG_SECOND;
        if (!read_modbus(w, (enum med2_reg_id)def->reg, &want))
            want = r->def; /* no RS485: the map's default, never changed here */
        slack = def->reg == MED2_REG_SECOND ? CLOCK_SLACK_S : 0;
        if (clock && def->reg == MED2_REG_SECOND && fabs(shown - want) > 30)
            shown -= 60; /* the minute turned between the two */
    }
    cr_expect_leq(fabs(shown - want), slack, "position %u %s: display %g, expected %g", w->pos,
                  def->word, shown, want);
    ui_back(w->pos); /* cancelled: nothing written */
    w->checked++;
}

static void check_action(struct ui_walk *w, const struct leafdef *def, const struct rig_display *page)
{
    struct rig_meter *m = rig_bench_meter(ui_bench, w->pos);
    if (w->rs485 && strcmp(def->word, "SETTING") == 0) {
        /* something to clear: a setting away from its default */
        cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
        cr_assert_eq(rig_meter_write_reg(m, MED2_REG_SUB_INTERVAL, 5), 0, "%s", rig_last_error());
        cr_assert_eq(rig_meter_save(m), 0, "%s", rig_last_error());
    }
    bool was_start = rig_display_shows(page, "START");
    ui_enter(w->pos);
    ui_expect_shows(w->pos, "SUCCESS");
    ui_next(w->pos); /* the message away */
    if (strcmp(def->word, "START") == 0 || strcmp(def->word, "STOP") == 0) {
        ui_expect_shows(w->pos, was_start ? "STOP" : "START");
        ui_enter(w->pos), ui_next(w->pos); /* back as it was */
        ui_expect_shows(w->pos, was_start ? "START" : "STOP");
        w->checked++;
        return;
    }
    double v = 0;
    if (read_modbus(w, (enum med2_reg_id)def->reg, &v))
        cr_expect_eq(v, def->expect, "position %u: after %s %s reads %g", w->pos, def->word,
                     rig_reg_name((enum med2_reg_id)def->reg), v);
    w->checked++;
}

/* Read Device Identification (2B/0E, basic objects) object `id` of the
 * position's unit, with a client of its own on the unit's line: the
 * firmware's own report of its revision, outside the display. */
#define DEVID_REQUEST_LEN 5
#define DEVID_HEADER_LEN 8 /* slave, 2B, 0E, code, conformity, more, next id, count */
static bool read_devid(struct ui_walk *w, unsigned id, char *out, size_t len)
{
    const struct rig_position *p = rig_bench_position(ui_bench, w->pos);
    if (!w->rs485)
        return false;
    modbus_t *ctx = modbus_new_rtu(p->rs485, p->baud, p->parity, 8, p->stop_bits);
    cr_assert_not_null(ctx);
    cr_assert_eq(modbus_connect(ctx), 0, "%s: %s", p->rs485, modbus_strerror(errno));
    uint8_t req[DEVID_REQUEST_LEN] = {(uint8_t)p->slave, 0x2B, 0x0E, 0x01, 0x00};
    uint8_t rsp[MODBUS_RTU_MAX_ADU_LENGTH] = {0};
    cr_assert_gt(modbus_send_raw_request(ctx, req, DEVID_REQUEST_LEN), 0, "%s", modbus_strerror(errno));
    /* libmodbus cannot size a 2B reply: the bytes until the line is silent */
    int fd = modbus_get_socket(ctx), n = 0;
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    while (n < (int)sizeof rsp && poll(&pf, 1, n == 0 ? 1000 : 50) > 0) {
        ssize_t r = read(fd, rsp + n, sizeof rsp - (size_t)n);
        if (r <= 0)
            break;
        n += (int)r;
    }
    n -= 2; /* the CRC */
    modbus_close(ctx);
    modbus_free(ctx);
    cr_assert_gt(n, DEVID_HEADER_LEN, "no device identification: %s", modbus_strerror(errno));
    for (int k = DEVID_HEADER_LEN; k + 2 <= n;) {
        unsigned obj = rsp[k], olen = rsp[k + 1];
        if (obj == id && (size_t)olen < len) {
            memcpy(out, &rsp[k + 2], olen);
            out[olen] = '\0';
            return true;
        }
        k += 2 + (int)olen;
    }
    return false;
}

/* The pages that only show: date, time, Info, Network. */
static bool check_show(struct ui_walk *w, const struct rig_display *d)
{
    const char *t = d->text;
    double v;
    if (d->frame.marks & M(DATETIME) && (t[0] == 'd' || t[0] == 't') && t[1] >= '0' && t[1] <= '9') {
        bool date = t[0] == 'd';
        int a = atoi(t + 1), b = atoi(t + 4), c = atoi(t + 7);
        enum med2_reg_id r[3] = {date ? MED2_REG_YEAR : MED2_REG_HOUR, date ? MED2_REG_MONTH : MED2_REG_MINUTE,
                                 date ? MED2_REG_DAY : MED2_REG_SECOND};
        const int got[3] = {a, b, c};
        for (int k = 0; k < 3; k++)
            if (read_modbus(w, r[k], &v))
                cr_expect_leq(fabs(got[k] - v), k == 2 && !date ? CLOCK_SLACK_S : 0.0,
                              "position %u: '%s' vs %s %g", w->pos, t, rig_reg_name(r[k]), v);
        w->checked++;
        return true;
    }
    if (d->frame.marks & (M(A) | M(V)) && (t[0] == 'P' || t[0] == '5')) { /* Network: P, S */
        bool ct = d->frame.marks & M(A);
        enum med2_reg_id r = t[0] == 'P' ? (ct ? MED2_REG_CT_PRIMARY : MED2_REG_VT_PRIMARY)
                                         : (ct ? MED2_REG_CT_SECONDARY : MED2_REG_VT_SECONDARY);
        double shown = atof(t + 1);
        if (read_modbus(w, r, &v)) {
            double want = r == MED2_REG_CT_SECONDARY ? (v ? 5.0 : 1.0) : v;
            cr_expect_eq(shown, want, "position %u: '%s' vs %s %g", w->pos, t, rig_reg_name(r), v);
        }
        w->checked++;
        return true;
    }
    if (!(d->frame.marks & M(INFO)))
        return false;
    struct rig_meter *m = rig_bench_meter(ui_bench, w->pos);
    if (t[0] == '5' && t[1] == 'M') { /* the serial in two halves: "SnH" and "SnL" */
        struct rig_display other;
        cr_assert_eq(rig_sleep(ui_bench, SERIAL_HALF_S), 0, "%s", rig_last_error());
        ui_read(w->pos, &other);
        const struct rig_display *hi = t[2] == 'H' ? d : &other, *lo = t[2] == 'H' ? &other : d;
        long serial = atol(hi->text + 3) * 10000 + atol(lo->text + 3);
        cr_expect_eq(serial, atol(rig_bench_position(ui_bench, w->pos)->serial),
                     "position %u: serial '%s' '%s'", w->pos, hi->text, lo->text);
    } else if (t[0] == 'H') {
        double hw;
        cr_assert_eq(rig_factory_read(m, MED2_FACTORY_HW_VERSION, &hw), 0, "%s", rig_last_error());
        cr_expect_eq(atof(t + 1), hw, "position %u: '%s' vs hardware version %g", w->pos, t, hw);
    } else if (t[0] == 'F') {
        char rev[32];
        if (!read_devid(w, 0x02 /* MajorMinorRevision */, rev, sizeof rev)) {
            w->reached++; /* no RS485: nothing outside the unit to hold it to */
            return true;
        }
        const char *shown = t + 1;
        while (*shown == ' ')
            shown++;
        cr_expect_str_eq(shown, rev, "position %u: '%s' vs device identification %s", w->pos, t, rev);
    } else if (rig_display_value(d, &v)) { /* the order number */
        long order = 0;
#define ORDER_OF(id, name, ord, ...) if (strcmp(w->model, name) == 0) order = ord;
        MED2_MODELS(ORDER_OF)
#undef ORDER_OF
        cr_expect_eq((long)v, order, "position %u: order number '%s'", w->pos, t);
    } else {
        w->reached++; /* the Modbus version: nothing outside the unit to hold it to */
        return true;
    }
    w->checked++;
    return true;
}

static void check_leaf(struct ui_walk *w, const struct rig_display *d)
{
    if (getenv("UI_WALK_DEBUG"))
        fprintf(stderr, "position %u leaf '%s' %llx\n", w->pos, d->text, (unsigned long long)d->frame.marks);
    bool value = check_value(w, d);
    count_ocr(w, d, value);
    if (value)
        return;
    if (check_show(w, d))
        return;
    for (size_t k = 0; k < sizeof leafdefs / sizeof leafdefs[0]; k++) {
        if (!rig_display_shows(d, leafdefs[k].word))
            continue;
        if (leafdefs[k].kind == ACTION)
            check_action(w, &leafdefs[k], d);
        else
            check_setting(w, &leafdefs[k]);
        return;
    }
    cr_expect_fail("position %u: a page the manual's tree does not have: '%s'", w->pos, d->text);
}

/* What names a page: a value page its marks (its digits move), a date or
 * time its letter, the serial its "Sn" (the halves alternate), any other
 * its marks and word. */
static bool same_page(const struct rig_display *a, const struct rig_display *b)
{
    if (ui_page_marks(a) != ui_page_marks(b))
        return false;
    if ((a->frame.marks & VALUE_MARKS) && (a->frame.marks & UNIT_MARKS))
        return true;
    bool clock = (a->frame.marks & M(DATETIME)) && (a->text[0] == 'd' || a->text[0] == 't') &&
                 a->text[1] >= '0' && a->text[1] <= '9';
    if (clock)
        return a->text[0] == b->text[0];
    if ((a->frame.marks & M(INFO)) && strncmp(a->text, "5M", 2) == 0)
        return strncmp(b->text, "5M", 2) == 0;
    return strcmp(a->text, b->text) == 0;
}

/* Every page under the current page's children; back where it started. */
static void walk_children(struct ui_walk *w, bool groups)
{
    struct rig_display first, d;
    ui_enter(w->pos);
    ui_read(w->pos, &first);
    d = first;
    for (int step = 0; step < MAX_STEPS; step++) {
        if (groups)
            walk_children(w, false);
        else
            check_leaf(w, &d);
        ui_next(w->pos);
        ui_read(w->pos, &d);
        if (same_page(&d, &first))
            break;
    }
    ui_back(w->pos);
}

void ui_walk_measurement(struct ui_walk *w)
{
    ui_back(w->pos);
    ui_back(w->pos); /* Measurement */
    walk_children(w, true);
}

void ui_walk_all(struct ui_walk *w)
{
    struct rig_display first, d;
    ui_back(w->pos);
    ui_back(w->pos);
    ui_read(w->pos, &first);
    cr_assert(rig_display_shows(&first, "MEASURE"), "position %u: the first main menu shows '%s'",
              w->pos, first.text);
    d = first;
    for (int step = 0; step < MAX_STEPS; step++) {
        if (rig_display_shows(&d, "MEASURE") || rig_display_shows(&d, "SET")) {
            walk_children(w, true);
        } else if (rig_display_shows(&d, "LOGIN")) {
            ui_enter(w->pos);
            for (int k = 0; k < 6; k++)
                ui_enter(w->pos);
            ui_next(w->pos); /* 0000001, the default password */
            ui_enter(w->pos);
            ui_expect_shows(w->pos, "SUCCESS");
            ui_next(w->pos);
            w->checked++;
        } else {
            walk_children(w, false); /* Date&Time, Info: their pages */
        }
        ui_next(w->pos);
        ui_read(w->pos, &d);
        if (rig_display_shows(&d, "MEASURE"))
            break;
    }
    w->reached += w->checked;
}

void ui_ctvt_field(unsigned pos, const char *label, unsigned width, const char *digits, bool confirm)
{
    ui_expect_shows(pos, label);
    ui_enter(pos);
    for (unsigned k = 0; k < width; k++) {
        struct rig_display d;
        ui_read(pos, &d);
        unsigned have = (unsigned)(d.text[strlen(d.text) - width + k] - '0');
        unsigned want = digits ? (unsigned)(digits[k] - '0') : have;
        for (unsigned s = 0; s < (want + 10 - have) % 10; s++)
            ui_next(pos);
        ui_enter(pos);
    }
    if (width == 0)
        ui_enter(pos); /* the choice as it is */
    if (confirm)
        ui_enter(pos);
    else
        ui_next(pos);
}

void ui_ctvt_accept(unsigned pos, const char *ct_primary)
{
    ui_ctvt_field(pos, "CT-PRI", 4, ct_primary, true);
    ui_ctvt_field(pos, "CT-SEC", 0, NULL, true);
    ui_ctvt_field(pos, "VT-PRI", 7, NULL, true);
    ui_ctvt_field(pos, "VT-SEC", 3, NULL, true);
    cr_assert_eq(rig_sleep(ui_bench, 8.0), 0, "%s", rig_last_error()); /* both ratios, twice */
    ui_expect_shows(pos, "CONFIRM");
    ui_enter(pos);
    ui_expect_shows(pos, "SUCCESS");
    ui_next(pos);
}
