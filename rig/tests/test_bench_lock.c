/*
 * test_bench_lock.c — one client of a bench at a time: a second client is
 * told who has the bench, or waits; a client that dies frees it; two starts
 * in one directory give one bench; a stale benchd.pid stops nothing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rig/rig.h"
#include "rig/sim/simbench.h"
#include "sim_env.h"

static char dir[64];
static pid_t benchd;
static const struct rig_sim_unit unit = {"C80-1M-V3", "24110001", 1, 38400, NULL};

static void up(void)
{
    benchd = sim_dir_up(dir, "rig-test-lock", &unit, 1);
}

static void down(void)
{
    sim_dir_down(dir, benchd);
}

TestSuite(bench_lock, .init = up, .fini = down, .timeout = 60);

Test(bench_lock, a_second_client_is_told_who_has_the_bench)
{
    struct rig_bench *first, *second = NULL;
    cr_assert_eq(rig_bench_attach(dir, &first), 0, "%s", rig_last_error());
    cr_expect_eq(rig_bench_attach(dir, &second), -EBUSY);
    cr_expect_null(second);
    char host[64] = "", want[256];
    gethostname(host, sizeof host - 1);
    snprintf(want, sizeof want, "bench %s in use by PID %ld on %s since ", dir, (long)getpid(),
             host);
    cr_expect(strstr(rig_last_error(), want), "'%s' not in: %s", want, rig_last_error());
    cr_expect(strstr(rig_last_error(), "--wait"), "%s", rig_last_error());
    rig_bench_release(first);
    cr_expect_eq(rig_bench_attach(dir, &second), 0, "free once released: %s", rig_last_error());
    rig_bench_release(second);
}

static void *release_later(void *arg)
{
    struct timespec t = {0, 300000000};
    nanosleep(&t, NULL);
    rig_bench_release(arg);
    return NULL;
}

Test(bench_lock, a_second_client_may_wait)
{
    struct rig_bench *first, *second = NULL;
    cr_assert_eq(rig_bench_attach(dir, &first), 0, "%s", rig_last_error());
    pthread_t th;
    pthread_create(&th, NULL, release_later, first);
    const struct rig_bench_options opt = {.lock_wait_s = 10.0};
    cr_expect_eq(rig_bench_attach_with(dir, &opt, &second), 0, "%s", rig_last_error());
    pthread_join(th, NULL);
    cr_expect_not_null(second);
    rig_bench_release(second);
}

Test(bench_lock, a_client_that_dies_frees_the_bench)
{
    int ready[2];
    cr_assert_eq(pipe(ready), 0);
    pid_t child = fork();
    if (child == 0) {
        struct rig_bench *b;
        if (rig_bench_attach(dir, &b) != 0)
            _exit(1);
        (void)!write(ready[1], "x", 1);
        pause(); /* killed holding the bench */
        _exit(0);
    }
    char c;
    cr_assert_eq(read(ready[0], &c, 1), 1, "the child holds the bench");
    struct rig_bench *b = NULL;
    cr_expect_eq(rig_bench_attach(dir, &b), -EBUSY);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    cr_expect_eq(rig_bench_attach(dir, &b), 0, "%s", rig_last_error());
    rig_bench_release(b);
}

struct start_job {
    pid_t pid;
    int rc;
};

static void *start_bench(void *arg)
{
    struct start_job *j = arg;
    /* detached: a private benchd dies with the thread that started it */
    struct rig_simbench_options opt = {.dir = dir, .speed = "0", .units = &unit, .unit_count = 1,
                                       .detach = true, .lock_wait_s = 30.0};
    j->rc = rig_simbench_start(&opt, &j->pid);
    return NULL;
}

