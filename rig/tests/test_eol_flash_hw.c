/*
 * test_eol_flash_hw.c — on a real bench the EOL flashes the MCU image,
 * never the host build, one OpenOCD per probe and every probe at once. The
 * "real" bench here is a hw bench file over a simulated bench's ptys (the
 * source and the units answer as on a rack) with an OpenOCD stand-in that
 * takes a second and logs when each probe starts and ends (SWD cannot run
 * here): positions 1 and 2 have probes of their own, position 3 shares
 * position 1's, so it must wait for it.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rig/rig.h"
#include "sim_env.h"

static char dir[64];
static pid_t benchd;

static void up(void)
{
    static const struct rig_sim_unit u[] = {{"C80-1M-V3", "24129801", 1, 38400, NULL},
                                            {"C80-1M-V3", "24129802", 1, 38400, NULL},
                                            {"C80-1M-V3", "24129803", 1, 38400, NULL}};
    if (!getenv("RIG_FIRMWARE_ARM_IMAGE"))
        cr_skip_test("needs RIG_FIRMWARE_ARM_IMAGE (make check sets it)");
    benchd = sim_dir_up(dir, "rig-test-eolflash", u, 3);
}

static void down(void)
{
    sim_dir_down(dir, benchd);
}

TestSuite(eol_flash_hw, .init = up, .fini = down, .timeout = 120);

struct flash_run {
    char probe[16];
    double start, end;
    char program[512];
};

/* The stand-in's log: "start PROBE T" and "end PROBE T PROGRAM" lines. */
static unsigned read_log(const char *path, struct flash_run *runs, unsigned max)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "%s: the stand-in never ran", path);
    char line[1024], what[8], probe[16];
    double t;
    int used;
    unsigned n = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%7s %15s %lf %n", what, probe, &t, &used) < 3)
            continue;
        if (strcmp(what, "start") == 0 && n < max) {
            runs[n] = (struct flash_run){.start = t};
            snprintf(runs[n].probe, sizeof runs[n].probe, "%s", probe);
            n++;
            continue;
        }
        for (unsigned k = 0; k < n; k++)
            if (strcmp(runs[k].probe, probe) == 0 && runs[k].end == 0.0) {
                runs[k].end = t;
                snprintf(runs[k].program, sizeof runs[k].program, "%s", line + used);
                break;
            }
    }
    fclose(f);
    return n;
}

Test(eol_flash_hw, mcu_image_one_openocd_per_probe_all_at_once)
{
    struct rig_bench *sim;
    cr_assert_eq(rig_bench_attach(dir, &sim), 0, "%s", rig_last_error());
    char ini[96], tool[96], log[96], text[2048];
    snprintf(ini, sizeof ini, "%s/rack.ini", dir);
    snprintf(tool, sizeof tool, "%s/openocd", dir);
    snprintf(log, sizeof log, "%s/openocd.log", dir);
    int len = snprintf(text, sizeof text,
                       "[bench]\nname = flash-rack\nkind = hw\npositions = 3\n[source]\n"
                       "port = %s\ntransport = termios\n",
                       rig_source_port(rig_bench_source(sim)));
    static const char *const probe[3] = {"P1", "P2", "P1"};
    for (unsigned i = 0; i < 3; i++)
        len += snprintf(text + len, sizeof text - (size_t)len,
                        "[position %u]\nmodel = C80-1M-V3\nserial = %s\nrs485 = %s\n"
                        "swd = interface/stlink.cfg, target/stm32g4x.cfg\nswd_serial = %s\n",
                        i + 1, rig_bench_position(sim, i + 1)->serial,
                        rig_bench_position(sim, i + 1)->rs485, probe[i]);
    rig_bench_release(sim);
    FILE *f = fopen(ini, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    f = fopen(tool, "w");
    cr_assert(f);
    fprintf(f, "#!/bin/sh\nprobe=; prog=\n"
               "while [ $# -gt 0 ]; do\n"
               "  if [ \"$1\" = -c ]; then shift; case \"$1\" in\n"
               "    'adapter serial '*) probe=${1#adapter serial } ;;\n"
               "    program*) prog=$1 ;;\n"
               "  esac; fi; shift\n"
               "done\n"
               "echo \"start $probe $(date +%%s.%%N)\" >> %s\n"
               "sleep 1\n"
               "echo \"end $probe $(date +%%s.%%N) $prog\" >> %s\n",
               log, log);
    fclose(f);
    chmod(tool, 0755);
    setenv("RIG_OPENOCD", tool, 1);

    struct rig_bench *hw;
    cr_assert_eq(rig_bench_open(ini, &hw), 0, "%s", rig_last_error());
    struct rig_eol_result r[3];
    const struct rig_eol_options opt = {.seal = false};
    rig_eol_run(hw, &opt, r); /* the rest fails: no pulse lines here */
    rig_bench_close(hw);
    unsetenv("RIG_OPENOCD");

    struct flash_run runs[8];
    unsigned n = read_log(log, runs, 8);
    cr_assert_eq(n, 3, "one OpenOCD run per position");
    char arm[PATH_MAX], want[PATH_MAX + 64];
    cr_assert(realpath(getenv("RIG_FIRMWARE_ARM_IMAGE"), arm), "RIG_FIRMWARE_ARM_IMAGE");
    snprintf(want, sizeof want, "program {%s} verify reset exit", arm);
    for (unsigned k = 0; k < n; k++) {
        cr_expect(runs[k].end > runs[k].start, "probe %s did not finish", runs[k].probe);
        cr_expect(strstr(runs[k].program, want), "the MCU image, not the host build: %s",
                  runs[k].program);
    }
    /* P1 and P2 at once (both start within half the stand-in's second);
     * the second run on P1 only after the first ended */
    const struct flash_run *p1a = NULL, *p1b = NULL, *p2 = NULL;
    for (unsigned k = 0; k < n; k++) {
        if (strcmp(runs[k].probe, "P2") == 0)
            p2 = &runs[k];
        else if (!p1a)
            p1a = &runs[k];
        else
            p1b = &runs[k];
    }
    cr_assert(p1a && p1b && p2, "runs on P1 twice and P2 once");
    double first = p1a->start < p2->start ? p1a->start : p2->start;
    cr_expect_lt(p2->start - first, 0.5, "P2 waited for P1");
    cr_expect_lt(p1a->start - first, 0.5, "P1 waited for P2");
    cr_expect_geq(p1b->start, p1a->end - 0.01, "two OpenOCDs on one probe at once");
}
