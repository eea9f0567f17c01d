/*
 * map.c — every register of both maps (manual §5), on every RS485 model,
 * in all four endian modes (register 708): each value reads alone as it
 * reads in a block, the whole map takes the fewest transactions, values
 * decode the same in every mode (the clock is held, so nothing moves
 * between reads), the words on the wire are the mode's permutation,
 * settings read their defaults, and no address outside the map answers.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "mb_suite.h"

#define METER_SECONDS 60.0
#define ALL_MODELS_BENCH "fixtures/benches/rs485-models.ini"

static void open_all_models(void)
{
    suite_open_bench_file(ALL_MODELS_BENCH);
}

/* Settings and fixed values: everything with a range in the map, except
 * the clock (it runs) and the password registers. */
static bool has_default(enum med2_reg_id id)
{
    const struct med2_reg_info *r = rig_reg_info(id);
    if (r->type == MED2_T_CHARS || !(r->access & MED2_A_R))
        return false;
    if (id >= MED2_REG_DAY && id <= MED2_REG_SECOND)
        return false;
    return r->min != 0 || r->max != 0 || r->def != 0;
}

static void set_endian(unsigned p, enum rig_endian e)
{
    struct rig_meter *m = suite_meter(p);
    const struct rig_setting s = {MED2_REG_ENDIAN, e};
    cr_assert_eq(rig_meter_configure(m, NULL, &s, 1, true, NULL), 0, "position %u, endian %s: %s",
                 p, rig_endian_name(e), rig_last_error());
    rig_meter_set_endian(m, RIG_ENDIAN_BE); /* forget it: the unit must say it itself */
    cr_assert_eq(rig_meter_detect_endian(m), (int)e, "position %u: 708 after saving %s: %s", p,
                 rig_endian_name(e), rig_last_error());
}

static void read_map(unsigned p, double *v, bool *present)
{
    struct rig_meter *m = suite_meter(p);
    unsigned long t0 = rig_meter_transactions(m);
    cr_assert_eq(rig_meter_read_map(m, v, present), 0, "position %u: %s", p, rig_last_error());
    unsigned long want = suite_map(p) == MED2_MAP_C80 ? 9 : 6;
    cr_expect_eq(rig_meter_transactions(m) - t0, want, "position %u: %lu transactions for the map",
                 p, rig_meter_transactions(m) - t0);
}

TestSuite(models, .init = open_all_models, .fini = suite_close_bench, .timeout = SUITE_TIMEOUT_S);
TestSuite(map, .init = suite_open_bench, .fini = suite_close_bench, .timeout = SUITE_TIMEOUT_S);

Test(models, every_register_of_every_model_in_all_four_endian_modes)
{
    suite_meter_energy(METER_SECONDS);
    for (unsigned p = 1; p <= rig_bench_position_count(bench); p++) {
        const char *model = rig_bench_position(bench, p)->model;
        enum med2_map map = suite_map(p);
        static double base[MED2_REG_COUNT], v[MED2_REG_COUNT];
        static bool present[MED2_REG_COUNT], present_e[MED2_REG_COUNT];

        suite_unlock(p); /* so the password registers hold the same in every mode */
        read_map(p, base, present);
        for (int i = 0; i < MED2_REG_COUNT; i++) {
            enum med2_reg_id id = (enum med2_reg_id)i;
            bool in_map = rig_reg_info(id)->address[map] != MED2_NA;
            cr_expect_eq(present[i], in_map && rig_reg_readable(id), "%s: %s", model,
                         rig_reg_name(id));
            if (present[i] && has_default(id))
                cr_expect_eq(base[i], rig_reg_info(id)->def, "%s: %s reads %g, default %g", model,
                             rig_reg_name(id), base[i], rig_reg_info(id)->def);
        }
        /* Something real was measured and counted. */
        cr_expect(fabs(base[MED2_REG_VOLTAGE] - 230.0) < 0.06 * 230.0, "%s: voltage %g", model,
                  base[MED2_REG_VOLTAGE]);
        cr_expect(fabs(base[MED2_REG_FREQUENCY] - 50.0) < 0.05, "%s: frequency %g", model,
                  base[MED2_REG_FREQUENCY]);
        cr_expect_gt(base[MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY], 0.0, "%s", model);
        cr_expect_gt(base[MED2_REG_TOTAL_IMPORT_REACTIVE_ENERGY], 0.0, "%s", model);

        for (int e = RIG_ENDIAN_LE; e <= RIG_ENDIAN_LE_SWAP + 1; e++) {
            enum rig_endian mode = (enum rig_endian)(e % 4); /* ... and back to BE */
            set_endian(p, mode);
            read_map(p, v, present_e);
            for (int i = 0; i < MED2_REG_COUNT; i++) {
                if (!present[i])
                    continue;
                double want = i == MED2_REG_ENDIAN ? (double)mode : base[i];
                cr_expect(v[i] == want || (isnan(v[i]) && isnan(want)),
                          "%s, %s: %s reads %.17g, %.17g in BE", model, rig_endian_name(mode),
                          rig_reg_name((enum med2_reg_id)i), v[i], want);
            }
            /* The words on the wire are the mode's permutation of the value. */
            const enum med2_reg_id probes[] = {MED2_REG_VOLTAGE, MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY,
                                               MED2_REG_DEMAND_PERIOD, MED2_REG_CT_PRIMARY};
            for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
                const struct med2_reg_info *r = rig_reg_info(probes[k]);
                uint16_t want[4], got[4];
                int n = rig_encode_value(r->type, base[probes[k]], mode, want);
                cr_assert_gt(n, 0, "%s", rig_last_error());
                cr_assert_eq(rig_meter_read_registers(suite_meter(p), suite_addr(p, probes[k]),
                                                      (uint16_t)n, got),
                             0, "%s", rig_last_error());
                for (int w = 0; w < n; w++)
                    cr_expect_eq(got[w], want[w], "%s, %s: %s word %d is %04x, want %04x", model,
                                 rig_endian_name(mode), rig_reg_name(probes[k]), w, got[w],
                                 want[w]);
            }
        }
    }
}

