/*
 * certificate.c — the end-of-line certificate of one unit
 * (templates/certificate.txt): identity, result, the calibration written and
 * how it converged, the verification table.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "template.h"

static void calibration_block(FILE *f, const struct report_eol_unit *u)
{
    if (u->sealed_before)
        return;
    fprintf(f, "\nCalibration written to the factory block\n");
    fprintf(f, "  V gain          %.6f\n", u->v_gain);
    fprintf(f, "  I gain          %.6f\n", u->i_gain);
    fprintf(f, "  phase           %+.4f deg (current advanced)\n", u->phase_deg);
    fprintf(f, "  V offset        %+.4f V\n", u->v_offset);
    fprintf(f, "  I offset        %+.5f A\n", u->i_offset);
    fprintf(f, "  P offset        %+.4f W\n", u->p_offset);
    fprintf(f, "  I gain slope    %+.6f per decade below Iref\n", u->i_gain_slope);
    fprintf(f, "  phase slope     %+.4f deg per decade below Iref\n", u->phase_slope);
    fprintf(f, "\nCalibration passes (energy error, %%)\n  pass ");
    for (unsigned k = 0; k < REPORT_CAL_POINTS; k++)
        fprintf(f, "  %12s", u->cal_point_names[k] ? u->cal_point_names[k] : "?");
    fprintf(f, "\n");
    for (unsigned p = 0; p < REPORT_CAL_PASSES; p++) {
        if (!u->cal_valid[p])
            continue;
        fprintf(f, "  %u    ", p + 1);
        for (unsigned k = 0; k < REPORT_CAL_POINTS; k++)
            fprintf(f, "  %+12.4f", u->cal_error[p][k] * 100.0);
        fprintf(f, "\n");
    }
}

static void verification_table(FILE *f, const struct report_eol_unit *u)
{
    fprintf(f, "  %-16s %9s %6s %10s %9s %8s %8s  %s\n", "point", "current", "PF", "error %",
            "limit %", "ratio", "gate s", "verdict");
    for (size_t k = 0; k < u->point_count; k++) {
        const struct report_point *p = &u->points[k];
        if (!u->verify_done || !p->measured)
            fprintf(f, "  %-16s %8.3fA %6s %10s %9.1f %8s %8s  %s\n", p->name, p->amps, p->pf,
                    "-", p->mpe * 100.0, "-", "-",
                    u->verify_done ? "FAIL (no pulses)" : "not measured");
        else
            fprintf(f, "  %-16s %8.3fA %6s %+10.4f %9.1f %8.3f %8.1f  %s\n", p->name, p->amps,
                    p->pf, p->error * 100.0, p->mpe * 100.0, p->ratio, p->gate_s,
                    p->ratio <= 1.0 ? "PASS" : "FAIL");
    }
}

/* A fragment rendered by fn into a malloc'd string (NULL: out of memory). */
static char *render(void (*fn)(FILE *, const struct report_eol_unit *),
                    const struct report_eol_unit *u)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fn(f, u);
    fclose(f);
    return text;
}

int report_certificate_write(FILE *f, const struct report_eol_run *run,
                             const struct report_eol_unit *u, char *err, size_t errlen)
{
    char position[16], cls[2] = {u->active_class ? u->active_class : '?', 0};
    char records[600] = "", result[400], worst[32], sealed[48], identity[160] = "", settle[16];
    snprintf(position, sizeof position, "%u", u->position);
    if (run->records_path)
        snprintf(records, sizeof records, "Records           %s, run %s\n", run->records_path,
                 run->records_run ? run->records_run : "?");
    snprintf(result, sizeof result, "%s%s%s", u->pass ? "PASS" : "FAIL",
             u->reason && u->reason[0] ? " — " : "", u->reason ? u->reason : "");
    snprintf(worst, sizeof worst, "%.3f", u->worst_error_ratio);
    snprintf(sealed, sizeof sealed, "%s%s", u->sealed ? "yes" : "no",
             run->seal_requested ? "" : " (sealing not requested)");
    if (u->identified)
        snprintf(identity, sizeof identity,
                 "\nIdentity read back: serial %u, hardware version %u, calibration date %u\n",
                 u->id_serial, u->id_hw_version, u->id_cal_date);
    snprintf(settle, sizeof settle, "%.1f", run->settle_s);
    char *calibration = render(calibration_block, u);
    char *verification = render(verification_table, u);
    const struct report_var vars[] = {
        {"serial", report_serial(u), false},
        {"model", u->model ? u->model : "?", false},
        {"class", cls, false},
        {"connection", u->ct ? "CT" : "direct", false},
        {"bench", run->bench, false},
        {"position", position, false},
        {"firmware", run->firmware, false},
        {"started", run->started, false},
        {"records", records, false},
        {"result", result, false},
        {"calibrated", u->calibrated ? "yes" : "no", false},
        {"verified", u->verified ? "yes" : "no", false},
        {"worst", worst, false},
        {"identified", u->identified ? "yes" : "no", false},
        {"sealed", sealed, false},
        {"calibration", calibration, false},
        {"identity", identity, false},
        {"standard", u->standard ? u->standard : "?", false},
        {"verification", verification, false},
        {"gating", u->gating ? u->gating : "?", false},
        {"pulse1", u->pulse1 ? u->pulse1 : "1000 imp/kWh", false},
        {"settle_s", settle, false},
    };
    int rc = report_template_write(f, report_template_certificate_txt, vars,
                                   sizeof vars / sizeof vars[0], err, errlen);
    free(calibration);
    free(verification);
    return rc;
}
