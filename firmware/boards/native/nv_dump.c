/*
 * nv_dump.c — load a field unit's register dump into this board's NV.
 *
 * The records are written by the core's own code (settings.c validates,
 * nvstore.c saves double-buffered with sequence and CRC-32), so the unit
 * boots from exactly what a meter that had counted that energy and been
 * given those settings would hold. The whole dump is parsed and checked
 * before the NV file is opened: a bad dump changes nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "energy.h"
#include "med2_regmap.h"
#include "nv_dump.h"
#include "nv_fram.h"
#include "nvstore.h"
#include "power_rtc.h"
#include "settings.h"

#define ENERGY_FIRST MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY
#define ENERGY_LAST MED2_REG_PARTIAL_EXPORT_REACTIVE_ENERGY
/* mWh a double carries exactly (2^53): a register beyond is no meter's */
#define ENERGY_MAX_MWH 9007199254740992.0
#define LINE_MAX_LEN 256u

static const struct med2_reg_info reg_table[MED2_REG_COUNT] = MED2_REG_INFO_TABLE;

struct dump {
    bool has[MED2_REG_COUNT];
    uint32_t setting[MED2_REG_COUNT]; /* canonical value of a setting */
    uint64_t mwh[MED2_REG_COUNT];     /* an energy register */
    unsigned line[MED2_REG_COUNT];    /* where the dump gives it */
};

