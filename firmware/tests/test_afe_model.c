/*
 * test_afe_model.c — the native board's simulated AFE (a self-test of the
 * simulator, so it may read a unit's secret imperfections): deterministic
 * per serial and within the declared spread (afe_model.h); the effects a
 * simple calibration cannot take out (CT errors vs current, frequency
 * response, self-heating and drift, crosstalk at no load) are there and of
 * the declared size, measured through the firmware's metrology; harmonics
 * reach the codes; the defect knobs do what the defect classes say and
 * nothing by default.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "afe.h"
#include "afe_model.h"
#include "metrology.h"

#define BLOCK 80
#define PI 3.14159265358979323846
#define SAMPLES_PER_S 4000u

static struct afe_model afe;
static struct metrology met;

static void unit(uint32_t serial, bool is_ct)
{
    afe_model_init(&afe, serial, is_ct);
    float i_fs = is_ct ? AFE_I_PEAK_AT_FULL_SCALE_CT : AFE_I_PEAK_AT_FULL_SCALE_DIRECT;
    metrology_init(&met, AFE_V_PEAK_AT_FULL_SCALE / (float)AFE_CODE_FULL_SCALE,
                   i_fs / (float)AFE_CODE_FULL_SCALE);
    metrology_set_afe_sinc3(&met, true); /* as meter_init: the AFE is the ADS131M02-like part */
}

static struct sim_terminals terminals(double v, double i, double phase, double f)
{
    return (struct sim_terminals){
        .v_rms = v, .i_rms = i, .phase_deg = phase, .freq_hz = f, .ambient_c = SIM_AMBIENT_DEFAULT_C};
}

/* Run the samples of `seconds` through the metrology. */
static void run(double seconds)
{
    int32_t vc[BLOCK], ic[BLOCK];
    unsigned blocks = (unsigned)(seconds * SAMPLES_PER_S / BLOCK);
    for (unsigned b = 0; b < blocks; b++) {
        afe_model_generate(&afe, vc, ic, BLOCK);
        for (unsigned k = 0; k < BLOCK; k++) {
            metrology_on_sample(&met, vc[k], ic[k]);
        }
    }
}

/* Apply the terminals, settle, then average `windows` windows. */
static struct metrology_values measure_t(const struct sim_terminals *t, unsigned windows)
{
    afe_model_set_terminals(&afe, t);
    int32_t vc[BLOCK], ic[BLOCK];
    unsigned seen = 0;
    struct metrology_values sum = {0};
    while (seen < windows + 3u) {
        afe_model_generate(&afe, vc, ic, BLOCK);
        for (unsigned k = 0; k < BLOCK; k++) {
            if (metrology_on_sample(&met, vc[k], ic[k]) && ++seen > 3u) {
                const struct metrology_values *x = metrology_values(&met);
                sum.v_rms += x->v_rms;
                sum.i_rms += x->i_rms;
                sum.p_w += x->p_w;
                sum.q_var += x->q_var;
                sum.thd_v_pct += x->thd_v_pct;
                sum.thd_i_pct += x->thd_i_pct;
            }
        }
    }
    sum.v_rms /= (float)windows;
    sum.i_rms /= (float)windows;
    sum.p_w /= (float)windows;
    sum.q_var /= (float)windows;
    sum.thd_v_pct /= (float)windows;
    sum.thd_i_pct /= (float)windows;
    return sum;
}

static struct metrology_values measure(double v, double i, double phase, unsigned windows)
{
    struct sim_terminals t = terminals(v, i, phase, 50.0);
    return measure_t(&t, windows);
}

/* The current channel's response (gain, extra lag) at these terminals. */
static void response(double i, double f, double *gain, double *lag)
{
    struct sim_terminals t = terminals(230.0, i, 0.0, f);
    afe_model_set_terminals(&afe, &t);
    afe_model_current_response(&afe, gain, lag);
}

