/*
 * simbench.c — starting and stopping benchd, the simulated bench.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "base/exe_dir.h"
#include "base/lock.h"
#include "rig/sim/simbench.h"
#include "rig/sim/simctl.h"

#define POLL_INTERVAL_NS 10000000L /* 10 ms */

static void nap(void)
{
    struct timespec ts = {0, POLL_INTERVAL_NS};
    nanosleep(&ts, NULL);
}

static int absolute(const char *path, char *buf, size_t len, const char *what, const char *how)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return rig_error_set(-ENOENT, "%s not found at %s — %s", what, path, how);
    if ((size_t)snprintf(buf, len, "%s", real) >= len)
        return rig_error_set(-ENAMETOOLONG, "%s: path too long", real);
    return 0;
}

/* A program file: $env_var if set, else `beside` relative to this
 * executable's directory; absolute in buf. */
static int find_file(const char *env_var, const char *beside, const char *what,
                     const char *build_hint, char *buf, size_t len)
{
    char dir[PATH_MAX];
    char path[PATH_MAX + 64];
    char how[128];
    const char *env = getenv(env_var);
    if (env && *env) {
        snprintf(path, sizeof path, "%s", env);
        snprintf(how, sizeof how, "check %s", env_var);
    } else if (rig_exe_dir(dir, sizeof dir) == 0) {
        snprintf(path, sizeof path, "%s/%s", dir, beside);
        snprintf(how, sizeof how, "%s, or set %s", build_hint, env_var);
    } else {
        return rig_error_set(-ENOENT, "%s: cannot find this executable's directory — set %s",
                             what, env_var);
    }
    return absolute(path, buf, len, what, how);
}

int rig_simbench_find_benchd(char *buf, size_t len)
{
    int rc = find_file("RIG_BENCHD", "benchd", "benchd", "build it with make", buf, len);
    if (rc == 0 && access(buf, X_OK) != 0)
        return rig_error_set(-EACCES, "benchd at %s is not executable — check RIG_BENCHD", buf);
    return rc;
}

int rig_simbench_find_image(char *buf, size_t len)
{
    return find_file("RIG_FIRMWARE_IMAGE", "../firmware/native/med2-native", "firmware image",
                     "build it with make firmware", buf, len);
}

int rig_simbench_find_qemu_image(char *buf, size_t len)
{
    return find_file("RIG_QEMU_IMAGE", "../firmware/mps2/med2-mps2.elf", "QEMU firmware image",
                     "build it with make firmware", buf, len);
}

/* The pid in DIR/benchd.pid, or 0. */
static pid_t read_pid(const char *dir)
{
    char path[PATH_MAX];
    long pid = 0;
    snprintf(path, sizeof path, "%s/benchd.pid", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
        pid = 0;
    fclose(f);
    return (pid_t)pid;
}

/* True once pid has exited (reaped here if it is our child, or a zombie). */
static bool gone(pid_t pid)
{
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
        return true;
    if (r == 0)
        return false; /* our child, still running */
    if (kill(pid, 0) < 0 && errno == ESRCH)
        return true;
    char path[64];
    char stat[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *close_paren = strrchr(stat, ')');
    return close_paren && close_paren[1] == ' ' && (close_paren[2] == 'Z' || close_paren[2] == 'X');
}

/*
 * Is pid the benchd of dir? A benchd.pid outlives a crashed benchd, and its
 * number may have been given to an unrelated process since: only a process
 * running benchd with --dir dir (as started here) may be stopped.
 */
static bool is_benchd_of(pid_t pid, const char *dir)
{
    char path[64], args[8192], real[PATH_MAX];
    snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(args, 1, sizeof args - 1, f);
    fclose(f);
    args[n] = '\0';
    if (!realpath(dir, real))
        return false;
    const char *exe = strrchr(args, '/') ? strrchr(args, '/') + 1 : args;
    if (strcmp(exe, "benchd") != 0)
        return false;
    for (const char *a = args; a < args + n; a += strlen(a) + 1)
        if (strcmp(a, "--dir") == 0 && a + strlen(a) + 1 < args + n &&
            strcmp(a + strlen(a) + 1, real) == 0)
            return true;
    return false;
}

static bool wait_gone(pid_t pid, double seconds)
{
    for (long i = 0; i < (long)(seconds * 1e9 / POLL_INTERVAL_NS); i++) {
        if (gone(pid))
            return true;
        nap();
    }
    return gone(pid);
}

/* The last non-empty line of file into buf. */
static void last_line(const char *file, char *buf, size_t len)
{
    char line[512];
    FILE *f = fopen(file, "r");
    snprintf(buf, len, "(no output)");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            snprintf(buf, len, "%s", line);
    }
    fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) < sizeof path)
        unlink(path);
}

