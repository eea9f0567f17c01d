/*
 * suites/pulse — both pulse outputs, measured from the edge timestamps the
 * simulated bench records (sample-exact, 250 us): the manual's worked
 * example for output 2, every source and multiplier, and output 1 at the
 * highest legal load (1.1 Un x Imax) with no pulse lost or merged.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rig/rig.h"

#define NS_PER_MS 1000000ull
/* The firmware's minimum off time after a pulse (S0 / IEC 62053-31). */
#define MIN_GAP_NS (30ull * NS_PER_MS)
#define DRAIN_EVERY_S 30.0
#define MAX_EDGES 8192

static struct rig_bench *bench;

static void open_bench(void)
{
    cr_assert_eq(rig_bench_open("fixtures/benches/tariff.ini", &bench), 0, "%s", rig_last_error());
}

static void close_bench(void)
{
    rig_bench_close(bench);
    bench = NULL;
}

/* What one output did over a run, from its edges. */
struct pulse_stats {
    uint64_t pulses;      /* complete pulses (rise and fall seen) */
    uint64_t min_width_ns, max_width_ns;
    uint64_t min_spacing_ns; /* fall to next rise */
    uint64_t rise_ns;     /* of the pulse in progress, 0 if none */
    uint64_t last_fall_ns;
};

static void stats_reset(struct pulse_stats *st)
{
    *st = (struct pulse_stats){.min_width_ns = UINT64_MAX, .min_spacing_ns = UINT64_MAX};
}

static void drain(unsigned position, unsigned output, struct pulse_stats *st)
{
    static struct rig_pulse_edge edges[MAX_EDGES];
    size_t n;
    cr_assert_eq(rig_pulse_edges(bench, position, edges, MAX_EDGES, &n), 0,
                 "%s", rig_last_error());
    cr_assert_lt(n, MAX_EDGES, "edge buffer full: drain more often");
    for (size_t k = 0; k < n; k++) {
        const struct rig_pulse_edge *e = &edges[k];
        if (e->output != output) {
            continue;
        }
        if (e->level) {
            if (st->last_fall_ns != 0 && e->t_ns - st->last_fall_ns < st->min_spacing_ns) {
                st->min_spacing_ns = e->t_ns - st->last_fall_ns;
            }
            st->rise_ns = e->t_ns;
        } else if (st->rise_ns != 0) {
            uint64_t w = e->t_ns - st->rise_ns;
            st->min_width_ns = w < st->min_width_ns ? w : st->min_width_ns;
            st->max_width_ns = w > st->max_width_ns ? w : st->max_width_ns;
            st->pulses++;
            st->rise_ns = 0;
            st->last_fall_ns = e->t_ns;
        }
    }
}

/* Run `seconds` at the given load, collecting output's pulses. */
static void run(unsigned position, unsigned output, double volts, double amps, double deg,
                double seconds, struct pulse_stats *st)
{
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_eq(rig_source_set(src, volts, amps, deg, 50.0), 0, "%s", rig_last_error());
    drain(position, output, st); /* forget what came before */
    stats_reset(st);
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    for (double t = 0.0; t < seconds; t += DRAIN_EVERY_S) {
        double step = fmin(DRAIN_EVERY_S, seconds - t);
        cr_assert_eq(rig_sleep(bench, step), 0, "%s", rig_last_error());
        drain(position, output, st);
    }
    cr_assert_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 3.0), 0, "%s", rig_last_error()); /* the last pulse ends */
    drain(position, output, st);
}

static double reg(struct rig_meter *m, enum med2_reg_id id)
{
    double v;
    cr_assert_eq(rig_meter_read_reg(m, id, &v), 0, "%s", rig_last_error());
    return v;
}

static void configure_pulse2(struct rig_meter *m, unsigned source, unsigned energy,
                             unsigned multiplier, unsigned duration_ms)
{
    struct rig_setting s[] = {
        {MED2_REG_PULSE2_SOURCE, source},
        {MED2_REG_PULSE2_ENERGY, energy},
        {MED2_REG_PULSE2_MULTIPLIER, multiplier},
        {MED2_REG_PULSE2_DURATION, duration_ms},
    };
    cr_assert_eq(rig_meter_configure(m, NULL, s, 4, true, NULL), 0, "%s", rig_last_error());
}

static const enum med2_reg_id source_register[] = {
    [1] = MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY, [2] = MED2_REG_TOTAL_EXPORT_ACTIVE_ENERGY,
    [3] = MED2_REG_TOTAL_IMPORT_REACTIVE_ENERGY, [4] = MED2_REG_TOTAL_EXPORT_REACTIVE_ENERGY,
};

/* Pulses of output 2 against its source register: one per whole quantum
 * (the count may trail by the pulse in progress at the end). */
static void expect_quanta(const struct pulse_stats *st, double delta_wh, double quantum_wh,
                          const char *what)
{
    double quanta = floor(delta_wh / quantum_wh + 1e-9);
    cr_expect(fabs((double)st->pulses - quanta) <= 1.0,
              "%s: %llu pulses for %.3f Wh at %.3f Wh per pulse (%.0f quanta)", what,
              (unsigned long long)st->pulses, delta_wh, quantum_wh, quanta);
}

/* One timeout for every test of the binary: Criterion 2.4's runner leaks
 * under LeakSanitizer when tests of one binary differ in timeout. */
TestSuite(pulse, .timeout = 240);

