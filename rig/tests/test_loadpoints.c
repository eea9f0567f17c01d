/*
 * test_loadpoints.c — the accuracy tables of fixtures/loadpoints as the rig
 * reads them: each model's class, connection and currents (manual §1, §6),
 * the EN 50470-3 MPE at every row, the IEC 62053-23 class 2 table, and
 * clear errors for a broken file.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rig/error.h"
#include "rig/loadpoints.h"

#define EPS 1e-9

static const struct rig_load_point *find(const struct rig_load_table *t, const char *name)
{
    for (unsigned k = 0; k < t->count; k++)
        if (strcmp(t->points[k].name, name) == 0)
            return &t->points[k];
    cr_assert_fail("no point '%s'", name);
    return NULL;
}

Test(loadpoints, models_and_currents_from_the_manual)
{
    struct rig_model_info m;
    cr_assert_eq(rig_model_info("C80-1M-V3", &m), 0, "%s", rig_last_error());
    cr_expect_eq(m.active_class, 'C');
    cr_expect_eq(m.connection, RIG_CONNECTION_DIRECT);
    cr_expect(m.rs485 && m.pulse2_adjustable);
    cr_assert_eq(rig_model_info("B80-0M-02", &m), 0, "%s", rig_last_error());
    cr_expect_eq(m.active_class, 'B');
    cr_expect(!m.rs485 && !m.pulse2_adjustable);
    cr_assert_eq(rig_model_info("C80-1M-V3CT", &m), 0, "%s", rig_last_error());
    cr_expect_eq(m.connection, RIG_CONNECTION_CT);

    struct rig_currents c;
    cr_assert_eq(rig_model_currents("C80-1M-V3", &c), 0, "%s", rig_last_error());
    cr_expect_float_eq(c.imin, 0.15, EPS, "class C direct: Imin 0.15 A");
    cr_expect_float_eq(c.ist, 0.020, EPS);
    cr_expect_float_eq(c.itr, 0.5, EPS);
    cr_expect_float_eq(c.iref, 5.0, EPS);
    cr_expect_float_eq(c.imax, 80.0, EPS);
    cr_assert_eq(rig_model_currents("B80-1M-V2", &c), 0, "%s", rig_last_error());
    cr_expect_float_eq(c.imin, 0.25, EPS, "class B direct: Imin 0.25 A");
    cr_assert_eq(rig_model_currents("B80-1M-V2CT", &c), 0, "%s", rig_last_error());
    cr_expect_float_eq(c.ist, 0.010, EPS);
    cr_expect_float_eq(c.imin, 0.05, EPS);
    cr_expect_float_eq(c.itr, 0.25, EPS);
    cr_expect_float_eq(c.imax, 6.0, EPS);

    cr_expect_eq(rig_model_info("X99", &m), -EINVAL);
    cr_expect(strstr(rig_last_error(), "X99"), "%s", rig_last_error());
}

Test(loadpoints, en50470_3_table_6_per_class)
{
    struct rig_load_table t;
    cr_assert_eq(rig_loadpoints_active("C80-1M-V3", &t), 0, "%s", rig_last_error());
    cr_expect_eq(t.count, 10);
    cr_expect(strstr(t.standard, "EN 50470-3"), "%s", t.standard);
    const struct rig_load_point *p = find(&t, "Imin PF 1");
    cr_expect_float_eq(p->pt.amps, 0.15, EPS);
    cr_expect_float_eq(p->mpe, 0.010, EPS);
    cr_expect_float_eq(p->pt.volts, 230.0, EPS);
    cr_expect_float_eq(p->pt.freq_hz, 50.0, EPS);
    cr_expect_float_eq(find(&t, "Itr PF 1")->mpe, 0.005, EPS);
    cr_expect_float_eq(find(&t, "Imax PF 1")->mpe, 0.005, EPS);
    p = find(&t, "Iref PF 0.5L");
    cr_expect_float_eq(p->pt.phase_deg, 60.0, EPS);
    cr_expect_float_eq(p->mpe, 0.006, EPS);
    p = find(&t, "Itr PF 0.8C");
    cr_expect_float_eq(cos(p->pt.phase_deg * M_PI / 180.0), 0.8, 1e-6);
    cr_expect_lt(p->pt.phase_deg, 0.0, "capacitive: the current leads");

    cr_assert_eq(rig_loadpoints_active("B80-1M-V2", &t), 0, "%s", rig_last_error());
    cr_expect_float_eq(find(&t, "Imin PF 1")->pt.amps, 0.25, EPS);
    cr_expect_float_eq(find(&t, "Imin PF 1")->mpe, 0.015, EPS);
    cr_expect_float_eq(find(&t, "Iref PF 1")->mpe, 0.010, EPS);
    cr_expect_float_eq(find(&t, "Imax PF 0.5L")->mpe, 0.010, EPS);
    cr_expect_float_eq(find(&t, "Imax PF 1")->pt.amps, 80.0, EPS);

    cr_assert_eq(rig_loadpoints_active("C80-1M-V3CT", &t), 0, "%s", rig_last_error());
    cr_expect_float_eq(find(&t, "Imin PF 1")->pt.amps, 0.05, EPS);
    cr_expect_float_eq(find(&t, "Imax PF 1")->pt.amps, 6.0, EPS);
}

Test(loadpoints, mpe_anywhere_on_the_curve)
{
    double mpe;
    cr_assert_eq(rig_loadpoints_mpe("C80-1M-V3", RIG_ENERGY_ACTIVE, 0.3, 0.0, &mpe), 0, "%s",
                 rig_last_error());
    cr_expect_float_eq(mpe, 0.010, EPS, "Imin <= I < Itr");
    cr_assert_eq(rig_loadpoints_mpe("C80-1M-V3", RIG_ENERGY_ACTIVE, 0.5, 0.0, &mpe), 0);
    cr_expect_float_eq(mpe, 0.005, EPS, "Itr itself is in the Itr..Imax row");
    cr_assert_eq(rig_loadpoints_mpe("C80-1M-V3", RIG_ENERGY_ACTIVE, 40, -36.87, &mpe), 0);
    cr_expect_float_eq(mpe, 0.006, EPS);
    cr_expect_eq(rig_loadpoints_mpe("C80-1M-V3", RIG_ENERGY_ACTIVE, 0.1, 0.0, &mpe), -ERANGE,
                 "below Imin there is no MPE");
    cr_expect_eq(rig_loadpoints_mpe("C80-1M-V3", RIG_ENERGY_ACTIVE, 0.3, 60.0, &mpe), -ERANGE,
                 "PF 0.5L only from Itr");
    cr_expect_eq(rig_loadpoints_mpe("C80-1M-V3", RIG_ENERGY_ACTIVE, 5, 45.0, &mpe), -ERANGE);
}

Test(loadpoints, iec62053_23_class_2)
{
    struct rig_load_table t;
    cr_assert_eq(rig_loadpoints_reactive("B80-1M-V2", &t), 0, "%s", rig_last_error());
    cr_expect_eq(t.count, 10);
    const struct rig_load_point *p = find(&t, "0.05 Iref sin 1L");
    cr_expect_float_eq(p->pt.amps, 0.25, EPS);
    cr_expect_float_eq(p->pt.phase_deg, 90.0, EPS);
    cr_expect_float_eq(p->mpe, 0.025, EPS);
    cr_expect_eq(p->kind, RIG_ENERGY_REACTIVE);
    cr_expect_float_eq(find(&t, "0.1 Iref sin 1L")->mpe, 0.020, EPS);
    cr_expect_float_eq(find(&t, "0.1 Iref sin 0.5L")->mpe, 0.025, EPS);
    cr_expect_float_eq(find(&t, "Iref sin 0.5C")->pt.phase_deg, -30.0, EPS);
    cr_expect_float_eq(find(&t, "Iref sin 0.5C")->mpe, 0.020, EPS);

    cr_assert_eq(rig_loadpoints_reactive("C80-1M-V3CT", &t), 0, "%s", rig_last_error());
    p = find(&t, "0.02 Iref sin 1L");
    cr_expect_float_eq(p->pt.amps, 0.1, EPS);
    cr_expect_float_eq(p->mpe, 0.025, EPS);
    cr_expect_float_eq(find(&t, "0.05 Iref sin 0.5L")->mpe, 0.025, EPS);
    cr_expect_float_eq(find(&t, "0.1 Iref sin 0.5L")->mpe, 0.020, EPS);
}

Test(loadpoints, broken_files_are_named)
{
    char dir[] = "/tmp/rig-lp.XXXXXX";
    cr_assert(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/currents.ini", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("[direct]\nun = 230\nimax = 80\nirf = 5\n", f);
    fclose(f);
    setenv("RIG_LOADPOINTS", dir, 1);
    struct rig_currents c;
    cr_expect_eq(rig_model_currents("C80-1M-V3", &c), -EINVAL);
    cr_expect(strstr(rig_last_error(), "currents.ini:4"), "%s", rig_last_error());
    cr_expect(strstr(rig_last_error(), "irf"), "%s", rig_last_error());
    struct rig_load_table t;
    cr_expect_eq(rig_loadpoints_active("B80-1M-V2", &t), -EINVAL);
    unlink(path);
    cr_expect_eq(rig_model_currents("C80-1M-V3", &c), -ENOENT);
    cr_expect(strstr(rig_last_error(), "currents.ini"), "%s", rig_last_error());
    rmdir(dir);
    unsetenv("RIG_LOADPOINTS");
}

/* The rig's view of each model is the firmware's own table: the same names,
 * classes, connections and RS485, so the two cannot drift apart. */
