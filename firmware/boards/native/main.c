/*
 * boards/native — the host build of the meter: one process per simulated
 * position, hosted by the simulated bench (rig/sim, benchd).
 *
 * The process owns one unit's hardware as the bench sees it: the AFE (from
 * the terminal conditions benchd sends), the RS485 UART (the pty master fd
 * benchd hands over), the pulse outputs (edge messages back to benchd) and
 * the clock: it advances only when told "run until t", so the firmware runs
 * as fast as it computes and a Modbus request is served at the virtual
 * instant the unit has reached.
 *
 *   med2-native --ctrl-fd N --uart-fd M --model NAME --serial DIGITS [--t0-ns T]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "afe_model.h"
#include "hal.h"
#include "meter.h"
#include "model.h"
#include "sim_wire.h"

#define NS_PER_SAMPLE (1000000000ull / HAL_SAMPLE_RATE_HZ)
/* One mains cycle at 50 Hz: small enough that a pulse edge is reported soon
 * after it happens, large enough to keep the per-block overhead negligible. */
#define BLOCK_SAMPLES 80u
/* A pty delivers a whole request at once; this is only the fallback that
 * closes a frame the core could not recognise by its length. */
#define UART_IDLE_MS 3

static struct native_board {
    int ctrl_fd;
    int uart_fd;
    uint64_t t0_ns;
    uint64_t samples; /* samples computed since power-up */
    uint32_t tick_remainder_samples;
    struct afe_model afe;
    struct meter meter;
    bool uart_frame_open;
} board;

static void die(const char *what)
{
    fprintf(stderr, "med2-native: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void send_msg(const struct sim_msg *msg)
{
    while (send(board.ctrl_fd, msg, sizeof(*msg), MSG_NOSIGNAL) < 0) {
        if (errno == EINTR) {
            continue;
        }
        /* benchd is gone: nothing left to simulate for. */
        exit(errno == EPIPE ? 0 : 1);
    }
}

void hal_pulse_write(unsigned output, bool active, uint64_t sample_time)
{
    struct sim_msg msg = {
        .type = SIM_MSG_PULSE_EDGE,
        .value = output,
        .level = active ? 1u : 0u,
        .t_ns = board.t0_ns + sample_time * NS_PER_SAMPLE,
    };
    send_msg(&msg);
}

void hal_uart_send(const uint8_t *frame, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(board.uart_fd, frame + done, len - done);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return; /* the line is broken: a real UART would drop it too */
        }
        done += (size_t)n;
    }
}

static void run_until(uint64_t t_ns)
{
    int32_t v[BLOCK_SAMPLES];
    int32_t i[BLOCK_SAMPLES];
    while (board.t0_ns + board.samples * NS_PER_SAMPLE < t_ns) {
        uint64_t left = (t_ns - board.t0_ns - board.samples * NS_PER_SAMPLE + NS_PER_SAMPLE - 1) /
                        NS_PER_SAMPLE;
        size_t n = left < BLOCK_SAMPLES ? (size_t)left : BLOCK_SAMPLES;
        afe_model_generate(&board.afe, v, i, n);
        meter_on_samples(&board.meter, v, i, n);
        board.samples += n;
        board.tick_remainder_samples += (uint32_t)n;
        uint32_t ms = board.tick_remainder_samples / (HAL_SAMPLE_RATE_HZ / 1000u);
        if (ms > 0) {
            board.tick_remainder_samples -= ms * (HAL_SAMPLE_RATE_HZ / 1000u);
            meter_on_tick(&board.meter, ms);
        }
    }
    struct sim_msg reached = {.type = SIM_MSG_REACHED, .t_ns = t_ns};
    send_msg(&reached);
}

static void handle_ctrl(void)
{
    struct sim_msg msg;
    ssize_t n = recv(board.ctrl_fd, &msg, sizeof(msg), 0);
    if (n == 0) {
        exit(0); /* benchd closed the wire */
    }
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) {
            return;
        }
        die("control wire");
    }
    if ((size_t)n != sizeof(msg)) {
        fprintf(stderr, "med2-native: short control message (%zd bytes)\n", n);
        exit(1);
    }
    switch (msg.type) {
    case SIM_MSG_TERMINALS:
        afe_model_set_terminals(&board.afe, &msg.terminals);
        break;
    case SIM_MSG_RUN_UNTIL:
        run_until(msg.t_ns);
        break;
    case SIM_MSG_QUIT:
        exit(0);
    default:
        fprintf(stderr, "med2-native: unknown control message %u\n", msg.type);
        exit(1);
    }
}

static void handle_uart(void)
{
    uint8_t buf[512];
    ssize_t n = read(board.uart_fd, buf, sizeof(buf));
    if (n > 0) {
        meter_on_uart_rx(&board.meter, buf, (size_t)n);
        board.uart_frame_open = true;
    }
}

static int parse_args(int argc, char **argv, struct meter_identity *id)
{
    static const struct option options[] = {
        {"ctrl-fd", required_argument, NULL, 'c'}, {"uart-fd", required_argument, NULL, 'u'},
        {"model", required_argument, NULL, 'm'},   {"serial", required_argument, NULL, 's'},
        {"t0-ns", required_argument, NULL, 't'},   {NULL, 0, NULL, 0},
    };
    const char *model = "C80-1M-V3";
    const char *serial = NULL;
    board.ctrl_fd = board.uart_fd = -1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'c': board.ctrl_fd = atoi(optarg); break;
        case 'u': board.uart_fd = atoi(optarg); break;
        case 'm': model = optarg; break;
        case 's': serial = optarg; break;
        case 't': board.t0_ns = strtoull(optarg, NULL, 10); break;
        default: return -1;
        }
    }
    if (board.ctrl_fd < 0 || serial == NULL) {
        fprintf(stderr, "usage: med2-native --ctrl-fd N [--uart-fd M] --model NAME --serial DIGITS"
                        " [--t0-ns T]\n");
        return -1;
    }
    if (med2_model_from_name(model, &id->model) != 0) {
        fprintf(stderr, "med2-native: unknown model '%s'\n", model);
        return -1;
    }
    char *end;
    unsigned long s = strtoul(serial, &end, 10);
    if (*end != '\0' || s > UINT32_MAX) {
        fprintf(stderr, "med2-native: serial '%s' is not a number below 2^32\n", serial);
        return -1;
    }
    id->serial = (uint32_t)s;
    return 0;
}

int main(int argc, char **argv)
{
    struct meter_identity id;
    if (parse_args(argc, argv, &id) != 0) {
        return 2;
    }
    afe_model_init(&board.afe, id.serial, med2_model_info(id.model)->is_ct);
    meter_init(&board.meter, &id);

    struct sim_msg hello = {.type = SIM_MSG_HELLO, .value = SIM_WIRE_VERSION, .t_ns = board.t0_ns};
    send_msg(&hello);

    struct pollfd fds[2] = {{.fd = board.ctrl_fd, .events = POLLIN}, {.fd = board.uart_fd, .events = POLLIN}};
    nfds_t nfds = board.uart_fd >= 0 ? 2 : 1;
    for (;;) {
        int timeout = board.uart_frame_open ? UART_IDLE_MS : -1;
        int r = poll(fds, nfds, timeout);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("poll");
        }
        if (r == 0) {
            board.uart_frame_open = false;
            meter_on_uart_idle(&board.meter);
            continue;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            handle_ctrl();
        }
        if (nfds > 1 && (fds[1].revents & POLLIN)) {
            handle_uart();
        }
    }
}
