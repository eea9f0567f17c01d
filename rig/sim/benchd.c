/*
 * benchd — the simulated bench: a virtual source on a pty, one meter process
 * per position on its own pty, virtual wires and a virtual clock.
 *
 *   benchd --dir DIR --image IMAGE [--speed X|max] [--board native|qemu]
 *          --unit MODEL,SERIAL,SLAVE,BAUD [--unit ...] [--defect N:NAME[,PARAM] ...]
 *
 * --defect gives the N-th --unit (1-based) a factory defect
 * (firmware/boards/native/defect_spec.h lists them); at most one per unit.
 * A bad one stops benchd before it creates anything: one line on stderr
 * naming the position, the defect and the known names, exit status 2. The
 * unit's process gets it as --defect NAME[,PARAM], after every flash too,
 * and bench.json shows it as the unit's "defect".
 *
 * Runs in the foreground (`rig sim up` puts it in the background). When every
 * unit is running it writes DIR/bench.json (README, "The simulated bench") and
 * DIR/benchd.pid; it removes both when it stops (SHUTDOWN, SIGTERM, SIGINT).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim_bench.h"

/* Free-running: the clock is brought up to wall time this often. */
#define FREE_RUN_TICK_MS 10
/* As fast as possible: virtual time per step, between which the bench
 * serves the source and control requests. */
#define MAX_SPEED_STEP_NS 100000000ull

static struct sim_bench bench;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

uint64_t sim_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int sim_bench_advance_to(struct sim_bench *b, uint64_t t_ns, char *err, size_t err_len)
{
    if (t_ns <= b->now_ns) {
        return 0;
    }
    if (sim_units_run_until(b, t_ns, err, err_len) != 0) {
        return -1;
    }
    sim_reference_advance(&b->source, b->now_ns, t_ns);
    sim_source_integrate(&b->source, (double)(t_ns - b->now_ns) * 1e-9);
    b->now_ns = t_ns;
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: benchd --dir DIR --image IMAGE [--speed X|max] [--board native|qemu] "
                    "--unit MODEL,SERIAL,SLAVE,BAUD [--unit ...] [--defect N:NAME[,PARAM] ...]\n");
}

static int parse_unit(const char *spec, struct sim_unit *unit, unsigned position)
{
    char model[32], serial[24];
    int slave, baud;
    char extra;
    if (sscanf(spec, "%31[^,],%23[^,],%d,%d%c", model, serial, &slave, &baud, &extra) != 4 ||
        slave < 1 || slave > 247 || baud <= 0) {
        fprintf(stderr, "benchd: --unit '%s': want MODEL,SERIAL,SLAVE(1-247),BAUD\n", spec);
        return -1;
    }
    memset(unit, 0, sizeof(*unit));
    unit->position = position;
    snprintf(unit->model, sizeof(unit->model), "%s", model);
    snprintf(unit->serial, sizeof(unit->serial), "%s", serial);
    unit->slave = slave;
    unit->baud = baud;
    unit->ctrl_fd = -1;
    unit->halted_fd = -1;
    unit->pid = -1;
    unit->rs485.master = unit->rs485.slave = -1;
    return 0;
}

/* Give the position named in "N:NAME[,PARAM]" its defect. Every --unit is
 * known by now (the options may come in any order). */
static int apply_defect(const char *arg)
{
    char *end;
    unsigned long pos = strtoul(arg, &end, 10);
    if (end == arg || *end != ':') {
        fprintf(stderr, "benchd: --defect '%s': want N:NAME[,PARAM] (N: the unit's position); "
                        "known defects: %s\n", arg, sim_defect_known());
        return -1;
    }
    const char *spec = end + 1;
    if (pos < 1 || pos > bench.unit_count) {
        fprintf(stderr, "benchd: --defect '%s': no position %lu on this bench (it has 1..%u); "
                        "known defects: %s\n", arg, pos, bench.unit_count, sim_defect_known());
        return -1;
    }
    struct sim_unit *unit = &bench.units[pos - 1];
    struct sim_defect d;
    char why[160];
    if (sim_defect_parse(spec, &d, why, sizeof(why)) != 0) {
        fprintf(stderr, "benchd: position %lu: defect '%s': %s; known defects: %s\n", pos, spec,
                why, sim_defect_known());
        return -1;
    }
    if (unit->defect[0] != '\0') {
        fprintf(stderr, "benchd: position %lu: defect '%s': it already has '%s' (one per unit); "
                        "known defects: %s\n", pos, spec, unit->defect, sim_defect_known());
        return -1;
    }
    snprintf(unit->defect, sizeof(unit->defect), "%s", spec);
    return 0;
}

