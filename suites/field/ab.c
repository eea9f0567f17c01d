/*
 * ab.c — `rig ab` on revisions of this repository. What it costs in
 * `make test`: the same commit twice is one host-image build of the firmware
 * in a git worktree (a few seconds on two cores); a changed revision is a
 * clone of this repository (shared objects) with one committed change to the
 * firmware (its energy counts 1 % more) and two builds.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "field_suite.h"

#define PROFILE "fixtures/profiles/field/clock_midnight.csv"

/* Run cmd (in dir if not NULL); its output into out. Returns the exit status. */
static int run(const char *dir, const char *cmd, char *out, size_t len)
{
    char line[2048];
    snprintf(line, sizeof line, "%s%s%s%s 2>&1", dir ? "cd '" : "", dir ? dir : "",
             dir ? "' && " : "", cmd);
    FILE *p = popen(line, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(field, ab_same_revision_has_no_difference)
{
    char rig[512], cmd[1024], out[8192];
    field_rig_binary(rig, sizeof rig);
    snprintf(cmd, sizeof cmd, "'%s' ab --rev HEAD --rev HEAD %s", rig, PROFILE);
    int st = run(NULL, cmd, out, sizeof out);
    cr_expect_eq(st, 0, "%s", out);
    cr_expect(strstr(out, "0 register values differ, 0 rows' events differ") != NULL, "%s", out);
    cr_expect(strstr(out, "0 differences between A and B") != NULL, "%s", out);
}

Test(field, ab_changed_revision_shows_where)
{
    char rig[512], cmd[1024], out[8192];
    field_rig_binary(rig, sizeof rig);
    /* rig ab runs inside the clone: the bench's programs by absolute path */
    const char *vars[] = {"RIG_BENCHD", "RIG_FIRMWARE_IMAGE", "RIG_FIRMWARE_ARM_IMAGE"};
    for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++) {
        char abs[PATH_MAX];
        const char *v = getenv(vars[k]);
        if (v && realpath(v, abs))
            cr_assert_eq(setenv(vars[k], abs, 1), 0);
    }
    char dir[] = "/tmp/field-ab-XXXXXX";
    cr_assert(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "git clone -q --shared \"$(git rev-parse --show-toplevel)\" '%s/repo' && cd '%s/repo' && "
             "sed -i 's|(1000000000.0 / (double)HAL_SAMPLE_RATE_HZ)|"
             "(1010000000.0 / (double)HAL_SAMPLE_RATE_HZ)|' firmware/core/energy.c && "
             "git -c user.name=field -c user.email=field@example.invalid commit -qam 'count 1 %% more'",
             dir, dir);
    cr_assert_eq(run(NULL, cmd, out, sizeof out), 0, "%s", out);
    char repo[64];
    snprintf(repo, sizeof repo, "%s/repo", dir);
    snprintf(cmd, sizeof cmd, "'%s' ab --rev HEAD~1 --rev HEAD %s", rig, PROFILE);
    int st = run(repo, cmd, out, sizeof out);
    cr_expect_eq(st, 1, "%s", out);
    cr_expect(strstr(out, "first divergence at t = ") != NULL, "%s", out);
    cr_expect(strstr(out, "total_import_active_energy") != NULL, "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

Test(field, ab_unknown_revision_is_refused)
{
    char rig[512], cmd[1024], out[4096];
    field_rig_binary(rig, sizeof rig);
    snprintf(cmd, sizeof cmd, "'%s' ab --rev HEAD --rev no-such-rev-0 %s", rig, PROFILE);
    cr_expect_eq(run(NULL, cmd, out, sizeof out), 1, "%s", out);
    cr_expect(strstr(out, "unknown revision 'no-such-rev-0'") != NULL, "%s", out);
    cr_expect(strstr(out, "building") == NULL, "built before refusing: %s", out);
}
