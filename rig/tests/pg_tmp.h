/*
 * pg_tmp.h — a throwaway PostgreSQL server for the records tests
 * (rig/tests/test_records_pg.c) and the concurrent-writers figure
 * (rig/perf/db_writers.c). Header-only, so a one-file program under
 * rig/perf can include it as "../tests/pg_tmp.h".
 *
 * It runs the Debian package's initdb and postgres (the highest version
 * under /usr/lib/postgresql/) on a new directory /tmp/rig-pg.XXXXXX that
 * holds the data, the log and the unix socket; no TCP port is opened, so
 * servers of parallel tests never collide. initdb and postgres refuse to run
 * as root, and tests and CI run as root here: as root, the helper chowns the
 * directory to the `postgres` system user (created by the postgresql
 * package) and drops to it (setgid, setgroups, setuid) in the forked child
 * before exec. As another user, the server runs as that user.
 *
 * The server is the helper's child, with PR_SET_PDEATHSIG SIGQUIT (set after
 * the uid change, which would clear it): if the test process dies, the
 * server shuts down immediately rather than outliving it. fsync is off:
 * what the tests check is what the client commits, not the server surviving
 * a power cut.
 */
#ifndef RIG_TESTS_PG_TMP_H
#define RIG_TESTS_PG_TMP_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct pg_tmp {
    char dir[64];      /* data in dir/data, log in dir/log, socket in dir */
    char url[160];     /* postgresql://rig@/postgres?host=DIR */
    char bindir[128];  /* /usr/lib/postgresql/N/bin */
    int drop;          /* run the server as uid/gid (we are root) */
    uid_t uid;
    gid_t gid;
    pid_t pid;         /* the postmaster, 0 when not running */
};

static inline int pg_tmp_err(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline int pg_tmp_err(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* The last non-empty line of the server's log, for an error message. */
static inline void pg_tmp_log_tail(const struct pg_tmp *p, char *out, size_t len)
{
    char path[96], line[512];
    snprintf(path, sizeof path, "%s/log", p->dir);
    snprintf(out, len, "(no log)");
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (*line)
            snprintf(out, len, "%s", line);
    }
    fclose(f);
}

/* Fork and exec argv (argv[0] a full path) as the server's user, output to
 * dir/log. Returns the child's pid, or -1. Only async-signal-safe calls
 * after fork: everything is prepared before it. */
static inline pid_t pg_tmp_spawn(const struct pg_tmp *p, char *const argv[], int die_with_parent)
{
    char log[96];
    snprintf(log, sizeof log, "%s/log", p->dir);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    char *envp[] = {"LC_ALL=C", "PATH=/usr/bin:/bin", NULL};
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        if (dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || chdir(p->dir) < 0)
            _exit(126);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        if (p->drop && (setgroups(1, &p->gid) < 0 || setgid(p->gid) < 0 || setuid(p->uid) < 0))
            _exit(126);
        if (die_with_parent &&
            (prctl(PR_SET_PDEATHSIG, SIGQUIT) < 0 || getppid() != parent))
            _exit(126);
        execve(argv[0], argv, envp);
        _exit(127);
    }
    close(fd);
    return pid;
}

static inline int pg_tmp_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Stop the server (immediate shutdown: it is thrown away) and remove its
 * directory. Safe to call twice, and on a pg_tmp whose start failed. */
static inline void pg_tmp_stop(struct pg_tmp *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGQUIT);
        int status;
        while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
            ;
        p->pid = 0;
    }
    if (p->dir[0]) {
        nftw(p->dir, pg_tmp_rm_one, 16, FTW_DEPTH | FTW_PHYS);
        p->dir[0] = '\0';
    }
}

/* Start a server; p->url then reaches it as the superuser `rig` (trust
 * authentication on the socket, which only its directory's owner and root
 * can reach). Returns 0, or -1 with a line in err. */