Test(afe_model, deterministic_and_within_the_spread)
{
    for (uint32_t serial = 1; serial < 200; serial++) {
        for (int ct = 0; ct < 2; ct++) {
            struct afe_model a, b;
            afe_model_init(&a, serial, ct);
            afe_model_init(&b, serial, ct);
            cr_assert_eq(memcmp(&a.imp, &b.imp, sizeof(a.imp)), 0);
            cr_assert(fabs(a.imp.v_gain_error) <= AFE_MODEL_GAIN_SPREAD);
            cr_assert(fabs(a.imp.i_gain_error) <= AFE_MODEL_GAIN_SPREAD);
            cr_assert(fabs(a.imp.i_phase_error_deg) <= AFE_MODEL_PHASE_SPREAD_DEG);
            /* a good unit's current channel drifts <= 25 ppm/K (defect_spec.h: below unstable_cal) */
            cr_assert(fabs(a.imp.drift_i_ppm_k) <= 25.0, "serial %u: %f ppm/K", serial,
                      a.imp.drift_i_ppm_k);
            /* at Iref, 50 Hz the declared phase error is what the channel lags
             * (the crosstalk leads it by < 0.02 degree at 5 A) */
            afe = a;
            double g, lag;
            response(AFE_MODEL_IREF_A, 50.0, &g, &lag);
            cr_assert(fabs(lag - a.imp.i_phase_error_deg) < 0.02, "serial %u: lag %f vs %f", serial,
                      lag, a.imp.i_phase_error_deg);
            cr_assert(fabs(g / (1.0 + a.imp.i_gain_error) - 1.0) < 0.0025, "serial %u: gain %f", serial,
                      g);
        }
    }
}

/* A CT unit's internal CT: ratio error and phase lead grow towards low
 * current, within [CT] class 0.2S's limits at 1 % and 100 % of Iref, and
 * differ from one unit to the next (so one calibration point cannot hold
 * for the range). */
Test(afe_model, ct_errors_grow_towards_low_current)
{
    double spread_lead = 0.0, first = 0.0;
    for (uint32_t serial = 31; serial < 41; serial++) {
        unit(serial, true);
        double g_ref, lag_ref, g_low, lag_low;
        response(AFE_MODEL_IREF_A, 50.0, &g_ref, &lag_ref);
        response(0.01 * AFE_MODEL_IREF_A, 50.0, &g_low, &lag_low);
        double ratio_drop = g_low / g_ref - 1.0;
        double lead_more_min = (lag_ref - lag_low) * 60.0;
        cr_assert(ratio_drop < -0.0008 && ratio_drop > -0.0075 + 0.002, "serial %u: %f", serial,
                  ratio_drop);
        cr_assert(lead_more_min > 3.0 && lead_more_min < 30.0, "serial %u: %f min", serial,
                  lead_more_min);
        if (serial == 31)
            first = lead_more_min;
        spread_lead = fmax(spread_lead, fabs(lead_more_min - first));
    }
    cr_assert(spread_lead > 2.0, "units differ in their CT's phase vs current: %f min", spread_lead);
}

/* Direct units: the shunt is linear; between Imin and Imax the channel's
 * gain and phase (self-heating aside) move by < 0.06 % and 0.02 degree. */
Test(afe_model, shunt_is_nearly_linear)
{
    unit(5u, false);
    double g_ref, lag_ref, g, lag;
    response(AFE_MODEL_IREF_A, 50.0, &g_ref, &lag_ref);
    response(80.0, 50.0, &g, &lag);
    cr_assert(fabs(g / g_ref - 1.0) < 1e-4 && fabs(lag - lag_ref) < 0.02, "%g %g", g / g_ref - 1.0, lag - lag_ref);
    response(0.15, 50.0, &g, &lag);
    cr_assert(fabs(g / g_ref - 1.0) < 6e-4 && fabs(lag - lag_ref) < 0.6, "%f %f", g / g_ref, lag);
}

/* Frequency response: calibrated at 50 Hz, the channels' delays leave a
 * residual phase at 45 and 55 Hz (and the sinc3 filter a gain residual). */
