/*
 * suites/power — power cuts and persistence (docs/power.md): warned cuts
 * lose nothing inside the hold-up time, hard cuts lose at most one save
 * interval and never corrupt a record, maximum demand survives, the RTC is
 * battery-backed. Energy is checked against the source's reference energy,
 * records against what the test wrote.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rig/rig.h"

/* The full 1000-cut figure is `make bench` (power_cuts_corrupt); here a
 * sample of the same campaign keeps the suite within its time budget. */
#define SUITE_CUTS 250u
#define MWH_SLACK_WH 0.002 /* registers in mWh, reference in double */
/* A hard cut's instant against the unit's sample clock: one 250 us sample
 * of Imax at 230 V either way, on top of the registers' resolution. */
#define CUT_SLACK_WH (MWH_SLACK_WH + 230.0 * 80.0 * 250e-6 / 3600.0)

static struct rig_bench *bench;
static struct rig_meter *meter;

static void open_bench(void)
{
    cr_assert_eq(rig_bench_open("fixtures/benches/power.ini", &bench), 0, "%s", rig_last_error());
    meter = rig_bench_meter(bench, 1);
    cr_assert_not_null(meter, "%s", rig_last_error());
}

static void close_bench(void)
{
    rig_bench_close(bench);
    bench = NULL;
}

TestSuite(power, .init = open_bench, .fini = close_bench, .timeout = 120);

static void load(double volts, double amps)
{
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_eq(rig_source_set(src, volts, amps, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
}

static double energy(void)
{
    double wh;
    cr_assert_eq(rig_meter_read_import_energy(meter, &wh), 0, "%s", rig_last_error());
    return wh;
}

static double reference(void)
{
    double wh;
    cr_assert_eq(rig_source_energy(rig_bench_source(bench), &wh), 0, "%s", rig_last_error());
    return wh;
}

static void sleep_s(double s)
{
    cr_assert_eq(rig_sleep(bench, s), 0, "%s", rig_last_error());
}

/* The unit's own ratio to the reference (it is uncalibrated: a few %). */
static double ratio(void)
{
    sleep_s(1.0);
    double e0 = energy(), r0 = reference();
    sleep_s(30.0);
    return (energy() - e0) / (reference() - r0);
}

Test(power, warned_cut_loses_nothing_within_half_the_holdup)
{
    struct rig_power_warned w;
    cr_assert_eq(rig_power_warned_campaign(bench, 1, 8, 777u, &w), 0, "%s", rig_last_error());
    cr_assert_eq(w.cuts, 8u);
    cr_assert(w.max_loss_wh < MWH_SLACK_WH, "a warned cut lost %.4f Wh", w.max_loss_wh);
    cr_assert_gt(w.holdup_s, 0.0);
    cr_assert(w.max_holdup_used_s > 0.0 && w.max_holdup_used_s <= 0.5 * w.holdup_s,
              "the save used %.3f ms of %.3f ms hold-up", w.max_holdup_used_s * 1e3, w.holdup_s * 1e3);
}

Test(power, hard_cuts_corrupt_nothing_and_lose_at_most_one_save_interval)
{
    struct rig_power_campaign c;
    cr_assert_eq(rig_power_cut_campaign(bench, 1, SUITE_CUTS, 12345u, &c), 0, "%s", rig_last_error());
    cr_log_info("%u cuts (%u in NV writes, %u torn): worst loss %.3f Wh of %.3f Wh allowed",
                c.cuts, c.in_writes, c.torn, c.max_loss_wh, c.bound_wh);
    cr_assert_eq(c.cuts, SUITE_CUTS);
    cr_assert_gt(c.torn, 0u, "no cut tore a write: the campaign did not reach the NV");
    cr_assert_eq(c.corrupt, 0u);
    cr_assert_eq(c.unanswered, 0u);
    cr_assert_eq(c.decreases, 0u, "energy went down across a cut");
    cr_assert_leq(c.max_loss_wh, c.bound_wh + CUT_SLACK_WH);
    cr_assert_geq(c.min_loss_wh, -CUT_SLACK_WH, "a cut added energy: %.4f Wh", -c.min_loss_wh);
}

Test(power, a_flash_is_a_warned_cut)
{
    load(230.0, 80.0);
    double k = ratio();
    sleep_s(4.2);
    double e0 = energy(), r0 = reference();
    char image[4096];
    cr_assert_eq(rig_flash_default_image(bench, image, sizeof(image)), 0, "%s", rig_last_error());
    cr_assert_eq(rig_flash(bench, 1, image), 0, "%s", rig_last_error());
    meter = rig_bench_meter(bench, 1);
    double lost = e0 + k * (reference() - r0) - energy();
    cr_assert(fabs(lost) < MWH_SLACK_WH, "the flash lost %.4f Wh", lost);
}

Test(power, maximum_demand_survives_a_restart_and_a_cut)
{
    struct rig_setting s[] = {{MED2_REG_DEMAND_METHOD, 0}, {MED2_REG_DEMAND_PERIOD, 1}};
    cr_assert_eq(rig_meter_configure(meter, NULL, s, 2, true, NULL), 0, "%s", rig_last_error());
    load(230.0, 20.0);
    sleep_s(130.0);
    load(230.0, 5.0);
    sleep_s(65.0);
    double max0, cur0;
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_MAX_IMPORT_ACTIVE_POWER_DEMAND, &max0), 0, "%s",
                 rig_last_error());
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_IMPORT_ACTIVE_POWER_DEMAND, &cur0), 0, "%s",
                 rig_last_error());
    cr_assert_gt(max0, 3000.0, "the 20 A minutes set the maximum");
    cr_assert_lt(cur0, 0.5 * max0);
    cr_assert_eq(rig_meter_restart(meter), 0, "%s", rig_last_error());
    sleep_s(1.0);
    double v;
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_MAX_IMPORT_ACTIVE_POWER_DEMAND, &v), 0, "%s",
                 rig_last_error());
    cr_assert_float_eq(v, max0, 1e-3 * max0, "after the restart command: %g, before %g", v, max0);
    cr_assert_eq(rig_power_set(bench, 1, false, NULL), 0, "%s", rig_last_error());
    sleep_s(10.0);
    cr_assert_eq(rig_power_set(bench, 1, true, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_MAX_IMPORT_ACTIVE_POWER_DEMAND, &v), 0, "%s",
                 rig_last_error());
    cr_assert_float_eq(v, max0, 1e-3 * max0, "after a power cut: %g, before %g", v, max0);
}