Test(map, energy_registers_add_up)
{
    suite_meter_energy(METER_SECONDS);
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        double v[MED2_REG_COUNT];
        bool present[MED2_REG_COUNT];
        cr_assert_eq(rig_meter_read_map(suite_meter(p), v, present), 0, "%s", rig_last_error());
        const double eps = 1e-6;
        /* Manual §4: T1 is the sum of T1-1..T1-4 (4-tariff models). */
        if (suite_map(p) == MED2_MAP_C80)
            cr_expect(fabs(v[MED2_REG_T1_IMPORT_ACTIVE_ENERGY] -
                           (v[MED2_REG_T1_1_IMPORT_ACTIVE_ENERGY] +
                            v[MED2_REG_T1_2_IMPORT_ACTIVE_ENERGY] +
                            v[MED2_REG_T1_3_IMPORT_ACTIVE_ENERGY] +
                            v[MED2_REG_T1_4_IMPORT_ACTIVE_ENERGY])) < eps,
                      "position %u: T1 %.6f is not the sum of T1-1..T1-4", p,
                      v[MED2_REG_T1_IMPORT_ACTIVE_ENERGY]);
        cr_expect(fabs(v[MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY] -
                       (v[MED2_REG_T1_IMPORT_ACTIVE_ENERGY] + v[MED2_REG_T2_IMPORT_ACTIVE_ENERGY])) <
                      eps,
                  "position %u: total %.6f is not T1 + T2", p,
                  v[MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY]);
        cr_expect(fabs(v[MED2_REG_BALANCE_ACTIVE_ENERGY] -
                       (v[MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY] -
                        v[MED2_REG_TOTAL_EXPORT_ACTIVE_ENERGY])) < eps,
                  "position %u: active balance %.6f", p, v[MED2_REG_BALANCE_ACTIVE_ENERGY]);
        cr_expect(fabs(v[MED2_REG_BALANCE_REACTIVE_ENERGY] -
                       (v[MED2_REG_TOTAL_IMPORT_REACTIVE_ENERGY] -
                        v[MED2_REG_TOTAL_EXPORT_REACTIVE_ENERGY])) < eps,
                  "position %u: reactive balance %.6f", p, v[MED2_REG_BALANCE_REACTIVE_ENERGY]);
        /* 230 V x 5 A x cos 30 for a minute: about 16.6 Wh, within the
         * uncalibrated unit's spread. */
        double wh = 230.0 * 5.0 * cos(30.0 * M_PI / 180.0) * METER_SECONDS / 3600.0;
        cr_expect(fabs(v[MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY] - wh) < 0.15 * wh,
                  "position %u: %.3f Wh for about %.3f Wh", p,
                  v[MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY], wh);
    }
}

Test(map, every_value_reads_alone_as_in_the_block)
{
    suite_meter_energy(METER_SECONDS);
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        double block[MED2_REG_COUNT];
        bool present[MED2_REG_COUNT];
        cr_assert_eq(rig_meter_read_map(suite_meter(p), block, present), 0, "%s",
                     rig_last_error());
        for (int i = 0; i < MED2_REG_COUNT; i++) {
            if (!present[i])
                continue;
            double alone = suite_read(p, (enum med2_reg_id)i);
            cr_expect(alone == block[i], "position %u: %s alone %.17g, in the block %.17g", p,
                      rig_reg_name((enum med2_reg_id)i), alone, block[i]);
        }
    }
}

/* Is address inside (or at) a value of map? */
static bool covered(enum med2_map map, unsigned address)
{
    for (int i = 0; i < MED2_REG_COUNT; i++) {
        unsigned a = rig_reg_info((enum med2_reg_id)i)->address[map];
        if (a != MED2_NA && address >= a && address < a + rig_reg_words((enum med2_reg_id)i))
            return true;
    }
    return false;
}

Test(map, no_address_outside_the_map_answers)
{
    /* Every register address around the map's ranges that belongs to no
     * value: a single-register read is exception 02. */
    static const unsigned ranges[][2] = {{0, 1000}, {1990, 2010}, {2990, 3010}, {5990, 6010}};
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        enum med2_map map = suite_map(p);
        struct rig_meter *m = suite_meter(p);
        unsigned wrong = 0;
        for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
            for (unsigned a = ranges[r][0]; a <= ranges[r][1]; a++) {
                if (covered(map, a))
                    continue;
                uint16_t w;
                int rc = rig_meter_read_registers(m, (uint16_t)a, 1, &w);
                if (rc != -EREMOTEIO || rig_meter_last_exception(m) != EX_ILLEGAL_ADDRESS) {
                    if (wrong++ < 5)
                        cr_expect_fail("position %u (%s map): register %u answered %s", p,
                                       rig_regmap_name(map), a,
                                       rc == 0 ? "with data" : rig_last_error());
                }
            }
        }
        cr_expect_eq(wrong, 0, "position %u: %u unmapped addresses did not answer exception 02", p,
                     wrong);
    }
}