static int write_bench_json(void)
{
    char tmp[SIM_PATH_MAX], final[SIM_PATH_MAX];
    /* the pid first: bench.json is what says the bench is ready */
    snprintf(tmp, sizeof(tmp), "%s/benchd.pid", bench.dir);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "benchd: cannot write %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    json_t *units = json_array();
    for (unsigned k = 0; k < bench.unit_count; k++) {
        const struct sim_unit *u = &bench.units[k];
        json_t *obj = json_pack("{s:i, s:s, s:s, s:s, s:i, s:i}", "position", (int)u->position,
                                "model", u->model, "serial", u->serial, "rs485", u->rs485.path,
                                "slave", u->slave, "baud", u->baud);
        if (u->defect[0] != '\0') {
            json_object_set_new(obj, "defect", json_string(u->defect));
        }
        json_array_append_new(units, obj);
    }
    json_t *root = json_pack("{s:s, s:{s:s}, s:o}", "control", bench.control_path, "source",
                             "tty", bench.source.pty.path, "units", units);
    snprintf(tmp, sizeof(tmp), "%s/bench.json.tmp", bench.dir);
    snprintf(final, sizeof(final), "%s/bench.json", bench.dir);
    int r = json_dump_file(root, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (r != 0 || rename(tmp, final) != 0) {
        fprintf(stderr, "benchd: cannot write %s: %s\n", final, strerror(errno));
        return -1;
    }
    return 0;
}

static void remove_bench_files(void)
{
    char path[SIM_PATH_MAX];
    snprintf(path, sizeof(path), "%s/bench.json", bench.dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/benchd.pid", bench.dir);
    unlink(path);
    unlink(bench.control_path);
}

static int setup(const char *image)
{
    int r = sim_pty_open(&bench.source.pty);
    if (r != 0) {
        fprintf(stderr, "benchd: cannot create the source pty: %s\n", strerror(-r));
        return -1;
    }
    int flags = fcntl(bench.source.pty.master, F_GETFL);
    fcntl(bench.source.pty.master, F_SETFL, flags | O_NONBLOCK);
    sim_source_init(&bench.source);

    char slots[SIM_DIR_MAX + 8];
    snprintf(slots, sizeof(slots), "%s/slots", bench.dir);
    if (mkdir(slots, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "benchd: cannot create %s: %s\n", slots, strerror(errno));
        return -1;
    }
    for (unsigned k = 0; k < bench.unit_count; k++) {
        struct sim_unit *u = &bench.units[k];
        snprintf(u->slot_dir, sizeof(u->slot_dir), "%s/%u", slots, u->position);
        if (mkdir(u->slot_dir, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "benchd: cannot create %s: %s\n", u->slot_dir, strerror(errno));
            return -1;
        }
        if ((r = sim_pty_open(&u->rs485)) != 0) {
            fprintf(stderr, "benchd: position %u: cannot create its RS485 pty: %s\n",
                    u->position, strerror(-r));
            return -1;
        }
        char err[PATH_MAX + 128];
        if (sim_slot_flash(u, image, err, sizeof(err)) != 0) {
            fprintf(stderr, "benchd: %s\n", err);
            return -1;
        }
        if ((r = sim_unit_start(&bench, u)) != 0) {
            fprintf(stderr, "benchd: position %u: the meter image does not start: %s\n",
                    u->position, strerror(-r));
            return -1;
        }
    }
    if ((r = sim_control_listen(&bench)) != 0) {
        fprintf(stderr, "benchd: cannot listen on %s: %s%s\n", bench.control_path, strerror(-r),
                r == -ENAMETOOLONG ? " — use a shorter --dir" : "");
        return -1;
    }
    return write_bench_json();
}

static void shutdown_bench(void)
{
    for (unsigned k = 0; k < bench.unit_count; k++) {
        sim_unit_stop(&bench.units[k]);
        sim_pty_close(&bench.units[k].rs485);
    }
    for (unsigned k = 0; k < SIM_MAX_CLIENTS; k++) {
        if (bench.clients[k].fd >= 0) {
            close(bench.clients[k].fd);
        }
    }
    if (bench.control_fd >= 0) {
        close(bench.control_fd);
    }
    sim_pty_close(&bench.source.pty);
    remove_bench_files();
}

/* Bring the clock up to where free-running says it should be. */
static int free_run(void)
{
    char err[256];
    uint64_t target;
    if (bench.speed < 0.0) {
        target = bench.now_ns + MAX_SPEED_STEP_NS;
    } else {
        double elapsed = (double)(sim_wall_ns() - bench.wall_base_ns);
        target = bench.virtual_base_ns + (uint64_t)(elapsed * bench.speed);
    }
    if (sim_bench_advance_to(&bench, target, err, sizeof(err)) != 0) {
        fprintf(stderr, "benchd: %s\n", err);
        return -1;
    }
    return 0;
}

static void event_loop(void)
{
    struct pollfd fds[2 + SIM_MAX_CLIENTS + SIM_MAX_UNITS];
    while (!bench.stopping && !stop_signal) {
        nfds_t n = 0;
        fds[n++] = (struct pollfd){.fd = bench.source.pty.master, .events = POLLIN};
        fds[n++] = (struct pollfd){.fd = bench.control_fd, .events = POLLIN};
        for (unsigned k = 0; k < SIM_MAX_CLIENTS; k++) {
            fds[n++] = (struct pollfd){.fd = bench.clients[k].fd, .events = POLLIN};
        }
        for (unsigned k = 0; k < bench.unit_count; k++) {
            fds[n++] = (struct pollfd){.fd = bench.units[k].ctrl_fd, .events = POLLIN};
        }
        int timeout = bench.speed == 0.0 ? -1 : bench.speed < 0.0 ? 0 : FREE_RUN_TICK_MS;
        int r = poll(fds, n, timeout);
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "benchd: poll: %s\n", strerror(errno));
            return;
        }
        if (r > 0) {
            if ((fds[0].revents & POLLIN) && sim_source_service(&bench.source)) {
                sim_units_send_terminals(&bench);
            }
            if (fds[1].revents & POLLIN) {
                sim_control_accept(&bench);
            }
            for (unsigned k = 0; k < SIM_MAX_CLIENTS; k++) {
                if (fds[2 + k].revents & (POLLIN | POLLHUP | POLLERR)) {
                    sim_control_service(&bench, &bench.clients[k]);
                }
            }
            for (unsigned k = 0; k < bench.unit_count; k++) {
                if (bench.units[k].ctrl_fd >= 0 &&
                    (fds[2 + SIM_MAX_CLIENTS + k].revents & (POLLIN | POLLHUP | POLLERR))) {
                    sim_unit_drain(&bench, &bench.units[k]);
                }
            }
        }
        if (bench.speed != 0.0 && free_run() != 0) {
            /* the bench itself failed (poll): hold the clock, keep serving */
            bench.speed = 0.0;
        }
    }
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"dir", required_argument, NULL, 'd'},   {"image", required_argument, NULL, 'i'},
        {"speed", required_argument, NULL, 's'}, {"unit", required_argument, NULL, 'u'},
        {"defect", required_argument, NULL, 'D'}, {"help", no_argument, NULL, 'h'},
        {"board", required_argument, NULL, 'B'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL, *image = NULL;
    const char *defects[SIM_MAX_UNITS];
    unsigned defect_count = 0;
    bench.speed = 1.0;
    bench.control_fd = -1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'i': image = optarg; break;
        case 's':
            if (strcmp(optarg, "max") == 0) {
                bench.speed = -1.0;
            } else {
                char *end;
                bench.speed = strtod(optarg, &end);
                if (*end != '\0' || !(bench.speed >= 0.0)) {
                    fprintf(stderr, "benchd: --speed wants a factor >= 0 or 'max'\n");
                    return 2;
                }
            }
            break;
        case 'u':
            if (bench.unit_count == SIM_MAX_UNITS) {
                fprintf(stderr, "benchd: at most %d units\n", SIM_MAX_UNITS);
                return 2;
            }
            if (parse_unit(optarg, &bench.units[bench.unit_count], bench.unit_count + 1) != 0) {
                return 2;
            }
            bench.unit_count++;
            break;
        case 'D':
            if (defect_count == SIM_MAX_UNITS) {
                fprintf(stderr, "benchd: at most %d --defect (one per unit)\n", SIM_MAX_UNITS);
                return 2;
            }
            defects[defect_count++] = optarg;
            break;
        case 'B':
            /* --board qemu: IMAGE is the mps2-an386 ELF, run under QEMU (sim_qemu.c) */
            if (strcmp(optarg, "qemu") != 0 && strcmp(optarg, "native") != 0) {
                fprintf(stderr, "benchd: --board wants native or qemu, got '%s'\n", optarg);
                return 2;
            }
            bench.qemu = strcmp(optarg, "qemu") == 0;
            break;
        case 'h': usage(); return 0;
        default: usage(); return 2;
        }
    }
    if (dir == NULL || image == NULL || bench.unit_count == 0) {
        usage();
        return 2;
    }
    for (unsigned k = 0; k < defect_count; k++) {
        if (apply_defect(defects[k]) != 0) {
            return 2;
        }
    }
    char dir_abs[PATH_MAX];
    if (realpath(dir, dir_abs) == NULL) {
        fprintf(stderr, "benchd: --dir %s: %s\n", dir, strerror(errno));
        return 2;
    }
    if (strlen(dir_abs) >= SIM_DIR_MAX) {
        fprintf(stderr, "benchd: --dir %s is too long for a unix socket path below it (max %d)"
                        " — use a shorter one\n", dir_abs, SIM_DIR_MAX - 1);
        return 2;
    }
    memcpy(bench.dir, dir_abs, strlen(dir_abs) + 1);
    char image_abs[PATH_MAX];
    if (realpath(image, image_abs) == NULL) {
        fprintf(stderr, "benchd: --image %s: %s — build it with `make firmware`\n", image,
                strerror(errno));
        return 2;
    }
    snprintf(bench.control_path, sizeof(bench.control_path), "%s/control.sock", bench.dir);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int status = 0;
    if (setup(image_abs) != 0) {
        status = 1;
    } else {
        bench.wall_base_ns = sim_wall_ns();
        bench.virtual_base_ns = bench.now_ns;
        event_loop();
    }
    shutdown_bench();
    return status;
}
