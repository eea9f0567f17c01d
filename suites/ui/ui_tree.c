/*
 * ui_tree.c — the manual's menu tree (Section 3) as the ui suite expects
 * it, written from the manual and the capability table (med2_models.h), not
 * from the firmware's table: what the suite checks the display against.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_suite.h"

struct caps {
    bool ct, rs485, demand, partial, all;
    unsigned tariffs, pulses;
};

static bool caps_of(const char *model, struct caps *c)
{
#define ROW(id, name, order, ct, cls, tar, dem, par, rs, all, pulses, ist) \
    if (strcmp(model, name) == 0) {                                        \
        *c = (struct caps){ct, rs, dem, par, all, tar, pulses};            \
        return true;                                                       \
    }
    MED2_MODELS(ROW)
#undef ROW
    return false;
}

static size_t add(struct ui_leaf *out, size_t n, size_t max, uint64_t marks, enum med2_reg_id reg)
{
    if (n < max)
        out[n] = (struct ui_leaf){marks, reg};
    return n + 1;
}

/* Total, T1, T1-1..4, T2 of one energy kind (§3.1: "according to the number
 * of tariffs available in the device"). */
static size_t energy(const struct caps *c, struct ui_leaf *out, size_t n, size_t max, uint64_t dir,
                     uint64_t unit, enum med2_reg_id total)
{
    uint64_t base = M(ENERGY) | dir | unit;
    n = add(out, n, max, base | M(TOTAL), total);
    if (c->tariffs >= 2)
        n = add(out, n, max, base | M(T1), total + 1);
    if (c->tariffs >= 4) {
        n = add(out, n, max, base | M(T1) | M(SUB1), total + 2);
        n = add(out, n, max, base | M(T1) | M(SUB2), total + 3);
        n = add(out, n, max, base | M(T1) | M(SUB3), total + 4);
        n = add(out, n, max, base | M(T1) | M(SUB4), total + 5);
    }
    if (c->tariffs >= 2)
        n = add(out, n, max, base | M(T2), total + 6);
    return n;
}

size_t ui_tree_values(const char *model, struct ui_leaf *out, size_t max)
{
    struct caps c;
    if (!caps_of(model, &c))
        return 0;
    size_t n = 0;
    n = energy(&c, out, n, max, M(IMPORT), M(KWH), MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    if (n > 0 && out)
        out[0].marks |= M(MAIN); /* the start page: the main page icon (§2.4) */
    n = energy(&c, out, n, max, M(EXPORT), M(KWH), MED2_REG_TOTAL_EXPORT_ACTIVE_ENERGY);
    if (c.all) {
        n = energy(&c, out, n, max, M(IMPORT), M(KVARH), MED2_REG_TOTAL_IMPORT_REACTIVE_ENERGY);
        n = energy(&c, out, n, max, M(EXPORT), M(KVARH), MED2_REG_TOTAL_EXPORT_REACTIVE_ENERGY);
    }
    if (c.partial) {
        uint64_t p = M(ENERGY) | M(PARTIAL);
        n = add(out, n, max, p | M(IMPORT) | M(KWH), MED2_REG_PARTIAL_IMPORT_ACTIVE_ENERGY);
        n = add(out, n, max, p | M(EXPORT) | M(KWH), MED2_REG_PARTIAL_EXPORT_ACTIVE_ENERGY);
        if (c.all) {
            n = add(out, n, max, p | M(IMPORT) | M(KVARH), MED2_REG_PARTIAL_IMPORT_REACTIVE_ENERGY);
            n = add(out, n, max, p | M(EXPORT) | M(KVARH), MED2_REG_PARTIAL_EXPORT_REACTIVE_ENERGY);
        }
    }
    if (c.all) {
        n = add(out, n, max, M(ENERGY) | M(BALANCE) | M(KWH), MED2_REG_BALANCE_ACTIVE_ENERGY);
        n = add(out, n, max, M(ENERGY) | M(BALANCE) | M(KVARH), MED2_REG_BALANCE_REACTIVE_ENERGY);
        static const struct { uint64_t unit; enum med2_reg_id reg; } rt[] = {
            {M(V), MED2_REG_VOLTAGE},        {M(A), MED2_REG_CURRENT},
            {M(W), MED2_REG_ACTIVE_POWER},   {M(VAR), MED2_REG_REACTIVE_POWER},
            {M(VA), MED2_REG_APPARENT_POWER}, {M(PF), MED2_REG_POWER_FACTOR},
            {M(HZ), MED2_REG_FREQUENCY},
        };
        for (size_t k = 0; k < sizeof rt / sizeof rt[0]; k++)
            n = add(out, n, max, M(INSTANT) | rt[k].unit, rt[k].reg);
    }
    if (c.demand) {
        const uint64_t q[6] = {M(A), M(IMPORT) | M(W), M(EXPORT) | M(W), M(IMPORT) | M(VAR),
                               M(EXPORT) | M(VAR), M(VA)};
        for (int k = 0; k < 6; k++)
            n = add(out, n, max, M(DEMAND) | q[k], MED2_REG_CURRENT_DEMAND + k);
        for (int k = 0; k < 6; k++)
            n = add(out, n, max, M(DEMAND) | M(MAX) | q[k], MED2_REG_MAX_CURRENT_DEMAND + k);
    }
    return n;
}

unsigned ui_tree_leaf_total(const char *model)
{
    struct caps c;
    if (!caps_of(model, &c))
        return 0;
    unsigned n = (unsigned)ui_tree_values(model, NULL, 0);
    n += c.partial ? 2 : 0;                  /* Start / Stop, Reset */
    n += c.rs485 ? 5 : 0;                    /* Slave ID, Baudrate, Parity, Stop Bit, Data Type */
    n += c.demand ? 3 : 0;                   /* Method, Period, Sub-interval */
    n += c.pulses >= 2 ? 4 : 0;              /* Source, Energy, Multiplier, Duration */
    n += 3;                                  /* Language, Backlight, Time */
    n += c.tariffs >= 4 ? 6 + 2 : 0;         /* the clock setting; §3.3 date and time */
    n += c.ct ? 4 : 0;                       /* Network CT/VT, display only */
    n += 2;                                  /* Protection, Password */
    n += 2 + (c.partial ? 1 : 0) + (c.demand ? 1 : 0); /* Clear */
    n += 5;                                  /* Info */
    n += 1;                                  /* Login */
    return n;
}

int ui_tree_find(const struct ui_leaf *leaves, size_t n, uint64_t marks)
{
    for (size_t k = 0; k < n; k++)
        if (leaves[k].marks == marks)
            return (int)leaves[k].reg;
    return -1;
}

void ui_figure(const char *name, double value, const char *unit)
{
    const char *path = getenv("RIG_UI_FIGURES");
    if (!path || !*path)
        return;
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    fprintf(f, "BENCH %s %g %s\n", name, value, unit);
    fclose(f);
}
