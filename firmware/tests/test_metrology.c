/*
 * test_metrology.c — rms, power, PF and frequency on synthesised sines.
 *
 * Accuracy expected on a perfect AFE: V, I, P within 0.1 %, f within
 * 0.01 Hz over the manual's 45..65 Hz (Section 6).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdlib.h>

#include "afe.h"
#include "metrology.h"
#include "sine.h"

#define BLOCK 80
/* The requirement is 0.1 % and 0.01 Hz; the method does ~100x better on a
 * clean AFE, so the tests hold it to 0.02 % and 0.001 Hz: a regression such
 * as losing the fractional window ends (~0.08 % on I) must fail here. */
#define TOL_REL 0.0002
#define TOL_HZ 0.001

static void init_direct(struct metrology *m)
{
    metrology_init(m, AFE_V_PEAK_AT_FULL_SCALE / (float)AFE_CODE_FULL_SCALE,
                   AFE_I_PEAK_AT_FULL_SCALE_DIRECT / (float)AFE_CODE_FULL_SCALE);
}

/* Feed `seconds` of signal; returns the number of windows published. */
static unsigned run(struct metrology *m, struct sine_gen *g, double seconds)
{
    int32_t v[BLOCK], i[BLOCK];
    unsigned published = 0;
    size_t total = (size_t)(seconds * 4000.0);
    for (size_t done = 0; done < total; done += BLOCK) {
        size_t n = total - done < BLOCK ? total - done : BLOCK;
        sine_fill(g, v, i, n);
        for (size_t k = 0; k < n; k++) {
            published += metrology_on_sample(m, v[k], i[k]);
        }
    }
    return published;
}

static void assert_rel(double got, double want, double tol, const char *what, double f, double ph)
{
    double err = fabs(got - want) / fabs(want);
    cr_assert(err <= tol, "%s at %.2f Hz, %.1f deg: got %.6f want %.6f (%.4f %%, limit %.3f %%)", what,
              f, ph, got, want, 100.0 * err, 100.0 * tol);
}

struct point {
    double freq_hz, phase_deg, v_rms, i_rms;
    double tol; /* relative; 0: TOL_REL */
};

ParameterizedTestParameters(metrology, accuracy)
{
    static struct point points[] = {
        {45.0, 0.0, 230.0, 5.0, 0},    {50.0, 0.0, 230.0, 5.0, 0},   {60.0, 0.0, 230.0, 5.0, 0},
        {65.0, 0.0, 230.0, 5.0, 0},    {45.0, 60.0, 230.0, 5.0, 0},  {50.0, 60.0, 230.0, 5.0, 0},
        {65.0, 60.0, 230.0, 5.0, 0},   {47.3, 0.0, 230.0, 5.0, 0},   {50.0, -36.87, 230.0, 5.0, 0},
        {61.7, 60.0, 230.0, 5.0, 0},   {50.0, 0.0, 253.0, 80.0, 0},
        /* Imin of class B: 40 codes of noise on a 17000-code rms signal limit
         * a single window here, so the requirement's 0.1 %. */
        {50.0, 0.0, 230.0, 0.25, 0.001},
    };
    return cr_make_param_array(struct point, points, sizeof(points) / sizeof(points[0]));
}