static int find_reg(const char *name)
{
    for (int i = 0; i < MED2_REG_COUNT; i++) {
        if (strcasecmp(reg_table[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

static bool is_energy(int id)
{
    return id >= (int)ENERGY_FIRST && id <= (int)ENERGY_LAST;
}

/* One value of register id (named `name` in the dump); an error text in why. */
static bool take_value(struct dump *d, int id, const char *name, double v, char *why, size_t len)
{
    const struct med2_reg_info *r = &reg_table[id];
    if (is_energy(id)) {
        if (!(v >= 0.0) || v * ENERGY_MWH_PER_WH > ENERGY_MAX_MWH) {
            snprintf(why, len, "%s %g %s is not an energy register's value (0..2^53 mWh)", name,
                     v, r->unit);
            return false;
        }
        d->mwh[id] = (uint64_t)llround(v * ENERGY_MWH_PER_WH);
        return true;
    }
    if (r->type == MED2_T_FLOAT) {
        float f = (float)v;
        if (!((double)f >= r->min && (double)f <= r->max)) {
            snprintf(why, len, "%s %g is out of range %g..%g", name, v, r->min, r->max);
            return false;
        }
        memcpy(&d->setting[id], &f, sizeof f);
        return true;
    }
    if (v != floor(v)) {
        snprintf(why, len, "%s %g is not a whole number", name, v);
        return false;
    }
    if (r->access == MED2_A_R && r->min == r->max && v != r->min) {
        snprintf(why, len, "%s is a read-only setting, fixed at %g (the dump says %g)", name,
                 r->min, v);
        return false;
    }
    if (!(v >= r->min && v <= r->max)) {
        snprintf(why, len, "%s %g is out of range %g..%g", name, v, r->min, r->max);
        return false;
    }
    d->setting[id] = (uint32_t)v;
    return true;
}

/* One line: NAME VALUE [UNIT]; blank lines and # comments skipped.
 * Registers that are not NV state (measurements, demand, the balance, the
 * date and time, identity) are accepted and not loaded. */
static bool parse_line(struct dump *d, char *line, unsigned lineno, char *why, size_t len)
{
    char *hash = strchr(line, '#');
    if (hash != NULL) {
        *hash = '\0';
    }
    char *save = NULL;
    char *name = strtok_r(line, " \t\r\n", &save);
    if (name == NULL) {
        return true;
    }
    char *value = strtok_r(NULL, " \t\r\n", &save);
    int id = find_reg(name);
    if (id < 0) {
        snprintf(why, len, "unknown register '%s' (see rig read --help)", name);
        return false;
    }
    if (!is_energy(id) && !settings_has((enum med2_reg_id)id)) {
        return true;
    }
    const struct med2_reg_info *r = &reg_table[id];
    char *unit = strtok_r(NULL, " \t\r\n", &save);
    char *extra = strtok_r(NULL, " \t\r\n", &save);
    char *end = NULL;
    double v = value != NULL ? strtod(value, &end) : 0.0;
    if (value == NULL || end == value || *end != '\0' || !isfinite(v) || extra != NULL) {
        snprintf(why, len, "malformed: want '%s VALUE%s%s'", name, r->unit[0] ? " " : "", r->unit);
        return false;
    }
    if (unit != NULL && strcmp(unit, r->unit) != 0) {
        snprintf(why, len, "%s is in '%s', not '%s'", name, r->unit[0] ? r->unit : "(no unit)",
                 unit);
        return false;
    }
    if (d->has[id]) {
        snprintf(why, len, "%s given twice", name);
        return false;
    }
    d->has[id] = true;
    d->line[id] = lineno;
    return take_value(d, id, name, v, why, len);
}

static int parse_dump(const char *path, struct dump *d)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open the dump: %s\n", path, strerror(errno));
        return 2;
    }
    char line[LINE_MAX_LEN];
    unsigned n = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
        n++;
        char why[200];
        if (strchr(line, '\n') == NULL && !feof(f)) {
            fprintf(stderr, "%s:%u: line longer than %u bytes\n", path, n, LINE_MAX_LEN - 2u);
            rc = 1;
        } else if (!parse_line(d, line, n, why, sizeof why)) {
            fprintf(stderr, "%s:%u: %s\n", path, n, why);
            rc = 1;
        }
    }
    fclose(f);
    return rc;
}

/* A tariff entry's hour 24 goes only with minute 0 (settings_consistent):
 * name the first entry that breaks it, at the dump's line of its hour or
 * minute (the later one given). */
static void report_inconsistent(const struct dump *d, const struct settings *s, const char *path)
{
    for (unsigned e = 0; e < TARIFF_SCHEDULE_ENTRIES; e++) {
        enum med2_reg_id t = (enum med2_reg_id)(MED2_REG_TARIFF_1 + 3u * e);
        if (tariff_entry_valid(settings_get(s, t), settings_get(s, t + 1), settings_get(s, t + 2))) {
            continue;
        }
        unsigned line = d->line[t + 1] > d->line[t + 2] ? d->line[t + 1] : d->line[t + 2];
        fprintf(stderr, "%s:%u: tariff schedule entry %u: hour 24 goes only with minute 0\n",
                path, line, e + 1u);
        return;
    }
    fprintf(stderr, "%s: the settings are not consistent\n", path);
}

int nv_dump_main(const char *dump_path, const char *nv_path)
{
    static struct dump d; /* zeroed; large for the stack of a tool */
    int rc = parse_dump(dump_path, &d);
    if (rc != 0) {
        return rc;
    }
    /* the unit's records as it would load them: what it holds, else defaults */
    void *domain;
    int r = nv_fram_open(nv_path, POWER_RTC_DOMAIN_SIZE, &domain);
    if (r != 0) {
        fprintf(stderr, "%s: cannot open the NV file: %s\n", nv_path, strerror(-r));
        return 2;
    }
    static struct nvstore nv;
    nvstore_init(&nv);
    struct settings s;
    enum nvstore_status st = nvstore_load(&nv, NVSTORE_SETTINGS, &s, sizeof s);
    if ((st != NVSTORE_OK && st != NVSTORE_RECOVERED) || !settings_valid(&s)) {
        settings_defaults(&s);
    }
    struct energy_counters c;
    st = nvstore_load(&nv, NVSTORE_ENERGY, &c, sizeof c);
    if (st != NVSTORE_OK && st != NVSTORE_RECOVERED) {
        memset(&c, 0, sizeof c);
    }
    for (int id = 0; id < MED2_REG_COUNT; id++) {
        if (!d.has[id]) {
            continue;
        }
        if (is_energy(id)) {
            unsigned k = (unsigned)(id - (int)ENERGY_FIRST);
            c.mwh[k / ENERGY_SLOT_COUNT][k % ENERGY_SLOT_COUNT] = d.mwh[id];
        } else {
            settings_set(&s, (enum med2_reg_id)id, d.setting[id]);
        }
    }
    if (!settings_valid(&s)) {
        /* the per-register checks passed: what spans registers does not */
        report_inconsistent(&d, &s, dump_path);
        return 1;
    }
    if ((r = nvstore_save(&nv, NVSTORE_SETTINGS, &s, sizeof s)) != 0 ||
        (r = nvstore_save(&nv, NVSTORE_ENERGY, &c, sizeof c)) != 0) {
        fprintf(stderr, "%s: saving a record failed: %s\n", nv_path, strerror(-r));
        return 2;
    }
    return 0;
}
