/*
 * sim_unit.c — one meter position: its firmware process and its wires.
 *
 * The unit runs the image in its slot (boards/native) with two inherited
 * descriptors: its end of a SOCK_SEQPACKET socketpair (terminal conditions
 * and "run until t" in, pulse edges and "reached" out) and the master side of
 * its RS485 pty. benchd keeps the pty, so the line survives a re-flash.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "sim_bench.h"

#define HELLO_TIMEOUT_MS 5000
#define DEBUG_PORT_TIMEOUT_MS 30000
#define QUIT_GRACE_MS 2000

static int recv_msg(int fd, struct sim_msg *msg, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r;
    do {
        r = poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
        return -ETIMEDOUT;
    }
    if (r < 0) {
        return -errno;
    }
    ssize_t n = recv(fd, msg, sizeof(*msg), 0);
    if (n == 0) {
        return -EPIPE;
    }
    if (n < 0) {
        return -errno;
    }
    return n == (ssize_t)sizeof(*msg) ? 0 : -EPROTO;
}

static int send_msg(int fd, const struct sim_msg *msg)
{
    ssize_t n;
    do {
        n = send(fd, msg, sizeof(*msg), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(*msg) ? 0 : -EPIPE;
}

static void record_edge(struct sim_unit *unit, const struct sim_msg *msg)
{
    unsigned out = msg->value;
    if (out < 1 || out > 2) {
        fprintf(stderr, "benchd: position %u sent an edge on unknown output %u\n",
                unit->position, out);
        return;
    }
    if (msg->level) {
        unit->rising[out]++;
        unit->last_rise_ns[out] = msg->t_ns;
    } else {
        unit->last_fall_ns[out] = msg->t_ns;
    }
    if (unit->edge_count == SIM_EDGE_QUEUE) {
        unit->edge_head = (unit->edge_head + 1) % SIM_EDGE_QUEUE;
        unit->edge_count--;
        unit->edges_dropped++;
    }
    struct sim_edge *e = &unit->edges[(unit->edge_head + unit->edge_count) % SIM_EDGE_QUEUE];
    e->t_ns = msg->t_ns;
    e->output = (uint8_t)out;
    e->level = (uint8_t)(msg->level ? 1 : 0);
    unit->edge_count++;
}

/* Handle one message from a unit; returns 1 when it was REACHED. */
static int handle_msg(struct sim_unit *unit, const struct sim_msg *msg)
{
    switch (msg->type) {
    case SIM_MSG_PULSE_EDGE:
        record_edge(unit, msg);
        return 0;
    case SIM_MSG_FRAME:
        unit->frame = msg->frame;
        unit->frame_ns = msg->t_ns;
        unit->has_frame = true;
        return 0;
    case SIM_MSG_REACHED:
        unit->reached_ns = msg->t_ns;
        unit->waiting = false;
        return 1;
    case SIM_MSG_POWER_DOWN:
    case SIM_MSG_NV_TORN:
    case SIM_MSG_POWER_UP:
        sim_power_on_msg(unit, msg);
        return 0;
    default:
        fprintf(stderr, "benchd: position %u sent unexpected message %u\n", unit->position,
                msg->type);
        return 0;
    }
}

void sim_unit_reap(struct sim_unit *unit)
{
    int status;
    if (unit->pid <= 0 || waitpid(unit->pid, &status, WNOHANG) != unit->pid)
        return;
    if (WIFSIGNALED(status))
        snprintf(unit->stopped_why, sizeof unit->stopped_why,
                 "its process was killed by signal %d", WTERMSIG(status));
    else if (WIFEXITED(status))
        snprintf(unit->stopped_why, sizeof unit->stopped_why, "its process exited with status %d",
                 WEXITSTATUS(status));
    fprintf(stderr, "benchd: position %u: %s\n", unit->position, unit->stopped_why);
    unit->pid = -1;
}

static void mark_dead(struct sim_unit *unit)
{
    if (unit->ctrl_fd >= 0) {
        snprintf(unit->stopped_why, sizeof unit->stopped_why, "its process stopped answering");
        close(unit->ctrl_fd);
        unit->ctrl_fd = -1;
    }
    sim_unit_reap(unit);
    unit->waiting = false;
}

/* Fork the unit's process; halted: a QEMU unit on its debug port, no image.
 * Returns benchd's end of the unit's socketpair, or -errno. */
