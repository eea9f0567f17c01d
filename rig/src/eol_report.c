/*
 * eol_report.c — what an EOL run leaves behind for people: a certificate
 * per unit (certificates/SERIAL.txt), the rack's index.html (results table
 * and an error curve per unit, class limits drawn) and summary.txt (one
 * line per position, what `make run` prints).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "eol_internal.h"
#include "error_internal.h"
#include "rig/bench.h"
#include "rig/records.h"

#define SVG_W 520
#define SVG_H 260
#define SVG_MARGIN_L 56
#define SVG_MARGIN_R 96
#define SVG_MARGIN_T 16
#define SVG_MARGIN_B 36

int eol_mkdir_p(const char *dir)
{
    char buf[1400];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -errno;
            *p = '/';
        }
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return -errno;
    return 0;
}

static const char *serial_of(const struct eol_unit *u)
{
    return u->pos && u->pos->serial ? u->pos->serial : "unknown";
}

static const char *conn_name(enum rig_connection c)
{
    return c == RIG_CONNECTION_CT ? "CT" : "direct";
}

static void write_certificate(const struct eol_ctx *c, const struct eol_unit *u, FILE *f,
                              bool seal_requested)
{
    const struct rig_eol_result *r = u->res;
    fprintf(f, "MED2 energy meter — end-of-line calibration certificate\n");
    fprintf(f, "========================================================\n\n");
    fprintf(f, "Serial number     %s\n", serial_of(u));
    fprintf(f, "Model             %s (EN 50470-3 class %c, %s connection)\n", u->pos->model,
            u->model.active_class ? u->model.active_class : '?', conn_name(u->model.connection));
    fprintf(f, "Bench, position   %s, %u\n", c->bench_name, u->position);
    fprintf(f, "Firmware          %s\n", c->firmware);
    fprintf(f, "Date (UTC)        %s\n", c->started);
    if (c->rec)
        fprintf(f, "Records           %s, run %s\n", rig_records_path(c->rec),
                rig_records_run(c->rec));
    fprintf(f, "\nRESULT            %s%s%s\n", r->pass ? "PASS" : "FAIL",
            r->reason[0] ? " — " : "", r->reason);
    fprintf(f, "Calibrated        %s\n", r->calibrated ? "yes" : "no");
    fprintf(f, "Verified          %s (worst |error| / limit %.3f)\n", r->verified ? "yes" : "no",
            r->worst_error_ratio);
    fprintf(f, "Identified        %s\n", r->identified ? "yes" : "no");
    fprintf(f, "Sealed            %s%s\n", r->sealed ? "yes" : "no",
            !seal_requested ? " (sealing not requested)" : "");

    if (!u->sealed_before) {
        fprintf(f, "\nCalibration written to the factory block\n");
        fprintf(f, "  V gain          %.6f\n", r->v_gain);
        fprintf(f, "  I gain          %.6f\n", r->i_gain);
        fprintf(f, "  phase           %+.4f deg (current advanced)\n", r->phase_deg);
        fprintf(f, "  V offset        %+.4f V\n", r->v_offset);
        fprintf(f, "  I offset        %+.5f A\n", r->i_offset);
        fprintf(f, "  P offset        %+.4f W\n", r->p_offset);
        fprintf(f, "\nCalibration passes (energy error, %%)\n");
        fprintf(f, "  pass   Iref PF 1   Iref PF 0.5L   Ilow PF 1\n");
        for (unsigned p = 0; p < EOL_CAL_PASSES; p++) {
            if (!u->cal_error_valid[p][0])
                continue;
            fprintf(f, "  %u     ", p + 1);
            for (unsigned k = 0; k < EOL_CAL_POINTS; k++)
                fprintf(f, "  %+9.4f   ", u->cal_error[p][k] * 100.0);
            fprintf(f, "\n");
        }
    }
    if (u->res->identified)
        fprintf(f, "\nIdentity read back: serial %u, hardware version %u, calibration date %u\n",
                u->id_read.serial, u->id_read.hw_version, u->id_read.cal_date);

    fprintf(f, "\nVerification: %s, class %c\n", u->table.standard,
            u->model.active_class ? u->model.active_class : '?');
    fprintf(f, "  %-16s %9s %6s %10s %9s %8s %8s  %s\n", "point", "current", "PF", "error %",
            "limit %", "ratio", "gate s", "verdict");
    for (unsigned k = 0; k < u->table.count; k++) {
        const struct rig_load_point *lp = &u->table.points[k];
        const struct eol_point_result *pr = &u->verify[k];
        if (!u->verify_done) {
            fprintf(f, "  %-16s %8.3fA %6s %10s %9.1f %8s %8s  %s\n", lp->name, lp->pt.amps, lp->pf,
                    "-", lp->mpe * 100.0, "-", "-", "not measured");
        } else if (!pr->measured) {
            fprintf(f, "  %-16s %8.3fA %6s %10s %9.1f %8s %8s  %s\n", lp->name, lp->pt.amps, lp->pf,
                    "-", lp->mpe * 100.0, "-", "-", "FAIL (no pulses)");
        } else {
            fprintf(f, "  %-16s %8.3fA %6s %+10.4f %9.1f %8.3f %8.1f  %s\n", lp->name,
                    lp->pt.amps, lp->pf, pr->error * 100.0, lp->mpe * 100.0, pr->ratio, pr->gate_s,
                    pr->ratio <= 1.0 ? "PASS" : "FAIL");
        }
    }
    fprintf(f, "\nErrors are pulse-gated against the reference energy: output %s, gate from the\n"
               "first to the (N+1)-th pulse edge after %.1f s of settling.\n",
            u->model.pulse2_adjustable ? "2 (constant chosen per point)" : "1 (1 Wh/pulse)", 1.0);
}

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

/* One error curve per power factor, the class limit as tick marks. */
static void write_svg(const struct eol_unit *u, FILE *f)
{
    static const struct {
        const char *pf, *color;
    } curves[] = {{"1", "#1f5fbf"}, {"0.5L", "#c0392b"}, {"0.8C", "#1e8449"}};
    double lo = INFINITY, hi = 0.0, span = 0.0;
    for (unsigned k = 0; k < u->table.count; k++) {
        lo = fmin(lo, u->table.points[k].pt.amps);
        hi = fmax(hi, u->table.points[k].pt.amps);
        span = fmax(span, u->table.points[k].mpe * 100.0);
        if (u->verify[k].measured)
            span = fmax(span, fabs(u->verify[k].error) * 100.0);
    }
    if (u->table.count == 0 || !(hi > lo))
        return;
    lo /= 1.5;
    hi *= 1.5;
    span *= 1.25;
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
    for (size_t cv = 0; cv < sizeof curves / sizeof curves[0]; cv++) {
        fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='1.5' points='", curves[cv].color);
        for (unsigned k = 0; k < u->table.count; k++) {
            const struct rig_load_point *lp = &u->table.points[k];
            if (strcmp(lp->pf, curves[cv].pf) == 0 && u->verify[k].measured)
                fprintf(f, "%.1f,%.1f ", sx(lp->pt.amps, lo, hi),
                        sy(u->verify[k].error * 100.0, span));
        }
        fprintf(f, "'/>\n");
        for (unsigned k = 0; k < u->table.count; k++) {
            const struct rig_load_point *lp = &u->table.points[k];
            if (strcmp(lp->pf, curves[cv].pf) != 0)
                continue;
            double x = sx(lp->pt.amps, lo, hi);
            /* the limit at this point: a bracket +-mpe */
            for (int s = -1; s <= 1; s += 2)
                fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s' "
                           "stroke-dasharray='3,2'/>\n",
                        x - 7 + 3 * (double)cv, sy(s * lp->mpe * 100.0, span),
                        x + 7 + 3 * (double)cv, sy(s * lp->mpe * 100.0, span), curves[cv].color);
            if (u->verify[k].measured)
                fprintf(f, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>\n", x,
                        sy(u->verify[k].error * 100.0, span), curves[cv].color);
        }
        fprintf(f, "<text x='%d' y='%zu' fill='%s'>PF %s</text>\n", SVG_W - SVG_MARGIN_R + 8,
                (size_t)SVG_MARGIN_T + 14 + 16 * cv, curves[cv].color, curves[cv].pf);
    }
    fprintf(f, "<text x='%d' y='%d' fill='#555'>- - limit</text>\n", SVG_W - SVG_MARGIN_R + 8,
            SVG_MARGIN_T + 14 + 16 * 3);
    fprintf(f, "</svg>\n");
}