ParameterizedTest(struct point *pt, metrology, accuracy)
{
    const double tol = pt->tol > 0.0 ? pt->tol : TOL_REL;
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, pt->v_rms, pt->i_rms, pt->phase_deg, pt->freq_hz);
    g.noise_codes = 40.0; /* about what the native AFE model adds */
    cr_assert_geq(run(&m, &g, 1.0), 3u, "windows must be published");
    /* Check several consecutive windows, not one lucky one. */
    for (int w = 0; w < 5; w++) {
        run(&m, &g, 0.2);
        const struct metrology_values *val = metrology_values(&m);
        double ph = pt->phase_deg * M_PI / 180.0;
        double p = pt->v_rms * pt->i_rms * cos(ph);
        double q = pt->v_rms * pt->i_rms * sin(ph);
        assert_rel(val->v_rms, pt->v_rms, tol, "Vrms", pt->freq_hz, pt->phase_deg);
        assert_rel(val->i_rms, pt->i_rms, tol, "Irms", pt->freq_hz, pt->phase_deg);
        assert_rel(val->p_w, p, tol, "P", pt->freq_hz, pt->phase_deg);
        assert_rel(val->s_va, pt->v_rms * pt->i_rms, tol, "S", pt->freq_hz, pt->phase_deg);
        cr_assert(fabs(val->pf - cos(ph)) <= tol, "PF %f want %f", val->pf, cos(ph));
        if (pt->phase_deg != 0.0) {
            /* Reactive: quarter-period delay, class 2 (IEC 62053-23) needs 2 %. */
            assert_rel(val->q_var, q, 0.005, "Q", pt->freq_hz, pt->phase_deg);
        } else {
            cr_assert(fabs(val->q_var) <= 0.002 * p, "Q at PF 1: %f", val->q_var);
        }
        cr_assert(fabs(val->freq_hz - pt->freq_hz) <= TOL_HZ, "f %f want %f", val->freq_hz,
                  pt->freq_hz);
    }
}

Test(metrology, window_is_about_200ms)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 0.0, 50.0);
    unsigned w = run(&m, &g, 10.0);
    /* 10 cycles at 50 Hz: 5 windows a second (the first starts at a crossing). */
    cr_assert(w >= 49 && w <= 50, "windows in 10 s: %u", w);
}

Test(metrology, dc_offsets_removed)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 60.0, 50.0);
    g.v_offset = 3000; /* the native AFE model's largest offsets */
    g.i_offset = -3000;
    g.noise_codes = 40.0;
    run(&m, &g, 1.0);
    const struct metrology_values *val = metrology_values(&m);
    assert_rel(val->v_rms, 230.0, 0.001, "Vrms", 50, 60);
    assert_rel(val->i_rms, 5.0, 0.001, "Irms", 50, 60);
    assert_rel(val->p_w, 575.0, 0.001, "P", 50, 60);
    /* to the noise of one window's mean (40 codes / sqrt(800) ~ 1.4 codes) */
    cr_assert(abs(m.v_dc - 3000) <= 8, "DC estimate %d", m.v_dc);
    cr_assert(abs(m.i_dc + 3000) <= 8, "DC estimate %d", m.i_dc);
}

Test(metrology, export_gives_negative_power)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 180.0, 50.0);
    run(&m, &g, 1.0);
    const struct metrology_values *val = metrology_values(&m);
    assert_rel(val->p_w, -1150.0, 0.001, "P", 50, 180);
    cr_assert(val->pf < -0.999f);
}

Test(metrology, capacitive_gives_negative_q)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, -36.87, 50.0);
    run(&m, &g, 1.0);
    cr_assert(metrology_values(&m)->q_var < -600.0f, "Q %f", metrology_values(&m)->q_var);
}

Test(metrology, no_voltage_publishes_zeros_after_timeout)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 0.0, 50.0);
    run(&m, &g, 1.0);
    cr_assert(metrology_values(&m)->v_rms > 200.0f);
    /* Voltage gone, current and noise still there: no crossings. */
    g.v_rms = 0.0;
    g.noise_codes = 40.0;
    g.v_offset = 500;
    unsigned w = run(&m, &g, 1.0);
    cr_assert_geq(w, 1u, "must keep publishing without crossings");
    const struct metrology_values *val = metrology_values(&m);
    cr_assert_eq(val->v_rms, 0.0f);
    cr_assert_eq(val->i_rms, 0.0f);
    cr_assert_eq(val->p_w, 0.0f);
    cr_assert_eq(val->freq_hz, 0.0f);
    /* And it recovers when the voltage returns. */
    g.v_rms = 230.0;
    run(&m, &g, 1.0);
    assert_rel(metrology_values(&m)->v_rms, 230.0, 0.001, "Vrms after return", 50, 0);
    cr_assert(fabs(metrology_values(&m)->freq_hz - 50.0) <= 0.01);
}

Test(metrology, noise_does_not_double_count_crossings)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 0.0, 50.0);
    g.noise_codes = 5000.0; /* 0.3 V rms: far more than the AFE's */
    run(&m, &g, 2.0);
    cr_assert(fabs(metrology_values(&m)->freq_hz - 50.0) <= 0.05, "f %f",
              metrology_values(&m)->freq_hz);
}

