/*
 * test_native_line.c — the native board's emulated RS485 line, against the
 * real image (RIG_FIRMWARE_IMAGE, as `make test` sets it) on a real pty:
 * replies paced by the baud, silence on a baud/parity/stop mismatch, new
 * line settings after the reply to "save", the restart command, and NV and
 * the RTC kept in the --nv file across a power cycle of the process.
 *
 * This plays benchd's part in miniature: it creates the pty in raw mode,
 * keeps its slave side open, hands the master to the meter process and
 * talks to it over the control socketpair (sim_wire.h).
 */
/* POSIX ptys and termios extensions: this test plays benchd, a Linux host program. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mb_frames.h"
#include "mb_codec.h"
#include "sim_wire.h"

#define REPLY_TIMEOUT_MS 400
#define QUIET_MS 40

static struct {
    pid_t pid;
    int ctrl;
    int master, keep_slave, client;
    char path[128];
    char nv[64];
} u = {.pid = -1, .ctrl = -1, .master = -1, .keep_slave = -1, .client = -1};

static const char *image(void)
{
    const char *p = getenv("RIG_FIRMWARE_IMAGE");
    if (p == NULL || access(p, X_OK) != 0) {
        cr_skip_test("RIG_FIRMWARE_IMAGE not set: run through make test");
    }
    return p;
}

static void start_unit(bool pacing)
{
    const char *img = image();
    u.master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    cr_assert_geq(u.master, 0);
    cr_assert_eq(grantpt(u.master), 0);
    cr_assert_eq(unlockpt(u.master), 0);
    cr_assert_eq(ptsname_r(u.master, u.path, sizeof(u.path)), 0);
    u.keep_slave = open(u.path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios t;
    tcgetattr(u.keep_slave, &t);
    cfmakeraw(&t);
    cfsetspeed(&t, B38400);
    tcsetattr(u.keep_slave, TCSANOW, &t);
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    u.pid = fork();
    cr_assert_geq(u.pid, 0);
    if (u.pid == 0) {
        fcntl(sv[1], F_SETFD, 0);
        fcntl(u.master, F_SETFD, 0);
        char c[16], m[16];
        snprintf(c, sizeof(c), "%d", sv[1]);
        snprintf(m, sizeof(m), "%d", u.master);
        char *argv[16] = {(char *)img, "--ctrl-fd", c, "--uart-fd", m, "--model", "C80-1M-V3",
                          "--serial", "42", "--nv", u.nv};
        if (!pacing) {
            argv[11] = "--no-line-pacing";
        }
        execv(img, argv);
        _exit(127);
    }
    close(sv[1]);
    u.ctrl = sv[0];
    struct sim_msg hello;
    cr_assert_eq(recv(u.ctrl, &hello, sizeof(hello), 0), (ssize_t)sizeof(hello));
    cr_assert_eq(hello.type, SIM_MSG_HELLO);
}

static void stop_unit(void)
{
    if (u.ctrl >= 0) {
        struct sim_msg q = {.type = SIM_MSG_QUIT};
        send(u.ctrl, &q, sizeof(q), MSG_NOSIGNAL);
        close(u.ctrl);
        u.ctrl = -1;
    }
    if (u.pid > 0) {
        int st;
        waitpid(u.pid, &st, 0);
        u.pid = -1;
    }
    if (u.client >= 0) {
        close(u.client);
        u.client = -1;
    }
    if (u.keep_slave >= 0) {
        close(u.keep_slave);
        u.keep_slave = -1;
    }
    if (u.master >= 0) {
        close(u.master);
        u.master = -1;
    }
}

/* Advance the unit's virtual clock to t seconds. */
static void run_until_s(double t)
{
    struct sim_msg run = {.type = SIM_MSG_RUN_UNTIL, .t_ns = (uint64_t)(t * 1e9)};
    cr_assert_eq(send(u.ctrl, &run, sizeof(run), MSG_NOSIGNAL), (ssize_t)sizeof(run));
    struct sim_msg r;
    do { /* the display's frames are not this test's */
        cr_assert_eq(recv(u.ctrl, &r, sizeof(r), 0), (ssize_t)sizeof(r));
    } while (r.type == SIM_MSG_FRAME);
    cr_assert_eq(r.type, SIM_MSG_REACHED);
}

