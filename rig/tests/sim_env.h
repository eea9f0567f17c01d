/*
 * sim_env.h — test helper: are benchd and the native image there? The top
 * Makefile sets RIG_BENCHD and RIG_FIRMWARE_IMAGE; without them (a partial
 * build) the tests that need a simulated bench are skipped, saying why.
 */
#ifndef RIG_TEST_SIM_ENV_H
#define RIG_TEST_SIM_ENV_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

static inline void require_sim(void)
{
    const char *benchd = getenv("RIG_BENCHD");
    const char *image = getenv("RIG_FIRMWARE_IMAGE");
    if (!benchd || access(benchd, X_OK) != 0 || !image || access(image, R_OK) != 0)
        cr_skip_test("needs RIG_BENCHD and RIG_FIRMWARE_IMAGE (make check sets them)");
}

#endif
