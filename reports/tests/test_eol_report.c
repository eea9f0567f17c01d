/*
 * test_eol_report.c — the EOL report from a made-up rack: what a reader of
 * the certificate, the page and the summary finds there.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/eol.h"
#include "template.h"

static char dir[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/report-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(eol_report, .init = setup, .fini = teardown);

static char *slurp(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s was not written", path);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static const struct report_point points[] = {
    {"Imin PF 1", 0.25, "1", 0.01, true, 0.0012, 0.12, 20.0},
    {"Iref PF 1", 5.0, "1", 0.005, true, -0.0007, 0.14, 20.0},
    {"Iref PF 0.5L", 5.0, "0.5L", 0.006, false, 0, 0, 0},
};

static struct report_eol_unit units[2];
static struct report_eol_run run;

static void make_rack(void)
{
    units[0] = (struct report_eol_unit){
        .position = 1, .serial = "24110001", .model = "C80-1M-V3", .active_class = 'C',
        .pass = true, .calibrated = true, .verified = true, .identified = true, .sealed = true,
        .reason = "", .worst_error_ratio = 0.14, .v_gain = 1.01, .i_gain = 0.97,
        .phase_deg = 0.25, .cal_point_names = {"Iref PF 1", "Iref PF 0.5L", "Ilow PF 1"},
        .cal_valid = {true, true, false}, .cal_error = {{0.03, 0.035, 0.02}, {1e-4, 2e-4, -1e-4}},
        .id_serial = 24110001, .id_hw_version = 1, .id_cal_date = 20261202,
        .standard = "EN 50470-3", .verify_done = true, .point_count = 2, .points = points,
        .gating = "2 (constant chosen per point)"};
    units[1] = (struct report_eol_unit){
        .position = 2, .serial = "24110002", .model = "B80-0W-01", .active_class = 'B',
        .reason = "verification: no pulses at <Iref PF 0.5L>", .worst_error_ratio = 99,
        .standard = "EN 50470-3", .verify_done = true, .point_count = 3, .points = points,
        .gating = "1 (1 Wh/pulse)"};
    run = (struct report_eol_run){.bench = "eol-<3>", .firmware = "fnv1a64:0123",
                                  .started = "2026-12-02T06:00:00Z", .plan_s = 61.4,
                                  .settle_s = 1.0, .seal_requested = true, .unit_count = 2,
                                  .units = units};
}

Test(eol_report, certificate_names_unit_result_and_errors)
{
    make_rack();
    char err[256] = "";
    cr_assert_eq(report_eol_write(dir, &run, err, sizeof err), 0, "%s", err);
    const char *c = slurp("certificates/24110001.txt");
    cr_expect(strstr(c, "Serial number     24110001"), "%s", c);
    cr_expect(strstr(c, "C80-1M-V3 (EN 50470-3 class C, direct connection)"), "%s", c);
    cr_expect(strstr(c, "RESULT            PASS\n"), "%s", c);
    cr_expect(strstr(c, "I gain          0.970000"), "%s", c);
    cr_expect(strstr(c, "+3.0000"), "pass 1's error at Iref PF 1 in %%: %s", c);
    cr_expect(strstr(c, "calibration date 20261202"), "%s", c);
    cr_expect(strstr(c, "Iref PF 1           5.000A      1    -0.0700       0.5    0.140"), "%s",
              c);
    cr_expect_null(strstr(c, "{{"), "a placeholder was left: %s", c);
    c = slurp("certificates/24110002.txt");
    cr_expect(strstr(c, "RESULT            FAIL — verification: no pulses"), "%s", c);
    cr_expect(strstr(c, "FAIL (no pulses)"), "%s", c);
}

Test(eol_report, page_escapes_and_draws_curves)
{
    make_rack();
    char err[256] = "";
    cr_assert_eq(report_eol_write(dir, &run, err, sizeof err), 0, "%s", err);
    const char *h = slurp("index.html");
    cr_expect(strstr(h, "bench eol-&lt;3&gt;</h1>"), "the bench name is escaped: %s", h);
    cr_expect(strstr(h, "1 of 2 positions pass"), "%s", h);
    cr_expect(strstr(h, "no pulses at &lt;Iref PF 0.5L&gt;"), "%s", h);
    cr_expect(strstr(h, "<a href='certificates/24110001.txt'>"), "%s", h);
    const char *svg = strstr(h, "<svg");
    cr_expect_not_null(svg, "an error curve");
    cr_expect_not_null(strstr(svg + 1, "<svg"), "one curve per verified unit");
    cr_expect_null(strstr(h, "{{"), "a placeholder was left");
    cr_expect_null(strstr(h, "Rack aborted"));
}

Test(eol_report, summary_one_line_per_position)
{
    make_rack();
    char err[256] = "";
    cr_assert_eq(report_eol_write(dir, &run, err, sizeof err), 0, "%s", err);
    const char *s = slurp("summary.txt");
    cr_expect(strstr(s, "1    24110001   C80-1M-V3    PASS   0.140        yes"), "%s", s);
    cr_expect(strstr(s, "2    24110002   B80-0W-01    FAIL"), "%s", s);
}

Test(eol_report, aborted_rack_says_so)
{
    make_rack();
    run.aborted = true;
    run.abort_reason = "source: no answer to SYST:ERR?";
    char err[256] = "";
    cr_assert_eq(report_eol_write(dir, &run, err, sizeof err), 0, "%s", err);
    cr_expect(strstr(slurp("index.html"), "Rack aborted, source switched off:</b> source: no"));
}

Test(eol_report, unwritable_dir_is_an_error_naming_it)
{
    make_rack();
    char path[128], err[256] = "";
    snprintf(path, sizeof path, "%s/file", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_expect_lt(report_eol_write(path, &run, err, sizeof err), 0);
    cr_expect(strstr(err, path), "%s", err);
}

Test(eol_report, unknown_placeholder_is_refused)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    const struct report_var vars[] = {{"a", "<1>", true}, {"b", "<2>", false}};
    char err[128] = "";
    cr_expect_eq(report_template_write(f, "x{{a}}y{{b}}z", vars, 2, err, sizeof err), 0);
    cr_expect_eq(report_template_write(f, "{{c}}", vars, 2, err, sizeof err), -EINVAL);
    fclose(f);
    cr_expect_str_eq(text, "x&lt;1&gt;y<2>z");
    cr_expect(strstr(err, "{{c}}"), "%s", err);
    free(text);
}