Test(afe_model, frequency_moves_the_phase)
{
    for (uint32_t serial = 50; serial < 60; serial++) {
        unit(serial, serial % 2u);
        double g50, l50, g55, l55;
        response(AFE_MODEL_IREF_A, 50.0, &g50, &l50);
        response(AFE_MODEL_IREF_A, 55.0, &g55, &l55);
        /* the delay part scales with f: 10 % of the lag not due to the CT */
        double delay_lag = 360.0 * 50.0 * (afe.imp.i_delay_s - afe.imp.v_delay_s);
        cr_assert(fabs((l55 - l50) - 0.1 * delay_lag) < 0.02 + (serial % 2u ? 0.02 : 0.0),
                  "serial %u: %f vs %f", serial, l55 - l50, 0.1 * delay_lag);
        cr_assert(g55 < g50, "sinc3 droops more at 55 Hz");
    }
}

/* Temperature: 80 A heats a direct unit by ~30 K over minutes (time
 * constant 90 s); the gain moves by its drift; unstable_cal's extra drift
 * moves it by that much more. Ambient counts too. */
Test(afe_model, self_heating_and_drift)
{
    unit(7u, false);
    struct sim_terminals t = terminals(230.0, 80.0, 0.0, 50.0);
    afe_model_set_terminals(&afe, &t);
    double g0, lag;
    afe_model_current_response(&afe, &g0, &lag);
    cr_assert_float_eq(afe.temp_c, 23.0, 1e-9);
    int32_t vc[BLOCK], ic[BLOCK];
    for (unsigned b = 0; b < 90u * SAMPLES_PER_S / BLOCK; b++) {
        afe_model_generate(&afe, vc, ic, BLOCK);
    }
    /* one time constant: 1 - 1/e of 30 K */
    cr_assert(fabs(afe.temp_c - 23.0 - 30.0 * (1.0 - exp(-1.0))) < 0.3, "%f", afe.temp_c);
    double g1;
    afe_model_current_response(&afe, &g1, &lag);
    double dt = afe.temp_c - 23.0;
    double want = afe.imp.drift_i_ppm_k * 1e-6 * dt + afe.imp.drift2_i_ppm_k2 * 1e-6 * dt * dt;
    cr_assert(afe.imp.drift2_i_ppm_k2 < 0.0, "manganin's parabola");
    cr_assert(fabs((g1 / g0 - 1.0) - want) < 2e-6, "%g vs %g", g1 / g0 - 1.0, want);

    afe.defect.i_drift_ppm_per_k_extra = 2000.0;
    afe_model_generate(&afe, vc, ic, 1);
    double g2;
    afe_model_current_response(&afe, &g2, &lag);
    cr_assert(fabs((g2 / g1 - 1.0) - 2000e-6 * dt) < 1e-4, "%f", g2 / g1 - 1.0);

    /* cooling at no current, towards a new ambient */
    unit(7u, false);
    t = terminals(230.0, 0.0, 0.0, 50.0);
    t.ambient_c = 40.0;
    afe_model_set_terminals(&afe, &t);
    cr_assert_float_eq(afe.temp_c, 40.0, 1e-9, "a unit starts at the bench's temperature");
}

/* With voltage and no current the current register shows the crosstalk
 * (0.5 to 1.5 mA on a direct unit) and the noise, below the anti-creep level,
 * and no active or reactive power is published. */
Test(afe_model, crosstalk_at_no_load)
{
    for (uint32_t serial = 70; serial < 75; serial++) {
        unit(serial, false);
        metrology_set_no_load(&met, 0.008f);
        struct metrology_values r = measure(230.0, 0.0, 0.0, 20);
        /* with the channel's white noise (0.6 mA rms on a direct unit) */
        double noise_a = AFE_MODEL_NOISE_RMS_CODES * AFE_I_PEAK_AT_FULL_SCALE_DIRECT / AFE_CODE_FULL_SCALE;
        double expect = hypot(afe.imp.xt_amps * (1.0 + afe.imp.i_gain_error), noise_a);
        cr_assert(r.i_rms > 0.6e-3f && r.i_rms < 1.8e-3f, "serial %u: %f A", serial, r.i_rms);
        cr_assert(fabs(r.i_rms - expect) < 0.15e-3, "serial %u: %f vs %f", serial, r.i_rms, expect);
        cr_assert_eq(r.p_w, 0.0f);
        cr_assert_eq(r.q_var, 0.0f);
    }
    /* and it is there under load: mostly reactive (capacitive), so Q at a
     * small inductive current reads low, P hardly moves */
    unit(71u, false);
    struct metrology_values r = measure(230.0, 0.25, 90.0, 20);
    double q_err = r.q_var / (230.0 * 0.25) / (1.0 + afe.imp.v_gain_error) / (1.0 + afe.imp.i_gain_error) - 1.0;
    cr_assert(q_err < -0.001, "Q error %f", q_err);
}