static int spawn(struct sim_bench *bench, struct sim_unit *unit, bool halted)
{
    char image[SIM_PATH_MAX + 16];
    sim_slot_image_path(unit, image, sizeof(image));
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        return -errno;
    }
    /* Bytes a client sent while no firmware was running would be read as
     * the start of a frame by the new one: a real UART loses them too. */
    tcflush(unit->rs485.slave, TCIOFLUSH);

    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(sv[0]);
        close(sv[1]);
        return -err;
    }
    if (pid == 0) {
        /* the unit keeps exactly its two wires */
        int ctrl = sv[1];
        int uart = unit->rs485.master;
        fcntl(ctrl, F_SETFD, 0);
        fcntl(uart, F_SETFD, 0);
        if (halted)
            sim_qemu_unit_halted(unit, ctrl, bench->now_ns);
        if (bench->qemu)
            sim_qemu_unit(unit, image, ctrl, bench->now_ns);
        char ctrl_s[16], uart_s[16], t0_s[32], nv[SIM_PATH_MAX + 16];
        /* NV memory (and the battery-backed RTC) live in the slot, so they
         * survive a re-flash, as on the real part */
        snprintf(nv, sizeof(nv), "%s/nv.bin", unit->slot_dir);
        snprintf(ctrl_s, sizeof(ctrl_s), "%d", ctrl);
        snprintf(uart_s, sizeof(uart_s), "%d", uart);
        snprintf(t0_s, sizeof(t0_s), "%" PRIu64, bench->now_ns);
        char *argv[] = {image, "--ctrl-fd", ctrl_s, "--uart-fd", uart_s, "--model", unit->model,
                        "--serial", unit->serial, "--t0-ns", t0_s, "--nv", nv,
                        /* a defect goes with the position, whatever image runs there */
                        unit->defect[0] ? "--defect" : NULL, unit->defect, NULL};
        execv(image, argv);
        fprintf(stderr, "benchd: position %u: cannot run %s: %s\n", unit->position, image,
                strerror(errno));
        _exit(127);
    }
    close(sv[1]);
    unit->pid = pid;
    return sv[0];
}

/* The unit's process is spawned: wait for its hello, then give it the
 * terminals. */
static int await_hello(struct sim_bench *bench, struct sim_unit *unit, int fd)
{
    unit->ctrl_fd = fd;
    unit->waiting = false;
    struct sim_msg hello;
    int r = recv_msg(unit->ctrl_fd, &hello, HELLO_TIMEOUT_MS);
    if (r != 0 || hello.type != SIM_MSG_HELLO || hello.value != SIM_WIRE_VERSION) {
        sim_unit_stop(unit);
        snprintf(unit->stopped_why, sizeof unit->stopped_why,
                 "its image did not start (no hello from it: not a med2 image?)");
        return r != 0 ? r : -EPROTO;
    }
    unit->stopped_why[0] = '\0';
    unit->reached_ns = hello.t_ns;
    /* a started unit is supplied (flashing powers the target) */
    unit->supply.off = unit->supply.armed = false;
    struct sim_msg term = {.type = SIM_MSG_TERMINALS};
    sim_source_terminals(&bench->source, &term.terminals);
    if (send_msg(unit->ctrl_fd, &term) != 0) {
        sim_unit_stop(unit);
        return -EPIPE;
    }
    return 0;
}

int sim_unit_start(struct sim_bench *bench, struct sim_unit *unit)
{
    int fd = spawn(bench, unit, false);
    return fd < 0 ? fd : await_hello(bench, unit, fd);
}

int sim_unit_halt_for_debug(struct sim_bench *bench, struct sim_unit *unit)
{
    sim_unit_stop(unit);
    snprintf(unit->debug_socket, sizeof unit->debug_socket, "%s/gdb.sock", unit->slot_dir);
    unlink(unit->debug_socket);
    int fd = spawn(bench, unit, true);
    if (fd < 0)
        return fd;
    unit->halted_fd = fd;
    snprintf(unit->stopped_why, sizeof unit->stopped_why,
             "halted on its debug port, waiting for an image");
    /* QEMU listens once it is up: the client may connect when we answer
     * (a rack of them starting at once on a loaded machine takes a while) */
    for (int waited = 0; waited < DEBUG_PORT_TIMEOUT_MS; waited += 10) {
        if (access(unit->debug_socket, F_OK) == 0)
            return 0;
        if (waitpid(unit->pid, NULL, WNOHANG) == unit->pid) {
            unit->pid = -1;
            break;
        }
        usleep(10 * 1000);
    }
    sim_unit_stop(unit);
    snprintf(unit->stopped_why, sizeof unit->stopped_why, "its debug port did not open");
    return -EIO;
}

int sim_unit_adopt(struct sim_bench *bench, struct sim_unit *unit)
{
    if (unit->halted_fd < 0)
        return -EINVAL;
    int fd = unit->halted_fd;
    unit->halted_fd = -1;
    return await_hello(bench, unit, fd);
}

