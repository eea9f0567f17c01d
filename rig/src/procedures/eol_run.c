/*
 * eol_run.c — the whole EOL job on a rack (rig_eol_run, rig/eol.h): flash,
 * calibrate, verify, identify, seal, then the verdict per position, the
 * records and the report.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "report/eol.h"
#include "rig/bench.h"
#include "rig/error.h"
#include "rig/flash.h"
#include "rig/modbus.h"
#include "rig/records.h"

/* A records file of the run's own (opt->records_db), in its directory. */
static int open_records(struct rig_bench *bench, const char *path, struct rig_records **out)
{
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        report_mkdir_p(parent);
    }
    return rig_records_open(path, rig_bench_name(bench), out);
}

/*
 * A unit whose NV memory does not keep what is written fails a save with
 * exception 04 and says so in FACTORY_STATUS: name that as the cause, over
 * whatever step it broke.
 */
static int check_nv(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    uint32_t st = 0;
    rig_meter_set_timeout(u->m, EOL_PROBE_TIMEOUT_MS);
    int rc = rig_factory_status(u->m, &st);
    rig_meter_set_timeout(u->m, 0);
    if (rc == 0 && (st & MED2_FACTORY_NV_FAULT)) {
        snprintf(u->res->reason, sizeof u->res->reason,
                 "NV memory fails to write: a record read back different from what was written "
                 "(FACTORY_STATUS NV fault)");
        u->res->calibrated = false;
    }
    return 0;
}

static bool pick_failed(const struct eol_unit *u)
{
    return u->m && u->pos && !u->sealed_before && !u->res->sealed && u->res->reason[0];
}

/* The phases after flashing; stops at a rack abort (rc < 0). Output 1 is
 * at the test constant from before the precheck until the drift check is
 * done, the RTC test runs on output 2 through the measuring phases. */
static int run_phases(struct eol_ctx *c, bool seal)
{
    eol_find_sealed(c);
    eol_test_constant_on(c);
    int rc = eol_precheck_units(c);
    if (rc < 0)
        return rc;
    eol_rtc_start(c);
    rc = eol_calibrate_units(c);
    if (rc < 0)
        return rc;
    for (unsigned i = 0; i < c->n; i++)
        c->u[i].cal_active = false;
    if ((rc = eol_verify_units(c)) < 0 || (rc = eol_drift_units(c)) < 0)
        return rc;
    eol_rtc_finish(c);
    eol_test_constant_off(c);
    eol_identify_units(c);
    eol_seal_units(c, seal);
    eol_for_units(c, pick_failed, check_nv, NULL, NULL, NULL);
    return 0;
}

/* Each position's verdict and its reason, recorded. */
static void judge(struct eol_ctx *c, bool seal)
{
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        struct rig_eol_result *r = u->res;
        if (u->sealed_before)
            eol_fail_unit(u, "sealed before this run: not flashed, not recalibrated");
        r->pass = !c->aborted && !u->sealed_before && r->calibrated && r->verified &&
                  r->identified && (r->sealed || !seal);
        if (!r->pass && !r->reason[0])
            eol_fail_unit(u, "%s", !r->calibrated   ? "not calibrated"
                                   : !r->verified   ? "not verified"
                                   : !r->identified ? "not identified"
                                                    : "not sealed");
        if (r->pass)
            r->reason[0] = '\0';
        if (u->pos) {
            eol_record(c, u, "eol.sealed", r->sealed, "", NAN, NAN, "INFO");
            eol_record(c, u, "eol.result", r->pass, "", 1, 1, r->pass ? "PASS" : "FAIL");
        }
    }
}

/* The run verifies by profile (fixtures/loadpoints/NAME.ini): checked now,
 * so a typo stops the run before anything is flashed. */
static int use_profile(struct eol_ctx *c, const char *profile)
{
    struct rig_load_table t;
    for (unsigned i = 0; i < c->n; i++) {
        if (!c->u[i].pos)
            continue;
        int rc = rig_loadpoints_profile(c->u[i].pos->model, profile, &t);
        if (rc < 0)
            return rc;
        break;
    }
    snprintf(c->profile, sizeof c->profile, "%s", profile);
    for (unsigned i = 0; i < c->n; i++)
        snprintf(c->u[i].res->profile, sizeof c->u[i].res->profile, "%s", profile);
    return 0;
}

/* The report, if asked for; the run's last error message survives it. */
static void report(const struct eol_ctx *c, const struct rig_eol_options *opt)
{
    if (!opt->report_dir)
        return;
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", rig_last_error());
    if (eol_report_write(c, opt->report_dir, opt->seal) < 0)
        fprintf(stderr, "eol: %s\n", rig_last_error());
    rig_error_set(0, "%s", saved);
}

int rig_eol_run(struct rig_bench *bench, const struct rig_eol_options *opt,
                struct rig_eol_result *results)
{
    static const struct rig_eol_options defaults = {.seal = true};
    if (!opt)
        opt = &defaults;
    for (unsigned i = 0; i < rig_bench_position_count(bench); i++)
        results[i] = (struct rig_eol_result){0};
    struct eol_ctx c;
    struct rig_records *own = NULL, *prev = rig_bench_records(bench);
    char image[4096];
    int rc = eol_ctx_init(&c, bench, results);
    if (rc < 0)
        return rc;
    if (opt->profile && (rc = use_profile(&c, opt->profile)) < 0)
        goto done;
    if (opt->records_db) {
        if ((rc = open_records(bench, opt->records_db, &own)) < 0)
            goto done;
        rig_bench_set_records(bench, own);
        c.rec = own;
    }
    if (opt->image)
        snprintf(image, sizeof image, "%s", opt->image);
    else if ((rc = rig_flash_default_image(bench, image, sizeof image)) < 0)
        goto done;
    eol_image_id(image, c.firmware, sizeof c.firmware);
    rig_bench_time(bench, &c.t_start);
    fprintf(stderr, "eol: bench %s, %u positions, firmware %s, profile %s\n", c.bench_name, c.n,
            c.firmware, c.profile);

    eol_flash_units(&c, image);
    rc = run_phases(&c, opt->seal);

    eol_spend_pending(&c);
    rig_bench_time(bench, &c.t_end);
    judge(&c, opt->seal);
    if (isnan(c.t_start))
        c.t_start = c.t_end;
    eol_record(&c, NULL, "eol.plan_virtual_s", c.t_end - c.t_start, "s", NAN, NAN, "INFO");
    if (rig_bench_is_simulated(bench)) /* the model's seconds are on its clock */
        fprintf(stderr, "eol: bench time %.1f s: %.1f s flashing, %.1f s Modbus, %.1f s source, "
                        "settling and gates\n",
                c.t_end - c.t_start, c.flash_s, c.modbus_s,
                c.t_end - c.t_start - c.flash_s - c.modbus_s);
    else
        fprintf(stderr, "eol: bench time %.1f s\n", c.t_end - c.t_start);
    report(&c, opt);
    for (unsigned i = 0; rc == 0 && i < c.n; i++)
        if (!results[i].pass)
            rc = 1;
done:
    eol_ctx_free(&c);
    if (own) {
        rig_bench_set_records(bench, prev);
        rig_records_close(own);
    }
    return rc;
}
