/*
 * sim_env.h — test helper: are benchd and the native image there? The top
 * Makefile sets RIG_BENCHD and RIG_FIRMWARE_IMAGE; without them (a partial
 * build) the tests that need a simulated bench are skipped, saying why.
 */
#ifndef RIG_TEST_SIM_ENV_H
#define RIG_TEST_SIM_ENV_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rig/error.h"
#include "rig/sim/simbench.h"

static inline void require_sim(void)
{
    const char *benchd = getenv("RIG_BENCHD");
    const char *image = getenv("RIG_FIRMWARE_IMAGE");
    if (!benchd || access(benchd, X_OK) != 0 || !image || access(image, R_OK) != 0)
        cr_skip_test("needs RIG_BENCHD and RIG_FIRMWARE_IMAGE (make check sets them)");
}

/*
 * A shared bench in a fresh directory dir (>= 64 bytes) named from prefix,
 * as `rig sim up` leaves it: its clock held. Returns benchd's pid.
 */
static inline pid_t sim_dir_up(char *dir, const char *prefix, const struct rig_sim_unit *units,
                               unsigned n)
{
    pid_t benchd = 0;
    require_sim();
    snprintf(dir, 64, "/tmp/%s-XXXXXX", prefix);
    cr_assert(mkdtemp(dir));
    struct rig_simbench_options opt = {.dir = dir, .speed = "0", .units = units, .unit_count = n};
    cr_assert_eq(rig_simbench_start(&opt, &benchd), 0, "%s", rig_last_error());
    return benchd;
}

/* Stop it (if benchd > 0) and remove its directory. */
static inline void sim_dir_down(const char *dir, pid_t benchd)
{
    char cmd[128];
    if (benchd > 0)
        rig_simbench_stop(dir, benchd);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)!system(cmd);
}

#endif
