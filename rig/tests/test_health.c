/*
 * test_health.c — rig_health_check on simulated benches: a good bench is
 * fit and left off; a position with a dead pulse output, a dead line or a
 * golden unit outside its window makes it unfit, naming the position.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rig/health.h"
#include "rig/rig.h"
#include "sim_env.h"

static char path[64];

/* A kind = sim bench of three C80-1M-V3 units; extra goes into position 2. */
static struct rig_bench *bench_with(const char *extra)
{
    snprintf(path, sizeof path, "/tmp/rig-test-health-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "[bench]\nname = health\nkind = sim\npositions = 3\n[source]\nport = sim\n"
               "[position 1]\nmodel = C80-1M-V3\nserial = 24110061\n"
               "[position 2]\nmodel = C80-1M-V3\nserial = 24110062\n%s\n"
               "[position 3]\nmodel = B80-0M-02\nserial = 24110063\n",
            extra);
    fclose(f);
    struct rig_bench *b = NULL;
    cr_assert_eq(rig_bench_open(path, &b), 0, "%s", rig_last_error());
    unlink(path);
    return b;
}

static void check(struct rig_bench *b, struct rig_health *h, struct rig_health_position *pos)
{
    cr_assert_eq(rig_health_check(b, h, pos), 0, "%s", rig_last_error());
    cr_expect(h->source_ok, "%s", h->why);
    cr_expect(h->source_off, "the source is off afterwards, confirmed");
    char reply[16];
    cr_assert_eq(rig_source_query(rig_bench_source(b), "OUTP?", reply, sizeof reply), 0);
    cr_expect_str_eq(reply, "0");
}

TestSuite(health, .init = require_sim, .timeout = 60);

Test(health, a_good_bench_is_fit)
{
    struct rig_bench *b = bench_with("");
    struct rig_health h;
    struct rig_health_position pos[3];
    check(b, &h, pos);
    cr_expect(h.pass, "%s", h.why);
    for (int i = 0; i < 3; i++)
        cr_expect(pos[i].pass, "position %d: %s", i + 1, pos[i].why);
    cr_expect_gt(h.amps, 10.0, "a high load: pulses come fast");
    cr_expect_lt(h.bench_s, 10.0, "three positions in seconds of bench time (%.1f s)", h.bench_s);
    rig_bench_close(b);
}

Test(health, a_dead_pulse_output_is_named)
{
    struct rig_bench *b = bench_with("defect = dead_pulse1");
    struct rig_health h;
    struct rig_health_position pos[3];
    check(b, &h, pos);
    cr_expect_not(h.pass);
    cr_expect(pos[0].pass && pos[2].pass, "the others are fit");
    cr_expect_not(pos[1].pass);
    cr_expect(strstr(pos[1].why, "no pulses on output 1"), "%s", pos[1].why);
    rig_bench_close(b);
}

Test(health, a_silent_line_is_named)
{
    struct rig_bench *b = bench_with("defect = dead_rs485");
    struct rig_health h;
    struct rig_health_position pos[3];
    check(b, &h, pos);
    cr_expect_not(h.pass);
    cr_expect_not(pos[1].answers);
    cr_expect(strstr(pos[1].why, "no answer"), "%s", pos[1].why);
    cr_expect(pos[1].pulses_ok, "its pulses are fine: only the line is dead");
    rig_bench_close(b);
}

Test(health, a_golden_unit_outside_its_window_fails)
{
    struct rig_bench *b = bench_with("golden = +3.0,0.05");
    struct rig_health h;
    struct rig_health_position pos[3];
    check(b, &h, pos);
    cr_expect(pos[1].golden);
    cr_expect_not(pos[1].pass, "an uncalibrated unit is not 3.0 +- 0.05 %% off: %+.3f %%",
                  pos[1].error * 100.0);
    cr_expect(strstr(pos[1].why, "golden unit"), "why: '%s'", pos[1].why);
    rig_bench_close(b);

    /* the same unit with its own error as the record is fit */
    char golden[64];
    snprintf(golden, sizeof golden, "golden = %+.4f,0.05", pos[1].error * 100.0);
    b = bench_with(golden);
    check(b, &h, pos);
    cr_expect(pos[1].pass, "%s", pos[1].why);
    rig_bench_close(b);
}
