/*
 * test_modbus_line_time.c — rig_meter_line_seconds: the time a real line
 * spends on the transactions, against the Modbus RTU frame sizes worked out
 * by hand (Modbus over Serial Line v1.02): a read of 2 registers is an
 * 8-byte request and a 9-byte reply, a write of 2 registers 13 bytes and 8;
 * 10 bits a character at 38400 8N1, t3.5 = 1.75 ms before each frame, the
 * unit's turnaround and the adapter's latency; a timeout counts as waited.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "rig/rig.h"
#include "sim_env.h"

static char dir[64];
static pid_t benchd;

static void up(void)
{
    static const struct rig_sim_unit u[] = {{"C80-1M-V3", "24129901", 1, 38400, NULL}};
    benchd = sim_dir_up(dir, "rig-test-linetime", u, 1);
}

static void down(void)
{
    sim_dir_down(dir, benchd);
}

TestSuite(modbus_line_time, .init = up, .fini = down, .timeout = 60);

static double frame_pair_s(unsigned req, unsigned reply)
{
    const double chr = 10.0 / 38400.0;
    return 2 * 0.00175 + (req + reply) * chr + RIG_METER_TURNAROUND_S +
           RIG_METER_ADAPTER_LATENCY_S;
}

Test(modbus_line_time, frames_at_the_line_baud)
{
    struct rig_bench *b;
    cr_assert_eq(rig_bench_attach(dir, &b), 0, "%s", rig_last_error());
    struct rig_meter *m = rig_bench_meter(b, 1);
    cr_assert(m, "%s", rig_last_error());
    double t0 = rig_meter_line_seconds(m);
    uint16_t r[2];
    cr_assert_eq(rig_meter_read_registers(m, 0, 2, r), 0, "%s", rig_last_error());
    double read = rig_meter_line_seconds(m) - t0;
    cr_expect_float_eq(read, frame_pair_s(8, 9), 1e-9, "%g s", read);
    /* a factory write of 2 registers (the key) */
    t0 = rig_meter_line_seconds(m);
    cr_assert_eq(rig_factory_unlock(m), 0, "%s", rig_last_error());
    cr_expect_float_eq(rig_meter_line_seconds(m) - t0, frame_pair_s(13, 8), 1e-9);
    /* a timeout counts the time waited: at least the timeout */
    rig_meter_set_timeout(m, 100);
    struct rig_line line;
    rig_meter_line(m, &line);
    line.slave = 7; /* nobody answers slave 7 */
    cr_assert_eq(rig_meter_set_line(m, &line), 0, "%s", rig_last_error());
    t0 = rig_meter_line_seconds(m);
    cr_expect_eq(rig_meter_read_registers(m, 0, 2, r), -ETIMEDOUT);
    cr_expect_geq(rig_meter_line_seconds(m) - t0, 2 * 0.100, "two attempts of 100 ms");
    rig_bench_close(b);
}
