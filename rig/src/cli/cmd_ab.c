/*
 * cmd_ab.c — `rig ab`: build two firmware revisions from git (a detached
 * worktree each, the host image), flash them into positions 1 and 2 of one
 * private simulated bench of twin units, replay the same profile(s) on both
 * at once and report what differs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "rig/flash.h"
#include "rig/replay.h"

#define MAX_PROFILES 32
/* The AFE both positions share (firmware/boards/native/afe_waveform.h): any
 * serial will do, as long as both units have the same one. */
#define TWIN_SERIAL "24110001"
#define IMAGE_IN_TREE "build/firmware/native/med2-native"

extern char **environ;

static void help(void)
{
    printf("usage: rig ab --rev A --rev B [--bench FILE] [--trace FILE] [--every S]\n"
           "              (PROFILE | --suite NAME)\n\n"
           "Builds revisions A and B of this repository (git worktrees in a temporary\n"
           "directory, `make firmware`: the host image; one build when both name the same\n"
           "commit), flashes A into position 1 and B into position 2 of a private simulated\n"
           "bench (FILE, default fixtures/benches/sim.ini: kind = sim, two units of one\n"
           "model) whose units share one AFE, replays PROFILE — or every profile in\n"
           "fixtures/profiles/NAME/ — on both at once, and reports the differences: register\n"
           "by register, the first divergence time, pulse counts, events.\n"
           "Exit 0: no difference; 1: a difference, or a failure; 2: usage.\n");
}

/* Run argv (quietly unless it fails: then its output is shown). 0 or -1. */
static int run(char *const argv[], const char *log)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    if (rc != 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "rig ab: '%s %s %s' failed; its output:\n", argv[0], argv[1],
                argv[2] ? argv[2] : "");
        char cmd[600];
        snprintf(cmd, sizeof cmd, "tail -n 20 '%s' >&2", log);
        if (system(cmd) != 0)
            fprintf(stderr, "(see %s)\n", log);
        return -1;
    }
    return 0;
}

/* The commit a revision names, or a usage-level failure. */
static int resolve(const char *rev, char *sha, size_t len, const char *tmp)
{
    char spec[300], log[600];
    snprintf(spec, sizeof spec, "%s^{commit}", rev);
    snprintf(log, sizeof log, "%s/rev-parse.out", tmp);
    char *argv[] = {"git", "rev-parse", "--verify", "--quiet", spec, NULL};
    if (rev[0] == '-' || run(argv, log) < 0) {
        fprintf(stderr, "rig ab: unknown revision '%s' (git rev-parse --verify '%s' finds no "
                        "commit in this repository)\n", rev, spec);
        return -1;
    }
    FILE *f = fopen(log, "r");
    int ok = f && fgets(sha, (int)len, f) && strlen(sha) >= 40;
    if (f)
        fclose(f);
    sha[strcspn(sha, "\n")] = '\0';
    return ok ? 0 : -1;
}

/* Build commit sha in a worktree under tmp; the image's path into image. */
static int build(const char *sha, const char *tmp, char *image, size_t len)
{
    char dir[600], log[700];
    snprintf(dir, sizeof dir, "%s/%.12s", tmp, sha);
    snprintf(log, sizeof log, "%s.log", dir);
    char *wt[] = {"git", "worktree", "add", "--detach", dir, (char *)sha, NULL};
    /* the tree's own plain build: a make that runs us (make check) exports
     * its command-line variables (BUILD=build/san, SAN=1) to us */
    char *mk[] = {"make", "-C", dir, "-j2", "--no-print-directory", "BUILD=build", "SAN=0",
                  "firmware", NULL};
    fprintf(stderr, "rig ab: building %.12s (git worktree, make firmware)\n", sha);
    /* nor through MAKEFLAGS (its -j and variables) */
    unsetenv("MAKEFLAGS");
    unsetenv("MFLAGS");
    unsetenv("MAKELEVEL");
    if (run(wt, log) < 0 || run(mk, log) < 0)
        return -1;
    snprintf(image, len, "%s/%s", dir, IMAGE_IN_TREE);
    if (access(image, X_OK) != 0) {
        fprintf(stderr, "rig ab: the build of %.12s made no %s (see %s)\n", sha, IMAGE_IN_TREE,
                log);
        return -1;
    }
    return 0;
}