static inline int pg_tmp_start(struct pg_tmp *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    glob_t g;
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0 || g.gl_pathc == 0)
        return pg_tmp_err(err, errlen,
                          "pg_tmp: no /usr/lib/postgresql/*/bin/initdb — install the Debian "
                          "package postgresql (make setup)");
    /* glob sorts; take the highest version (numeric: "9" < "15" as text) */
    const char *best = g.gl_pathv[0];
    for (size_t i = 1; i < g.gl_pathc; i++)
        if (atoi(g.gl_pathv[i] + strlen("/usr/lib/postgresql/")) >
            atoi(best + strlen("/usr/lib/postgresql/")))
            best = g.gl_pathv[i];
    snprintf(p->bindir, sizeof p->bindir, "%.*s", (int)(strlen(best) - strlen("/initdb")), best);
    globfree(&g);

    if (geteuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (!pw)
            return pg_tmp_err(err, errlen,
                              "pg_tmp: running as root, and initdb refuses root: the server runs "
                              "as the system user postgres, which does not exist — install the "
                              "Debian package postgresql (make setup)");
        p->drop = 1;
        p->uid = pw->pw_uid;
        p->gid = pw->pw_gid;
    }
    snprintf(p->dir, sizeof p->dir, "/tmp/rig-pg.XXXXXX");
    if (!mkdtemp(p->dir)) {
        p->dir[0] = '\0';
        return pg_tmp_err(err, errlen, "pg_tmp: mkdtemp in /tmp: %s", strerror(errno));
    }
    if (p->drop && chown(p->dir, p->uid, p->gid) < 0) {
        int e = errno;
        pg_tmp_stop(p);
        return pg_tmp_err(err, errlen, "pg_tmp: chown to postgres: %s", strerror(e));
    }
    snprintf(p->url, sizeof p->url, "postgresql://rig@/postgres?host=%s", p->dir);

    char initdb[160], postgres[160], data[96], tail[512];
    snprintf(initdb, sizeof initdb, "%s/initdb", p->bindir);
    snprintf(postgres, sizeof postgres, "%s/postgres", p->bindir);
    snprintf(data, sizeof data, "%s/data", p->dir);
    char *init_argv[] = {initdb, "-D", data, "-U", "rig", "-A", "trust", "-E", "UTF8",
                         "--locale=C", "--no-sync", "--no-instructions", NULL};
    pid_t pid = pg_tmp_spawn(p, init_argv, 0);
    int status = -1;
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        pg_tmp_log_tail(p, tail, sizeof tail);
        pg_tmp_stop(p);
        return pg_tmp_err(err, errlen, "pg_tmp: %s failed (status %d): %s", initdb, status, tail);
    }
    char *pg_argv[] = {postgres, "-D", data, "-k", p->dir, "-c", "listen_addresses=",
                       "-c", "fsync=off", "-c", "full_page_writes=off",
                       "-c", "shared_buffers=16MB", "-c", "max_connections=60", NULL};
    p->pid = pg_tmp_spawn(p, pg_argv, 1);
    if (p->pid < 0) {
        p->pid = 0;
        pg_tmp_stop(p);
        return pg_tmp_err(err, errlen, "pg_tmp: cannot fork: %s", strerror(errno));
    }
    /* Ready when it answers on the socket; a server that exits (a bad
     * setting, no shared memory) is reported with its log's last line. */
    for (int k = 0; k < 600; k++) {
        if (PQping(p->url) == PQPING_OK)
            return 0;
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            p->pid = 0;
            pg_tmp_log_tail(p, tail, sizeof tail);
            pg_tmp_stop(p);
            return pg_tmp_err(err, errlen, "pg_tmp: postgres exited at start: %s", tail);
        }
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    pg_tmp_log_tail(p, tail, sizeof tail);
    pg_tmp_stop(p);
    return pg_tmp_err(err, errlen, "pg_tmp: postgres did not answer within 30 s: %s", tail);
}

#endif