/* Open (or re-set) the client's side as libmodbus does: raw, the baud,
 * PARENB|INPCK (+PARODD) for parity, CSTOPB for 2 stop bits. */
static void client_line(speed_t baud, char parity, int stop_bits)
{
    if (u.client < 0) {
        u.client = open(u.path, O_RDWR | O_NOCTTY | O_CLOEXEC);
        cr_assert_geq(u.client, 0);
    }
    struct termios t;
    tcgetattr(u.client, &t);
    cfmakeraw(&t);
    cfsetspeed(&t, baud);
    t.c_cflag &= ~(tcflag_t)(PARENB | PARODD | CSTOPB);
    t.c_iflag &= ~(tcflag_t)INPCK;
    if (parity != 'N') {
        t.c_cflag |= PARENB | (parity == 'O' ? PARODD : 0);
        t.c_iflag |= INPCK;
    }
    if (stop_bits == 2) {
        t.c_cflag |= CSTOPB;
    }
    cr_assert_eq(tcsetattr(u.client, TCSANOW, &t), 0);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static struct hal_frame reply;
static double elapsed;

/* Send, collect the reply until the line is quiet; its length. */
static size_t transact(const uint8_t *req, size_t n)
{
    tcflush(u.client, TCIOFLUSH);
    double t0 = now_s();
    cr_assert_eq(write(u.client, req, n), (ssize_t)n);
    reply.len = 0;
    struct pollfd p = {.fd = u.client, .events = POLLIN};
    int timeout = REPLY_TIMEOUT_MS;
    while (reply.len < sizeof(reply.data) && poll(&p, 1, timeout) > 0) {
        ssize_t r = read(u.client, reply.data + reply.len, sizeof(reply.data) - reply.len);
        if (r <= 0) {
            break;
        }
        reply.len += (size_t)r;
        elapsed = now_s() - t0;
        timeout = QUIET_MS;
    }
    return reply.len;
}

static size_t rd(uint16_t a, uint16_t q)
{
    uint8_t f[8];
    return transact(f, mbf_read(f, 1, a, q));
}

static size_t wr(uint16_t a, const uint16_t *w, uint16_t n)
{
    uint8_t f[300];
    return transact(f, mbf_write(f, 1, a, w, n));
}

static size_t wr1(uint16_t a, uint16_t v)
{
    uint8_t f[8];
    return transact(f, mbf_write_single(f, 1, a, v));
}

static const uint16_t default_pw[4] = {0x0031, 0x3030, 0x3030, 0x3030};

static void setup(void)
{
    snprintf(u.nv, sizeof(u.nv), "/tmp/med2-nv-%d.bin", (int)getpid());
    unlink(u.nv);
}

static void teardown(void)
{
    stop_unit();
    unlink(u.nv);
}

TestSuite(native_line, .init = setup, .fini = teardown, .timeout = 60);

Test(native_line, replies_paced_by_the_baud)
{
    start_unit(true);
    run_until_s(1.0);
    client_line(B38400, 'N', 1);
    cr_assert_eq(rd(300, 125), 255u);
    cr_assert(mbf_crc_ok(&reply));
    /* 255 bytes x 10 bits at 38400 bit/s = 66.4 ms */
    cr_assert_geq(elapsed, 0.066, "reply took %.1f ms", elapsed * 1e3);
    cr_assert_lt(elapsed, 2.0);
}

Test(native_line, mismatched_client_gets_silence)
{
    start_unit(true);
    client_line(B9600, 'N', 1);
    cr_assert_eq(rd(0, 2), 0u, "baud mismatch");
    client_line(B38400, 'E', 1);
    cr_assert_eq(rd(0, 2), 0u, "parity mismatch");
    client_line(B38400, 'O', 1);
    cr_assert_eq(rd(0, 2), 0u, "parity mismatch");
    client_line(B38400, 'N', 2);
    cr_assert_eq(rd(0, 2), 0u, "stop bits mismatch");
    client_line(B38400, 'N', 1);
    cr_assert_eq(rd(0, 2), 9u, "matching settings");
}

Test(native_line, new_line_settings_after_the_save_reply)
{
    start_unit(true);
    client_line(B38400, 'N', 1);
    cr_assert_eq(wr(6000, default_pw, 4), 8u);
    const uint16_t line[] = {0, 3, 0, 2, 0, 0}; /* 9600, even, 1 stop */
    cr_assert_eq(wr(702, line, 6), 8u);
    cr_assert_eq(rd(0, 2), 9u, "staged: still 38400 8N1");
    cr_assert_eq(wr1(2000, 100), 8u, "the reply to save comes at the old settings");
    cr_assert_eq(rd(0, 2), 0u, "the old settings get silence now");
    client_line(B9600, 'E', 1);
    cr_assert_eq(rd(300, 125), 255u);
    /* 255 bytes x 11 bits at 9600 bit/s = 292 ms */
    cr_assert_geq(elapsed, 0.292, "reply took %.1f ms", elapsed * 1e3);
}

Test(native_line, restart_drops_unsaved_and_locks)
{
    start_unit(true);
    client_line(B38400, 'N', 1);
    cr_assert_eq(wr(6000, default_pw, 4), 8u);
    const uint16_t period[] = {0, 30};
    cr_assert_eq(wr(712, period, 2), 8u);
    cr_assert_eq(rd(712, 2), 9u);
    cr_assert_eq(reply.data[6], 30);
    cr_assert_eq(wr1(2000, 120), 8u, "restart is answered first");
    cr_assert_eq(rd(712, 2), 9u);
    cr_assert_eq(reply.data[6], 15, "unsaved change gone");
    cr_assert_eq(wr(712, period, 2), 5u);
    cr_assert_eq(reply.data[1], 0x90);
    cr_assert_eq(reply.data[2], 0x01, "locked again");
}

Test(native_line, nv_file_and_rtc_survive_the_process)
{
    start_unit(false);
    client_line(B38400, 'N', 1);
    cr_assert_eq(rd(600, 12), 29u);
    const uint8_t jan1_2026[] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    cr_assert_arr_eq(&reply.data[3], jan1_2026, 24, "a new unit's clock starts at 2026-01-01 00:00:00");
    cr_assert_eq(wr(6000, default_pw, 4), 8u);
    const uint16_t period[] = {0, 30};
    cr_assert_eq(wr(712, period, 2), 8u);
    cr_assert_eq(wr1(2000, 100), 8u);
    const uint16_t hour[] = {0, 7};
    cr_assert_eq(wr(606, hour, 2), 8u);
    run_until_s(5.0);
    stop_unit();
    start_unit(false);
    client_line(B38400, 'N', 1);
    run_until_s(10.0);
    cr_assert_eq(rd(712, 2), 9u);
    cr_assert_eq(reply.data[6], 30, "saved setting restored from the NV file");
    cr_assert_eq(rd(606, 6), 17u);
    cr_assert_eq(reply.data[6], 7, "hour kept by the battery-backed RTC");
    cr_assert_eq(reply.data[10], 0, "minute");
    /* the second process's virtual time starts at 0 again, but the RTC ran
     * on its battery: 5 s before the stop, the real time between, 10 s after */
    cr_assert(reply.data[14] >= 15 && reply.data[14] <= 17,
              "second: 5 + 10 s of virtual time and the real time off, got %u", reply.data[14]);
}
