/*
 * suites/mid/influence.c — EN 50470-3 8.2 (limits of error due to
 * influence quantities): the change of a calibrated meter's error when one
 * influence quantity leaves its reference value, everything else held at
 * reference conditions (Un, fn, sinusoidal):
 *
 *   voltage Un +-10 %        at Iref, PF 1 and PF 0.5 inductive
 *   frequency fn +-2 %       at Iref, PF 1 and PF 0.5 inductive
 *   harmonics in current and voltage: 5th harmonic, 10 % of Un on the
 *   voltage and 40 % of the fundamental on the current, in phase (harmonic
 *   PF 1), fundamental PF 1 at 0.5 Imax — the test of EN 50470-3 /
 *   IEC 62053-21 8.2.1; the reference energy includes the harmonic's
 *   power (the source integrates it), so the meter must count it too.
 *
 * Limits of the error shift, %, class B / class C (EN 50470-3 8.2, table
 * of influence quantities; class B matches IEC 62053-21 class 1, class C
 * IEC 62053-22 class 0.5S):
 *   voltage +-10 %      PF 1: 0.7 / 0.2    PF 0.5L: 1.0 / 0.4
 *   frequency +-2 %     PF 1: 0.5 / 0.2    PF 0.5L: 0.7 / 0.2
 *   harmonics                0.8 / 0.5
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "mid.h"

#define PF05L_DEG 60.0
#define HARMONIC_ORDER 5u
#define HARMONIC_V_PCT 10.0
#define HARMONIC_I_PCT 40.0

enum influence { VOLTAGE, FREQUENCY, HARMONICS };

struct limits {
    double voltage_pf1, voltage_pf05, freq_pf1, freq_pf05, harmonics;
};
static const struct limits class_b = {0.7, 1.0, 0.5, 0.7, 0.8};
static const struct limits class_c = {0.2, 0.4, 0.2, 0.2, 0.5};

static struct rig_bench *bench;

static void close_bench(void)
{
    mid_close(bench);
    bench = NULL;
}

/* One condition: the point under influence and its reference point. */
struct condition {
    char label[40];
    struct rig_point ref, infl;
    bool harmonics;
    double limit_pct;
};

static void measure(const struct rig_point *pt, bool harmonics, struct rig_error *res)
{
    struct rig_source *src = rig_bench_source(bench);
    double power = pt->volts * pt->amps * cos(pt->phase_deg * M_PI / 180.0);
    if (harmonics) {
        cr_assert_eq(rig_source_set_harmonic(src, false, HARMONIC_ORDER, HARMONIC_V_PCT, 0.0), 0,
                     "%s", rig_last_error());
        cr_assert_eq(rig_source_set_harmonic(src, true, HARMONIC_ORDER, HARMONIC_I_PCT, 0.0), 0,
                     "%s", rig_last_error());
        power *= 1.0 + HARMONIC_V_PCT * HARMONIC_I_PCT / 1e4;
    }
    struct rig_gate gates[MID_MAX_POSITIONS];
    for (unsigned p = 0; p < rig_bench_position_count(bench); p++) {
        gates[p] = mid_gate(RIG_ENERGY_ACTIVE, 1, MID_PULSE1_WH, power);
    }
    mid_measure(bench, pt, gates, res);
    if (harmonics) {
        cr_assert_eq(rig_source_clear_harmonics(src), 0, "%s", rig_last_error());
    }
}

