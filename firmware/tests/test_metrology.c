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