static int start(const struct rig_simbench_options *opt, pid_t *pid_out)
{
    char benchd[PATH_MAX], image[PATH_MAX], dir[PATH_MAX];
    char json[PATH_MAX + 16], logfile[PATH_MAX + 16], detail[512];
    struct stat st;
    int rc;

    if (!opt->units || opt->unit_count == 0 || opt->unit_count > RIG_SIMBENCH_MAX_UNITS)
        return rig_error_set(-EINVAL, "simulated bench: 1..%d units, not %u", RIG_SIMBENCH_MAX_UNITS,
                             opt->unit_count);
    if (!realpath(opt->dir, dir) || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return rig_error_set(-ENOENT, "simulated bench: %s is not a directory", opt->dir);
    if (opt->benchd)
        rc = absolute(opt->benchd, benchd, sizeof benchd, "benchd", "check the path");
    else
        rc = rig_simbench_find_benchd(benchd, sizeof benchd);
    if (rc < 0)
        return rc;
    if (opt->image)
        rc = absolute(opt->image, image, sizeof image, "firmware image", "check the path");
    else if (opt->board && strcmp(opt->board, "qemu") == 0)
        rc = rig_simbench_find_qemu_image(image, sizeof image);
    else
        rc = rig_simbench_find_image(image, sizeof image);
    if (rc < 0)
        return rc;

    pid_t old = read_pid(dir);
    if (rig_simbench_running(dir))
        return rig_error_set(-EALREADY, "a simulated bench (benchd pid %ld) is already running in "
                                        "%s — stop it with rig sim down --dir %s",
                             (long)old, dir, dir);
    remove_file(dir, "bench.json");
    remove_file(dir, "benchd.pid");
    snprintf(json, sizeof json, "%s/bench.json", dir);
    snprintf(logfile, sizeof logfile, "%s/benchd.log", dir);

    /* argv: benchd --dir D --image I --speed S (--unit M,S,SLAVE,BAUD)...
     *       (--defect N:NAME[,PARAM])... */
    size_t argc = 7 + 4 * (size_t)opt->unit_count + 1 + 2; /* + --board B */
    char **argv = calloc(argc, sizeof *argv);
    char (*units)[160] = calloc(opt->unit_count, sizeof *units);
    char (*defects)[96] = calloc(opt->unit_count, sizeof *defects);
    if (!argv || !units || !defects) {
        free(argv);
        free(units);
        free(defects);
        return rig_error_set(-ENOMEM, "out of memory");
    }
    size_t a = 0;
    argv[a++] = benchd;
    argv[a++] = "--dir";
    argv[a++] = dir;
    argv[a++] = "--image";
    argv[a++] = image;
    argv[a++] = "--speed";
    argv[a++] = (char *)(opt->speed ? opt->speed : "1");
    for (unsigned i = 0; i < opt->unit_count; i++) {
        const struct rig_sim_unit *u = &opt->units[i];
        snprintf(units[i], sizeof units[i], "%s,%s,%d,%d", u->model, u->serial, u->slave, u->baud);
        argv[a++] = "--unit";
        argv[a++] = units[i];
        if (u->defect) {
            snprintf(defects[i], sizeof defects[i], "%u:%s", i + 1, u->defect);
            argv[a++] = "--defect";
            argv[a++] = defects[i];
        }
    }
    if (opt->board) {
        argv[a++] = "--board";
        argv[a++] = (char *)opt->board;
    }
    argv[a] = NULL;

    int log = open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0) {
        int e = errno;
        free(argv);
        free(units);
        free(defects);
        return rig_error_set(-e, "cannot create %s: %s", logfile, strerror(e));
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(log);
        free(argv);
        free(units);
        free(defects);
        return rig_error_set(-e, "cannot start benchd: fork: %s", strerror(e));
    }
    if (pid == 0) {
        if (opt->detach) {
            setsid();
        } else {
            /* A private bench dies with us, however we end. */
            setpgid(0, 0);
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent)
                _exit(1);
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(log, 1);
        dup2(log, 2);
        execv(benchd, argv);
        dprintf(2, "cannot run %s: %s\n", benchd, strerror(errno));
        _exit(127);
    }
    close(log);
    free(argv);
    free(units);
    free(defects);

    for (long i = 0; i < (long)(RIG_SIMBENCH_READY_S * 1e9 / POLL_INTERVAL_NS); i++) {
        /* benchd writes bench.json, then benchd.pid: ready when both are
         * there, so a second start in this dir always sees the pid. */
        if (access(json, F_OK) == 0 && read_pid(dir) == pid) {
            *pid_out = pid;
            return 0;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            last_line(logfile, detail, sizeof detail);
            return rig_error_set(-EIO, "benchd exited (%s %d) before the bench was ready: %s — "
                                       "see %s",
                                 WIFEXITED(status) ? "status" : "signal",
                                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                                 detail, logfile);
        }
        nap();
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    last_line(logfile, detail, sizeof detail);
    return rig_error_set(-ETIMEDOUT, "benchd wrote no %s within %.0f s (last log line: %s) — "
                                     "see %s",
                         json, RIG_SIMBENCH_READY_S, detail, logfile);
}

/* DIR/bench.lock: the lock every client of the bench in DIR holds. */
static int take_dir_lock(const char *dir, double wait_s, int *fd)
{
    char path[PATH_MAX + 16], what[PATH_MAX + 32];
    *fd = -1;
    if (access(dir, F_OK) != 0)
        return 0; /* the caller's own check says what is wrong with dir */
    snprintf(path, sizeof path, "%s/bench.lock", dir);
    snprintf(what, sizeof what, "bench %s", dir);
    return rig_lock_take(path, what, wait_s, fd);
}

int rig_simbench_start(const struct rig_simbench_options *opt, pid_t *pid_out)
{
    /* Two starts in one directory at once: the second waits for the first
     * and then finds its bench running (-EALREADY). */
    int fd, rc = take_dir_lock(opt->dir, opt->lock_wait_s, &fd);
    if (rc < 0)
        return rc;
    rc = start(opt, pid_out);
    rig_lock_drop(fd);
    return rc;
}

int rig_simbench_down(const char *dir, double wait_s)
{
    int fd, rc = take_dir_lock(dir, wait_s, &fd);
    if (rc < 0)
        return rc;
    rc = rig_simbench_stop(dir, 0);
    rig_lock_drop(fd);
    return rc;
}

/* The control socket named in DIR/bench.json, into buf; -1 if none. */
static int control_path(const char *dir, char *buf, size_t len)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/bench.json", dir);
    json_t *root = json_load_file(path, 0, NULL);
    const char *control = json_string_value(json_object_get(root, "control"));
    int rc = control && (size_t)snprintf(buf, len, "%s", control) < len ? 0 : -1;
    json_decref(root);
    return rc;
}