static size_t conditions(enum influence which, const struct mid_rating *rt,
                         const struct limits *lim, struct condition *c)
{
    const struct rig_point ref1 = {rt->un, rt->iref, 0.0, rt->fn};
    const struct rig_point ref05 = {rt->un, rt->iref, PF05L_DEG, rt->fn};
    size_t n = 0;
    if (which == VOLTAGE || which == FREQUENCY) {
        for (int pf = 0; pf < 2; pf++) {
            for (int sign = -1; sign <= 1; sign += 2) {
                struct condition *k = &c[n++];
                k->ref = pf ? ref05 : ref1;
                k->infl = k->ref;
                k->harmonics = false;
                if (which == VOLTAGE) {
                    k->infl.volts = rt->un * (1.0 + 0.10 * sign);
                    k->limit_pct = pf ? lim->voltage_pf05 : lim->voltage_pf1;
                    snprintf(k->label, sizeof(k->label), "U %+d %% Iref %s", 10 * sign,
                             pf ? "PF0.5L" : "PF1");
                } else {
                    k->infl.freq_hz = rt->fn * (1.0 + 0.02 * sign);
                    k->limit_pct = pf ? lim->freq_pf05 : lim->freq_pf1;
                    snprintf(k->label, sizeof(k->label), "f %+d %% Iref %s", 2 * sign,
                             pf ? "PF0.5L" : "PF1");
                }
            }
        }
    } else {
        struct condition *k = &c[n++];
        k->ref = (struct rig_point){rt->un, 0.5 * rt->imax, 0.0, rt->fn};
        k->infl = k->ref;
        k->harmonics = true;
        k->limit_pct = lim->harmonics;
        snprintf(k->label, sizeof(k->label), "5th U %.0f%% I %.0f%% 0.5Imax", HARMONIC_V_PCT,
                 HARMONIC_I_PCT);
    }
    return n;
}

static void influence(const char *bench_file, enum influence which)
{
    bench = mid_open(bench_file);
    mid_calibrate(bench);
    unsigned n = rig_bench_position_count(bench);
    const struct mid_rating rt = mid_rating(rig_bench_position(bench, 1)->model);
    const struct limits *lim = rt.cls == 'C' ? &class_c : &class_b;
    struct condition c[8];
    size_t nc = conditions(which, &rt, lim, c);

    static const char *const names[] = {"voltage", "frequency", "harmonics"};
    char text[4096];
    size_t len = (size_t)snprintf(text, sizeof(text),
                                  "\nEN 50470-3 8.2 influence of %s — bench %s, class %c: error "
                                  "shift %% (error at reference -> under influence), limit +-%%\n",
                                  names[which], rig_bench_name(bench), rt.cls);
    for (size_t k = 0; k < nc; k++) {
        struct rig_error ref[MID_MAX_POSITIONS], infl[MID_MAX_POSITIONS];
        measure(&c[k].ref, false, ref);
        measure(&c[k].infl, c[k].harmonics, infl);
        if (len < sizeof(text)) {
            len += (size_t)snprintf(text + len, sizeof(text) - len, "  %-28s limit %.2f",
                                    c[k].label, c[k].limit_pct);
        }
        for (unsigned p = 0; p < n; p++) {
            cr_assert(ref[p].measured && infl[p].measured, "position %u, %s: no pulses", p + 1,
                      c[k].label);
            double shift = (infl[p].error - ref[p].error) * 100.0;
            if (len < sizeof(text)) {
                len += (size_t)snprintf(text + len, sizeof(text) - len,
                                        "  | pos %u %+.4f (%+.3f -> %+.3f)%s", p + 1, shift,
                                        ref[p].error * 100.0, infl[p].error * 100.0,
                                        fabs(shift) > c[k].limit_pct ? " *" : "");
            }
            cr_expect_leq(fabs(shift), c[k].limit_pct,
                          "position %u (%s), %s: error shift %+.3f %% beyond +-%.2f %%", p + 1,
                          rig_bench_position(bench, p + 1)->model, c[k].label, shift,
                          c[k].limit_pct);
        }
        if (len < sizeof(text)) {
            len += (size_t)snprintf(text + len, sizeof(text) - len, "\n");
        }
    }
    mid_print(text);
}

Test(mid, influence_voltage_class_c, .fini = close_bench)
{
    influence("fixtures/benches/mid-c.ini", VOLTAGE);
}

Test(mid, influence_voltage_class_b, .fini = close_bench)
{
    influence("fixtures/benches/mid-b.ini", VOLTAGE);
}

Test(mid, influence_frequency_class_c, .fini = close_bench)
{
    influence("fixtures/benches/mid-c.ini", FREQUENCY);
}

Test(mid, influence_frequency_class_b, .fini = close_bench)
{
    influence("fixtures/benches/mid-b.ini", FREQUENCY);
}

Test(mid, influence_harmonics_class_c, .fini = close_bench)
{
    influence("fixtures/benches/mid-c.ini", HARMONICS);
}

Test(mid, influence_harmonics_class_b, .fini = close_bench)
{
    influence("fixtures/benches/mid-b.ini", HARMONICS);
}
