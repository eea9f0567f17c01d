/*
 * replay_reference.c — the reference energy of a profile: what the meter
 * should have counted, from the profile alone (never from the meter or the
 * bench): the steps' active power integrated over time while the supply is
 * on, import only; of a recording, v i integrated sample by sample.
 */
#include <math.h>

#include "procedures/replay_internal.h"
#include "rig/comtrade.h"

#define DEG (M_PI / 180.0)

double replay_step_power(const struct rig_replay_step *s)
{
    double phi = s->phase_deg * DEG;
    double p = s->v_rms * s->i_rms * cos(phi);
    for (unsigned a = 0; a < s->n_harm; a++) {
        for (unsigned b = 0; b < s->n_harm; b++) {
            if (s->harm[a].current || !s->harm[b].current || s->harm[a].order != s->harm[b].order)
                continue;
            /* the current's harmonic is referred to its own fundamental,
             * which lags by phi: at order n it lags n phi (as the source) */
            double vh = s->v_rms * s->harm[a].pct / 100, ih = s->i_rms * s->harm[b].pct / 100;
            p += vh * ih * cos((s->harm[a].phase_deg - s->harm[b].phase_deg) * DEG +
                               s->harm[a].order * phi);
        }
    }
    return p;
}

static double recording_wh(const struct rig_profile *p, double t_s)
{
    const struct rig_comtrade *r = p->recording;
    int cv = rig_comtrade_find(r, 'V'), ci = rig_comtrade_find(r, 'A');
    double wh = 0;
    for (size_t k = 0; k + 1 < r->n_samples && r->t_s[k] < t_s; k++) {
        double dt = fmin(r->t_s[k + 1], t_s) - r->t_s[k];
        double pw = rig_comtrade_value(r, k, (unsigned)cv) * rig_comtrade_value(r, k, (unsigned)ci);
        wh += pw * dt / 3600;
    }
    return wh;
}

double rig_profile_reference_wh(const struct rig_profile *p, double t_s)
{
    if (p->recording)
        return recording_wh(p, t_s);
    double wh = 0;
    bool on = true;
    size_t e = 0;
    for (size_t k = 0; k < p->n_steps && p->steps[k].t_s < t_s; k++) {
        double pw = fmax(0, replay_step_power(&p->steps[k])); /* import only */
        double from = p->steps[k].t_s;
        double to = k + 1 < p->n_steps ? fmin(p->steps[k + 1].t_s, t_s) : t_s;
        /* the supply switches inside the step: integrate piecewise */
        while (from < to) {
            while (e < p->n_events && p->events[e].t_s <= from) {
                if (p->events[e].kind == RIG_REPLAY_SUPPLY)
                    on = p->events[e].on;
                e++;
            }
            double next = e < p->n_events ? fmin(p->events[e].t_s, to) : to;
            if (on)
                wh += pw * (next - from) / 3600;
            from = next;
        }
    }
    return wh;
}
