/*
 * eol_rtc.c — is each unit's real-time clock on time? A unit with a clock
 * (the tariff models) is put in its factory RTC test (docs/factory.md:
 * pulse output 1 gives a pulse at every RTC second), its pulses are timed
 * against the bench's clock over the drift soak (no time of its own), and
 * the crystal's error in ppm decides. A crystal a few hundred ppm off gains
 * tens of seconds a day: the tariff changes at the wrong time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "procedures/eol_internal.h"
#include "rig/bench.h"
#include "rig/lines.h"
#include "rig/modbus.h"

/* +-30 ppm: +-2.6 s a day, a tuning-fork crystal before trimming; the
 * gate resolves 250 us over tens of seconds, a few ppm. */
#define RTC_PPM_LIMIT 30.0
#define RTC_MIN_SECONDS 10u
#define EDGE_MAX 4096

static bool pick_clock(const struct eol_unit *u)
{
    return u->usable && u->has_clock && !u->sealed_before && u->res->verified;
}

static int start_test(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)arg;
    int rc = rig_factory_unlock(u->m);
    if (rc == 0)
        rc = rig_factory_write(u->m, MED2_FACTORY_COMMAND, MED2_FACTORY_CMD_RTC_TEST);
    if (rc == 0) /* what came before the test is not its seconds */
        rc = rig_pulse_edges_discard(c->bench, u->position);
    return rc;
}

void eol_rtc_start(struct eol_ctx *c)
{
    eol_for_units(c, pick_clock, start_test, NULL, "starting the RTC test", NULL);
}

/* The RTC's error from its second pulses: the bench time between the first
 * and last rising edge over the seconds counted between them. */
static int finish_test(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)arg;
    static _Thread_local struct rig_pulse_edge e[EDGE_MAX];
    size_t n = 0;
    int rc = rig_pulse_edges(c->bench, u->position, e, EDGE_MAX, &n);
    double first = NAN, last = NAN;
    unsigned seconds = 0;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        if (e[k].output != 1 || e[k].level != 1)
            continue;
        double t = (double)e[k].t_ns * 1e-9;
        if (isnan(first))
            first = t;
        else
            seconds++;
        last = t;
    }
    int end = rig_factory_write(u->m, MED2_FACTORY_COMMAND, MED2_FACTORY_CMD_RTC_TEST_END);
    if (rc < 0 || end < 0)
        return rc < 0 ? rc : end;
    if (seconds < RTC_MIN_SECONDS) {
        u->res->verified = false;
        eol_fail_unit(u, "RTC test: %u second pulses on output 1, at least %u expected", seconds,
                      RTC_MIN_SECONDS);
        return 0;
    }
    double ppm = ((double)seconds / (last - first) - 1.0) * 1e6;
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
    eol_for_units(c, pick_clock, finish_test, NULL, "RTC test", NULL);
}
