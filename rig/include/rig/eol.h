/*
 * rig/eol.h — factory end-of-line (EOL) of a rack: flash, calibrate,
 * verify, identify, seal, certificate; every position at once (they share
 * the source), every measurement recorded as it is taken.
 *
 * Load points and limits come from fixtures/loadpoints (rig/loadpoints.h);
 * measurements are pulse-gated (rig/measure.h); the unit is reached through
 * its factory block (rig/factory.h); records go to the bench's records
 * store (rig_bench_set_records), if any. Progress: one line per point on
 * stderr.
 *
 * Before calibrating, a precheck rejects units with a factory defect; after
 * verifying, a soak at Imax rejects a calibration that drifts as the unit
 * warms, and a unit with a clock has its RTC timed (README, "Catching bad
 * units").
 *
 * Gating: every unsealed unit's pulse output 1 is switched to the factory
 * test constant (100000 imp/kWh, docs/factory.md) for the run, so every
 * model, with or without RS485, gates a point in a few seconds; a unit
 * without it gates on output 2 (or output 1 at 1 Wh) as below. The RTC
 * test runs on output 2 meanwhile. Verification uses a profile of
 * fixtures/loadpoints (routine by default, full for the lab).
 *
 * Bench time: everything a real bench spends is on the bench clock — the
 * source's settling, the gates, every Modbus transaction at its line's
 * baud (rig_meter_line_seconds) and flashing at the probe's speed
 * (rig/flash.h); eol.plan_virtual_s records the total.
 *
 * Calibration (per position, from its factory block's identity values):
 *   1. measure the energy error at Iref PF 1, Iref PF 0.5L, the rack's
 *      highest Imin at PF 1 and its highest Itr at PF 0.5L, each gated on
 *      the unit's pulses, every position at once;
 *   2. fit 1 + e = G (1 + sg L) cos(phi + eps + sp L) / cos(phi), with
 *      L = log10(I / Iref) the decades of current below Iref (the firmware's
 *      own law, docs/factory.md): Iref at PF 1 and 0.5L give the gain G and
 *      the current's extra lag eps, Imin PF 1 the gain slope sg, Itr PF 0.5L
 *      the phase slope sp (a CT's ratio and phase errors grow towards low
 *      current);
 *   3. the gain correction 1/G is split: V gain from the voltage register
 *      against the source's voltage (models with RS485), I gain the rest;
 *      the phase and the two slopes go to the factory block, composed with
 *      what is already written;
 *   4. write, measure the points again; if a residual exceeds a fifth of
 *      the class limit there, correct once more and measure again.
 *   Pulse output 2's constant is chosen per point so that the gate lasts
 *   long enough for the resolution the point needs (one meter sample,
 *   250 us, at each end of the gate) at no more than 4 pulses a second;
 *   units without an adjustable output gate on output 1 (1 Wh). Output 2 is
 *   put back to its defaults (import reactive, 1 varh, 100 ms) afterwards.
 *
 * A sealed unit is never recalibrated nor flashed: its result says so.
 */
#ifndef RIG_EOL_H
#define RIG_EOL_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;

/* One position's outcome (results[position - 1]). */
struct rig_eol_result {
    bool calibrated, verified, identified, sealed, pass;
    char reason[160];       /* why not pass, one line; "" when pass */
    double v_gain, i_gain, phase_deg, v_offset, i_offset, p_offset; /* what was written */
    double i_gain_slope, phase_slope; /* per decade of current below Iref (rig/factory.h) */
    double worst_error_ratio; /* max |error| / class limit over the verification points */
    /* pulse output 1's constant during the measurements, imp/kWh: the
     * factory test constant (100000) or, where it could not be set, the
     * legal 1000; 0 when not measured. Sealing gives the legal one back. */
    unsigned pulse1_imp_per_kwh;
    char profile[16];         /* the verification profile ("routine", "full") */
};

/*
 * rig_eol_calibrate — calibrate every position that is not sealed (see
 * above) and save the calibration (FACTORY_COMMAND 1) of those that reach
 * the target. Sealed units are left alone (sealed = true, reason says so).
 * The source output is off when it returns.
 * Returns 0 (results say per position what happened), or a negative
 * errno-style code if the rack was aborted (a source or bench failure): the
 * source is switched off and every position's reason names the failure.
 */
int rig_eol_calibrate(struct rig_bench *bench, struct rig_eol_result *results);

/*
 * rig_eol_verify — measure every position at its model's EN 50470-3 load
 * points (the full profile; one pass over the union of the rack's points),
 * record each error with its limit, and fill verified and
 * worst_error_ratio (other fields are kept). Sealed units are measured too.
 * Returns as rig_eol_calibrate.
 */
int rig_eol_verify(struct rig_bench *bench, struct rig_eol_result *results);

struct rig_eol_options {
    const char *image;      /* firmware image; NULL: $RIG_FIRMWARE_IMAGE / the build's */
    const char *report_dir; /* certificates/, index.html, summary.txt; NULL: none */
    const char *records_db; /* SQLite file; NULL: the bench's store, if any */
    bool seal;              /* seal the units that pass */
    const char *profile;    /* verification profile (fixtures/loadpoints/PROFILE.ini);
                               NULL: "routine" */
};

/*
 * rig_eol_run — the whole EOL job: flash (rig_flash) every position that is
 * not sealed, calibrate, verify, write identity (serial from the bench file,
 * hardware version, calibration date) and the clock (models that have one),
 * save, seal (opt->seal) the units that passed everything, read everything
 * back, write a certificate per unit (report_dir/certificates/SERIAL.txt),
 * the rack's index.html (results table, error curves) and summary.txt, and
 * record every measurement. A unit outside its limits fails with its errors
 * recorded and is NOT sealed. A source that stops answering aborts the rack
 * with the source switched off.
 * Returns 0 when every position passed, 1 when some did not (results say
 * why), or a negative errno-style code when the rack was aborted.
 */
int rig_eol_run(struct rig_bench *bench, const struct rig_eol_options *opt,
                struct rig_eol_result *results);

#ifdef __cplusplus
}
#endif

#endif /* RIG_EOL_H */
