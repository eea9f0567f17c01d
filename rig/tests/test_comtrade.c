/*
 * test_comtrade.c — the COMTRADE parser (rig/comtrade.h) against recordings
 * made by its writer in every revision and format, and against damaged ones:
 * each refusal names the file and the line (or record).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rig/comtrade.h"
#include "rig/error.h"

#define RATE 4000.0
#define N 800 /* 0.2 s: ten cycles at 50 Hz */

static char dir[64];
static double v[N], cur[N];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test-comtrade-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    for (int k = 0; k < N; k++) {
        double w = 2 * M_PI * 50 * k / RATE;
        v[k] = 230 * M_SQRT2 * sin(w) + 10 * M_SQRT2 * sin(3 * w);
        cur[k] = 5 * M_SQRT2 * sin(w - M_PI / 6);
    }
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(comtrade, .init = setup, .fini = teardown);

static void make(const char *name, unsigned rev, enum rig_comtrade_format fmt, char *base,
                 size_t len)
{
    snprintf(base, len, "%s/%s", dir, name);
    struct rig_comtrade_spec s = {.rev_year = rev, .format = fmt, .rate_hz = RATE,
                                  .n_samples = N, .v = v, .i = cur,
                                  .v_full_scale = 400, .i_full_scale = 10};
    cr_assert_eq(rig_comtrade_write(base, &s), 0, "%s", rig_last_error());
}

static void round_trip(unsigned rev, enum rig_comtrade_format fmt, double tol_v)
{
    char base[128], cfg[160];
    make("rec", rev, fmt, base, sizeof base);
    snprintf(cfg, sizeof cfg, "%s.cfg", base);
    struct rig_comtrade *rec;
    cr_assert_eq(rig_comtrade_load(cfg, &rec), 0, "%s", rig_last_error());
    cr_expect_eq(rec->rev_year, rev);
    cr_expect_eq(rec->n_analog, 2u);
    cr_expect_eq(rec->n_digital, 1u);
    cr_assert_eq(rec->n_samples, (size_t)N);
    int cv = rig_comtrade_find(rec, 'V'), ci = rig_comtrade_find(rec, 'A');
    cr_assert(cv == 0 && ci == 1);
    for (int k = 0; k < N; k++) {
        cr_assert_float_eq(rec->t_s[k], k / RATE, 1e-9);
        cr_assert_float_eq(rig_comtrade_value(rec, k, 0), v[k], tol_v, "sample %d", k);
        cr_assert_float_eq(rig_comtrade_value(rec, k, 1), cur[k], tol_v / 40, "sample %d", k);
    }
    rig_comtrade_free(rec);
}

Test(comtrade, ascii_1999) { round_trip(1999, RIG_COMTRADE_ASCII, 400.0 / 99998); }
Test(comtrade, binary_1999) { round_trip(1999, RIG_COMTRADE_BINARY, 400.0 / 32767); }
Test(comtrade, binary32_2013) { round_trip(2013, RIG_COMTRADE_BINARY32, 1e-6); }
Test(comtrade, float32_2013) { round_trip(2013, RIG_COMTRADE_FLOAT32, 1e-4); }
Test(comtrade, ascii_2013) { round_trip(2013, RIG_COMTRADE_ASCII, 400.0 / 99998); }

/* Read a file whole (the tests damage copies in memory). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

/* Parse the generated pair after edit(cfg) changed the .cfg; expect rc and a
 * message containing want. */
static void expect_refused(enum rig_comtrade_format fmt, const char *from, const char *to,
                           size_t dat_cut, int rc, const char *want)
{
    char base[128], path[160];
    make("bad", 1999, fmt, base, sizeof base);
    size_t cl, dl;
    snprintf(path, sizeof path, "%s.cfg", base);
    char *cfg = slurp(path, &cl);
    snprintf(path, sizeof path, "%s.dat", base);
    char *dat = slurp(path, &dl);
    char edited[4096];
    if (from) {
        char *at = strstr(cfg, from);
        cr_assert_not_null(at, "'%s' not in the .cfg", from);
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - cfg), cfg, to, at + strlen(from));
    } else {
        snprintf(edited, sizeof edited, "%s", cfg);
    }
    struct rig_comtrade *rec = (void *)1;
    int got = rig_comtrade_parse(edited, strlen(edited), "bad.cfg", dat, dl - dat_cut, "bad.dat",
                                 &rec);
    cr_expect_eq(got, rc, "rc %d: %s", got, rig_last_error());
    cr_expect_null(rec);
    cr_expect(strstr(rig_last_error(), want) != NULL, "message '%s' lacks '%s'",
              rig_last_error(), want);
    free(cfg);
    free(dat);
}

