/*
 * test_flash_qemu.c — flashing a QEMU position of the simulated bench
 * (fixtures/benches/modbus-qemu.ini) as a real bench flashes through
 * OpenOCD's gdb server: benchd halts the unit on its gdb stub, the rig
 * loads and verifies the ARM image there (rig_flash_gdb), the unit runs it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rig/rig.h"
#include "sim_env.h"

#define QEMU_INI "fixtures/benches/modbus-qemu.ini"
#define SERIAL_1 24110101.0

static struct rig_bench *bench;

static void open_bench(void)
{
    require_sim();
    cr_assert_eq(rig_bench_open(QEMU_INI, &bench), 0, "%s", rig_last_error());
}

static void close_bench(void)
{
    rig_bench_close(bench);
    bench = NULL;
}

/* The unit answers over RS485 with its own serial number. */
static void expect_answers(unsigned position, double serial)
{
    double v = 0.0;
    struct rig_meter *m = rig_bench_meter(bench, position);
    cr_assert_not_null(m, "%s", rig_last_error());
    cr_assert_eq(rig_factory_read(m, MED2_FACTORY_SERIAL, &v), 0, "%s", rig_last_error());
    cr_expect_eq(v, serial, "serial %.0f, want %.0f", v, serial);
}

static int running(unsigned position, char *why, size_t len)
{
    int r = rig_bench_unit_running(bench, position, why, len);
    cr_assert_geq(r, 0, "%s", rig_last_error());
    return r;
}

TestSuite(flash_qemu, .init = open_bench, .fini = close_bench, .timeout = 120);

Test(flash_qemu, the_arm_image_goes_through_the_debug_port_and_runs)
{
    char image[4096], why[128];
    cr_assert_eq(rig_flash_default_image(bench, image, sizeof image), 0, "%s", rig_last_error());
    cr_expect(strstr(image, "med2-mps2.elf") != NULL, "a QEMU bench's default image is %s", image);
    cr_assert_eq(rig_flash(bench, 1, image), 0, "%s", rig_last_error());
    cr_expect_eq(running(1, why, sizeof why), 1, "position 1 after flashing: %s", why);
    expect_answers(1, SERIAL_1);
}

Test(flash_qemu, a_host_build_is_refused_before_the_unit_is_halted)
{
    char why[128];
    int rc = rig_flash(bench, 1, getenv("RIG_FIRMWARE_IMAGE"));
    cr_expect_eq(rc, -EINVAL, "flashing the host build: %d (%s)", rc, rig_last_error());
    cr_expect(strstr(rig_last_error(), "host build") != NULL, "%s", rig_last_error());
    cr_expect_eq(running(1, why, sizeof why), 1, "position 1 stopped: %s", why);
    expect_answers(1, SERIAL_1);
}

/* The STM32G4 image is ARM too, but its flash at 0x08000000 is not memory
 * on this board: the load fails verification, nothing is started, the unit
 * stays halted until a good image is flashed. */
Test(flash_qemu, an_image_for_another_memory_map_leaves_the_unit_halted)
{
    char why[128], image[4096];
    const char *g4 = getenv("RIG_FIRMWARE_ARM_IMAGE");
    cr_assert_not_null(g4, "RIG_FIRMWARE_ARM_IMAGE is not set (make check sets it)");
    int rc = rig_flash(bench, 2, g4);
    cr_expect_lt(rc, 0, "flashing %s into an mps2-an386 succeeded", g4);
    cr_expect_eq(running(2, why, sizeof why), 0, "position 2 runs after a failed flash");
    cr_expect(strstr(why, "halted") != NULL, "position 2: %s", why);
    cr_assert_eq(rig_flash_default_image(bench, image, sizeof image), 0, "%s", rig_last_error());
    cr_assert_eq(rig_flash(bench, 2, image), 0, "%s", rig_last_error());
    expect_answers(2, 24110102.0);
}
