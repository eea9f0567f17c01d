/*
 * dump.c — start from the field state: a field unit's register dump loaded
 * into a simulated unit's NV reads back over Modbus as the dump says, and a
 * bad dump changes nothing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "field_suite.h"
#include "rig/bench.h"
#include "rig/modbus.h"
#include "rig/nvdump.h"
#include "rig/regmap.h"

#define EXAMPLE_DUMP "fixtures/profiles/dump-example.txt"

static bool nv_state(int id)
{
    return (id >= MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY &&
            id <= MED2_REG_PARTIAL_EXPORT_REACTIVE_ENERGY) ||
           (id >= MED2_REG_SLAVE_ID && id <= MED2_REG_MINUTE_10);
}

/* The dump's NV-state values, read with the rig's own register map. */
static size_t read_dump(const char *path, enum med2_reg_id *ids, double *values, size_t max)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char line[256];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        char name[64];
        double v;
        if (line[0] == '#' || sscanf(line, "%63s %lf", name, &v) != 2)
            continue;
        int id = rig_reg_lookup(name);
        cr_assert_geq(id, 0, "%s: %s", path, name);
        if (nv_state(id) && n < max) {
            ids[n] = (enum med2_reg_id)id;
            values[n++] = v;
        }
    }
    fclose(f);
    return n;
}

static struct rig_meter *meter_at(struct rig_bench *bench, int slave, int baud, char parity)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m);
    struct rig_line l = {.slave = slave, .baud = baud, .parity = parity, .stop_bits = 1};
    cr_assert_eq(rig_meter_set_line(m, &l), 0, "%s", rig_last_error());
    return m;
}

static double read_reg(struct rig_meter *m, enum med2_reg_id id)
{
    double v;
    cr_assert_eq(rig_meter_read_reg(m, id, &v), 0, "%s: %s", rig_reg_name(id), rig_last_error());
    return v;
}

Test(field, dump_loads_into_nv)
{
    enum med2_reg_id ids[MED2_REG_COUNT];
    double want[MED2_REG_COUNT];
    size_t n = read_dump(EXAMPLE_DUMP, ids, want, MED2_REG_COUNT);
    cr_assert_gt(n, 20u, "the example carries energy and settings");
    struct rig_bench *bench = field_bench(false);
    cr_assert_eq(rig_bench_load_dump(bench, 1, EXAMPLE_DUMP), 0, "%s", rig_last_error());
    /* the dump's own line settings: slave 17, 9600 8E1 */
    struct rig_meter *m = meter_at(bench, 17, 9600, 'E');
    for (size_t k = 0; k < n; k++) {
        double got = read_reg(m, ids[k]);
        /* energy to the register's mWh resolution, settings exactly */
        cr_expect_eq(llround(got * 1000.0), llround(want[k] * 1000.0), "%s: read %.3f, dump %.3f",
                     rig_reg_name(ids[k]), got, want[k]);
    }
    /* a register the dump does not give keeps the unit's value (default) */
    cr_expect_eq(read_reg(m, MED2_REG_TOTAL_EXPORT_REACTIVE_ENERGY) * 1000.0, 88311902.0);
    cr_expect_eq(read_reg(m, MED2_REG_PULSE2_ENERGY), 1.0);
    rig_bench_close(bench);
}

/* Bad dumps: a clear file:line error, nothing written, the unit runs on. */
Test(field, bad_dump_changes_nothing)
{
    static const struct {
        const char *bad_line;
        const char *why;
        unsigned line;
    } cases[] = {
        {"no_such_register 5\n", "unknown register", 4},
        {"slave_id 300\n", "out of range", 4},
        {"pulse1_duration 50 ms\n", "read-only", 4},
        {"demand_period fifteen min\n", "malformed", 4},
        {"total_import_active_energy 12 kWh\n", "not 'kWh'", 4},
        /* each line in range, the pair not: named at the later one */
        {"tariff_1 1\nminute_1 30\nhour_1 24\n", "hour 24 goes only with minute 0", 6},
    };
    struct rig_bench *bench = field_bench(false);
    char path[] = "/tmp/field-dump-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        /* good lines first: they must not be written either */
        fprintf(f, "# field unit\ntotal_import_active_energy 5000.250 Wh\ndemand_period 30 min\n%s",
                cases[c].bad_line);
        fclose(f);
        int rc = rig_bench_load_dump(bench, 1, path);
        cr_assert_eq(rc, -EREMOTEIO, "%s: rc %d", cases[c].bad_line, rc);
        char where[600];
        snprintf(where, sizeof where, "%s:%u: ", path, cases[c].line);
        cr_expect(strstr(rig_last_error(), where) != NULL, "error names file:line: %s",
                  rig_last_error());
        cr_expect(strstr(rig_last_error(), cases[c].why) != NULL, "%s", rig_last_error());
        struct rig_meter *m = meter_at(bench, 1, 38400, 'N');
        cr_expect_eq(read_reg(m, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY), 0.0, "%s", cases[c].bad_line);
        cr_expect_eq(read_reg(m, MED2_REG_DEMAND_PERIOD), 15.0, "%s", cases[c].bad_line);
    }
    unlink(path);
    rig_bench_close(bench);
}

/* `rig replay --dump`: the replay starts from the field unit's counters. */
Test(field, replay_starts_from_the_dump)
{
    char rig[512], cmd[2048], out[8192];
    field_rig_binary(rig, sizeof rig);
    char trace[] = "/tmp/field-dump-trace-XXXXXX";
    int fd = mkstemp(trace);
    cr_assert_geq(fd, 0);
    close(fd);
    snprintf(cmd, sizeof cmd, "'%s' replay --bench %s --dump %s --trace %s %s 2>&1", rig,
             FIELD_BENCH, EXAMPLE_DUMP, trace, "fixtures/profiles/field/clock_midnight.csv");
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_expect(WIFEXITED(st), "%s", out);
    /* an uncalibrated unit may miss the class limit: the replay itself must run */
    cr_expect(strstr(out, "replayed 240.0 s") != NULL, "%s", out);
    FILE *t = fopen(trace, "r");
    cr_assert_not_null(t);
    char header[1024], row[1024];
    cr_assert_not_null(fgets(header, sizeof header, t));
    cr_assert_not_null(fgets(row, sizeof row, t));
    fclose(t);
    unlink(trace);
    cr_expect(strncmp(header, "t_s,position,total_import_active_energy,", 40) == 0, "%s", header);
    /* the first row, at t 0: the dump's total import active energy */
    cr_expect(strstr(row, ",1843210.517,") != NULL, "%s", row);
}
