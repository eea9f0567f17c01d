/*
 * replay_recording.c — a COMTRADE recording as a profile: its voltage and
 * current resampled (linear interpolation) to the AFE's 4000 samples/s for a
 * simulated bench, which feeds them to the unit's AFE; and per cycle of the
 * line frequency the fundamental's rms and phase and the odd harmonics 3..9
 * of each channel (a DFT over the cycle), which a real bench's source can
 * play. The reference is the recording's own v i integral.
 */
#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "procedures/replay_internal.h"
#include "rig/comtrade.h"

#define NOMINAL_HZ 50.0
static const unsigned harmonic_orders[] = {3, 5, 7, 9}; /* 4 per channel: 8 slots */

/* Channel ch at time t, linearly interpolated; *k is a cursor that only moves on. */
static double at(const struct rig_comtrade *r, unsigned ch, double t, size_t *k)
{
    while (*k + 1 < r->n_samples && r->t_s[*k + 1] <= t)
        (*k)++;
    if (*k + 1 >= r->n_samples)
        return rig_comtrade_value(r, r->n_samples - 1, ch);
    double t0 = r->t_s[*k], t1 = r->t_s[*k + 1];
    double x0 = rig_comtrade_value(r, *k, ch), x1 = rig_comtrade_value(r, *k + 1, ch);
    return t <= t0 ? x0 : x0 + (x1 - x0) * (t - t0) / (t1 - t0);
}

/* Amplitude and phase (a sin(h w t + alpha)) of order h over samples [a, b). */
static double complex dft(const struct rig_comtrade *r, unsigned ch, size_t a, size_t b,
                          double w, unsigned h)
{
    double complex sum = 0;
    for (size_t k = a; k < b; k++)
        sum += rig_comtrade_value(r, k, ch) * cexp(-I * h * w * r->t_s[k]);
    /* c = a e^{j(alpha - pi/2)} */
    return sum * 2.0 / (double)(b - a) * I;
}

static int cycles(struct rig_profile *p, unsigned cv, unsigned ci, double f)
{
    const struct rig_comtrade *r = p->recording;
    double period = 1 / f, w = 2 * M_PI * f;
    size_t n = (size_t)floor(p->end_s / period);
    if (n == 0)
        return rig_error_set(-EINVAL, "%s: shorter than one cycle at %g Hz", p->path, f);
    p->steps = calloc(n, sizeof *p->steps);
    if (!p->steps)
        return rig_error_set(-ENOMEM, "out of memory");
    size_t a = 0;
    for (size_t c = 0; c < n; c++) {
        size_t b = a;
        while (b < r->n_samples && r->t_s[b] - r->t_s[0] < (c + 1) * period)
            b++;
        struct rig_replay_step *s = &p->steps[p->n_steps];
        s->t_s = c * period;
        s->freq_hz = f;
        if (b - a < 4) { /* too few samples for a cycle: keep the previous one */
            if (c > 0)
                *s = p->steps[p->n_steps - 1], s->t_s = c * period;
            p->n_steps++;
            a = b;
            continue;
        }
        double complex v1 = dft(r, cv, a, b, w, 1), i1 = dft(r, ci, a, b, w, 1);
        s->v_rms = cabs(v1) / M_SQRT2;
        s->i_rms = cabs(i1) / M_SQRT2;
        s->phase_deg = remainder(carg(v1) - carg(i1), 2 * M_PI) * 180 / M_PI;
        for (unsigned k = 0; k < 4; k++) {
            unsigned h = harmonic_orders[k];
            double complex vh = dft(r, cv, a, b, w, h), ih = dft(r, ci, a, b, w, h);
            s->harm[s->n_harm].order = h;
            s->harm[s->n_harm].pct = s->v_rms > 0 ? cabs(vh) / M_SQRT2 / s->v_rms * 100 : 0;
            s->harm[s->n_harm].phase_deg = (carg(vh) - h * carg(v1)) * 180 / M_PI;
            s->n_harm++;
            s->harm[s->n_harm].current = true;
            s->harm[s->n_harm].order = h;
            s->harm[s->n_harm].pct = s->i_rms > 0 ? cabs(ih) / M_SQRT2 / s->i_rms * 100 : 0;
            s->harm[s->n_harm].phase_deg = (carg(ih) - h * carg(i1)) * 180 / M_PI;
            s->n_harm++;
        }
        for (unsigned k = 0; k < s->n_harm; k++)
            s->harm[k].phase_deg = remainder(s->harm[k].phase_deg, 360.0);
        p->n_steps++;
        a = b;
    }
    return 0;
}

int replay_profile_from_recording(const char *cfg_path, struct rig_profile *p)
{
    int rc = rig_comtrade_load(cfg_path, &p->recording);
    if (rc < 0)
        return rc;
    const struct rig_comtrade *r = p->recording;
    int cv = rig_comtrade_find(r, 'V');
    int ci = cv < 0 ? cv : rig_comtrade_find(r, 'A');
    if (ci < 0)
        return rig_error_prefix(ci, "%s: a replay needs a voltage and a current channel", cfg_path);
    if (r->n_samples < 2)
        return rig_error_set(-EINVAL, "%s: %zu samples: nothing to replay", cfg_path, r->n_samples);
    double dt_last = r->t_s[r->n_samples - 1] - r->t_s[r->n_samples - 2];
    p->end_s = r->t_s[r->n_samples - 1] - r->t_s[0] + dt_last;
    /* the AFE's grid over the recording */
    p->n_wave = (size_t)floor(p->end_s * RIG_REPLAY_WAVE_RATE_HZ);
    if (p->n_wave == 0 || p->n_wave > 4000u * 3600u)
        return rig_error_set(-EINVAL, "%s: %.3f s: a replayed recording is 1 sample to 1 hour",
                             cfg_path, p->end_s);
    p->wave = malloc(p->n_wave * 2 * sizeof *p->wave);
    if (!p->wave)
        return rig_error_set(-ENOMEM, "out of memory for %zu samples", p->n_wave);
    size_t kv = 0, ki = 0;
    for (size_t k = 0; k < p->n_wave; k++) {
        double t = r->t_s[0] + (double)k / RIG_REPLAY_WAVE_RATE_HZ;
        p->wave[2 * k] = (float)at(r, (unsigned)cv, t, &kv);
        p->wave[2 * k + 1] = (float)at(r, (unsigned)ci, t, &ki);
    }
    p->recorded_wh = rig_profile_reference_wh(p, p->end_s);
    double f = r->line_freq_hz >= 40 && r->line_freq_hz <= 70 ? r->line_freq_hz : NOMINAL_HZ;
    return cycles(p, (unsigned)cv, (unsigned)ci, f);
}