static void remove_worktree(const char *sha, const char *tmp)
{
    char dir[600], log[700];
    snprintf(dir, sizeof dir, "%s/%.12s", tmp, sha);
    snprintf(log, sizeof log, "%s/remove.log", tmp);
    char *argv[] = {"git", "worktree", "remove", "--force", dir, NULL};
    if (access(dir, F_OK) == 0 && run(argv, log) < 0)
        fprintf(stderr, "rig ab: worktree %s left behind: git worktree remove it\n", dir);
}

/* The profiles of a suite: fixtures/profiles/NAME/ *.csv and *.cfg, sorted. */
static int suite_profiles(const char *name, char paths[][700], size_t *n)
{
    char dir[400];
    snprintf(dir, sizeof dir, "fixtures/profiles/%s", name);
    struct dirent **list;
    int m = scandir(dir, &list, NULL, alphasort);
    if (m < 0) {
        fprintf(stderr, "rig ab: no suite '%s' (%s: %s)\n", name, dir, strerror(errno));
        return -1;
    }
    *n = 0;
    for (int k = 0; k < m; k++) {
        size_t l = strlen(list[k]->d_name);
        if (*n < MAX_PROFILES && l > 4 &&
            (strcmp(list[k]->d_name + l - 4, ".csv") == 0 ||
             strcmp(list[k]->d_name + l - 4, ".cfg") == 0))
            snprintf(paths[(*n)++], 700, "%s/%s", dir, list[k]->d_name);
        free(list[k]);
    }
    free(list);
    if (*n == 0)
        fprintf(stderr, "rig ab: suite '%s' has no profiles in %s\n", name, dir);
    return *n ? 0 : -1;
}

/* Replay one profile on positions 1 (A) and 2 (B); print the differences.
 * Returns the number of differences, or -1. */
static long compare(struct rig_bench *bench, struct rig_profile *p, FILE *trace, double every)
{
    static const unsigned both[] = {1, 2};
    struct rig_replay_options o = {.positions = both, .n_positions = 2, .trace = trace,
                                   .trace_every_s = every, .limit_pct = 100};
    struct rig_replay_result r;
    if (rig_replay_run(bench, p, &o, &r) < 0) {
        fprintf(stderr, "rig ab: %s: %s\n", p->path, rig_last_error());
        return -1;
    }
    struct rig_replay_diff d;
    long diffs = -1;
    if (rig_replay_diff(&r, 1, 2, &d) == 0) {
        diffs = (long)(d.values_differing + d.events_differing) + (d.pulses_a != d.pulses_b);
        printf("%s: %zu rows compared, %zu register values differ, %zu rows' events differ, "
               "pulses A %ld B %ld\n", p->path, d.rows_compared, d.values_differing,
               d.events_differing, d.pulses_a, d.pulses_b);
        if (d.first_divergence_s >= 0)
            printf("  first divergence at t = %.3f s (%s)\n", d.first_divergence_s,
                   d.first_register);
        for (size_t k = 0; k < r.n_regs && k < 32; k++)
            if (d.reg_differing[k])
                printf("  %-32s differs in %zu rows\n", rig_reg_name(r.regs[k]),
                       d.reg_differing[k]);
    }
    rig_replay_result_free(&r);
    return diffs;
}

