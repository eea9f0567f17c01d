/*
 * error_curve.c — a unit's error curve as inline SVG: error against current
 * (log axis), one curve per power factor, the class limit at each point as
 * a dashed bracket, so a reader sees the margin at a glance.
 */
#include <math.h>
#include <string.h>

#include "report_internal.h"

#define SVG_W 520
#define SVG_H 260
#define SVG_MARGIN_L 56
#define SVG_MARGIN_R 96
#define SVG_MARGIN_T 16
#define SVG_MARGIN_B 36

/* x of a current on a log axis from lo to hi */
static double sx(double amps, double lo, double hi)
{
    double w = SVG_W - SVG_MARGIN_L - SVG_MARGIN_R;
    return SVG_MARGIN_L + w * (log10(amps) - log10(lo)) / (log10(hi) - log10(lo));
}

static double sy(double pct, double span)
{
    double h = SVG_H - SVG_MARGIN_T - SVG_MARGIN_B;
    return SVG_MARGIN_T + h * (0.5 - pct / (2.0 * span));
}

static void axes(FILE *f, double lo, double hi, double span)
{
    fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
               "font-family='sans-serif' font-size='11'>\n", SVG_W, SVG_H);
    fprintf(f, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>\n",
            SVG_MARGIN_L, SVG_MARGIN_T, SVG_W - SVG_MARGIN_L - SVG_MARGIN_R,
            SVG_H - SVG_MARGIN_T - SVG_MARGIN_B);
    fprintf(f, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#bbb'/>\n", SVG_MARGIN_L,
            sy(0, span), SVG_W - SVG_MARGIN_R, sy(0, span));
    for (double d = 0.01; d <= hi; d *= 10.0) {
        if (d < lo)
            continue;
        fprintf(f, "<text x='%.1f' y='%d' text-anchor='middle'>%g A</text>\n", sx(d, lo, hi),
                SVG_H - SVG_MARGIN_B + 14, d);
    }
    fprintf(f, "<text x='%d' y='%.1f' text-anchor='end'>%+.2f %%</text>\n", SVG_MARGIN_L - 4,
            sy(span / 1.25, span) + 4, span / 1.25);
    fprintf(f, "<text x='%d' y='%.1f' text-anchor='end'>0</text>\n", SVG_MARGIN_L - 4,
            sy(0, span) + 4);
    fprintf(f, "<text x='%d' y='%.1f' text-anchor='end'>%+.2f %%</text>\n", SVG_MARGIN_L - 4,
            sy(-span / 1.25, span) + 4, -span / 1.25);
    fprintf(f, "<text x='%d' y='%d' text-anchor='middle'>current (log)</text>\n",
            (SVG_W - SVG_MARGIN_R + SVG_MARGIN_L) / 2, SVG_H - 6);
}

void report_error_curve_write(FILE *f, const struct report_eol_unit *u)
{
    static const struct {
        const char *pf, *color;
    } curves[] = {{"1", "#1f5fbf"}, {"0.5L", "#c0392b"}, {"0.8C", "#1e8449"}};
    double lo = INFINITY, hi = 0.0, span = 0.0;
    for (size_t k = 0; k < u->point_count; k++) {
        const struct report_point *p = &u->points[k];
        lo = fmin(lo, p->amps);
        hi = fmax(hi, p->amps);
        span = fmax(span, p->mpe * 100.0);
        if (p->measured)
            span = fmax(span, fabs(p->error) * 100.0);
    }
    if (u->point_count == 0 || !(hi > lo))
        return;
    lo /= 1.5;
    hi *= 1.5;
    span *= 1.25;
    axes(f, lo, hi, span);
    for (size_t cv = 0; cv < sizeof curves / sizeof curves[0]; cv++) {
        fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='1.5' points='", curves[cv].color);
        for (size_t k = 0; k < u->point_count; k++) {
            const struct report_point *p = &u->points[k];
            if (strcmp(p->pf, curves[cv].pf) == 0 && p->measured)
                fprintf(f, "%.1f,%.1f ", sx(p->amps, lo, hi), sy(p->error * 100.0, span));
        }
        fprintf(f, "'/>\n");
        for (size_t k = 0; k < u->point_count; k++) {
            const struct report_point *p = &u->points[k];
            if (strcmp(p->pf, curves[cv].pf) != 0)
                continue;
            double x = sx(p->amps, lo, hi);
            for (int s = -1; s <= 1; s += 2)
                fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s' "
                           "stroke-dasharray='3,2'/>\n",
                        x - 7 + 3 * (double)cv, sy(s * p->mpe * 100.0, span),
                        x + 7 + 3 * (double)cv, sy(s * p->mpe * 100.0, span), curves[cv].color);
            if (p->measured)
                fprintf(f, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>\n", x,
                        sy(p->error * 100.0, span), curves[cv].color);
        }
        fprintf(f, "<text x='%d' y='%zu' fill='%s'>PF %s</text>\n", SVG_W - SVG_MARGIN_R + 8,
                (size_t)SVG_MARGIN_T + 14 + 16 * cv, curves[cv].color, curves[cv].pf);
    }
    fprintf(f, "<text x='%d' y='%d' fill='#555'>- - limit</text>\n", SVG_W - SVG_MARGIN_R + 8,
            SVG_MARGIN_T + 14 + 16 * 3);
    fprintf(f, "</svg>\n");
}