Test(pulse, manual_worked_example_50_wh_per_pulse_for_1_s, .init = open_bench,
     .fini = close_bench)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    configure_pulse2(m, 1, 5, 4, 1000); /* import active, 5 x MUL10, 1000 ms */
    double e0 = reg(m, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    struct pulse_stats st;
    run(1, 2, 230.0, 20.0, 0.0, 3600.0, &st);
    double e1 = reg(m, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    cr_expect_gt(st.pulses, 50u, "only %llu pulses", (unsigned long long)st.pulses);
    expect_quanta(&st, e1 - e0, 50.0, "worked example");
    cr_expect_eq(st.min_width_ns, 1000 * NS_PER_MS, "shortest pulse %llu ns",
                 (unsigned long long)st.min_width_ns);
    cr_expect_eq(st.max_width_ns, 1000 * NS_PER_MS, "longest pulse %llu ns",
                 (unsigned long long)st.max_width_ns);
}

Test(pulse, output2_follows_each_source, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    /* a load for each quadrant the source counts: import, export, lagging, leading */
    const double phase[] = {0, 0.0, 180.0, 60.0, -60.0};
    for (unsigned src = 1; src <= 4; src++) {
        configure_pulse2(m, src, 1, 3, 100); /* 1 Wh (varh) per pulse, 100 ms */
        double e0 = reg(m, source_register[src]);
        struct pulse_stats st;
        run(1, 2, 230.0, 10.0, phase[src], 600.0, &st);
        double e1 = reg(m, source_register[src]);
        cr_expect_gt(e1 - e0, 100.0, "source %u: register moved only %.3f", src, e1 - e0);
        char what[32];
        snprintf(what, sizeof(what), "source %u", src);
        expect_quanta(&st, e1 - e0, 1.0, what);
        cr_expect_eq(st.max_width_ns, 100 * NS_PER_MS);
    }
}

Test(pulse, output2_every_multiplier, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    /* energy 1 x multiplier 0..6: 1 mWh .. 1 kWh per pulse, 50 ms; a load and
     * a time that give tens of pulses no faster than 50 ms + gap allows */
    const double amps[] = {0.1, 1.0, 10.0, 10.0, 10.0, 80.0, 80.0};
    const double seconds[] = {10.0, 10.0, 10.0, 60.0, 600.0, 1200.0, 3600.0};
    for (unsigned mul = 0; mul <= 6; mul++) {
        configure_pulse2(m, 1, 1, mul, 50);
        double e0 = reg(m, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
        struct pulse_stats st;
        run(1, 2, 230.0, amps[mul], 0.0, seconds[mul], &st);
        double e1 = reg(m, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
        char what[32];
        snprintf(what, sizeof(what), "multiplier %u", mul);
        cr_expect_geq(st.pulses, 10u, "%s: %llu pulses", what, (unsigned long long)st.pulses);
        expect_quanta(&st, e1 - e0, pow(10.0, (double)mul - 3.0), what);
        cr_expect_eq(st.min_width_ns, 50 * NS_PER_MS, "%s: width %llu ns", what,
                     (unsigned long long)st.min_width_ns);
    }
}

Test(pulse, output1_at_the_highest_load_loses_nothing, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    double e0 = reg(m, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    struct pulse_stats st;
    run(1, 1, 1.1 * 230.0, 80.0, 0.0, 600.0, &st); /* 1.1 Un x Imax: ~20 kW */
    double e1 = reg(m, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
    double whole_wh = floor(e1) - floor(e0);
    cr_expect_gt(whole_wh, 3000.0);
    cr_expect(fabs((double)st.pulses - whole_wh) <= 1.0, "%llu pulses for %.0f whole Wh",
              (unsigned long long)st.pulses, whole_wh);
    cr_expect_eq(st.min_width_ns, 100 * NS_PER_MS);
    cr_expect_eq(st.max_width_ns, 100 * NS_PER_MS);
    cr_expect_geq(st.min_spacing_ns, MIN_GAP_NS, "pulses %llu ns apart: merged",
                  (unsigned long long)st.min_spacing_ns);
}

Test(pulse, out_of_range_settings_are_refused, .init = open_bench, .fini = close_bench)
{
    struct rig_meter *m = rig_bench_meter(bench, 1);
    cr_assert_not_null(m, "%s", rig_last_error());
    cr_assert_eq(rig_meter_unlock(m, NULL), 0, "%s", rig_last_error());
    const struct {
        uint16_t address;
        uint32_t value;
    } bad[] = {
        {MED2_ADDR_PULSE2_SOURCE, 5},     {MED2_ADDR_PULSE2_ENERGY, 0},
        {MED2_ADDR_PULSE2_ENERGY, 10},    {MED2_ADDR_PULSE2_MULTIPLIER, 7},
        {MED2_ADDR_PULSE2_DURATION, 49},  {MED2_ADDR_PULSE2_DURATION, 2501},
    };
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        uint16_t words[2];
        cr_assert_eq(rig_encode_value(MED2_T_U32, bad[k].value, rig_meter_endian(m), words), 2);
        cr_expect_lt(rig_meter_write_registers(m, bad[k].address, 2, words), 0);
        cr_expect_eq(rig_meter_last_exception(m), 3, "%u <- %u: exception %d, want 03",
                     bad[k].address, bad[k].value, rig_meter_last_exception(m));
    }
    cr_expect_eq(reg(m, MED2_REG_PULSE2_DURATION), 100.0, "a refused write changed the duration");
}