Test(afe_model, harmonics_reach_the_codes)
{
    unit(77u, false);
    struct sim_terminals t = terminals(230.0, 10.0, 20.0, 50.0);
    t.v_harm[0] = (struct sim_harmonic){3, 5.0f, 0.0f};
    t.v_harm[1] = (struct sim_harmonic){5, 3.0f, 90.0f};
    t.i_harm[0] = (struct sim_harmonic){3, 30.0f, 0.0f};
    t.i_harm[1] = (struct sim_harmonic){31, 4.0f, 0.0f};
    afe_model_set_terminals(&afe, &t);
    run(6.0);
    const struct metrology_values *x = metrology_values(&met);
    /* the firmware divides out the AFE's sinc3 response per order; the RC
     * takes 1 % off the 31st */
    cr_assert(fabsf(x->thd_v_pct - 5.831f) < 0.03f, "THDV %f", x->thd_v_pct);
    cr_assert(fabsf(x->thd_i_pct - 30.26f) < 0.05f, "THDI %f", x->thd_i_pct);
}

/* Defect knobs: nothing by default; each does what its class says. */
Test(afe_model, defect_knobs)
{
    unit(90u, false);
    cr_assert_eq(afe.defect.i_gain_factor, 1.0);
    cr_assert_eq(afe.defect.v_gain_factor, 1.0);
    cr_assert_eq(afe.defect.i_clip_amps_peak, 0.0);
    cr_assert(!afe.defect.i_open);
    cr_assert_eq(afe.defect.i_drift_ppm_per_k_extra, 0.0);
    struct metrology_values ref = measure(230.0, 10.0, 0.0, 10);

    afe.defect.i_gain_factor = 1.3; /* wrong_shunt */
    struct metrology_values r = measure(230.0, 10.0, 0.0, 10);
    cr_assert(fabs(r.i_rms / ref.i_rms - 1.3) < 1e-3, "%f", r.i_rms / ref.i_rms);
    cr_assert(fabs(r.p_w / ref.p_w - 1.3) < 1e-3);

    afe.defect.i_gain_factor = -1.0; /* reversed_polarity */
    r = measure(230.0, 10.0, 0.0, 10);
    cr_assert(fabs(r.p_w / ref.p_w + 1.0) < 1e-3, "%f", r.p_w / ref.p_w);
    afe.defect.i_gain_factor = 1.0;

    afe.defect.v_gain_factor = 0.5; /* broken_divider */
    r = measure(230.0, 10.0, 0.0, 10);
    cr_assert(fabs(r.v_rms / ref.v_rms - 0.5) < 1e-3);
    afe.defect.v_gain_factor = 1.0;

    afe.defect.i_open = true; /* intermittent_contact, open */
    r = measure(230.0, 10.0, 0.0, 10);
    cr_assert(r.i_rms < 2e-3f, "open: %f A", r.i_rms);
    afe.defect.i_open = false;
    r = measure(230.0, 10.0, 0.0, 10);
    cr_assert(fabs(r.i_rms / ref.i_rms - 1.0) < 1e-3, "closed again");

    afe.defect.i_clip_amps_peak = sqrt(2.0) * 40.0; /* afe_saturation at 40 A */
    struct sim_terminals t = terminals(230.0, 60.0, 0.0, 50.0);
    afe_model_set_terminals(&afe, &t);
    int32_t vc[BLOCK], ic[BLOCK];
    int32_t peak = 0;
    for (unsigned b = 0; b < 50; b++) {
        afe_model_generate(&afe, vc, ic, BLOCK);
        for (unsigned k = 0; k < BLOCK; k++) {
            peak = abs(ic[k]) > peak ? abs(ic[k]) : peak;
        }
    }
    double clip_codes = sqrt(2.0) * 40.0 / (AFE_I_PEAK_AT_FULL_SCALE_DIRECT / (double)AFE_CODE_FULL_SCALE);
    cr_assert(fabs(peak - clip_codes) < 3000.0 + 200.0, "peak %d vs %f", peak, clip_codes);
    r = measure(230.0, 10.0, 0.0, 10);
    cr_assert(fabs(r.p_w / ref.p_w - 1.0) < 1e-3, "no effect below the clip");
}

