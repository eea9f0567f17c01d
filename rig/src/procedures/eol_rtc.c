/*
 * eol_rtc.c — is each unit's real-time clock on time? A unit with a clock
 * (the tariff models) is put in its factory RTC test on pulse output 2
 * (docs/factory.md: a pulse at every RTC second, FACTORY_COMMAND 6) while
 * output 1 gates energy at the test constant, so the test runs through
 * calibration, verification and the drift soak and costs no bench time of
 * its own. Its second edges are timed against the bench's clock: the
 * first one seen and the last one, the whole seconds between them, and the
 * crystal's error in ppm decides. A crystal a few hundred ppm off gains
 * tens of seconds a day: the tariff changes at the wrong time.
 *
 * The gates drain the lines' edges, so the second edges are taken before
 * each gate (eol_rtc_collect) and at the end; only the first and last
 * count. Over the ~40 s of a run an edge's placement on the meter's 4 kHz
 * samples (250 us) is 6 ppm, and the seconds between the two edges are
 * unambiguous for any clock within 1 % (1 s in 100).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/bench.h"
#include "rig/error.h"
#include "rig/lines.h"
#include "rig/modbus.h"

/* +-30 ppm: +-2.6 s a day, a tuning-fork crystal before trimming. */
#define RTC_PPM_LIMIT 30.0
/* The span must resolve the limit: 250 us of edge placement is 25 ppm
 * over 10 s. */
#define RTC_MIN_SECONDS 10u
#define EDGE_MAX 4096
#define RTC_OUTPUT 2u

static bool pick_clock(const struct eol_unit *u)
{
    return u->usable && u->has_clock && !u->sealed_before && u->test_constant &&
           u->model.pulse2_adjustable;
}

static bool pick_running(const struct eol_unit *u)
{
    return u->rtc_running;
}

static int start_test(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    int rc = rig_factory_unlock(u->m);
    if (rc == 0)
        rc = rig_factory_write(u->m, MED2_FACTORY_COMMAND, MED2_FACTORY_CMD_RTC_TEST_PULSE2);
    u->rtc_running = rc == 0;
    u->rtc_first_s = u->rtc_last_s = NAN;
    return rc;
}

void eol_rtc_start(struct eol_ctx *c)
{
    eol_for_units(c, pick_clock, start_test, NULL, "starting the RTC test", NULL);
}

void eol_rtc_edge(struct eol_unit *u, double t)
{
    if (!u->rtc_running)
        return;
    if (isnan(u->rtc_first_s))
        u->rtc_first_s = t;
    u->rtc_last_s = t;
}

/* The second edges of u since the last look: first and last kept. */
static int collect(struct eol_ctx *c, struct eol_unit *u)
{
    static _Thread_local struct rig_pulse_edge e[EDGE_MAX];
    size_t n = EDGE_MAX;
    while (n == EDGE_MAX) { /* drain: the last edges are the ones that count */
        int rc = rig_pulse_edges(c->bench, u->position, e, EDGE_MAX, &n);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < n; k++) {
            if (e[k].output == RTC_OUTPUT && e[k].level == 1)
                eol_rtc_edge(u, (double)e[k].t_ns * 1e-9);
        }
    }
    return 0;
}

void eol_rtc_collect(struct eol_ctx *c)
{
    for (unsigned i = 0; i < c->n; i++)
        if (c->u[i].rtc_running && collect(c, &c->u[i]) < 0)
            fprintf(stderr, "eol: position %u: RTC test: %s\n", i + 1, rig_last_error());
}

/* The RTC's error from the first and last second edge. */
static int finish_test(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)arg;
    int rc = collect(c, u);
    int end = rig_factory_write(u->m, MED2_FACTORY_COMMAND, MED2_FACTORY_CMD_RTC_TEST_END);
    u->rtc_running = false;
    if (rc < 0 || end < 0)
        return rc < 0 ? rc : end;
    if (!u->res->verified)
        return 0; /* already failed: its clock is not what it is rejected for */
    double span = u->rtc_last_s - u->rtc_first_s;
    double seconds = isnan(span) ? 0.0 : round(span);
    if (seconds < RTC_MIN_SECONDS) {
        u->res->verified = false;
        eol_fail_unit(u, "RTC test: second pulses on output %u over %.0f s, at least %u expected",
                      RTC_OUTPUT, seconds, RTC_MIN_SECONDS);
        return 0;
    }
    double ppm = (seconds / span - 1.0) * 1e6;
    bool ok = fabs(ppm) <= RTC_PPM_LIMIT;
    eol_record(c, u, "eol.rtc.ppm", ppm, "ppm", -RTC_PPM_LIMIT, RTC_PPM_LIMIT, ok ? "PASS" : "FAIL");
    if (!ok) {
        u->res->verified = false;
        eol_fail_unit(u, "RTC off by %+.0f ppm (%+.1f s a day; limit %.0f ppm): the clock's crystal",
                      ppm, ppm * 86400e-6, RTC_PPM_LIMIT);
    }
    return 0;
}

void eol_rtc_finish(struct eol_ctx *c)
{
    eol_for_units(c, pick_running, finish_test, NULL, "RTC test", NULL);
}