bool rig_simbench_running(const char *dir)
{
    pid_t pid = read_pid(dir);
    return pid > 0 && !gone(pid) && is_benchd_of(pid, dir);
}

int rig_simbench_stop(const char *dir, pid_t pid)
{
    struct rig_simctl *ctl = NULL;
    char control[PATH_MAX];

    if (pid <= 0)
        pid = read_pid(dir);
    if (pid <= 0)
        return rig_error_set(-ENOENT, "no simulated bench in %s (no benchd.pid) — was it started "
                                      "with rig sim up --dir %s?",
                             dir, dir);
    if (!gone(pid) && !is_benchd_of(pid, dir)) {
        remove_file(dir, "bench.json");
        remove_file(dir, "benchd.pid");
        return rig_error_set(-ENOENT, "no simulated bench in %s: its benchd.pid names process %ld, "
                                      "which is not that bench's benchd (a stale file, removed; "
                                      "nothing was stopped)",
                             dir, (long)pid);
    }
    if (control_path(dir, control, sizeof control) == 0 && rig_simctl_open(control, &ctl) == 0)
        rig_simctl_shutdown(ctl);
    rig_simctl_close(ctl);
    if (!wait_gone(pid, RIG_SIMBENCH_STOP_S)) {
        /* benchd leads its own process group: take its meters down with it. */
        if (getpgid(pid) == pid)
            kill(-pid, SIGKILL);
        else
            kill(pid, SIGKILL);
        wait_gone(pid, 1.0);
    }
    remove_file(dir, "bench.json");
    remove_file(dir, "benchd.pid");
    return 0;
}
