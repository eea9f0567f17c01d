/*
 * test_display.c — the display and button drivers (rig/display.h,
 * rig/buttons.h) on a simulated bench: presses and frames in virtual time,
 * benchd's picture read back by ssocr; and the errors a real bench gives
 * when a relay or the camera is not wired, and a bench file's bad keys.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rig/rig.h"
#include "rig/sim/simctl.h"
#include "sim_env.h"

#define M(x) MED2_LCD_BIT(MED2_LCD_MARK_##x)

static char dir[64];
static pid_t benchd;
static struct rig_bench *bench;

static void up(void)
{
    static const struct rig_sim_unit units[] = {{"C80-1M-V3", "24110501", 1, 38400, NULL}};
    benchd = sim_dir_up(dir, "rig-test-display", units, 1);
    /* the hw benches below lock in this test's own directory, not the host's */
    setenv("RIG_LOCK_DIR", dir, 1);
    cr_assert_eq(rig_bench_attach(dir, &bench), 0, "%s", rig_last_error());
}

static void down(void)
{
    rig_bench_close(bench);
    bench = NULL;
    sim_dir_down(dir, benchd);
}

TestSuite(display, .init = up, .fini = down, .timeout = 60);

Test(display, presses_move_the_menu_and_take_virtual_time)
{
    struct rig_display d;
    double t0, t1;
    cr_assert_eq(rig_display_read(bench, 1, &d), 0, "%s", rig_last_error());
    cr_expect_eq(d.frame.marks & (M(ENERGY) | M(IMPORT) | M(TOTAL) | M(KWH)),
                 M(ENERGY) | M(IMPORT) | M(TOTAL) | M(KWH), "the start page: '%s'", d.text);
    cr_assert_eq(rig_bench_time(bench, &t0), 0);
    cr_assert_eq(rig_press(bench, 1, RIG_BUTTON_ENTER, RIG_PRESS_LONG_MS), 0, "%s", rig_last_error());
    cr_assert_eq(rig_press(bench, 1, RIG_BUTTON_ENTER, RIG_PRESS_LONG_MS), 0, "%s", rig_last_error());
    cr_assert_eq(rig_bench_time(bench, &t1), 0);
    cr_expect_float_eq(t1 - t0, 2 * RIG_PRESS_LONG_MS / 1000.0, 1e-6, "a press is its hold time");
    cr_assert_eq(rig_display_read(bench, 1, &d), 0, "%s", rig_last_error());
    cr_expect(rig_display_shows(&d, "MEASURE"), "'%s'", d.text);
    cr_assert_eq(rig_press(bench, 1, RIG_BUTTON_NEXT, 0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_display_read(bench, 1, &d), 0, "%s", rig_last_error());
    cr_expect(rig_display_shows(&d, "SET"), "'%s'", d.text);
    cr_expect(!rig_display_shows(&d, "MEASURE"));
    char marks[256];
    rig_display_marks_text(d.frame.marks, marks, sizeof marks);
    cr_expect_str_eq(marks, "settings btn-next btn-enter");
}

Test(display, ocr_of_benchds_picture_reads_the_frame)
{
    char png[128];
    struct rig_display d, ocr;
    snprintf(png, sizeof png, "%s/display.png", dir);
    cr_assert_eq(rig_display_picture(bench, 1, png), 0, "%s", rig_last_error());
    cr_assert_eq(access(png, R_OK), 0);
    cr_assert_eq(rig_display_read(bench, 1, &d), 0, "%s", rig_last_error());
    cr_assert_eq(rig_display_ocr_file(png, &ocr), 0, "%s", rig_last_error());
    cr_expect(rig_display_same_digits(&ocr, &d), "OCR '%s', frame '%s'", ocr.text, d.text);
    cr_expect(!ocr.marks_known);
    double v;
    cr_expect(rig_display_value(&ocr, &v) && v == 0.0, "'%s'", ocr.text);
    cr_assert_eq(rig_display_ocr(bench, 1, &ocr), 0, "%s", rig_last_error());
    cr_expect(rig_display_same_digits(&ocr, &d));
    cr_expect_eq(rig_display_ocr_file("/nonexistent/x.png", &ocr), -EIO);
    cr_expect(strstr(rig_last_error(), "/nonexistent/x.png"), "%s", rig_last_error());
}

Test(display, bad_requests_name_what_is_wrong)
{
    struct rig_display d;
    cr_expect_eq(rig_press(bench, 2, RIG_BUTTON_NEXT, 0), -EINVAL);
    cr_expect(strstr(rig_last_error(), "no position 2 (it has 1..1)"), "%s", rig_last_error());
    cr_expect_eq(rig_display_read(bench, 0, &d), -EINVAL);
    cr_expect_eq(rig_press(bench, 1, (enum rig_button)7, 0), -EINVAL);
    cr_expect(strstr(rig_last_error(), "no button 7"), "%s", rig_last_error());
    struct rig_simctl *ctl = rig_bench_simctl(bench);
    char reply[256];
    cr_expect_eq(rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "PRESS 1 up 100"),
                 -EREMOTEIO);
    cr_expect(strstr(rig_last_error(), "next or enter"), "%s", rig_last_error());
    cr_expect_eq(rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "PRESS 1 next 0"),
                 -EREMOTEIO);
    cr_expect(strstr(rig_last_error(), "1..60000"), "%s", rig_last_error());
    cr_expect_eq(rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "PNG 1 rel.png"),
                 -EREMOTEIO);
    cr_expect(strstr(rig_last_error(), "absolute path"), "%s", rig_last_error());
    cr_expect_eq(rig_simctl_request(ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "FRAME 9"),
                 -EREMOTEIO);
    cr_expect(strstr(rig_last_error(), "no position '9'"), "%s", rig_last_error());
}

