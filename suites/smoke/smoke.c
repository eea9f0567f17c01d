/*
 * suites/smoke — the walking skeleton end to end, on any bench.
 *
 * Flash every position, apply 230 V / 5 A / PF 1 for 60 s, then check per
 * position that (a) the pulses counted match the Modbus energy delta within
 * one pulse, (b) the Modbus energy delta matches the source's reference
 * energy within the unit's declared uncalibrated error, and (c) V, I, P and
 * f read over Modbus are where an uncalibrated unit may put them.
 *
 * The bench is fixtures/benches/sim.ini unless RIG_BENCH_FILE names another;
 * the image is RIG_FIRMWARE_IMAGE (the Makefile sets both for its build).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig/rig.h"

#define TEST_VOLTS 230.0
#define TEST_AMPS 5.0
#define TEST_FREQ_HZ 50.0
#define TEST_SECONDS 60.0
/* Long enough for the meter's measurement window (~10 cycles) to close
 * after the output goes off, so every Wh it counted is in its register. */
#define SETTLE_SECONDS 1.0
/* Pulse output 1: 1 Wh per pulse (manual §3.2). */
#define PULSE1_WH 1.0

/* The simulated units' declared spread (firmware/boards/native/afe_model.h, simulated meter
 * hardware): V and I channel gains each within +-5 %, current phase within
 * +-1 degree. Uncalibrated, energy at PF 1 can be off by (1.05^2 - 1); the
 * phase error costs 1 - cos(1 deg) = 0.015 % more, offsets and noise far
 * less than the 0.25 % margin. */
#define UNCAL_GAIN_SPREAD 0.05
#define UNCAL_ENERGY_ERROR ((1.0 + UNCAL_GAIN_SPREAD) * (1.0 + UNCAL_GAIN_SPREAD) - 1.0 + 0.0025)
#define UNCAL_RMS_ERROR (UNCAL_GAIN_SPREAD + 0.0025)
#define FREQ_TOLERANCE_HZ 0.05

static struct rig_bench *bench;

static const char *bench_file(void)
{
    const char *f = getenv("RIG_BENCH_FILE");
    return f ? f : "fixtures/benches/sim.ini";
}

static const char *firmware_image(void)
{
    const char *f = getenv("RIG_FIRMWARE_IMAGE");
    return f ? f : "build/firmware/native/med2-native";
}

static void open_bench(void)
{
    int r = rig_bench_open(bench_file(), &bench);
    cr_assert_eq(r, 0, "opening bench %s: %s", bench_file(), rig_last_error());
}

static void close_bench(void)
{
    rig_bench_close(bench); /* switches the source off, whatever happened */
    bench = NULL;
}

struct position_result {
    uint64_t pulses;
    double meter_wh;
    double error;
    struct rig_runtime rt;
};

