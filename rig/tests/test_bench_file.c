/*
 * test_bench_file.c — bench files: the shipped ones load; an unknown key, a
 * missing position, a bad value, an unknown section are errors naming
 * file:line and the key.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench_config.h"
#include "rig/error.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/rig-test-bench-XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/bench.ini", dir);
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

/* Load text; expect -EINVAL and a message with every fragment. */
static void expect_error(const char *text, const char *const *fragments)
{
    struct rig_bench_config *cfg = NULL;
    write_file(text);
    cr_assert_eq(rig_bench_config_load(path, &cfg), -EINVAL, "%s", rig_last_error());
    cr_expect_null(cfg);
    for (; *fragments; fragments++)
        cr_expect(strstr(rig_last_error(), *fragments), "'%s' not in: %s", *fragments,
                  rig_last_error());
}

#define GOOD_HEAD "[bench]\nkind = sim\npositions = 2\n[source]\nport = sim\n"
#define POS(n) "[position " #n "]\nmodel = C80-1M-V3\nserial = 2411000" #n "\n"

TestSuite(bench_file, .init = setup, .fini = teardown);

Test(bench_file, sim_ini_loads)
{
    struct rig_bench_config *cfg;
    cr_assert_eq(rig_bench_config_load("fixtures/benches/sim.ini", &cfg), 0, "%s",
                 rig_last_error());
    cr_expect_eq(cfg->kind, RIG_BENCH_SIM);
    cr_expect_eq(cfg->positions, 2);
    cr_expect_str_eq(cfg->name, "sim-2");
    const struct rig_position *p = &cfg->pos[1].pub;
    cr_expect_eq(p->number, 2);
    cr_expect_str_eq(p->model, "C80-1M-V3");
    cr_expect_str_eq(p->serial, "24110002");
    cr_expect_eq(p->slave, 1);
    cr_expect_eq(p->baud, 38400);
    cr_expect_eq(p->parity, 'N');
    cr_expect_eq(p->stop_bits, 1);
    rig_bench_config_free(cfg);
}

Test(bench_file, pi_rack_ini_loads)
{
    struct rig_bench_config *cfg;
    cr_assert_eq(rig_bench_config_load("fixtures/benches/pi-rack.ini", &cfg), 0, "%s",
                 rig_last_error());
    cr_expect_eq(cfg->kind, RIG_BENCH_HW);
    cr_expect_str_eq(cfg->source_port, "/dev/med2-source");
    cr_expect_eq(cfg->source_transport, RIG_TRANSPORT_SERIALPORT);
    const struct rig_position *p = &cfg->pos[0].pub;
    cr_expect_str_eq(p->rs485, "/dev/med2-rs485-1");
    cr_expect_str_eq(p->pulse[0], "gpiochip0:17");
    cr_expect_str_eq(p->pulse[1], "gpiochip0:27");
    cr_expect_str_eq(p->supply, "gpiochip0:5");
    cr_expect_str_eq(p->swd, "interface/cmsis-dap.cfg, target/stm32g4x.cfg");
    cr_expect_str_eq(p->swd_serial, "0001A0000001");
    rig_bench_config_free(cfg);
}

Test(bench_file, defaults_fill_the_line_settings)
{
    struct rig_bench_config *cfg;
    write_file(GOOD_HEAD POS(1) POS(2));
    cr_assert_eq(rig_bench_config_load(path, &cfg), 0, "%s", rig_last_error());
    cr_expect_eq(cfg->pos[0].pub.baud, 38400);
    cr_expect_eq(cfg->pos[0].pub.slave, 1);
    cr_expect_eq(cfg->source_baud, 115200);
    rig_bench_config_free(cfg);
}

Test(bench_file, unknown_key)
{
    char line[160];
    snprintf(line, sizeof line, "%s:9:", path);
    expect_error(GOOD_HEAD POS(1) "colour = blue\n" POS(2),
                 (const char *const[]){line, "[position 1]", "unknown key 'colour'", "model",
                                       NULL});
}

Test(bench_file, missing_position)
{
    char line[160];
    snprintf(line, sizeof line, "%s:3:", path);
    expect_error(GOOD_HEAD POS(1), (const char *const[]){line, "positions = 2",
                                                          "no [position 2]", NULL});
}

Test(bench_file, position_beyond_count)
{
    expect_error(GOOD_HEAD POS(1) POS(2) POS(3),
                 (const char *const[]){"[position 3]", "positions = 2", NULL});
}