Test(loadpoints, models_come_from_the_firmware_table)
{
    static const struct {
        const char *name;
        char cls;
        enum rig_connection conn;
        bool rs485, pulse2;
    } want[] = {
        {"C80-1M-V3CT", 'C', RIG_CONNECTION_CT, true, true},
        {"B80-1M-V2CT", 'B', RIG_CONNECTION_CT, true, true},
        {"C80-1M-V3", 'C', RIG_CONNECTION_DIRECT, true, true},
        {"B80-1M-V2", 'B', RIG_CONNECTION_DIRECT, true, true},
        {"B80-0M-02", 'B', RIG_CONNECTION_DIRECT, false, false},
        {"B80-0M-02P", 'B', RIG_CONNECTION_DIRECT, false, false},
        {"B80-0W-01", 'B', RIG_CONNECTION_DIRECT, false, false},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        struct rig_model_info m;
        cr_assert_eq(rig_model_info(want[k].name, &m), 0, "%s", rig_last_error());
        cr_expect_str_eq(m.name, want[k].name);
        cr_expect_eq(m.active_class, want[k].cls, "%s", want[k].name);
        cr_expect_eq(m.reactive_class, '2', "%s", want[k].name);
        cr_expect_eq(m.connection, want[k].conn, "%s", want[k].name);
        cr_expect_eq(m.rs485, want[k].rs485, "%s", want[k].name);
        cr_expect_eq(m.pulse2_adjustable, want[k].pulse2, "%s", want[k].name);
    }
    struct rig_model_info m;
    cr_expect_eq(rig_model_info("C80-1M-V4", &m), -EINVAL);
    cr_expect(strstr(rig_last_error(), "unknown model 'C80-1M-V4'"), "%s", rig_last_error());
    cr_expect(strstr(rig_last_error(), "B80-0W-01"), "the message lists the models: %s",
              rig_last_error());
}
