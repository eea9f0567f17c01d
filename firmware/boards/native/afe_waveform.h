/*
 * afe_waveform.h — a recorded waveform on the simulated AFE's inputs.
 *
 * benchd writes the instantaneous voltage and current of a field recording,
 * resampled to the AFE's 4000 samples/s, into the slot as waveform.f32
 * (native float32 pairs V, A) and tells the unit when it starts
 * (SIM_MSG_WAVEFORM). For its span the ADC codes come from the recording
 * instead of the terminal conditions, through this unit's own channel gains
 * and their temperature drift, its channel delays (interpolated between
 * samples), offsets, noise and its defects' gain knobs; the CT's
 * current-dependent errors and the per-harmonic filter response of a sine
 * source are not applied to a recording (it carries its own harmonics).
 * After the span the terminal conditions drive the AFE again.
 */
#ifndef NATIVE_AFE_WAVEFORM_H
#define NATIVE_AFE_WAVEFORM_H

#include <stddef.h>
#include <stdint.h>

#include "afe_model.h"

#define AFE_WAVEFORM_FILE "waveform.f32"
#define AFE_WAVEFORM_MAX_SAMPLES (4000u * 3600u) /* an hour of recording */

struct afe_waveform {
    char path[512];     /* the slot's waveform.f32, "" without a slot */
    float *vi;          /* n pairs */
    size_t n;
    uint64_t first;     /* the unit's sample number of pair 0 */
    float prev_v, prev_i; /* the sample before, for the channel delays */
};

/* The slot the unit runs in, from its NV file's path (NULL: none). */
void afe_waveform_init(struct afe_waveform *w, const char *nv_path);

/* Load the slot's recording of n pairs, to start at the unit's sample
 * `first`; returns 0 or -1 (message on stderr; the AFE keeps the terminals). */
int afe_waveform_start(struct afe_waveform *w, uint64_t first, size_t n);

/* Of n samples from `sample` on, how many in a row come from the recording
 * (*from_wave true) or from the terminals (false). */
size_t afe_waveform_split(const struct afe_waveform *w, uint64_t sample, size_t n,
                          int *from_wave);

/* The codes of samples [sample, sample + n) of the recording; frees it
 * once its last sample is out. */
void afe_waveform_generate(struct afe_waveform *w, struct afe_model *afe, uint64_t sample,
                           int32_t *v, int32_t *i, size_t n);

/*
 * Twin units, for comparing two firmware revisions on one bench: a unit
 * started with MED2_SIM_TWIN_SERIAL=DIGITS in its environment (benchd passes
 * its own on) has the AFE of the unit with that serial, so two positions see
 * the same imperfections. Returns the serial whose AFE to model: that one,
 * or own.
 */
uint32_t afe_waveform_twin_serial(uint32_t own);

#endif