void sim_unit_stop(struct sim_unit *unit)
{
    if (unit->halted_fd >= 0) {
        close(unit->halted_fd); /* the child quits when benchd's end closes */
        unit->halted_fd = -1;
    }
    if (unit->ctrl_fd >= 0) {
        struct sim_msg quit = {.type = SIM_MSG_QUIT};
        send_msg(unit->ctrl_fd, &quit);
        close(unit->ctrl_fd);
        unit->ctrl_fd = -1;
    }
    if (unit->pid > 0) {
        for (int waited = 0; waited < QUIT_GRACE_MS; waited += 10) {
            if (waitpid(unit->pid, NULL, WNOHANG) == unit->pid) {
                unit->pid = -1;
                return;
            }
            usleep(10 * 1000);
        }
        kill(unit->pid, SIGKILL);
        waitpid(unit->pid, NULL, 0);
        unit->pid = -1;
    }
}

int sim_unit_wait_msg(struct sim_unit *unit, uint32_t type, struct sim_msg *out, int timeout_ms)
{
    for (;;) {
        if (unit->ctrl_fd < 0) {
            return -EPIPE;
        }
        int r = recv_msg(unit->ctrl_fd, out, timeout_ms);
        if (r != 0) {
            if (r != -ETIMEDOUT) {
                mark_dead(unit);
            }
            return r;
        }
        handle_msg(unit, out);
        if (out->type == type) {
            return 0;
        }
    }
}

void sim_units_send_terminals(struct sim_bench *bench)
{
    struct sim_msg term = {.type = SIM_MSG_TERMINALS};
    sim_source_terminals(&bench->source, &term.terminals);
    for (unsigned k = 0; k < bench->unit_count; k++) {
        struct sim_unit *unit = &bench->units[k];
        if (unit->ctrl_fd >= 0 && send_msg(unit->ctrl_fd, &term) != 0) {
            mark_dead(unit);
        }
    }
}

void sim_unit_drain(struct sim_bench *bench, struct sim_unit *unit)
{
    (void)bench;
    struct sim_msg msg;
    int r;
    while ((r = recv_msg(unit->ctrl_fd, &msg, 0)) == 0) {
        handle_msg(unit, &msg);
    }
    if (r != -ETIMEDOUT) {
        mark_dead(unit);
    }
}

int sim_units_run_until(struct sim_bench *bench, uint64_t t_ns, char *err, size_t err_len)
{
    struct sim_msg run = {.type = SIM_MSG_RUN_UNTIL, .t_ns = t_ns};
    struct pollfd fds[SIM_MAX_UNITS];
    unsigned owner[SIM_MAX_UNITS];
    int result = 0;

    for (unsigned k = 0; k < bench->unit_count; k++) {
        struct sim_unit *unit = &bench->units[k];
        if (unit->ctrl_fd < 0) {
            continue;
        }
        if (send_msg(unit->ctrl_fd, &run) != 0) {
            mark_dead(unit);
            continue;
        }
        unit->waiting = true;
    }
    /* The units compute in parallel; collect edges until all have arrived. */
    for (;;) {
        nfds_t n = 0;
        for (unsigned k = 0; k < bench->unit_count; k++) {
            if (bench->units[k].waiting) {
                fds[n].fd = bench->units[k].ctrl_fd;
                fds[n].events = POLLIN;
                owner[n++] = k;
            }
        }
        if (n == 0) {
            break;
        }
        if (poll(fds, n, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            snprintf(err, err_len, "poll: %s", strerror(errno));
            return -1;
        }
        for (nfds_t j = 0; j < n; j++) {
            if (!(fds[j].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            struct sim_unit *unit = &bench->units[owner[j]];
            struct sim_msg msg;
            if (recv_msg(unit->ctrl_fd, &msg, 0) != 0) {
                mark_dead(unit);
                continue;
            }
            handle_msg(unit, &msg);
        }
    }
    /* A unit that is not running stays where it stopped; the others go on
     * (one dead meter must not stop the bench): the rig learns of it from
     * STATUS and from the silence of its line. */
    (void)err, (void)err_len;
    return result;
}

int sim_unit_send(struct sim_unit *unit, const struct sim_msg *msg)
{
    if (unit->ctrl_fd < 0) {
        return -EPIPE;
    }
    if (send_msg(unit->ctrl_fd, msg) != 0) {
        mark_dead(unit);
        return -EPIPE;
    }
    return 0;
}

int sim_unit_sync(struct sim_unit *unit)
{
    /* "run until" where it already is: the unit computes nothing and
     * answers REACHED after whatever it sent before */
    struct sim_msg run = {.type = SIM_MSG_RUN_UNTIL, .t_ns = unit->reached_ns};
    if (sim_unit_send(unit, &run) != 0) {
        return -1;
    }
    unit->waiting = true;
    while (unit->waiting) {
        struct sim_msg msg;
        if (recv_msg(unit->ctrl_fd, &msg, HELLO_TIMEOUT_MS) != 0) {
            mark_dead(unit);
            return -1;
        }
        handle_msg(unit, &msg);
    }
    return 0;
}
