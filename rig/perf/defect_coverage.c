/*
 * defect_coverage.c — `make bench`'s defect figures: a rack in which every
 * position but the last two carries one injected factory defect
 * (firmware/boards/native/defect_spec.h), through the whole EOL.
 *
 *   defect_classes   how many defect classes the simulator can inject
 *   defect_coverage  defective units rejected, never sealed, with a reason
 *                    naming their defect (the phrase below), / injected
 *   defect_good_rejected  the good units of the same rack that failed
 *
 * The phrases are this figure's own specification of what an operator must
 * read for each defect — not copied from the EOL's messages.
 *
 *   defect_coverage [--model MODEL]     (default C80-1M-V3: RS485 and a clock)
 */
#include <stdio.h>
#include <string.h>

#include "rig/rig.h"
#include "defect_spec.h"
#include "temp_bench.h"

#define GOOD_UNITS 2u
#define FIRST_SERIAL 26120001ul

struct expectation {
    const char *defect; /* as the bench file says it */
    const char *phrase; /* what the unit's reason must contain */
};

static const struct expectation expect[] = {
    {"wrong_shunt", "wrong shunt or CT"},
    {"reversed_polarity", "reversed current polarity"},
    {"broken_divider", "broken voltage divider"},
    {"dead_pulse1", "dead pulse output 1"},
    {"pulse1_stuck_on", "pulse output 1 stuck on"},
    {"dead_rs485", "no answer on RS485"},
    {"nv_write_fail", "NV memory"},
    {"intermittent_contact", "intermittent contact"},
    {"afe_saturation", "saturates"},
    {"rtc_drift", "RTC"},
    {"unstable_cal", "unstable calibration"},
};
#define CLASSES (sizeof expect / sizeof expect[0])

int main(int argc, char **argv)
{
    const char *model = argc > 2 && strcmp(argv[1], "--model") == 0 ? argv[2] : "C80-1M-V3";
    _Static_assert(CLASSES == (SIM_DEFECT_COUNT - 1), "one expectation per defect class");
    struct temp_unit units[CLASSES + GOOD_UNITS];
    for (unsigned i = 0; i < CLASSES + GOOD_UNITS; i++)
        units[i] = (struct temp_unit){model, FIRST_SERIAL + i, i < CLASSES ? expect[i].defect : NULL};
    char path[64];
    struct rig_bench *bench = NULL;
    if (temp_bench_write("defects", units, CLASSES + GOOD_UNITS, path) < 0 ||
        rig_bench_open(path, &bench) < 0) {
        fprintf(stderr, "defect_coverage: %s\n", rig_last_error());
        unlink(path);
        return 1;
    }
    unlink(path);
    static struct rig_eol_result res[CLASSES + GOOD_UNITS];
    int rc = rig_eol_run(bench, NULL, res);
    rig_bench_close(bench);
    if (rc < 0) {
        fprintf(stderr, "defect_coverage: the rack was aborted: %s\n", rig_last_error());
        return 1;
    }
    unsigned caught = 0, good_rejected = 0;
    for (unsigned i = 0; i < CLASSES + GOOD_UNITS; i++) {
        bool named = i < CLASSES && strstr(res[i].reason, expect[i].phrase);
        bool ok = i < CLASSES ? !res[i].pass && !res[i].sealed && named : res[i].pass;
        if (i < CLASSES)
            caught += ok;
        else
            good_rejected += !ok;
        fprintf(stderr, "defect_coverage: %-20s %s %s%s\n", i < CLASSES ? expect[i].defect : "(good)",
                ok ? "ok  " : "MISS", res[i].pass ? "PASS" : "FAIL",
                res[i].reason[0] ? " — " : "");
        if (res[i].reason[0])
            fprintf(stderr, "    %s\n", res[i].reason);
    }
    printf("BENCH defect_classes %u classes\n", (unsigned)(SIM_DEFECT_COUNT - 1));
    printf("BENCH defect_coverage %.3f rejected_with_the_right_reason_per_injected\n",
           (double)caught / CLASSES);
    printf("BENCH defect_good_rejected %u units_of_%u\n", good_rejected, GOOD_UNITS);
    return caught == CLASSES && good_rejected == 0 ? 0 : 1;
}