static double clock_s(void)
{
    double h, m, s;
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_HOUR, &h), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_MINUTE, &m), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_SECOND, &s), 0, "%s", rig_last_error());
    return h * 3600.0 + m * 60.0 + s;
}

Test(power, the_rtc_runs_on_its_battery_while_the_supply_is_off)
{
    /* 4-tariff schedule default: set 05:59:00 and a T1-1 -> next zone boundary at 06:00 */
    struct tm t = {.tm_year = 126, .tm_mon = 2, .tm_mday = 2, .tm_hour = 5, .tm_min = 59};
    cr_assert_eq(rig_meter_unlock(meter, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_set_clock(meter, &t), 0, "%s", rig_last_error());
    double c0 = clock_s();
    cr_assert_eq(rig_power_set(bench, 1, false, NULL), 0, "%s", rig_last_error());
    sleep_s(3600.0);
    cr_assert_eq(rig_power_set(bench, 1, true, NULL), 0, "%s", rig_last_error());
    double c1 = clock_s();
    cr_assert(fabs(c1 - c0 - 3600.0) <= 1.0, "the clock ran %.0f s of 3600 while off", c1 - c0);
}

/* EN 50470-1's critical change value for the dips and interruptions test,
 * m x Un x Imax x 10^-6 kWh with one measuring element: 230 V x 80 A. */
#define CRITICAL_CHANGE_WH (1.0 * 230.0 * 80.0 * 1e-6 * 1000.0)

/* One interruption of `s` seconds: the supply (the measuring voltage of a
 * self-powered meter) and the terminal voltage go together. */
static void interrupt(double s)
{
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_eq(rig_source_set(src, 0.0, 0.0, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_power_set(bench, 1, false, NULL), 0, "%s", rig_last_error());
    sleep_s(s);
    cr_assert_eq(rig_source_set(src, 230.0, 0.0, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_power_set(bench, 1, true, NULL), 0, "%s", rig_last_error());
}

Test(power, dips_and_short_interruptions_change_the_register_by_less_than_the_critical_value)
{
    load(230.0, 10.0);
    double k0 = ratio();
    load(230.0, 0.0); /* IEC 61000-4-11 as EN 50470-3 applies it: no current */
    sleep_s(2.0);
    double e0 = energy();
    for (int n = 0; n < 3; n++) { /* 100 % for 1 s, three times, 50 ms apart */
        interrupt(1.0);
        sleep_s(0.05);
    }
    interrupt(0.020); /* 100 % for one cycle */
    sleep_s(1.0);
    load(115.0, 0.0); /* 50 % for 1 min */
    sleep_s(60.0);
    load(230.0, 0.0);
    sleep_s(2.0);
    double change = energy() - e0;
    cr_assert(fabs(change) <= CRITICAL_CHANGE_WH, "the register changed by %.4f Wh (critical %.1f Wh)",
              change, CRITICAL_CHANGE_WH);
    load(230.0, 10.0);
    double k1 = ratio();
    cr_assert_float_eq(k1, k0, 1e-3 * k0, "metering after the dips: %.5f, before %.5f", k1, k0);
}

Test(power, four_months_without_supply_keep_registers_settings_and_the_log)
{
    struct rig_setting s = {MED2_REG_DEMAND_PERIOD, 45};
    cr_assert_eq(rig_meter_configure(meter, NULL, &s, 1, true, NULL), 0, "%s", rig_last_error());
    load(230.0, 20.0);
    sleep_s(100.0);
    load(230.0, 0.0);
    sleep_s(1.0);
    double e0 = energy(), c0 = clock_s(), day0;
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_DAY, &day0), 0, "%s", rig_last_error());
    uint16_t w[2];
    cr_assert_eq(rig_meter_read_registers(meter, MED2_EVENT_COUNT_ADDR, 2, w), 0, "%s", rig_last_error());
    uint32_t events0 = (uint32_t)w[0] << 16 | w[1];
    cr_assert_eq(rig_power_set(bench, 1, false, NULL), 0, "%s", rig_last_error());
    const double four_months_s = 122.0 * 86400.0;
    sleep_s(four_months_s);
    cr_assert_eq(rig_power_set(bench, 1, true, NULL), 0, "%s", rig_last_error());
    cr_assert(fabs(energy() - e0) < MWH_SLACK_WH, "energy %.4f Wh, before %.4f Wh", energy(), e0);
    double v;
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_DEMAND_PERIOD, &v), 0, "%s", rig_last_error());
    cr_assert_eq(v, 45.0, "the saved setting");
    cr_assert_eq(rig_meter_read_registers(meter, MED2_EVENT_COUNT_ADDR, 2, w), 0, "%s", rig_last_error());
    cr_assert_eq((uint32_t)w[0] << 16 | w[1], events0 + 2u, "the log kept its events: + power down, up");
    /* the clock ran on its battery: the same time of day 122 days later */
    cr_assert(fabs(clock_s() - c0) <= 2.0, "time of day %.0f s, before %.0f s", clock_s(), c0);
    double day1;
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_DAY, &day1), 0, "%s", rig_last_error());
    cr_assert_neq(day1, day0, "the date moved on");
}