Test(bench_lock, two_starts_in_one_dir_give_one_bench)
{
    rig_simbench_stop(dir, benchd);
    benchd = 0;
    struct start_job a = {0}, b = {0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, start_bench, &a);
    pthread_create(&tb, NULL, start_bench, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    cr_expect((a.rc == 0) != (b.rc == 0), "one start succeeds: %d %d (pids %d %d)", a.rc, b.rc,
              (int)a.pid, (int)b.pid);
    cr_expect(a.rc == -EALREADY || b.rc == -EALREADY, "the other finds it: %d %d", a.rc, b.rc);
    benchd = a.rc == 0 ? a.pid : b.pid;
    cr_expect_eq(rig_simbench_down(dir, 5.0), 0, "%s", rig_last_error());
    cr_expect_eq(kill(benchd, 0), -1, "the one benchd is gone");
    benchd = 0;
}

Test(bench_lock, a_stale_pid_file_stops_nothing)
{
    rig_simbench_stop(dir, benchd);
    benchd = 0;
    pid_t other = fork();
    if (other == 0) {
        setsid();
        pause();
        _exit(0);
    }
    char path[96];
    snprintf(path, sizeof path, "%s/benchd.pid", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%ld\n", (long)other);
    fclose(f);
    cr_expect_eq(rig_simbench_down(dir, 0.0), -ENOENT);
    cr_expect(strstr(rig_last_error(), "not that bench's benchd"), "%s", rig_last_error());
    cr_expect_eq(kill(other, 0), 0, "the unrelated process lives");
    cr_expect_neq(access(path, F_OK), 0, "the stale file is removed");
    kill(other, SIGKILL);
    waitpid(other, NULL, 0);
}

/* A private bench whose client was killed leaves its directory; the next
 * private bench removes it — but not one a client still holds. */
Test(bench_leftovers, a_dead_clients_private_dir_is_removed, .timeout = 60)
{
    require_sim();
    char tmp[] = "/tmp/rig-test-tmp-XXXXXX";
    cr_assert(mkdtemp(tmp));
    setenv("TMPDIR", tmp, 1);
    char stale[128], held[128], lock[160], cmd[320];
    snprintf(stale, sizeof stale, "%s/rig-bench-stale1", tmp);
    snprintf(held, sizeof held, "%s/rig-bench-held01", tmp);
    cr_assert_eq(mkdir(stale, 0755), 0);
    cr_assert_eq(mkdir(held, 0755), 0);
    snprintf(lock, sizeof lock, "%s/bench.lock", held);
    int fd = open(lock, O_RDWR | O_CREAT, 0644);
    cr_assert_eq(flock(fd, LOCK_EX), 0);
    /* both old enough to be leftovers */
    snprintf(cmd, sizeof cmd, "touch -d '-2 minutes' %s %s", stale, held);
    cr_assert_eq(system(cmd), 0);

    struct rig_bench *b;
    cr_assert_eq(rig_bench_open("fixtures/benches/sim.ini", &b), 0, "%s", rig_last_error());
    rig_bench_close(b);
    cr_expect_neq(access(stale, F_OK), 0, "the dead client's directory is gone");
    cr_expect_eq(access(held, F_OK), 0, "a held bench is left alone");
    close(fd);
    unsetenv("TMPDIR");
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    (void)!system(cmd);
}

/* The rig next to this test binary (build/bin/rig). */
static void rig_path(char *buf, size_t len)
{
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert_gt(n, 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(buf, len, "%s/../../bin/rig", exe);
}

/* A job that holds the bench may hand it to the programs it runs (rig ci's
 * suites); others still find it in use. */
Test(bench_lock, a_held_bench_passes_to_the_programs_its_holder_runs)
{
    char rig[600], cmd[1400];
    rig_path(rig, sizeof rig);
    struct rig_bench *holder;
    cr_assert_eq(rig_bench_attach(dir, &holder), 0, "%s", rig_last_error());
    snprintf(cmd, sizeof cmd, "%s read --dir %s frequency >/dev/null 2>&1", rig, dir);
    cr_expect_neq(system(cmd), 0, "not handed down: in use");
    cr_assert_eq(rig_bench_share_lock(holder), 0, "%s", rig_last_error());
    cr_expect_eq(system(cmd), 0, "handed down: the child uses the bench");
    unsetenv("RIG_LOCK_HELD");
    rig_bench_release(holder);
}
