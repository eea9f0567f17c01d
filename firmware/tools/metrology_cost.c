/*
 * metrology_cost — the `metrology_instr_per_sample` figure of `make bench`.
 *
 * Feeds N samples of a realistic signal (230 V, 5 A at 36.87 deg, 3 % 3rd
 * and 2 % 5th harmonic on V, 25 % 3rd on I, 50 Hz, the AFE's noise and
 * offsets) to meter_on_samples in blocks of 80, as the native board does, on
 * a calibrated unit (gains, a phase correction and offsets all in use), and
 * prints what it measured. scripts/bench.sh runs it under callgrind and
 * divides the inclusive cost of meter_on_samples (metrology, energy, both
 * pulse outputs) by N. The signal is computed before the loop, so its
 * generation is not in that cost.
 *
 *   metrology_cost [N]     (default 400000 samples, 100 s)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "afe.h"
#include "hal_null.h"
#include "meter.h"

#define BLOCK 80u
#define PERIOD_SAMPLES 4000u /* one second: a whole number of 50 Hz cycles */
#define PI 3.14159265358979323846

static int32_t v_codes[PERIOD_SAMPLES], i_codes[PERIOD_SAMPLES];

static void make_signal(void)
{
    const double v_amp = sqrt(2.0) * 230.0 / AFE_V_PEAK_AT_FULL_SCALE * AFE_CODE_FULL_SCALE;
    const double i_amp = sqrt(2.0) * 5.0 / AFE_I_PEAK_AT_FULL_SCALE_DIRECT * AFE_CODE_FULL_SCALE;
    const double lag = 36.87 * PI / 180.0;
    uint64_t rng = 0x2545F4914F6CDD1Dull;
    for (unsigned n = 0; n < PERIOD_SAMPLES; n++) {
        double th = 2.0 * PI * 50.0 * n / HAL_SAMPLE_RATE_HZ;
        double noise[2];
        for (int k = 0; k < 2; k++) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            noise[k] = 40.0 * sqrt(12.0) * ((double)(rng >> 11) / 9007199254740992.0 - 0.5);
        }
        v_codes[n] = (int32_t)lrint(v_amp * (sin(th) + 0.03 * sin(3 * th) + 0.02 * sin(5 * th)) + 1500 + noise[0]);
        i_codes[n] = (int32_t)lrint(i_amp * (sin(th - lag) + 0.25 * sin(3 * (th - lag))) - 800 + noise[1]);
    }
}

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 400000ul;
    hal_null_reset();
    make_signal();
    static struct meter m;
    struct meter_identity id = {.model = MED2_MODEL_C80_1M_V3, .serial = 1};
    meter_init(&m, &id);
    struct metrology_cal cal = {.v_gain = 1.02f, .i_gain = 0.97f, .i_phase_deg = 0.8f,
                                .v_rms_offset = 0.1f, .i_rms_offset = -0.001f, .p_offset_w = -0.2f};
    metrology_set_calibration(&m.metrology, &cal);

    unsigned pos = 0;
    for (unsigned long done = 0; done < n;) {
        size_t len = n - done < BLOCK ? (size_t)(n - done) : BLOCK;
        meter_on_samples(&m, &v_codes[pos], &i_codes[pos], len);
        pos = (pos + (unsigned)len) % PERIOD_SAMPLES;
        done += len;
    }
    const struct metrology_values *v = meter_values(&m);
    printf("# %lu samples: V %.3f V, I %.4f A, P %.2f W, Q %.2f var, PF %.4f, f %.4f Hz, THDV %.3f %%, "
           "THDI %.3f %%, %llu mWh\n",
           n, v->v_rms, v->i_rms, v->p_w, v->q_var, v->pf, v->freq_hz, v->thd_v_pct, v->thd_i_pct,
           (unsigned long long)meter_import_active_mwh(&m));
    return 0;
}
