/*
 * afe.h — scaling of the analog front-end's ADC codes.
 *
 * The AFE is a 2-channel 24-bit sigma-delta converter (ADS131M02-like) that
 * samples the voltage and current channels simultaneously at
 * HAL_SAMPLE_RATE_HZ. These are the nominal scales of the hardware design;
 * a real unit deviates from them (gain, phase, offset) and calibration
 * corrects that, so the core only ever uses these as the starting point.
 * The native board synthesises its codes with exactly these scales.
 */
#ifndef MED2_AFE_H
#define MED2_AFE_H

#define AFE_CODE_FULL_SCALE 8388607        /* 24-bit signed sigma-delta, codes -2^23..2^23-1 */
#define AFE_V_PEAK_AT_FULL_SCALE 500.0f    /* volts at the terminals for full-scale code */
#define AFE_I_PEAK_AT_FULL_SCALE_DIRECT 125.0f /* amps, direct-connected (80 A) models */
#define AFE_I_PEAK_AT_FULL_SCALE_CT 10.0f  /* amps secondary, CT (x/5 A, 6 A max) models */

#endif /* MED2_AFE_H */
