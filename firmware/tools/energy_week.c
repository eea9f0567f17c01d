/*
 * energy_week — the `energy_register_error_mwh` figure of `make bench`.
 *
 * Runs the firmware's energy registers (energy.c, sample by sample, as the
 * meter does) through a simulated week of measurement windows: a load
 * that steps every few minutes over all four quadrants, with window-to-
 * window noise, and the T1 sub-tariff and T1/T2 switching hourly. Beside
 * it, the same published powers are integrated independently in long
 * double. Prints, per kind, the register against that integral, and the
 * largest difference as a BENCH line, in mWh and in mWh per kWh counted.
 *
 *   energy_week [DAYS]     (default 7)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "energy.h"
#include "hal.h"

#define WINDOW_SAMPLES 800u /* 10 cycles at 50 Hz */
#define WINDOWS_PER_HOUR (3600u * HAL_SAMPLE_RATE_HZ / WINDOW_SAMPLES)

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    unsigned days = argc > 1 ? (unsigned)atoi(argv[1]) : 7u;
    struct energy e;
    energy_init(&e, 4);
    long double ref_mwh[ENERGY_KIND_COUNT] = {0};
    const long double window_h = (long double)WINDOW_SAMPLES / HAL_SAMPLE_RATE_HZ / 3600.0L;

    double level_w = 0.0, angle = 0.0;
    unsigned windows = days * 24u * WINDOWS_PER_HOUR;
    for (unsigned w = 0; w < windows; w++) {
        if (w % (WINDOWS_PER_HOUR / 12u) == 0) { /* a new load every 5 minutes */
            level_w = 20000.0 * uniform();
            angle = 6.283185307179586 * uniform();
        }
        if (w % WINDOWS_PER_HOUR == 0) {
            energy_select_sub_tariff(&e, 1u + (w / WINDOWS_PER_HOUR) % 4u);
            if ((w / WINDOWS_PER_HOUR) % 5u == 0) {
                energy_toggle_t2(&e);
            }
        }
        /* what a window publishes: float, with a little noise */
        float p = (float)(level_w * cos(angle) * (1.0 + 1e-4 * (uniform() - 0.5)));
        float q = (float)(level_w * sin(angle) * (1.0 + 1e-4 * (uniform() - 0.5)));
        energy_set_power(&e, p, q);
        ref_mwh[p > 0 ? ENERGY_IMPORT_ACTIVE : ENERGY_EXPORT_ACTIVE] += fabsl((long double)p) * window_h * 1000.0L;
        ref_mwh[q > 0 ? ENERGY_IMPORT_REACTIVE : ENERGY_EXPORT_REACTIVE] += fabsl((long double)q) * window_h * 1000.0L;
        for (unsigned s = 0; s < WINDOW_SAMPLES; s++) {
            energy_on_sample(&e);
        }
    }

    static const char *names[] = {"import active", "export active", "import reactive",
                                  "export reactive"};
    double worst = 0.0, worst_per_kwh = 0.0;
    for (unsigned k = 0; k < ENERGY_KIND_COUNT; k++) {
        uint64_t reg = energy_register_mwh(&e, k, ENERGY_TOTAL);
        uint64_t tariffs = energy_register_mwh(&e, k, ENERGY_T1) + energy_register_mwh(&e, k, ENERGY_T2);
        uint64_t subs = 0;
        for (unsigned s = ENERGY_T1_1; s <= ENERGY_T1_4; s++) {
            subs += energy_register_mwh(&e, k, s);
        }
        /* the register holds whole mWh; the residue is the rest */
        double diff = fabs((double)((long double)reg - ref_mwh[k]));
        double per_kwh = diff / ((double)ref_mwh[k] / 1e6);
        printf("# %-16s register %14llu mWh  integral %18.3Lf mWh  diff %.3f mWh (%.5f mWh/kWh)"
               "  T1+T2 %s  sum T1-x %s\n",
               names[k], (unsigned long long)reg, ref_mwh[k], diff, per_kwh,
               tariffs == reg ? "=" : "!=",
               subs == energy_register_mwh(&e, k, ENERGY_T1) ? "= T1" : "!= T1");
        if (tariffs != reg || subs != energy_register_mwh(&e, k, ENERGY_T1)) {
            fprintf(stderr, "energy_week: tariff registers do not add up for %s\n", names[k]);
            return 1;
        }
        worst = fmax(worst, diff);
        worst_per_kwh = fmax(worst_per_kwh, per_kwh);
    }
    printf("BENCH energy_register_error_mwh %.3f mWh\n", worst);
    printf("BENCH energy_register_error_mwh_per_kwh %.5f mWh/kWh\n", worst_per_kwh);
    return 0;
}