Test(metrology, calibration_gain_and_phase)
{
    struct metrology m;
    init_direct(&m);
    struct metrology_cal cal = metrology_cal_identity();
    cal.v_gain = 1.02f;
    cal.i_gain = 0.97f;
    cal.i_phase_deg = 1.0f; /* current channel lags by 1 degree extra */
    metrology_set_calibration(&m, &cal);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 61.0, 50.0); /* true 60 deg + 1 deg sensor lag */
    run(&m, &g, 1.0);
    const struct metrology_values *val = metrology_values(&m);
    assert_rel(val->v_rms, 230.0 * 1.02, 0.001, "Vrms", 50, 61);
    assert_rel(val->i_rms, 5.0 * 0.97, 0.001, "Irms", 50, 61);
    assert_rel(val->p_w, 230.0 * 1.02 * 5.0 * 0.97 * 0.5, 0.001, "P", 50, 61);
}

/* ---- THD: harmonic orders 2..40 (IEC 61000-4-7), noise and interharmonics out ---- */

struct thd_point {
    double freq_hz;
    double v_pct3, v_pct5; /* 3rd and 5th harmonic of V, % */
    double i_pct3, i_pct5, i_pct31;
};

ParameterizedTestParameters(metrology, thd)
{
    static struct thd_point points[] = {
        {50.0, 5.0, 3.0, 20.0, 10.0, 0.0},  {60.0, 5.0, 3.0, 20.0, 10.0, 0.0},
        {53.7, 5.0, 3.0, 20.0, 10.0, 0.0},  {45.0, 5.0, 3.0, 0.0, 0.0, 2.0},
        {50.0, 0.0, 0.0, 0.0, 0.0, 4.0},    {64.9, 1.0, 0.0, 30.0, 0.0, 0.0},
    };
    return cr_make_param_array(struct thd_point, points, sizeof(points) / sizeof(points[0]));
}

ParameterizedTest(struct thd_point *pt, metrology, thd)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 30.0, pt->freq_hz);
    g.noise_codes = 40.0;
    g.v_harm[0] = (struct sine_harmonic){3, pt->v_pct3, 40.0};
    g.v_harm[1] = (struct sine_harmonic){5, pt->v_pct5, -75.0};
    g.i_harm[0] = (struct sine_harmonic){3, pt->i_pct3, 10.0};
    g.i_harm[1] = (struct sine_harmonic){5, pt->i_pct5, 130.0};
    g.i_harm[2] = (struct sine_harmonic){31, pt->i_pct31, 0.0};
    double want_v = hypot(pt->v_pct3, pt->v_pct5);
    double want_i = sqrt(pt->i_pct3 * pt->i_pct3 + pt->i_pct5 * pt->i_pct5 + pt->i_pct31 * pt->i_pct31);
    /* every order is measured within ~5 s once the signal is steady */
    run(&m, &g, 6.0);
    for (int w = 0; w < 5; w++) {
        run(&m, &g, 0.2);
        const struct metrology_values *val = metrology_values(&m);
        /* within 0.03 % THD (absolute: the floor is ~0.015 %) and 0.2 % of the value */
        cr_assert(fabs(val->thd_v_pct - want_v) <= 0.03 + 0.002 * want_v, "THDV %.4f %% want %.4f %% at %.1f Hz",
                  val->thd_v_pct, want_v, pt->freq_hz);
        cr_assert(fabs(val->thd_i_pct - want_i) <= 0.03 + 0.002 * want_i, "THDI %.4f %% want %.4f %% at %.1f Hz",
                  val->thd_i_pct, want_i, pt->freq_hz);
        /* the rms counts the harmonics too */
        assert_rel(val->v_rms, 230.0 * sqrt(1.0 + want_v * want_v / 1e4), 0.0003, "Vrms", pt->freq_hz, 30);
        assert_rel(val->i_rms, 5.0 * sqrt(1.0 + want_i * want_i / 1e4), 0.0003, "Irms", pt->freq_hz, 30);
        cr_assert(fabs(val->freq_hz - pt->freq_hz) <= 0.002, "f %f", val->freq_hz);
    }
}