/* A real bench whose source is this simulated bench's (the only instrument
 * a hw bench opens at once), with position keys of the test's choice; a
 * name of its own, so tests running at once do not wait for each other. */
static int open_hw(const char *keys, struct rig_bench **out)
{
    static unsigned opened;
    char ini[128], text[1024];
    snprintf(ini, sizeof ini, "%s/hw.ini", dir);
    snprintf(text, sizeof text,
             "[bench]\nname = hw-display-%d-%u\nkind = hw\npositions = 1\n[source]\nport = %s\n"
             "transport = termios\n[position 1]\nmodel = C80-1M-V3\nrs485 = /dev/null\n%s",
             (int)getpid(), opened++, rig_source_port(rig_bench_source(bench)), keys);
    FILE *f = fopen(ini, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    struct rig_bench_options opt = {.lock_wait_s = 0};
    return rig_bench_open_with(ini, &opt, out);
}

Test(display, a_real_bench_names_the_missing_relay_and_camera)
{
    struct rig_bench *hw;
    struct rig_display d;
    cr_assert_eq(open_hw("button_next = gpiochip9:3\npress_ms = 150\n", &hw), 0, "%s", rig_last_error());
    cr_expect_eq(rig_press(hw, 1, RIG_BUTTON_ENTER, 0), -ENODEV);
    cr_expect(strstr(rig_last_error(), "no relay for button enter"), "%s", rig_last_error());
    cr_expect(strstr(rig_last_error(), "button_enter = CHIP:LINE"), "%s", rig_last_error());
    int rc = rig_press(hw, 1, RIG_BUTTON_NEXT, 0); /* wired, but there is no GPIO chip here */
    cr_expect_lt(rc, 0);
    cr_expect(strstr(rig_last_error(), "gpiochip9"), "%s", rig_last_error());
    cr_expect_eq(rig_display_picture(hw, 1, "/tmp/x.png"), -ENODEV);
    cr_expect(strstr(rig_last_error(), "no camera"), "%s", rig_last_error());
    cr_expect_eq(rig_display_read(hw, 1, &d), -ENOTSUP);
    cr_expect(strstr(rig_last_error(), "--ocr"), "%s", rig_last_error());
    rig_bench_close(hw);
}

Test(display, a_camera_needs_its_capture_tool)
{
    struct rig_bench *hw;
    struct rig_display d;
    char path[4096];
    snprintf(path, sizeof path, "%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    setenv("PATH", dir, 1); /* no fswebcam on this PATH, whatever the host has */
    cr_assert_eq(open_hw("camera = /dev/video7\ncamera_crop = 10,20,300,90\n", &hw), 0, "%s",
                 rig_last_error());
    cr_expect_eq(rig_display_ocr(hw, 1, &d), -ENOENT);
    cr_expect(strstr(rig_last_error(), "fswebcam is not installed"), "%s", rig_last_error());
    cr_expect(strstr(rig_last_error(), "/dev/video7"), "%s", rig_last_error());
    setenv("PATH", path, 1);
    rig_bench_close(hw);
}

Test(display, bad_display_keys_in_a_bench_file)
{
    static const struct {
        const char *keys, *message;
    } cases[] = {
        {"button_next = 12\n", "button_next = '12' — expected CHIP:LINE"},
        {"buttons_active_low = maybe\n", "expected yes or no"},
        {"press_ms = 2500\n", "2000 and more is a long one"},
        {"camera_crop = 1,2,3\n", "expected X,Y,W,H"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct rig_bench *hw = NULL;
        cr_expect_eq(open_hw(cases[k].keys, &hw), -EINVAL, "%s", cases[k].keys);
        cr_expect(strstr(rig_last_error(), cases[k].message), "%s", rig_last_error());
        rig_bench_close(hw);
    }
}