Test(smoke, meter_counts_what_the_source_delivers, .init = open_bench, .fini = close_bench,
     .timeout = 120)
{
    unsigned n = rig_bench_position_count(bench);
    cr_assert_gt(n, 0, "bench %s has no positions", bench_file());
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_not_null(src, "%s", rig_last_error());

    uint64_t pulses0[n];
    double wh0[n];
    struct position_result res[n];
    memset(res, 0, sizeof(res));

    for (unsigned p = 1; p <= n; p++) {
        cr_assert_eq(rig_flash(bench, p, firmware_image()), 0, "%s", rig_last_error());
    }
    cr_assert_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_set(src, TEST_VOLTS, TEST_AMPS, 0.0, TEST_FREQ_HZ), 0, "%s",
                 rig_last_error());
    for (unsigned p = 1; p <= n; p++) {
        struct rig_meter *m = rig_bench_meter(bench, p);
        cr_assert_not_null(m, "%s", rig_last_error());
        cr_assert_eq(rig_meter_read_import_energy(m, &wh0[p - 1]), 0, "%s", rig_last_error());
        cr_assert_eq(rig_pulse_count(bench, p, 1, &pulses0[p - 1]), 0, "%s", rig_last_error());
    }
    cr_assert_eq(rig_source_energy_reset(src), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, TEST_SECONDS - 1.0), 0, "%s", rig_last_error());
    for (unsigned p = 1; p <= n; p++) {
        cr_assert_eq(rig_meter_read_runtime(rig_bench_meter(bench, p), &res[p - 1].rt), 0, "%s",
                     rig_last_error());
    }
    cr_assert_eq(rig_sleep(bench, 1.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
    double ref_wh;
    cr_assert_eq(rig_source_energy(src, &ref_wh), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, SETTLE_SECONDS), 0, "%s", rig_last_error());

    double expected_wh = TEST_VOLTS * TEST_AMPS * TEST_SECONDS / 3600.0;
    cr_expect(fabs(ref_wh - expected_wh) < 1e-6, "reference energy %.6f Wh, expected %.6f Wh",
              ref_wh, expected_wh);

    for (unsigned p = 1; p <= n; p++) {
        struct position_result *r = &res[p - 1];
        const struct rig_position *pos = rig_bench_position(bench, p);
        double wh1;
        uint64_t pulses1;
        cr_assert_eq(rig_meter_read_import_energy(rig_bench_meter(bench, p), &wh1), 0, "%s",
                     rig_last_error());
        cr_assert_eq(rig_pulse_count(bench, p, 1, &pulses1), 0, "%s", rig_last_error());
        r->pulses = pulses1 - pulses0[p - 1];
        r->meter_wh = wh1 - wh0[p - 1];
        r->error = (r->meter_wh - ref_wh) / ref_wh;

        /* (a) one pulse per whole Wh crossed */
        double whole_wh = floor(wh1 / PULSE1_WH) - floor(wh0[p - 1] / PULSE1_WH);
        bool pulses_ok = fabs((double)r->pulses - whole_wh) <= 1.0;
        /* (b) energy within the declared uncalibrated error */
        bool energy_ok = fabs(r->error) <= UNCAL_ENERGY_ERROR;
        /* (c) runtime values */
        bool rt_ok = fabs(r->rt.voltage - TEST_VOLTS) <= UNCAL_RMS_ERROR * TEST_VOLTS &&
                     fabs(r->rt.current - TEST_AMPS) <= UNCAL_RMS_ERROR * TEST_AMPS &&
                     fabs(r->rt.active_power - TEST_VOLTS * TEST_AMPS) <=
                         UNCAL_ENERGY_ERROR * TEST_VOLTS * TEST_AMPS &&
                     fabs(r->rt.frequency - TEST_FREQ_HZ) <= FREQ_TOLERANCE_HZ;
        bool pass = pulses_ok && energy_ok && rt_ok && r->pulses > 0;

        printf("position %u  %-11s serial %-10s %s  pulses %3llu  meter %8.3f Wh  reference "
               "%8.3f Wh  error %+6.2f %%  U %7.2f V  I %6.3f A  P %8.2f W  f %6.3f Hz\n",
               p, pos->model, pos->serial, pass ? "PASS" : "FAIL", (unsigned long long)r->pulses,
               r->meter_wh, ref_wh, 100.0 * r->error, r->rt.voltage, r->rt.current,
               r->rt.active_power, r->rt.frequency);

        cr_expect(r->pulses > 0, "position %u counted no pulses", p);
        cr_expect(pulses_ok, "position %u: %llu pulses for %.0f whole Wh on its register", p,
                  (unsigned long long)r->pulses, whole_wh);
        cr_expect(energy_ok, "position %u: energy error %+.2f %% beyond the declared %.2f %%", p,
                  100.0 * r->error, 100.0 * UNCAL_ENERGY_ERROR);
        cr_expect(rt_ok, "position %u: runtime values out of range (U %.2f I %.3f P %.1f f %.3f)",
                  p, r->rt.voltage, r->rt.current, r->rt.active_power, r->rt.frequency);
    }
}

Test(smoke, failed_flash_leaves_the_unit_running, .init = open_bench, .fini = close_bench,
     .timeout = 60)
{
    int r = rig_flash(bench, 1, "/nonexistent/med2-native");
    cr_expect_lt(r, 0, "flashing a missing image succeeded");
    cr_expect(strstr(rig_last_error(), "/nonexistent/med2-native") != NULL,
              "error does not name the image: %s", rig_last_error());
    struct rig_runtime rt;
    cr_expect_eq(rig_meter_read_runtime(rig_bench_meter(bench, 1), &rt), 0,
                 "unit not answering after a failed flash: %s", rig_last_error());
}