Test(metrology, thd_follows_a_frequency_change)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 0.0, 50.0);
    g.v_harm[0] = (struct sine_harmonic){3, 5.0, 0.0};
    g.v_harm[1] = (struct sine_harmonic){5, 3.0, 0.0};
    run(&m, &g, 6.0);
    cr_assert(fabs(metrology_values(&m)->thd_v_pct - 5.831) < 0.02);
    /* a new frequency: continue the phase, as a source does */
    g.start_phase_rad += 2.0 * M_PI * (50.0 - 57.3) * (double)g.n / 4000.0;
    g.freq_hz = 57.3;
    /* right after the change the orders measured before hold; each is
     * measured again at the new frequency within a rotation (~5 s) */
    for (int k = 0; k < 30; k++) {
        run(&m, &g, 0.2);
        cr_assert(fabs(metrology_values(&m)->thd_v_pct - 5.831) < 0.02, "THDV %f after %.1f s",
                  metrology_values(&m)->thd_v_pct, 0.2 * (k + 1));
    }
    cr_assert(fabs(metrology_values(&m)->thd_v_pct - 5.831) < 0.02, "THDV %f",
              metrology_values(&m)->thd_v_pct);
}

Test(metrology, thd_of_a_clean_sine_and_no_current)
{
    struct metrology m;
    init_direct(&m);
    metrology_set_no_load(&m, 0.008f);
    struct sine_gen g;
    sine_init(&g, 230.0, 0.0, 0.0, 50.0);
    g.noise_codes = 40.0;
    run(&m, &g, 1.0);
    const struct metrology_values *val = metrology_values(&m);
    cr_assert(val->thd_v_pct < 0.03f, "THDV of a clean sine %f", val->thd_v_pct);
    cr_assert_eq(val->thd_i_pct, 0.0f, "no current, no THDI");
    cr_assert_eq(val->p_w, 0.0f, "no load");
    cr_assert_eq(val->pf, 1.0f);
}

/* Noise alone at the starting current is not distortion: the AFE's 40
 * codes rms at 20 mA on a direct unit (fundamental ~1900 codes peak) made
 * ~3 % THDI when THD was the rms left beside the fundamental; from the
 * harmonic bins with their noise share taken out it stays near 0. */
Test(metrology, noise_at_ist_is_not_thd)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 0.020, 0.0, 50.0);
    g.noise_codes = 40.0;
    /* the noise share is known once every order was measured (5 s), and
     * taken out of each order when it is measured again */
    run(&m, &g, 11.0);
    double worst = 0.0;
    for (int w = 0; w < 10; w++) {
        run(&m, &g, 0.2);
        worst = fmax(worst, metrology_values(&m)->thd_i_pct);
    }
    cr_assert(worst < 0.6, "THDI from noise at Ist: %f %%", worst);
    /* and a real 5 % 3rd harmonic at that current still reads */
    g.i_harm[0] = (struct sine_harmonic){3, 5.0, 0.0};
    run(&m, &g, 6.0);
    cr_assert(fabs(metrology_values(&m)->thd_i_pct - 5.0) < 0.6, "THDI %f",
              metrology_values(&m)->thd_i_pct);
}

/* Interharmonics (between the harmonic bins) are not harmonic distortion
 * (IEC 61000-4-7): a 175 Hz component does not count, a 150 Hz one does. */