Test(bench_file, bad_value)
{
    char line[160];
    snprintf(line, sizeof line, "%s:9:", path);
    expect_error(GOOD_HEAD POS(1) "baud = fast\n" POS(2),
                 (const char *const[]){line, "baud = 'fast'", "not a baud rate", NULL});
}

Test(bench_file, bad_parity_and_slave)
{
    expect_error(GOOD_HEAD POS(1) "parity = X\n" POS(2),
                 (const char *const[]){":9:", "parity = 'X'", NULL});
    expect_error(GOOD_HEAD POS(1) "slave = 300\n" POS(2),
                 (const char *const[]){":9:", "slave = '300'", "1..247", NULL});
}

Test(bench_file, bad_kind)
{
    expect_error("[bench]\nkind = maybe\n", (const char *const[]){":2:", "kind = 'maybe'", NULL});
}

Test(bench_file, unknown_section)
{
    expect_error(GOOD_HEAD "[position one]\nmodel = x\n",
                 (const char *const[]){":6:", "unknown section [position one]", NULL});
}

Test(bench_file, duplicate_key)
{
    expect_error(GOOD_HEAD POS(1) "model = C80-2M\n" POS(2),
                 (const char *const[]){":9:", "model is given twice", NULL});
}

Test(bench_file, hw_needs_ports)
{
    expect_error("[bench]\nkind = hw\npositions = 1\n[source]\nport = /dev/ttyUSB0\n"
                 "[position 1]\nmodel = C80-1M-V3\n",
                 (const char *const[]){":6:", "rs485", NULL});
}

Test(bench_file, missing_file)
{
    struct rig_bench_config *cfg;
    cr_assert_eq(rig_bench_config_load("fixtures/benches/nope.ini", &cfg), -ENOENT);
    cr_expect(strstr(rig_last_error(), "fixtures/benches/nope.ini"), "%s", rig_last_error());
}

Test(bench_file, a_bench_without_a_source_is_refused)
{
    expect_error("[bench]\nkind = sim\npositions = 1\n" POS(1),
                 (const char *const[]){"[source] is missing", "port = sim", NULL});
}

Test(bench_file, defect_is_read_and_passed_on)
{
    struct rig_bench_config *cfg = NULL;
    write_file(GOOD_HEAD POS(1) "defect = wrong_shunt,1.25\n" POS(2));
    cr_assert_eq(rig_bench_config_load(path, &cfg), 0, "%s", rig_last_error());
    cr_expect_str_eq(cfg->pos[0].pub.defect, "wrong_shunt,1.25");
    cr_expect_null(cfg->pos[1].pub.defect, "a good unit has none");
    rig_bench_config_free(cfg);
}

Test(bench_file, unknown_defect_names_the_known_ones)
{
    expect_error(GOOD_HEAD POS(1) "defect = shorted_shunt\n" POS(2),
                 (const char *const[]){"bench.ini:9", "defect = 'shorted_shunt'", "wrong_shunt",
                                       "unstable_cal", NULL});
    expect_error(GOOD_HEAD POS(1) "defect = wrong_shunt,0\n" POS(2),
                 (const char *const[]){"bench.ini:9", "wrong_shunt", "FACTOR", NULL});
}

Test(bench_file, defect_only_on_a_simulated_bench)
{
    expect_error("[bench]\nkind = hw\npositions = 1\n[source]\nport = /dev/ttyUSB0\n"
                 "[position 1]\nmodel = C80-1M-V3\nrs485 = /dev/ttyUSB1\ndefect = dead_rs485\n",
                 (const char *const[]){"[position 1] defect is for simulated units only", NULL});
}

Test(bench_file, model_and_serial_are_checked_when_read)
{
    expect_error(GOOD_HEAD "[position 1]\nmodel = C80-1M-V9\nserial = 24110001\n" POS(2),
                 (const char *const[]){"bench.ini:6", "unknown model 'C80-1M-V9'", "B80-0W-01",
                                       NULL});
    expect_error(GOOD_HEAD "[position 1]\nmodel = C80-1M-V3\nserial = 24-11\n" POS(2),
                 (const char *const[]){"bench.ini:6", "serial = '24-11' is not 1..99999999",
                                       NULL});
    expect_error(GOOD_HEAD POS(1) "[position 2]\nmodel = C80-1M-V3\nserial = 24110001\n",
                 (const char *const[]){"bench.ini:9", "serial 24110001 is also position 1's",
                                       NULL});
}
