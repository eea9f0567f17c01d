/*
 * test_swid.c — the software id covers the legal part and only it
 * (swid.h): a copy of the firmware is built three times — as it is, with a
 * line added to a unit outside the legal part, with a line added to a unit
 * of it — and each image says its id (med2-native --swid). The line added
 * elsewhere moves the code around the legal part, so an id computed over
 * plain linked bytes would change there too. A fourth build adds only a
 * constant to the legal part: its constants count as much as its code.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, popen */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SH_MAX 2048

static char tree[64];

static void sh(const char *fmt, const char *arg)
{
    char cmd[SH_MAX];
    snprintf(cmd, sizeof(cmd), fmt, arg, arg, arg);
    int r = system(cmd);
    cr_assert_eq(r, 0, "failed: %s", cmd);
}

/* Build the copy's native image and read its id. */
static void build_and_read(char *id, size_t len)
{
    /* a make of its own: none of the calling make's flags or variables
     * (make test runs this from a SAN=1 build in another BUILD) */
    sh("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C %s -j2 BUILD=build SAN=0 "
       "build/firmware/native/med2-native >%s/make.log 2>&1 || (tail -20 %s/make.log >&2; false)",
       tree);
    char cmd[SH_MAX];
    snprintf(cmd, sizeof(cmd), "%s/build/firmware/native/med2-native --swid", tree);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(id, (int)len, p), "no id from %s", cmd);
    pclose(p);
    id[strcspn(id, "\n")] = '\0';
}

static void append(const char *file, const char *line)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tree, file);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f, "%s", path);
    fprintf(f, "%s\n", line);
    fclose(f);
}

static void cleanup(void)
{
    if (tree[0] != '\0') {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
        if (system(cmd) != 0) {
            fprintf(stderr, "test_swid: could not remove %s\n", tree);
        }
    }
}

Test(swid, changes_with_the_legal_part_only, .fini = cleanup, .timeout = 300)
{
    snprintf(tree, sizeof(tree), "/tmp/med2-swid.XXXXXX");
    cr_assert_not_null(mkdtemp(tree));
    /* the sources the native image is built from, without any build tree */
    sh("cp -r Makefile firmware reports rig suites %s/ && rm -rf %s/build", tree);
    char base[64], elsewhere[64], legal[64], constant[64];
    build_and_read(base, sizeof(base));
    cr_assert_eq(strncmp(base, "L1.0-", 5), 0, "id: %s", base);

    append("firmware/core/meter_regs.c",
           "int swid_test_elsewhere(int x);\nint swid_test_elsewhere(int x) { return x * 3 + 1; }");
    build_and_read(elsewhere, sizeof(elsewhere));
    cr_assert_str_eq(elsewhere, base, "a line outside the legal part changed the id");

    append("firmware/core/energy.c",
           "int swid_test_legal(int x);\nint swid_test_legal(int x) { return x * 5 + 2; }");
    build_and_read(legal, sizeof(legal));
    cr_assert_str_neq(legal, base, "a line in the legal part did not change the id");

    /* a constant alone: the legal part's constants are in its section too */
    append("firmware/core/pulse.c", "const float swid_test_table[2] = {1.5f, 2.5f};");
    build_and_read(constant, sizeof(constant));
    cr_assert_str_neq(constant, legal, "a constant in the legal part did not change the id");
}
