/*
 * test_loadpoints_profile.c — the verification profiles of
 * fixtures/loadpoints (rig_loadpoints_profile): routine covers Imin, Itr,
 * Iref, Imax and PF 0.5L with each class's own limits, full is every
 * EN 50470-3 point, and a profile naming a point the table does not have,
 * a missing profile or a path for a name are refused with the file named.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rig/rig.h"

static const struct rig_load_point *find(const struct rig_load_table *t, const char *name)
{
    for (unsigned k = 0; k < t->count; k++)
        if (strcmp(t->points[k].name, name) == 0)
            return &t->points[k];
    return NULL;
}

Test(loadpoints_profile, routine_covers_the_ranges_with_each_class_limits)
{
    struct rig_load_table c, b;
    cr_assert_eq(rig_loadpoints_profile("C80-1M-V3", "routine", &c), 0, "%s", rig_last_error());
    cr_assert_eq(rig_loadpoints_profile("B80-0M-02", RIG_PROFILE_DEFAULT, &b), 0, "%s",
                 rig_last_error());
    cr_expect_eq(c.count, 4);
    cr_expect_eq(b.count, 4);
    /* Imin of class C is 0.15 A, of class B 0.25 A (manual §6) */
    const struct rig_load_point *p = find(&c, "Imin PF 1");
    cr_assert(p);
    cr_expect_float_eq(p->pt.amps, 0.15, 1e-9);
    cr_expect_float_eq(p->mpe, 0.010, 1e-12); /* class C, Imin..Itr: 1.0 % */
    p = find(&b, "Imin PF 1");
    cr_assert(p);
    cr_expect_float_eq(p->pt.amps, 0.25, 1e-9);
    cr_expect_float_eq(p->mpe, 0.015, 1e-12);
    p = find(&c, "Itr PF 0.5L");
    cr_assert(p);
    cr_expect_float_eq(p->pt.phase_deg, 60.0, 1e-9);
    cr_expect_float_eq(p->mpe, 0.006, 1e-12);
    cr_assert(find(&c, "Iref PF 1") && find(&c, "Imax PF 1"));
    cr_expect_float_eq(find(&c, "Imax PF 1")->pt.amps, 80.0, 1e-9);
}

Test(loadpoints_profile, full_is_every_en50470_point)
{
    struct rig_load_table full, all;
    cr_assert_eq(rig_loadpoints_profile("B80-1M-V2", "full", &full), 0, "%s", rig_last_error());
    cr_assert_eq(rig_loadpoints_active("B80-1M-V2", &all), 0, "%s", rig_last_error());
    cr_assert_eq(full.count, all.count);
    cr_expect_eq(full.count, 10);
    for (unsigned k = 0; k < all.count; k++) {
        cr_expect_str_eq(full.points[k].name, all.points[k].name);
        cr_expect_eq(full.points[k].mpe, all.points[k].mpe);
    }
}

/* A profile in a directory of our own: copies of the tables it uses. */
static void copy(const char *dir, const char *file)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cp fixtures/loadpoints/%s %s/", file, dir);
    cr_assert_eq(system(cmd), 0);
}

Test(loadpoints_profile, bad_profiles_are_refused_naming_the_file)
{
    struct rig_load_table t;
    cr_expect_eq(rig_loadpoints_profile("C80-1M-V3", "nosuch", &t), -ENOENT);
    cr_expect(strstr(rig_last_error(), "nosuch.ini"), "%s", rig_last_error());
    cr_expect_eq(rig_loadpoints_profile("C80-1M-V3", "../fixtures/loadpoints/full", &t), -EINVAL);
    cr_expect(strstr(rig_last_error(), "bad profile name"), "%s", rig_last_error());
    cr_expect_eq(rig_loadpoints_profile("C80-1M-V3", NULL, &t), -EINVAL);

    char dir[] = "/tmp/rig-test-profile-XXXXXX";
    cr_assert(mkdtemp(dir));
    copy(dir, "currents.ini");
    copy(dir, "en50470-3.ini");
    char path[96];
    snprintf(path, sizeof path, "%s/odd.ini", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    /* 2 x Iref at PF 1 is not a point of the table */
    fputs("[profile]\nstandard = en50470-3.ini\n[point 1]\ncurrent = iref\npf = 1\n"
          "[point 2]\ncurrent = 2*iref\npf = 1\n",
          f);
    fclose(f);
    snprintf(path, sizeof path, "%s/empty.ini", dir);
    f = fopen(path, "w");
    cr_assert(f);
    fputs("[profile]\nstandard = en50470-3.ini\n", f);
    fclose(f);
    setenv("RIG_LOADPOINTS", dir, 1);
    cr_expect_eq(rig_loadpoints_profile("C80-1M-V3", "odd", &t), -EINVAL);
    cr_expect(strstr(rig_last_error(), "odd.ini: point 2") &&
                  strstr(rig_last_error(), "not a point of en50470-3.ini"),
              "%s", rig_last_error());
    cr_expect_eq(rig_loadpoints_profile("C80-1M-V3", "empty", &t), -EINVAL);
    cr_expect(strstr(rig_last_error(), "names no point"), "%s", rig_last_error());
    unsetenv("RIG_LOADPOINTS");
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)!system(cmd);
}