Test(metrology, interharmonics_are_not_thd)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 0.0, 50.0);
    g.i_harm[0] = (struct sine_harmonic){3, 10.0, 0.0};
    run(&m, &g, 6.0);
    cr_assert(fabs(metrology_values(&m)->thd_i_pct - 10.0) < 0.05, "THDI %f",
              metrology_values(&m)->thd_i_pct);
    /* the same 10 % at 3.5 x 50 Hz, as a 7th harmonic of 25 Hz would be:
     * synthesise it as order 7 of a half-frequency phase */
    struct metrology m2;
    init_direct(&m2);
    int32_t v[BLOCK], i[BLOCK];
    double a_v = sqrt(2.0) * 230.0 / (AFE_V_PEAK_AT_FULL_SCALE / (double)AFE_CODE_FULL_SCALE);
    double a_i = sqrt(2.0) * 5.0 / (AFE_I_PEAK_AT_FULL_SCALE_DIRECT / (double)AFE_CODE_FULL_SCALE);
    for (unsigned n = 0; n < 4000u * 3u; n += BLOCK) {
        for (unsigned k = 0; k < BLOCK; k++) {
            double th = 2.0 * M_PI * 50.0 * (double)(n + k) / 4000.0;
            v[k] = (int32_t)lrint(a_v * sin(th));
            i[k] = (int32_t)lrint(a_i * (sin(th) + 0.10 * sin(3.5 * th)));
        }
        for (unsigned k = 0; k < BLOCK; k++) {
            metrology_on_sample(&m2, v[k], i[k]);
        }
    }
    cr_assert(metrology_values(&m2)->thd_i_pct < 1.0, "THDI of an interharmonic %f",
              metrology_values(&m2)->thd_i_pct);
}

/* Anti-creep lives here only (energy counts what is published): below the
 * no-load current P and Q are 0, at and above it they are measured. */
Test(metrology, anti_creep_threshold)
{
    struct metrology m;
    init_direct(&m);
    metrology_set_no_load(&m, 0.008f);
    struct sine_gen g;
    sine_init(&g, 230.0, 0.007, 0.0, 50.0);
    run(&m, &g, 1.0);
    cr_assert_eq(metrology_values(&m)->p_w, 0.0f);
    cr_assert_eq(metrology_values(&m)->q_var, 0.0f);
    cr_assert(metrology_values(&m)->i_rms > 0.006f, "the current is still published");
    sine_init(&g, 230.0, 0.010, 0.0, 50.0);
    run(&m, &g, 1.0);
    cr_assert(fabsf(metrology_values(&m)->p_w - 2.3f) < 0.02f, "P %f", metrology_values(&m)->p_w);
}

/* ---- PF and angle in the four quadrants (IEC 62053-23 signs) ---- */

ParameterizedTestParameters(metrology, quadrants)
{
    static double angles[] = {30.0, 150.0, 210.0, 330.0, -30.0, 90.0};
    return cr_make_param_array(double, angles, sizeof(angles) / sizeof(angles[0]));
}

ParameterizedTest(double *angle, metrology, quadrants)
{
    struct metrology m;
    init_direct(&m);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, *angle, 50.0);
    g.noise_codes = 40.0;
    run(&m, &g, 1.0);
    const struct metrology_values *val = metrology_values(&m);
    double ph = *angle * M_PI / 180.0;
    double p = 1150.0 * cos(ph), q = 1150.0 * sin(ph);
    cr_assert(fabs(val->p_w - p) <= 0.0005 * 1150.0, "P %f want %f", val->p_w, p);
    cr_assert(fabs(val->q_var - q) <= 0.002 * 1150.0, "Q %f want %f", val->q_var, q);
    /* PF carries the sign of P: quadrants I, IV positive; II, III negative */
    cr_assert(fabs(val->pf - cos(ph)) <= 0.0005, "PF %f want %f", val->pf, cos(ph));
    double want_angle = atan2(sin(ph), cos(ph)) * 180.0 / M_PI;
    cr_assert(fabs(val->phase_deg - want_angle) <= 0.02, "angle %f want %f", val->phase_deg, want_angle);
}

/* ---- calibration applied per sample ---- */

struct phase_point {
    double freq_hz, sensor_lag_deg;
};

ParameterizedTestParameters(metrology, phase_correction)
{
    static struct phase_point points[] = {
        {50.0, 1.7}, {50.0, -0.9}, {60.0, 2.95}, {45.0, -3.0}, {65.0, 3.0}, {50.0, 0.01},
    };
    return cr_make_param_array(struct phase_point, points, sizeof(points) / sizeof(points[0]));
}

/* A unit whose current sensor lags by a known angle, corrected to < 0.01 deg
 * at PF 0.5 (where 0.01 deg is 0.03 % of P). */