int cmd_ab(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rev", required_argument, NULL, 'r'},   {"suite", required_argument, NULL, 's'},
        {"bench", required_argument, NULL, 'b'}, {"trace", required_argument, NULL, 't'},
        {"every", required_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rev[2] = {NULL, NULL}, *suite = NULL, *bench_file = "fixtures/benches/sim.ini";
    const char *trace_path = NULL;
    double every = 0;
    unsigned n_rev = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (n_rev == 2)
                cli_usage("ab", "give exactly two --rev");
            rev[n_rev++] = optarg;
            break;
        case 's': suite = optarg; break;
        case 'b': bench_file = optarg; break;
        case 't': trace_path = optarg; break;
        case 'e': every = cli_number("ab", "--every", optarg); break;
        case 'h': help(); return 0;
        default: cli_usage("ab", "bad option");
        }
    }
    if (n_rev != 2)
        cli_usage("ab", "give exactly two --rev");
    if ((suite != NULL) == (optind < argc) || optind + 1 < argc)
        cli_usage("ab", "give one PROFILE or --suite NAME");
    static char paths[MAX_PROFILES][700];
    size_t n_prof = 1;
    if (suite ? suite_profiles(suite, paths, &n_prof) < 0 : 0)
        return CLI_EXIT_FAIL;
    if (!suite)
        snprintf(paths[0], sizeof paths[0], "%s", argv[optind]);
    /* everything read and checked before anything is built or started */
    struct rig_profile *prof[MAX_PROFILES] = {NULL};
    for (size_t k = 0; k < n_prof; k++) {
        if (rig_profile_load(paths[k], &prof[k]) < 0) {
            fprintf(stderr, "rig ab: %s\n", rig_last_error());
            for (size_t j = 0; j < k; j++)
                rig_profile_free(prof[j]);
            return CLI_EXIT_FAIL;
        }
    }
    char tmp[] = "/tmp/rig-ab-XXXXXX";
    char sha[2][64] = {"", ""}, image[2][700];
    long total = -1;
    FILE *trace = NULL;
    struct rig_bench *bench = NULL;
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "rig ab: cannot make a temporary directory: %s\n", strerror(errno));
        goto out;
    }
    if (resolve(rev[0], sha[0], sizeof sha[0], tmp) < 0 ||
        resolve(rev[1], sha[1], sizeof sha[1], tmp) < 0)
        goto out;
    if (build(sha[0], tmp, image[0], sizeof image[0]) < 0)
        goto out;
    if (strcmp(sha[0], sha[1]) == 0)
        snprintf(image[1], sizeof image[1], "%s", image[0]);
    else if (build(sha[1], tmp, image[1], sizeof image[1]) < 0)
        goto out;
    if (trace_path && !(trace = fopen(trace_path, "w"))) {
        fprintf(stderr, "rig ab: %s: cannot write the trace\n", trace_path);
        goto out;
    }
    setenv("MED2_SIM_TWIN_SERIAL", TWIN_SERIAL, 1);
    if (rig_bench_open(bench_file, &bench) < 0) {
        fprintf(stderr, "rig ab: %s\n", rig_last_error());
        goto out;
    }
    if (!rig_bench_is_simulated(bench) || rig_bench_position_count(bench) < 2) {
        fprintf(stderr, "rig ab: %s: A/B needs a simulated bench (kind = sim) of 2 positions\n",
                bench_file);
        goto out;
    }
    for (unsigned k = 0; k < 2; k++)
        if (rig_flash(bench, k + 1, image[k]) < 0) {
            fprintf(stderr, "rig ab: flashing %s into position %u: %s\n", rev[k], k + 1,
                    rig_last_error());
            goto out;
        }
    printf("A = %s (%.12s) in position 1, B = %s (%.12s) in position 2\n", rev[0], sha[0],
           rev[1], sha[1]);
    total = 0;
    for (size_t k = 0; k < n_prof && total >= 0; k++) {
        long d = compare(bench, prof[k], trace, every);
        total = d < 0 ? -1 : total + d;
    }
    if (total >= 0)
        printf("%ld differences between A and B\n", total);
out:
    rig_bench_close(bench);
    if (trace)
        fclose(trace);
    for (size_t k = 0; k < n_prof; k++)
        rig_profile_free(prof[k]);
    if (tmp[0] && access(tmp, F_OK) == 0) {
        for (unsigned k = 0; k < 2; k++)
            if (sha[k][0] && (k == 0 || strcmp(sha[0], sha[1]) != 0))
                remove_worktree(sha[k], tmp);
        char *rm[] = {"rm", "-rf", tmp, NULL};
        char log[] = "/dev/null";
        run(rm, log);
    }
    return total == 0 ? 0 : CLI_EXIT_FAIL;
}
