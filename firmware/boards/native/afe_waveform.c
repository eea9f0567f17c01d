/*
 * afe_waveform.c — ADC codes from a recorded waveform; see afe_waveform.h.
 */
#include "afe_waveform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afe.h"

#define SAMPLE_PERIOD_S (1.0 / 4000.0)

void afe_waveform_init(struct afe_waveform *w, const char *nv_path)
{
    memset(w, 0, sizeof(*w));
    if (nv_path == NULL) {
        return;
    }
    const char *slash = strrchr(nv_path, '/');
    int dir_len = slash ? (int)(slash - nv_path) : 1;
    snprintf(w->path, sizeof(w->path), "%.*s/%s", dir_len, slash ? nv_path : ".",
             AFE_WAVEFORM_FILE);
}

int afe_waveform_start(struct afe_waveform *w, uint64_t first, size_t n)
{
    free(w->vi);
    w->vi = NULL;
    w->n = 0;
    if (w->path[0] == '\0' || n == 0u || n > AFE_WAVEFORM_MAX_SAMPLES) {
        fprintf(stderr, "med2-native: waveform of %zu samples refused (no slot, or over %u)\n",
                n, AFE_WAVEFORM_MAX_SAMPLES);
        return -1;
    }
    FILE *f = fopen(w->path, "rb");
    float *vi = malloc(n * 2u * sizeof(float));
    if (f == NULL || vi == NULL || fread(vi, 2u * sizeof(float), n, f) != n) {
        fprintf(stderr, "med2-native: %s: cannot read %zu samples\n", w->path, n);
        if (f != NULL) {
            fclose(f);
        }
        free(vi);
        return -1;
    }
    fclose(f);
    w->vi = vi;
    w->n = n;
    w->first = first;
    w->prev_v = vi[0];
    w->prev_i = vi[1];
    return 0;
}

size_t afe_waveform_split(const struct afe_waveform *w, uint64_t sample, size_t n,
                          int *from_wave)
{
    *from_wave = 0;
    if (w->vi == NULL || sample >= w->first + w->n) {
        return n;
    }
    if (sample < w->first) {
        uint64_t before = w->first - sample;
        return before < n ? (size_t)before : n;
    }
    *from_wave = 1;
    uint64_t left = w->first + w->n - sample;
    return left < n ? (size_t)left : n;
}

/* The AFE's noise: a deterministic approximately normal deviate (sum of
 * four uniforms, scaled to unit variance) from the model's own generator. */
static double noise(uint64_t *state)
{
    double sum = 0.0;
    for (int k = 0; k < 4; k++) {
        uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        sum += (double)(z >> 11) / 9007199254740992.0 - 0.5;
    }
    return sum * sqrt(3.0);
}

static int32_t code(double x)
{
    double fs = (double)AFE_CODE_FULL_SCALE;
    x = x > fs ? fs : x < -fs - 1.0 ? -fs - 1.0 : x;
    return (int32_t)lround(x);
}

void afe_waveform_generate(struct afe_waveform *w, struct afe_model *afe, uint64_t sample,
                           int32_t *v, int32_t *i, size_t n)
{
    double gv, gi;
    afe_model_channel_gains(afe, &gv, &gi);
    /* each channel's delay as a fraction of a sample: x(t - d) */
    double fv = afe->imp.v_delay_s / SAMPLE_PERIOD_S, fi = afe->imp.i_delay_s / SAMPLE_PERIOD_S;
    const double nz = AFE_MODEL_NOISE_RMS_CODES;
    for (size_t k = 0; k < n; k++) {
        size_t at = (size_t)(sample + k - w->first);
        double xv = w->vi[2u * at], xi = w->vi[2u * at + 1u];
        double dv = xv - fv * (xv - w->prev_v), di = xi - fi * (xi - w->prev_i);
        double ci = afe->defect.i_open ? 0.0 : di * gi;
        if (afe->i_clip_codes > 0.0) {
            ci = ci > afe->i_clip_codes ? afe->i_clip_codes
                 : ci < -afe->i_clip_codes ? -afe->i_clip_codes : ci;
        }
        v[k] = code(dv * gv + afe->imp.v_offset_codes + nz * noise(&afe->rng));
        i[k] = code(ci + afe->imp.i_offset_codes + nz * noise(&afe->rng));
        w->prev_v = (float)xv;
        w->prev_i = (float)xi;
    }
    if (sample + n >= w->first + w->n) {
        free(w->vi);
        w->vi = NULL;
        w->n = 0;
    }
}

uint32_t afe_waveform_twin_serial(uint32_t own)
{
    const char *twin = getenv("MED2_SIM_TWIN_SERIAL");
    char *end;
    unsigned long s = twin ? strtoul(twin, &end, 10) : 0;
    if (twin == NULL || *twin == '\0' || *end != '\0' || s == 0 || s > UINT32_MAX) {
        return own;
    }
    return (uint32_t)s;
}