/*
 * The EOL calibration in miniature on CT units, learning only by
 * measuring: gain and phase at Iref leave the CT's low-current errors (at
 * Imin a good part of class C's 1 %); the slopes learnt at Imin PF 1 and
 * Itr PF 0.5L take most of them out (metrology.h, current dependence).
 */
static double p_error(double v, double i, double phase)
{
    struct metrology_values r = measure(v, i, phase, 25);
    return r.p_w / (v * i * cos(phase * PI / 180.0)) - 1.0;
}

Test(afe_model, ct_low_current_needs_the_slopes)
{
    const double un = 230.0, iref = 5.0, imin = 0.05, itr = 0.25;
    for (uint32_t serial = 21; serial < 24; serial++) {
        unit(serial, true);
        struct metrology_cal cal = metrology_cal_identity();
        struct metrology_values r = measure(un, iref, 0.0, 10);
        cal.v_gain = (float)(un / r.v_rms);
        cal.i_gain = (float)(iref / r.i_rms);
        metrology_set_calibration(&met, &cal);
        r = measure(un, iref, 60.0, 10);
        cal.i_phase_deg = (float)(atan2(r.q_var, r.p_w) * 180.0 / PI - 60.0);
        metrology_set_calibration(&met, &cal);
        double before_c = p_error(un, itr, -36.87);
        double before_min = p_error(un, imin, 0.0);
        cr_assert(fabs(before_c) > 0.0006 || fabs(before_min) > 0.001,
                  "serial %u: Iref calibration alone leaves %.4f %% at Itr 0.8C, %.4f %% at Imin",
                  serial, 100.0 * before_c, 100.0 * before_min);
        /* slopes, as rig/src/procedures/eol_calibrate.c fits them */
        double l_min = log10(imin / iref), l_itr = log10(itr / iref);
        double sg = 0.0, sp = 0.0;
        double e_min = before_min, e_itr = p_error(un, itr, 60.0);
        for (int k = 0; k < 3; k++) {
            sg = ((1.0 + e_min) / cos(sp * l_min) - 1.0) / l_min;
            double c = 0.5 * (1.0 + e_itr) / (1.0 + sg * l_itr);
            sp = (acos(c) - PI / 3.0) / l_itr;
        }
        cal.i_gain_slope = (float)-sg;
        cal.i_phase_slope_deg = (float)(sp * 180.0 / PI);
        metrology_set_calibration(&met, &cal);
        double after_c = p_error(un, itr, -36.87), after_min = p_error(un, imin, 0.0);
        /* within a fifth of class C at both (the log law is not the CT's
         * exact curve: what is left is a realistic residual, not zero) */
        cr_assert(fabs(after_c) < 0.0012 && fabs(after_min) < 0.002 &&
                      fabs(after_min) < 0.25 * fabs(before_min),
                  "serial %u: %.4f %% at Itr 0.8C, %.4f %% at Imin after the slopes (before %.4f, %.4f)",
                  serial, 100.0 * after_c, 100.0 * after_min, 100.0 * before_c, 100.0 * before_min);
        cr_assert(fabs(p_error(un, iref, 0.0)) < 0.0002, "Iref unchanged");
    }
}
