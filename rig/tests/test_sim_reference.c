/*
 * test_sim_reference.c — benchd's reference pulse wires (REFCONST,
 * REFEDGES): each rising edge where the exact integral of the source's
 * power crosses the next 1/constant kWh, none while the output is off, the
 * reactive wire on |Q|, and bad requests refused.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rig/rig.h"
#include "rig/sim/simctl.h"
#include "sim_env.h"

static char dir[64];
static pid_t benchd;
static struct rig_bench *bench;
static struct rig_simctl *ctl;
static struct rig_sim_edge e[65536];

static void up(void)
{
    struct rig_sim_unit unit = {"C80-1M-V3", "24110081", 1, 38400, NULL};
    benchd = sim_dir_up(dir, "rig-ref", &unit, 1);
    cr_assert_eq(rig_bench_attach(dir, &bench), 0, "%s", rig_last_error());
    ctl = rig_bench_simctl(bench);
}

static void down(void)
{
    rig_bench_close(bench);
    sim_dir_down(dir, benchd);
}

TestSuite(sim_reference, .init = up, .fini = down, .timeout = 60);

static size_t take(unsigned wire)
{
    size_t n = 0;
    uint64_t dropped = 1;
    cr_assert_eq(rig_simctl_refedges(ctl, wire, e, 65536, &n, &dropped), 0, "%s",
                 rig_last_error());
    cr_expect_eq(dropped, 0);
    return n;
}

Test(sim_reference, edges_at_the_exact_crossings)
{
    struct rig_source *src = rig_bench_source(bench);
    /* 1150 W at 360000 imp/kWh: a pulse every 1/115 s */
    cr_assert_eq(rig_simctl_refconst(ctl, 1, 360000.0, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_set(src, 230.0, 5.0, 0.0, 50.0), 0, "%s", rig_last_error());
    take(1);
    cr_assert_eq(rig_sleep(bench, 1.0), 0);
    cr_expect_eq(take(1), 0, "the output is off: no energy, no pulses");
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    uint64_t t_on;
    cr_assert_eq(rig_simctl_time(ctl, &t_on), 0);
    cr_assert_eq(rig_sleep(bench, 2.0), 0);
    size_t n = take(1);
    cr_assert_eq(n, 460, "230 pulses in 2 s, each a rise and a fall: %zu edges", n);
    double period_ns = 1e9 / 115.0;
    for (size_t k = 0; k < n; k++) {
        /* the (k+1)-th half pulse is crossed (k+1) x period/2 after the output went on */
        double want = (double)t_on + (double)(k + 1) * period_ns / 2.0;
        cr_assert(fabs((double)e[k].t_ns - want) <= 1.0, "edge %zu at %llu, exact %.1f", k,
                  (unsigned long long)e[k].t_ns, want);
        cr_assert_eq(e[k].level, (k + 1) % 2, "edge %zu", k);
        cr_assert_eq(e[k].output, 1);
    }
}

Test(sim_reference, reactive_wire_counts_varh)
{
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_eq(rig_simctl_refconst(ctl, 2, 100000.0, NULL), 0, "%s", rig_last_error());
    /* PF 0.5 capacitive: |Q| = 230 x 10 x sin 60 = 1991.9 var */
    cr_assert_eq(rig_source_set(src, 230.0, 10.0, -60.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    take(2);
    cr_assert_eq(rig_sleep(bench, 10.0), 0);
    size_t n = take(2), rising = 0;
    for (size_t k = 0; k < n; k++)
        rising += e[k].level;
    double want = 230.0 * 10.0 * sin(60.0 * M_PI / 180.0) * 10.0 / 3600.0 * 100.0; /* 553.3 */
    cr_expect(fabs((double)rising - want) <= 1.0, "%zu pulses, %.1f expected", rising, want);
}

Test(sim_reference, bad_requests_are_refused)
{
    char reply[128];
    cr_expect_eq(rig_simctl_request(ctl, 2000, reply, sizeof reply, "REFCONST 3 1000"), -EREMOTEIO);
    cr_expect(strstr(rig_last_error(), "no reference wire '3'"), "%s", rig_last_error());
    cr_expect_eq(rig_simctl_request(ctl, 2000, reply, sizeof reply, "REFCONST 1 -5"), -EREMOTEIO);
    cr_expect(strstr(rig_last_error(), "REFCONST wants a constant"), "%s", rig_last_error());
    cr_expect_eq(rig_simctl_request(ctl, 2000, reply, sizeof reply, "REFEDGES"), -EREMOTEIO);
    double k = 0;
    cr_assert_eq(rig_simctl_refconst(ctl, 1, 0.0, &k), 0);
    cr_expect_float_eq(k, 100000.0, 1e-9, "the default constant");
}

Test(sim_reference, a_full_queue_keeps_the_latest_edges_and_counts_the_rest)
{
    struct rig_source *src = rig_bench_source(bench);
    /* 1150 W at 1e9 imp/kWh: 319444.4 pulses a second, far more than a queue */
    cr_assert_eq(rig_simctl_refconst(ctl, 1, 1e9, NULL), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_set(src, 230.0, 5.0, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    uint64_t t_on, t_end;
    cr_assert_eq(rig_simctl_time(ctl, &t_on), 0);
    cr_assert_eq(rig_simctl_advance(ctl, 1.0, &t_end), 0);
    size_t n = 0;
    uint64_t dropped = 0;
    cr_assert_eq(rig_simctl_refedges(ctl, 1, e, 65536, &n, &dropped), 0, "%s", rig_last_error());
    cr_expect_eq(n, 65536);
    double half_ns = 1e9 / (1150.0 * 1e9 / 3.6e6) / 2.0;
    uint64_t total = (uint64_t)floor((double)(t_end - t_on) / half_ns);
    cr_expect_eq(n + dropped, total, "%zu kept + %llu dropped, %llu crossed", n,
                 (unsigned long long)dropped, (unsigned long long)total);
    /* the last one kept is the last crossing, exact */
    double want = (double)t_on + (double)total * half_ns;
    cr_expect(fabs((double)e[n - 1].t_ns - want) <= 2.0, "last edge %llu, exact %.1f",
              (unsigned long long)e[n - 1].t_ns, want);
    cr_expect_eq(e[n - 1].level, total % 2);
}
