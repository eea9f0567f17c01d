/*
 * test_flash_openocd.c — the OpenOCD flasher: its command line (checked with
 * a stand-in openocd script that records its arguments), a failing run, and
 * openocd missing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rig/error.h"
#include "drivers/flash/flash_internal.h"

static char dir[64], tool[128], args[128], image[128];

static void write_exec(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    chmod(path, 0755);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/rig-test-ocd-XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(tool, sizeof tool, "%s/openocd", dir);
    snprintf(args, sizeof args, "%s/args", dir);
    snprintf(image, sizeof image, "%s/med2.elf", dir);
    write_exec(image, "not really an ELF\n");
}

static void teardown(void)
{
    unlink(tool);
    unlink(args);
    unlink(image);
    rmdir(dir);
}

TestSuite(flash_openocd, .init = setup, .fini = teardown);

Test(flash_openocd, command_line_from_the_bench_file)
{
    char script[512];
    snprintf(script, sizeof script, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > %s\n", args);
    write_exec(tool, script);
    setenv("RIG_OPENOCD", tool, 1);
    cr_assert_eq(rig_flash_openocd(1, "interface/cmsis-dap.cfg, target/stm32g4x.cfg",
                                   "0001A0000001", image),
                 0, "%s", rig_last_error());
    char expect[1024], got[1024] = {0};
    snprintf(expect, sizeof expect,
             "-f\ninterface/cmsis-dap.cfg\n-f\ntarget/stm32g4x.cfg\n-c\nadapter serial "
             "0001A0000001\n-c\nprogram {%s} verify reset exit\n",
             image);
    FILE *f = fopen(args, "r");
    cr_assert(f);
    cr_assert_gt(fread(got, 1, sizeof got - 1, f), 0);
    fclose(f);
    cr_expect_str_eq(got, expect);
}

Test(flash_openocd, failure_quotes_the_tool)
{
    write_exec(tool, "#!/bin/sh\necho 'Open On-Chip Debugger'\necho 'Error: unable to find a "
                     "matching CMSIS-DAP device' >&2\nexit 1\n");
    setenv("RIG_OPENOCD", tool, 1);
    cr_assert_eq(rig_flash_openocd(2, "interface/cmsis-dap.cfg", NULL, image), -EIO);
    cr_expect(strstr(rig_last_error(), "position 2: openocd failed (exit 1): Error: unable to find "
                                       "a matching CMSIS-DAP device"),
              "%s", rig_last_error());
}

Test(flash_openocd, openocd_missing)
{
    unsetenv("RIG_OPENOCD");
    setenv("PATH", dir, 1); /* nothing called openocd in there */
    cr_assert_eq(rig_flash_openocd(1, "interface/cmsis-dap.cfg", NULL, image), -ENOENT);
    cr_expect(strstr(rig_last_error(), "position 1: openocd not found in PATH"), "%s",
              rig_last_error());
}

Test(flash_openocd, no_swd_configured)
{
    cr_assert_eq(rig_flash_openocd(1, NULL, NULL, image), -EINVAL);
    cr_expect(strstr(rig_last_error(), "no swd in the bench file"), "%s", rig_last_error());
}