static void html_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void write_index(const struct eol_ctx *c, FILE *f)
{
    unsigned pass = 0;
    for (unsigned i = 0; i < c->n; i++)
        pass += c->u[i].res->pass;
    fprintf(f, "<!doctype html>\n<html><head><meta charset='utf-8'><title>EOL %s</title>\n"
               "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
               "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
               ".PASS{background:#d5f5d5}.FAIL{background:#f8d0d0}</style></head><body>\n",
            c->bench_name);
    fprintf(f, "<h1>End of line — bench ");
    html_escape(f, c->bench_name);
    fprintf(f, "</h1>\n<p>%s UTC · firmware <code>%s</code> · %u of %u positions pass · "
               "plan %.0f s of bench time",
            c->started, c->firmware, pass, c->n, c->t_end - c->t_start);
    if (c->rec)
        fprintf(f, " · records <code>%s</code> run <code>%s</code>", rig_records_path(c->rec),
                rig_records_run(c->rec));
    fprintf(f, "</p>\n");
    if (c->aborted) {
        fprintf(f, "<p class='FAIL'><b>Rack aborted, source switched off:</b> ");
        html_escape(f, c->abort_reason);
        fprintf(f, "</p>\n");
    }
    fprintf(f, "<table><tr><th>pos</th><th>serial</th><th>model</th><th>result</th>"
               "<th>worst |error|/limit</th><th>calibrated</th><th>verified</th>"
               "<th>identified</th><th>sealed</th><th>certificate</th><th>reason</th></tr>\n");
    for (unsigned i = 0; i < c->n; i++) {
        const struct eol_unit *u = &c->u[i];
        const struct rig_eol_result *r = u->res;
        fprintf(f, "<tr class='%s'><td>%u</td><td>%s</td><td>%s</td><td>%s</td><td>%.3f</td>"
                   "<td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                   "<td><a href='certificates/%s.txt'>%s.txt</a></td><td>",
                r->pass ? "PASS" : "FAIL", u->position, serial_of(u),
                u->pos ? u->pos->model : "?", r->pass ? "PASS" : "FAIL", r->worst_error_ratio,
                r->calibrated ? "yes" : "no", r->verified ? "yes" : "no",
                r->identified ? "yes" : "no", r->sealed ? "yes" : "no", serial_of(u),
                serial_of(u));
        html_escape(f, r->reason);
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n<h2>Error curves</h2>\n");
    for (unsigned i = 0; i < c->n; i++) {
        const struct eol_unit *u = &c->u[i];
        if (!u->verify_done)
            continue;
        fprintf(f, "<h3>Position %u — %s %s (class %c)</h3>\n", u->position, serial_of(u),
                u->pos->model, u->model.active_class);
        write_svg(u, f);
    }
    fprintf(f, "</body></html>\n");
}

static void write_summary(const struct eol_ctx *c, FILE *f)
{
    fprintf(f, "%-4s %-10s %-12s %-6s %-12s %-7s %s\n", "pos", "serial", "model", "result",
            "worst_ratio", "sealed", "reason");
    for (unsigned i = 0; i < c->n; i++) {
        const struct eol_unit *u = &c->u[i];
        const struct rig_eol_result *r = u->res;
        fprintf(f, "%-4u %-10s %-12s %-6s %-12.3f %-7s %s\n", u->position, serial_of(u),
                u->pos ? u->pos->model : "?", r->pass ? "PASS" : "FAIL", r->worst_error_ratio,
                r->sealed ? "yes" : "no", r->reason);
    }
}

int eol_report_write(const struct eol_ctx *c, const char *dir, bool seal_requested)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/certificates", dir);
    int rc = eol_mkdir_p(path);
    if (rc < 0)
        return rig_error_set(rc, "eol: cannot create %s: %s", path, strerror(-rc));
    for (unsigned i = 0; i < c->n; i++) {
        const struct eol_unit *u = &c->u[i];
        if (!u->pos)
            continue;
        snprintf(path, sizeof path, "%s/certificates/%s.txt", dir, serial_of(u));
        FILE *f = fopen(path, "w");
        if (!f)
            return rig_error_set(-errno, "eol: cannot write %s: %s", path, strerror(errno));
        write_certificate(c, u, f, seal_requested);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/index.html", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return rig_error_set(-errno, "eol: cannot write %s: %s", path, strerror(errno));
    write_index(c, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/summary.txt", dir);
    f = fopen(path, "w");
    if (!f)
        return rig_error_set(-errno, "eol: cannot write %s: %s", path, strerror(errno));
    write_summary(c, f);
    fclose(f);
    return 0;
}
