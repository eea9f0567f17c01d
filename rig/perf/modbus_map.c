/*
 * modbus_map.c — `make bench`'s modbus_full_map_transactions: how many
 * Modbus transactions the rig needs to read every readable value of a
 * C80-1M-V3 unit's map (rig_meter_read_map groups them into as few reads
 * as the map's gaps and the 125-register limit allow).
 *
 *   modbus_map [--bench FILE]      (default fixtures/benches/sim.ini)
 *
 * The firmware's own cost per request is firmware/tools/modbus_cost.c.
 */
#include <stdio.h>
#include <string.h>

#include "rig/rig.h"

#define DEFAULT_BENCH "fixtures/benches/sim.ini"

int main(int argc, char **argv)
{
    const char *file = argc > 2 && strcmp(argv[1], "--bench") == 0 ? argv[2] : DEFAULT_BENCH;
    struct rig_bench *bench = NULL;
    if (rig_bench_open(file, &bench) < 0) {
        fprintf(stderr, "modbus_map: %s\n", rig_last_error());
        return 1;
    }
    struct rig_meter *m = rig_bench_meter(bench, 1);
    static double values[MED2_REG_COUNT];
    static bool present[MED2_REG_COUNT];
    if (!m || rig_meter_read_map(m, values, present) < 0) {
        fprintf(stderr, "modbus_map: reading position 1's map: %s\n", rig_last_error());
        rig_bench_close(bench);
        return 1;
    }
    printf("BENCH modbus_full_map_transactions %lu transactions\n", rig_meter_transactions(m));
    rig_bench_close(bench);
    return 0;
}
