/*
 * false_rejects.c — `make false-rejects`: good simulated units (each with
 * its own serial, so its own imperfections) through the whole EOL, rack
 * after rack; every unit that does not pass is a false reject.
 *
 *   BENCH false_reject_count <n> units   (goal 0)
 *   BENCH false_reject_units_run <n> units
 *
 *   false_rejects [--racks N]     (default 50 racks of 20: 1000 units)
 *
 * Racks alternate as a factory builds them: four direct racks (9 C80-1M-V3,
 * 9 B80-1M-V2, 2 B80-0M-02), then a CT rack (10 C80-1M-V3CT, 10
 * B80-1M-V2CT). Progress and each rejected unit's reason go to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig/rig.h"
#include "temp_bench.h"

#define RACK 20u
#define FIRST_SERIAL 30000001ul
#define CT_EVERY 5u

static void build_rack(unsigned r, struct temp_unit *u)
{
    for (unsigned i = 0; i < RACK; i++) {
        const char *model = r % CT_EVERY == CT_EVERY - 1 ? (i < 10 ? "C80-1M-V3CT" : "B80-1M-V2CT")
                            : i < 9                      ? "C80-1M-V3"
                            : i < 18                     ? "B80-1M-V2"
                                                         : "B80-0M-02";
        u[i] = (struct temp_unit){model, FIRST_SERIAL + (unsigned long)r * RACK + i, NULL};
    }
}

int main(int argc, char **argv)
{
    unsigned racks = argc > 2 && strcmp(argv[1], "--racks") == 0 ? (unsigned)atoi(argv[2]) : 50;
    unsigned run = 0, rejected = 0;
    for (unsigned r = 0; r < racks; r++) {
        struct temp_unit u[RACK];
        struct rig_eol_result res[RACK];
        char path[64], name[32];
        struct rig_bench *bench = NULL;
        build_rack(r, u);
        snprintf(name, sizeof name, "good-%u", r + 1);
        if (temp_bench_write(name, u, RACK, path) < 0 || rig_bench_open(path, &bench) < 0) {
            fprintf(stderr, "false_rejects: rack %u: %s\n", r + 1, rig_last_error());
            unlink(path);
            return 1;
        }
        unlink(path);
        int rc = rig_eol_run(bench, NULL, res);
        rig_bench_close(bench);
        if (rc < 0) {
            fprintf(stderr, "false_rejects: rack %u aborted: %s\n", r + 1, rig_last_error());
            return 1;
        }
        for (unsigned i = 0; i < RACK; i++) {
            run++;
            if (!res[i].pass) {
                rejected++;
                fprintf(stderr, "false_rejects: rack %u position %u %s %08lu: %s\n", r + 1, i + 1,
                        u[i].model, u[i].serial, res[i].reason);
            }
        }
        fprintf(stderr, "false_rejects: %u racks, %u units, %u rejected\n", r + 1, run, rejected);
    }
    printf("BENCH false_reject_count %u units\n", rejected);
    printf("BENCH false_reject_units_run %u units\n", run);
    return rejected == 0 ? 0 : 1;
}
