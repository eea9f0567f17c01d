/*
 * test_flash_image.c — what a real bench flashes (rig/flash.h): the host
 * build is refused before OpenOCD runs, the MCU image is found and its
 * loadable bytes counted from its ELF program headers (checked against
 * the segments readelf reports), and the probe time the EOL plan counts.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig/rig.h"

static const char *need(const char *var)
{
    const char *v = getenv(var);
    if (!v || !*v)
        cr_skip_test("needs %s (make check sets it)", var);
    return v;
}

Test(flash_image, the_host_build_is_refused_the_mcu_image_accepted)
{
    const char *host = need("RIG_FIRMWARE_IMAGE");
    const char *arm = need("RIG_FIRMWARE_ARM_IMAGE");
    cr_expect_eq(rig_flash_check_mcu_image(host), -EINVAL);
    cr_expect(strstr(rig_last_error(), "host build") && strstr(rig_last_error(), "cm4-link"),
              "%s", rig_last_error());
    cr_expect_eq(rig_flash_check_mcu_image(arm), 0, "%s", rig_last_error());
    cr_expect_eq(rig_flash_check_mcu_image("/nonexistent/med2.elf"), -ENOENT);
    char found[4096];
    cr_assert_eq(rig_flash_arm_image(found, sizeof found), 0, "%s", rig_last_error());
    cr_expect_str_eq(found, arm);
}

/* The bytes are the PT_LOAD segments' file sizes, as readelf -l lists them. */
Test(flash_image, loadable_bytes_from_the_program_headers)
{
    const char *arm = need("RIG_FIRMWARE_ARM_IMAGE");
    char cmd[4200], line[512];
    snprintf(cmd, sizeof cmd, "readelf -lW %s", arm);
    FILE *p = popen(cmd, "r");
    cr_assert(p, "readelf");
    unsigned long want = 0, off, va, pa, filesz;
    while (fgets(line, sizeof line, p))
        if (sscanf(line, " LOAD 0x%lx 0x%lx 0x%lx 0x%lx", &off, &va, &pa, &filesz) == 4)
            want += filesz;
    pclose(p);
    cr_assert_gt(want, 0, "readelf -l found no LOAD segment in %s", arm);
    size_t bytes = 0;
    cr_assert_eq(rig_flash_image_bytes(arm, &bytes), 0, "%s", rig_last_error());
    cr_expect_eq(bytes, want);
    /* start + write at 30 KiB/s + verify at 100 KiB/s */
    double s = rig_flash_seconds(bytes);
    cr_expect_float_eq(s, 1.0 + (double)bytes / 30720.0 + (double)bytes / 102400.0, 1e-9);
    cr_expect(s > 1.0 && s < 10.0, "%g s for %zu bytes", s, bytes);
}