ParameterizedTest(struct phase_point *pt, metrology, phase_correction)
{
    struct metrology m;
    init_direct(&m);
    struct metrology_cal cal = metrology_cal_identity();
    cal.i_phase_deg = (float)pt->sensor_lag_deg;
    metrology_set_calibration(&m, &cal);
    struct sine_gen g;
    sine_init(&g, 230.0, 5.0, 60.0 + pt->sensor_lag_deg, pt->freq_hz);
    run(&m, &g, 1.0);
    for (int w = 0; w < 3; w++) {
        run(&m, &g, 0.2);
        const struct metrology_values *val = metrology_values(&m);
        /* the angle P and S imply: cos(angle) = P / S */
        double angle = acos(val->p_w / val->s_va) * 180.0 / M_PI;
        cr_assert(fabs(angle - 60.0) < 0.01, "angle from P/S %.5f deg at %.0f Hz, lag %.2f", angle,
                  pt->freq_hz, pt->sensor_lag_deg);
        cr_assert(fabs(val->phase_deg - 60.0) < 0.01, "angle %.5f", val->phase_deg);
        assert_rel(val->p_w, 575.0, 0.0003, "P", pt->freq_hz, 60.0);
        assert_rel(val->q_var, 1150.0 * sin(M_PI / 3.0), 0.0005, "Q", pt->freq_hz, 60.0);
        assert_rel(val->v_rms, 230.0, 0.0002, "Vrms", pt->freq_hz, 60.0);
        assert_rel(val->i_rms, 5.0, 0.0002, "Irms", pt->freq_hz, 60.0);
    }
}

Test(metrology, offsets_are_additive_the_current_one_scales_p_and_q)
{
    struct metrology m;
    init_direct(&m);
    struct metrology_cal cal = metrology_cal_identity();
    cal.v_rms_offset = 0.5f;   /* reads 0.5 V high */
    cal.i_rms_offset = -0.01f; /* reads 10 mA low, at every load */
    cal.p_offset_w = -1.5f;    /* reads 1.5 W low */
    metrology_set_calibration(&m, &cal);
    struct sine_gen g;
    sine_init(&g, 230.0, 1.0, 60.0, 50.0);
    run(&m, &g, 1.0);
    const struct metrology_values *val = metrology_values(&m);
    cr_assert(fabs(val->v_rms - 229.5) < 0.01, "V %f", val->v_rms);
    cr_assert(fabs(val->i_rms - 1.01) < 0.0002, "I %f", val->i_rms);
    /* the current the powers are made of is 1.01 A: P = 230 x 1.01 x 0.5 + 1.5 */
    cr_assert(fabs(val->p_w - (230.0 * 1.01 * 0.5 + 1.5)) < 0.05, "P %f", val->p_w);
    cr_assert(fabs(val->q_var - 230.0 * 1.01 * sin(M_PI / 3.0)) < 0.1, "Q %f", val->q_var);
    cr_assert(fabs(val->i_sense_a - 1.0) < 0.0002, "I before the offset %f", val->i_sense_a);
}

Test(metrology, ct_and_vt_ratios_scale_to_primary)
{
    struct metrology m;
    metrology_init(&m, AFE_V_PEAK_AT_FULL_SCALE / (float)AFE_CODE_FULL_SCALE,
                   AFE_I_PEAK_AT_FULL_SCALE_CT / (float)AFE_CODE_FULL_SCALE);
    metrology_set_ratios(&m, 40.0f, 2.0f); /* 200/5 A, 200/100 V */
    struct sine_gen g;
    sine_init(&g, 110.0, 4.0, 60.0, 50.0);
    g.i_per_code = AFE_I_PEAK_AT_FULL_SCALE_CT / (double)AFE_CODE_FULL_SCALE;
    run(&m, &g, 1.0);
    const struct metrology_values *val = metrology_values(&m);
    assert_rel(val->v_rms, 220.0, 0.0003, "V primary", 50, 60);
    assert_rel(val->i_rms, 160.0, 0.0003, "I primary", 50, 60);
    assert_rel(val->p_w, 220.0 * 160.0 * 0.5, 0.0005, "P primary", 50, 60);
    assert_rel(val->s_va, 220.0 * 160.0, 0.0005, "S primary", 50, 60);
    assert_rel(val->i_sense_a, 4.0, 0.0003, "I at the terminals", 50, 60);
    cr_assert(fabs(val->pf - 0.5) < 0.0005);
}
