/*
 * power_cuts.c — `make bench`'s power figures (docs/power.md), on one
 * simulated unit metering Imax (230 V, 80 A, PF 1):
 *
 *   power_cuts_corrupt    records that came back neither as before a hard cut
 *                         nor as written during it, over 1000 random hard cuts
 *                         (in accumulation, in energy, settings and factory
 *                         saves); goal 0
 *   hard_cut_max_loss_wh  the worst energy a hard cut lost, against the
 *                         source's reference energy; goal <= the stated bound
 *                         (stderr: P x the save period)
 *   warned_cut_loss_wh    the worst |energy lost| by 50 warned cuts; goal 0
 *   holdup_used_ratio     the longest power-fail save / the hold-up time;
 *                         goal <= 0.5
 *
 *   power_cuts [--bench FILE] [--cuts N]   (fixtures/benches/power.ini, 1000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig/rig.h"

#define DEFAULT_BENCH "fixtures/benches/power.ini"
#define DEFAULT_CUTS 1000u
#define WARNED_CUTS 50u

int main(int argc, char **argv)
{
    const char *file = DEFAULT_BENCH;
    unsigned cuts = DEFAULT_CUTS;
    for (int k = 1; k + 1 < argc; k += 2) {
        if (strcmp(argv[k], "--bench") == 0) {
            file = argv[k + 1];
        } else if (strcmp(argv[k], "--cuts") == 0) {
            cuts = (unsigned)strtoul(argv[k + 1], NULL, 10);
        }
    }
    struct rig_bench *bench;
    if (rig_bench_open(file, &bench) < 0) {
        fprintf(stderr, "power_cuts: %s\n", rig_last_error());
        return 1;
    }
    struct rig_power_campaign c;
    struct rig_power_warned w;
    if (rig_power_cut_campaign(bench, 1, cuts, 20261202u, &c) < 0 ||
        rig_power_warned_campaign(bench, 1, WARNED_CUTS, 4242u, &w) < 0) {
        fprintf(stderr, "power_cuts: %s\n", rig_last_error());
        rig_bench_close(bench);
        return 1;
    }
    rig_bench_close(bench);
    fprintf(stderr, "power_cuts: %u hard cuts (%u aimed in NV writes, %u writes torn), %u unanswered, "
                    "%u energy decreases; loss bound %.3f Wh at %.0f W\n",
            c.cuts, c.in_writes, c.torn, c.unanswered, c.decreases, c.bound_wh, c.load_w);
    printf("BENCH power_cuts_corrupt %u records_in_%u_cuts\n", c.corrupt + c.unanswered + c.decreases, c.cuts);
    printf("BENCH hard_cut_max_loss_wh %.3f Wh\n", c.max_loss_wh);
    printf("BENCH warned_cut_loss_wh %.4f Wh\n", w.max_loss_wh);
    printf("BENCH holdup_used_ratio %.4f ratio\n", w.holdup_s > 0.0 ? w.max_holdup_used_s / w.holdup_s : 1.0);
    return c.corrupt + c.unanswered + c.decreases == 0 ? 0 : 1;
}
