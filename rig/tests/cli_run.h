/*
 * cli_run.h — test helper: run the `rig` binary (found beside $RIG_BENCHD)
 * with arguments in a fresh directory, its exit status, stdout and stderr
 * collected; one per test file (static state).
 *
 *   cli_setup("rig-test-NAME");       in the suite's .init
 *   int rc = RUN("sim", "up", "--dir", dir);   out / err hold what it printed
 *   cli_teardown();                    in .fini: stops a bench left in dir, removes dir
 */
#ifndef RIG_TEST_CLI_RUN_H
#define RIG_TEST_CLI_RUN_H

#include <criterion/criterion.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim_env.h"

static char rig[PATH_MAX];
static char dir[64];
static char out[4096], err[4096];

static void slurp(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, len - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    unlink(path);
}

/* Start rig with args; stdout/stderr to files in dir. */
static pid_t start(const char *const *args)
{
    char o[128], e[128];
    snprintf(o, sizeof o, "%s/out", dir);
    snprintf(e, sizeof e, "%s/err", dir);
    pid_t pid = fork();
    if (pid == 0) {
        cr_assert(freopen(o, "w", stdout));
        cr_assert(freopen(e, "w", stderr));
        char *argv[20] = {rig};
        for (int i = 0; args[i] && i < 18; i++)
            argv[i + 1] = (char *)args[i];
        execv(rig, argv);
        _exit(127);
    }
    return pid;
}

/* Wait for it: its exit status (128 + signal if killed); out / err filled. */
static int finish(pid_t pid)
{
    char o[128], e[128];
    int status;
    waitpid(pid, &status, 0);
    snprintf(o, sizeof o, "%s/out", dir);
    snprintf(e, sizeof e, "%s/err", dir);
    slurp(o, out, sizeof out);
    slurp(e, err, sizeof err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define RUN(...) finish(start((const char *const[]){__VA_ARGS__, NULL}))

/* The rig binary and a fresh directory /tmp/PREFIX-XXXXXX; skips without
 * the simulated bench's programs. */
static inline void cli_setup(const char *prefix)
{
    require_sim();
    char benchd[PATH_MAX];
    snprintf(benchd, sizeof benchd, "%s", getenv("RIG_BENCHD"));
    snprintf(rig, sizeof rig, "%s/rig", dirname(benchd));
    if (access(rig, X_OK) != 0)
        cr_skip_test("no rig binary at %s", rig);
    snprintf(dir, sizeof dir, "/tmp/%s-XXXXXX", prefix);
    cr_assert(mkdtemp(dir));
}

static inline void cli_teardown(void)
{
    char cmd[128];
    if (!dir[0])
        return;
    RUN("sim", "down", "--dir", dir); /* in case a test failed half-way */
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)!system(cmd);
}

#endif