Test(comtrade, truncated_binary_dat)
{
    expect_refused(RIG_COMTRADE_BINARY, NULL, NULL, 14, -EINVAL, "bad.dat: truncated: 799 records");
}

Test(comtrade, truncated_binary_dat_mid_record)
{
    expect_refused(RIG_COMTRADE_BINARY, NULL, NULL, 5, -EINVAL, "or the file is truncated");
}

Test(comtrade, truncated_ascii_dat)
{
    /* the last line "800,..." cut in the middle of its values */
    expect_refused(RIG_COMTRADE_ASCII, NULL, NULL, 6, -EINVAL, "bad.dat:800:");
}

/* A .cfg of one analog channel over the generator's two-channel data. */
static void one_channel_cfg_over(enum rig_comtrade_format fmt, const char *want)
{
    char base[128], path[160], cfg[512];
    make("two", 1999, fmt, base, sizeof base);
    snprintf(path, sizeof path, "%s.dat", base);
    size_t dl;
    char *dat = slurp(path, &dl);
    snprintf(cfg, sizeof cfg,
             "FIELD,analyzer,1999\n2,1A,1D\n1,V,,,V,0.0123,0,0,-32767,32767,1,1,P\n"
             "1,supply,,,0\n50\n1\n4000,800\n01/12/2026,00:00:00.0\n"
             "01/12/2026,00:00:00.0\n%s\n1\n",
             fmt == RIG_COMTRADE_ASCII ? "ASCII" : "BINARY");
    struct rig_comtrade *rec;
    cr_expect_eq(rig_comtrade_parse(cfg, strlen(cfg), "one.cfg", dat, dl, "two.dat", &rec),
                 -EINVAL);
    cr_expect(strstr(rig_last_error(), want) == rig_last_error() &&
                  strstr(rig_last_error(), "one.cfg:2") != NULL,
              "%s", rig_last_error());
    free(dat);
}

Test(comtrade, channel_count_disagrees_with_binary_data)
{
    one_channel_cfg_over(RIG_COMTRADE_BINARY, "two.dat: ");
}

Test(comtrade, channel_count_disagrees_with_ascii_data)
{
    one_channel_cfg_over(RIG_COMTRADE_ASCII, "two.dat:1: more than 4 values, but one.cfg:2 declares 1 analog");
}

Test(comtrade, total_disagrees_with_counts)
{
    expect_refused(RIG_COMTRADE_ASCII, "3,2A,1D", "4,2A,1D", 0, -EINVAL,
                   "bad.cfg:2: 4 channels in all but 2 analog + 1 digital");
}

Test(comtrade, unknown_revision)
{
    expect_refused(RIG_COMTRADE_ASCII, "generator,1999", "generator,2005", 0, -ENOTSUP,
                   "bad.cfg:1: COMTRADE revision 2005 is not supported");
}

Test(comtrade, revision_1991_without_year)
{
    expect_refused(RIG_COMTRADE_ASCII, "generator,1999", "generator", 0, -ENOTSUP,
                   "revision 1991");
}

Test(comtrade, float32_is_not_1999)
{
    expect_refused(RIG_COMTRADE_BINARY, "BINARY\r\n", "FLOAT32\r\n", 0, -ENOTSUP,
                   "bad.cfg:11: data file type 'FLOAT32' is not one of revision 1999's");
}

Test(comtrade, bad_scaling_names_field)
{
    expect_refused(RIG_COMTRADE_ASCII, "1,V,,,V,", "1,V,,,V,x", 0, -EINVAL, "bad.cfg:3: a '");
}

Test(comtrade, missing_cfg_names_it)
{
    struct rig_comtrade *rec;
    char path[160];
    snprintf(path, sizeof path, "%s/none.cfg", dir);
    cr_expect_eq(rig_comtrade_load(path, &rec), -ENOENT);
    cr_expect(strstr(rig_last_error(), "none.cfg") != NULL, "%s", rig_last_error());
}

Test(comtrade, missing_dat_names_it)
{
    char base[128], path[160];
    make("nodat", 1999, RIG_COMTRADE_ASCII, base, sizeof base);
    snprintf(path, sizeof path, "%s.dat", base);
    cr_assert_eq(unlink(path), 0);
    snprintf(path, sizeof path, "%s.cfg", base);
    struct rig_comtrade *rec;
    cr_expect_eq(rig_comtrade_load(path, &rec), -ENOENT);
    cr_expect(strstr(rig_last_error(), "nodat.dat") != NULL, "%s", rig_last_error());
}