Test(power, a_unit_off_across_a_tariff_boundary_counts_in_the_right_tariff)
{
    /* T1-1 from 00:00, T1-2 from 06:00 */
    struct rig_setting s[] = {{MED2_REG_TARIFF_1, 1}, {MED2_REG_TARIFF_2, 2}, {MED2_REG_HOUR_2, 6}};
    cr_assert_eq(rig_meter_configure(meter, NULL, s, 3, true, NULL), 0, "%s", rig_last_error());
    struct tm t = {.tm_year = 126, .tm_mon = 2, .tm_mday = 2, .tm_hour = 5, .tm_min = 58};
    cr_assert_eq(rig_meter_unlock(meter, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_set_clock(meter, &t), 0, "%s", rig_last_error());
    load(230.0, 10.0);
    sleep_s(30.0); /* counting in T1-1 */
    cr_assert_eq(rig_power_set(bench, 1, false, NULL), 0, "%s", rig_last_error());
    double t11, t12;
    sleep_s(300.0); /* off across 06:00 */
    cr_assert_eq(rig_power_set(bench, 1, true, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY, &t11), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_T1_2_IMPORT_ACTIVE_ENERGY, &t12), 0, "%s", rig_last_error());
    cr_assert_gt(t11, 0.0, "the minutes before the cut went to T1-1");
    sleep_s(30.0);
    double t11b, t12b;
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY, &t11b), 0, "%s", rig_last_error());
    cr_assert_eq(rig_meter_read_reg(meter, MED2_REG_T1_2_IMPORT_ACTIVE_ENERGY, &t12b), 0, "%s", rig_last_error());
    cr_assert_eq(t11b, t11, "nothing more in T1-1 after 06:00");
    cr_assert_gt(t12b - t12, 10.0, "the energy after power-up counts in T1-2");
}
