/*
 * boards/native — the host build of the meter: one process per simulated
 * position, hosted by the simulated bench (rig/sim, benchd).
 *
 * The process owns one unit's hardware as the bench sees it: the AFE (from
 * the terminal conditions benchd sends), the RS485 UART (the pty master fd
 * benchd hands over), the pulse outputs (edge messages back to benchd), NV
 * memory (a file in the slot directory), the RTC and the clock: it advances
 * only when told "run until t", so the firmware runs as fast as it computes
 * and a Modbus request is served at the virtual instant the unit has reached.
 *
 *   med2-native --ctrl-fd N --uart-fd M --model NAME --serial DIGITS
 *               [--t0-ns T] [--nv PATH] [--no-line-pacing] [--defect NAME[,PARAM]]
 *   med2-native --swid     print the legal software's id and its code size, exit
 *   med2-native --nv-from-dump DUMP NVFILE
 *                          write a field unit's register dump into NV (nv_dump.h)
 *
 * --nv PATH         NV memory as a file (benchd passes <slot dir>/nv.bin);
 *                   without it NV is RAM that starts blank and lives as long
 *                   as the process.
 * --no-line-pacing  send replies at once instead of at the configured baud
 *                   (benchmarks only: timeouts then mean nothing).
 * --defect SPEC     this unit has a factory defect (defect_spec.h for the
 *                   names, defects.h for how each one shows); benchd passes
 *                   it from its own --defect N:SPEC.
 *
 * The line (README, "Pseudo-terminals"): a pty ignores baud, parity and stop bits
 * and delivers bytes at once, so this board emulates the UART. On every
 * chunk received it reads the client's line settings with tcgetattr() on
 * the master fd — on Linux that returns the termios of the pty, which the
 * client set on its side. Measured: baud (cfgetispeed), CSTOPB and PARODD
 * come through, but the pty driver always clears PARENB (pty_set_termios
 * forces CS8 and no parity), so "parity on" is read from INPCK, which every
 * client that enables parity sets too (libmodbus does: modbus_connect()
 * sets INPCK for 'E' and 'O', clears it for 'N'). On a mismatch with the
 * meter's settings the bytes are garbled (baud) or dropped (parity, stop
 * bits) as a UART with error detection would; the core then sees a bad CRC
 * or a truncated frame and stays silent. Replies are paced in real time by
 * the configured baud, 1 start + 8 data + parity + stop bits per byte, and
 * new line settings take effect once the reply in progress is out.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "afe_model.h"
#include "afe_waveform.h"
#include "calendar.h"
#include "defect_spec.h"
#include "defects.h"
#include "hal.h"
#include "line_noise.h"
#include "meter.h"
#include "model.h"
#include "nv_dump.h"
#include "nv_fram.h"
#include "power.h"
#include "power_rtc.h"
#include "sim_wire.h"
#include "swid.h"

#define NS_PER_SAMPLE (1000000000ull / HAL_SAMPLE_RATE_HZ)
#define NS_PER_S 1000000000ll
/* One mains cycle at 50 Hz: small enough that a pulse edge is reported soon
 * after it happens, large enough to keep the per-block overhead negligible. */
#define BLOCK_SAMPLES 80u
/* SL v1.02 §2.5.1.1: the 3.5-character silence, but at least 1.75 ms (the
 * fixed value above 19200 bit/s). A pty delivers a whole request at once,
 * so this only closes frames the core cannot size by their function. */
#define T35_MIN_NS 1750000ll
#define CHARS_PER_T35_X2 7u /* 3.5 characters, doubled to stay integer */
/* A reply is at most one RTU ADU; a few queued back to back fit. */
#define TX_QUEUE_SIZE 4096u
/* The line at power-up, before the core configures it: manual §5 defaults
 * (38400 8N1), what benchd sets on the pty too. */
#define DEFAULT_BAUD 38400u
/* The RTC of a fresh unit: 2026-01-01 00:00:00 at virtual time 0. */
#define RTC_START_YEAR 2026u
/* NV file: HAL_NV_SIZE bytes of the emulated FRAM (nv_fram.h), then the
 * battery-backed RTC domain (power_rtc.h), which survives power cuts too. */

struct line_cfg {
    uint32_t baud;
    char parity;
    unsigned stop_bits;
};

static struct native_board {
    int ctrl_fd;
    int uart_fd;
    uint64_t t0_ns;
    uint64_t samples;     /* samples computed since the process started */
    uint64_t sample_base; /* `samples` when the core was last (re)initialised */
    uint32_t tick_remainder_samples;
    struct afe_model afe;
    struct defects defects;
    struct meter_identity id;
    struct meter meter;
    bool restart_requested;
    bool hello_sent;              /* frames go to benchd only after the hello */
    struct med2_lcd_frame lcd;    /* what the LCD shows */
    bool pulse_active[3]; /* index = output 1, 2 */
    bool uart_frame_open;
    struct timespec frame_deadline;
    /* the line */
    bool line_pacing;
    bool uart_is_tty;
    struct line_cfg line;
    bool line_pending;
    struct line_cfg line_next;
    uint8_t txq[TX_QUEUE_SIZE];
    size_t tx_head, tx_len;
    struct timespec tx_start; /* when byte tx_head started on the wire */
    /* RTC */
    uint32_t rtc_epoch;
    uint32_t rtc_noted_second; /* the RTC second of the last battery-domain note */ /* RTC_START_YEAR-01-01 in seconds since 2000 */
} board;

/* A field recording on the AFE's inputs and noise on the RS485 line (field
 * replay: afe_waveform.h, line_noise.h). */
static struct afe_waveform wave;
static struct line_noise noise;

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

static uint64_t virtual_now_ns(void)
{
    return board.t0_ns + board.samples * NS_PER_SAMPLE;
}

/* ---- real time, for the line ---- */

static struct timespec mono_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

static int64_t ts_ns(struct timespec t)
{
    return (int64_t)t.tv_sec * NS_PER_S + t.tv_nsec;
}

static struct timespec ns_ts(int64_t ns)
{
    struct timespec t = {.tv_sec = (time_t)(ns / NS_PER_S), .tv_nsec = (long)(ns % NS_PER_S)};
    return t;
}

static unsigned bits_per_char(const struct line_cfg *l)
{
    return 1u + 8u + (l->parity != 'N' ? 1u : 0u) + l->stop_bits;
}

static int64_t char_ns(const struct line_cfg *l)
{
    return (int64_t)bits_per_char(l) * NS_PER_S / (int64_t)l->baud;
}

/* ---- hal.h ---- */

/* An edge on a pulse output's wire, unless the output's driver is broken:
 * dead_pulse1 never conducts, pulse1_stuck_on conducts from power-up on
 * (main) whatever the core asks, so neither passes the core's edges. */
static void send_edge(unsigned output, bool active, uint64_t t_ns)
{
    if (!defects_passes_edge(&board.defects, output)) {
        return;
    }
    struct sim_msg msg = {
        .type = SIM_MSG_PULSE_EDGE,
        .value = output,
        .level = active ? 1u : 0u,
        .t_ns = t_ns,
    };
    send_msg(&msg);
}

void hal_pulse_write(unsigned output, bool active, uint64_t sample_time)
{
    if (output < 3u) {
        board.pulse_active[output] = active;
    }
    send_edge(output, active, board.t0_ns + (board.sample_base + sample_time) * NS_PER_SAMPLE);
}

static void write_line(const uint8_t *p, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(board.uart_fd, p + done, len - done);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return; /* the line is broken: a real UART would drop it too */
        }
        done += (size_t)n;
    }
}

static void apply_line(const struct line_cfg *l)
{
    board.line = *l;
}

void hal_uart_send(const uint8_t *frame, size_t len)
{
    if (board.uart_fd < 0 || defects_is(&board.defects, SIM_DEFECT_DEAD_RS485)) {
        return; /* dead_rs485: the transceiver never drives the line */
    }
    if (!board.line_pacing) {
        uint8_t noisy[TX_QUEUE_SIZE];
        len = len < sizeof(noisy) ? len : sizeof(noisy);
        memcpy(noisy, frame, len);
        line_noise_apply(&noise, noisy, len);
        write_line(noisy, len);
        return;
    }
    if (board.tx_len == 0u) {
        board.tx_head = 0;
        board.tx_start = mono_now();
    }
    size_t room = TX_QUEUE_SIZE - board.tx_head - board.tx_len;
    if (len > room) {
        len = room; /* a UART with a full FIFO loses bytes too */
    }
    memcpy(&board.txq[board.tx_head + board.tx_len], frame, len);
    line_noise_apply(&noise, &board.txq[board.tx_head + board.tx_len], len);
    board.tx_len += len;
}

void hal_uart_configure(uint32_t baud, char parity, unsigned stop_bits)
{
    struct line_cfg l = {.baud = baud, .parity = parity, .stop_bits = stop_bits};
    if (board.tx_len > 0u) {
        /* the reply in progress goes out at the old settings */
        board.line_next = l;
        board.line_pending = true;
    } else {
        apply_line(&l);
    }
}

int hal_nv_read(uint32_t offset, void *buf, size_t len)
{
    return nv_fram_read(offset, buf, len);
}

int hal_nv_write(uint32_t offset, const void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset) {
        return -EINVAL;
    }
    if (defects_is(&board.defects, SIM_DEFECT_NV_WRITE_FAIL)) {
        return 0; /* the failed cell array acknowledges the write and keeps its old content */
    }
    return nv_fram_write(offset, buf, len);
}

/* Seconds the RTC's crystal has counted since virtual time 0: virtual time,
 * unless rtc_drift makes it run fast. The offset to the calendar is taken
 * against this count, so a drifting RTC gains relative to when it was last
 * set, and the count is a function of the bench's time, so the gain
 * survives the process being restarted. */
static int64_t rtc_count_s(void)
{
    return (int64_t)(defects_rtc_ns(&board.defects, virtual_now_ns()) / NS_PER_S);
}

uint32_t hal_rtc_get(void)
{
    return power_rtc_read(rtc_count_s());
}

void hal_rtc_set(uint32_t seconds_since_2000)
{
    power_rtc_set(seconds_since_2000, rtc_count_s());
}

void hal_request_restart(void)
{
    board.restart_requested = true;
}

static void send_frame(void)
{
    if (board.hello_sent) {
        struct sim_msg msg = {.type = SIM_MSG_FRAME, .t_ns = virtual_now_ns(), .frame = board.lcd};
        send_msg(&msg);
    }
}

void hal_lcd_show(const struct med2_lcd_frame *frame)
{
    board.lcd = *frame;
    send_frame();
}

/* ---- NV file and the battery domain ---- */

static void nv_open(const char *path)
{
    void *domain;
    int r = nv_fram_open(path, POWER_RTC_DOMAIN_SIZE, &domain);
    if (r != 0) {
        errno = -r;
        die(path != NULL ? path : "NV");
    }
    power_rtc_init(domain, board.rtc_epoch, rtc_count_s());
    board.rtc_noted_second = hal_rtc_get();
}

static void rtc_note(void)
{
    power_rtc_note(rtc_count_s());
    board.rtc_noted_second = hal_rtc_get();
}

/* ---- the core's power and resets ---- */

static void release_pulse_outputs(void)
{
    for (unsigned o = 1; o < 3u; o++) {
        if (board.pulse_active[o]) {
            board.pulse_active[o] = false;
            send_edge(o, false, virtual_now_ns());
        }
    }
}

/* Power-up or MCU reset: GPIOs go inactive, RAM is lost, the core starts
 * from NV. The RTC and NV are the board's and stay. */
static void core_start(void)
{
    release_pulse_outputs();
    board.sample_base = board.samples;
    board.tick_remainder_samples = 0;
    board.uart_frame_open = false;
    board.restart_requested = false;
    meter_init(&board.meter, &board.id);
}

/* After every entry into the core: a requested reset happens now. */
static void after_core_call(void)
{
    if (power_after_core()) {
        return; /* the supply is gone: RAM with it */
    }
    if (board.restart_requested) {
        core_start();
    }
}

/* ---- the line ---- */

static uint32_t baud_of_speed(speed_t s)
{
    static const struct {
        speed_t speed;
        uint32_t baud;
    } table[] = {
        {B1200, 1200},   {B2400, 2400},   {B4800, 4800},     {B9600, 9600},
        {B19200, 19200}, {B38400, 38400}, {B57600, 57600},   {B115200, 115200},
        {B230400, 230400}, {B300, 300},   {B600, 600},
    };
    for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++) {
        if (table[k].speed == s) {
            return table[k].baud;
        }
    }
    return 0;
}

/* The client's settings, as far as the pty shows them (see the top). */
static bool client_line(struct line_cfg *out)
{
    struct termios t;
    if (tcgetattr(board.uart_fd, &t) != 0) {
        return false; /* not a tty (a socketpair in a test): nothing to emulate */
    }
    out->baud = baud_of_speed(cfgetispeed(&t));
    bool parity_on = (t.c_cflag & PARENB) || (t.c_iflag & INPCK);
    out->parity = !parity_on ? 'N' : (t.c_cflag & PARODD) ? 'O' : 'E';
    out->stop_bits = (t.c_cflag & CSTOPB) ? 2u : 1u;
    return true;
}

/* What the meter's UART makes of bytes sent with the client's settings.
 * Returns the number of bytes in `out` (<= cap). */
static size_t uart_receive(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    struct line_cfg c;
    if (!board.uart_is_tty || !client_line(&c) ||
        (c.baud == board.line.baud && c.parity == board.line.parity &&
         c.stop_bits == board.line.stop_bits)) {
        size_t m = n < cap ? n : cap;
        memcpy(out, in, m);
        return m;
    }
    if (c.baud != board.line.baud) {
        /* Sampled at the wrong rate, a character's bits smear into other
         * characters: a faster sender's bytes merge into fewer, a slower
         * one's split into more, none of them right. Deterministic
         * garbage of that count. */
        uint64_t m = c.baud == 0u ? n : (uint64_t)n * board.line.baud / c.baud;
        if (m == 0u) {
            m = 1;
        }
        if (m > cap) {
            m = cap;
        }
        for (size_t k = 0; k < m; k++) {
            uint8_t b = in[k % n];
            out[k] = (uint8_t)(((b << 3) | (b >> 5)) ^ 0xA5u ^ (uint8_t)k);
        }
        return (size_t)m;
    }
    /* Same rate, other frame format: the parity bit or a missing second
     * stop bit lands where the UART checks, it flags a parity or framing
     * error and the driver discards the characters. Strict on stop bits
     * (both checked), so the rig can tell a wrong setting. */
    return 0;
}

/* Paced transmission: hand the client the bytes whose last bit is out. */
static void tx_pump(void)
{
    if (board.tx_len == 0u) {
        return;
    }
    int64_t elapsed = ts_ns(mono_now()) - ts_ns(board.tx_start);
    int64_t per = char_ns(&board.line);
    size_t due = elapsed <= 0 ? 0u : (size_t)(elapsed / per);
    if (due > board.tx_len) {
        due = board.tx_len;
    }
    if (due > 0u) {
        write_line(&board.txq[board.tx_head], due);
        board.tx_head += due;
        board.tx_len -= due;
        board.tx_start = ns_ts(ts_ns(board.tx_start) + (int64_t)due * per);
    }
    if (board.tx_len == 0u) {
        board.tx_head = 0;
        if (board.line_pending) {
            board.line_pending = false;
            apply_line(&board.line_next);
        }
    }
}

static int64_t t35_ns(void)
{
    int64_t t = char_ns(&board.line) * CHARS_PER_T35_X2 / 2;
    return t > T35_MIN_NS ? t : T35_MIN_NS;
}

/* ---- bench wires ---- */

/* The AFE gets the terminal conditions benchd applies; a defect acts inside
 * the unit, on its AFE's knobs. */
static void apply_terminals(const struct sim_terminals *t)
{
    afe_model_set_terminals(&board.afe, t);
}

/* The next n samples of the ADC. A unit whose defect varies in time
 * (an intermittent contact) gets them in pieces of one state; the AFE's mains
 * phase and noise run on across them. */
static void generate_from_terminals(int32_t *v, int32_t *i, size_t n)
{
    defects_generate(&board.defects, &board.afe, virtual_now_ns() / NS_PER_SAMPLE, v, i, n);
}

/* The next n samples: from a field recording over its span, else from the
 * terminal conditions. */
static void generate(int32_t *v, int32_t *i, size_t n)
{
    uint64_t first = virtual_now_ns() / NS_PER_SAMPLE;
    size_t done = 0;
    while (done < n) {
        int from_wave;
        size_t run = afe_waveform_split(&wave, first + done, n - done, &from_wave);
        if (from_wave) {
            afe_waveform_generate(&wave, &board.afe, first + done, v + done, i + done, run);
        } else {
            generate_from_terminals(v + done, i + done, run);
        }
        done += run;
    }
}

/*
 * Samples in this block before the RTC's next second (n if none): the core
 * reads hal_rtc_get() per sample, but the board's time moves per block, so
 * a block is cut where the second changes — the RTC's second then starts on
 * its own sample, as on the real part, not up to a block (20 ms) late.
 */
static size_t samples_before_next_second(size_t n)
{
    uint64_t t = virtual_now_ns();
    int64_t now = rtc_count_s();
    if ((int64_t)(defects_rtc_ns(&board.defects, t + n * NS_PER_SAMPLE) / NS_PER_S) == now)
        return n;
    for (size_t k = 1; k < n; k++)
        if ((int64_t)(defects_rtc_ns(&board.defects, t + k * NS_PER_SAMPLE) / NS_PER_S) != now)
            return k;
    return n;
}

static void run_until(uint64_t t_ns)
{
    int32_t v[BLOCK_SAMPLES];
    int32_t i[BLOCK_SAMPLES];
    while (virtual_now_ns() < t_ns) {
        uint64_t left = (t_ns - virtual_now_ns() + NS_PER_SAMPLE - 1) / NS_PER_SAMPLE;
        if (power_state() == POWER_OFF) {
            /* an unpowered board computes nothing: its time just passes
             * (months of storage take no longer than a second) */
            board.samples += left;
            break;
        }
        size_t n = left < BLOCK_SAMPLES ? (size_t)left : BLOCK_SAMPLES;
        n = samples_before_next_second(n);
        n = power_clip_samples(n, NS_PER_SAMPLE);
        if (n == 0u) {
            after_core_call(); /* a supply event falls now */
            continue;
        }
        generate(v, i, n);
        if (!power_core_runs()) {
            board.samples += n; /* time runs, the meter does not */
            continue;
        }
        power_before_core();
        meter_on_samples(&board.meter, v, i, n);
        board.samples += n;
        after_core_call();
        board.tick_remainder_samples += (uint32_t)n;
        uint32_t ms = board.tick_remainder_samples / (HAL_SAMPLE_RATE_HZ / 1000u);
        if (ms > 0 && power_core_runs()) {
            board.tick_remainder_samples -= ms * (HAL_SAMPLE_RATE_HZ / 1000u);
            power_before_core();
            meter_on_tick(&board.meter, ms);
            after_core_call();
        }
    }
    if (hal_rtc_get() != board.rtc_noted_second) {
        rtc_note(); /* the battery domain keeps up with the RTC */
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
        apply_terminals(&msg.terminals);
        break;
    case SIM_MSG_RUN_UNTIL:
        run_until(msg.t_ns);
        break;
    case SIM_MSG_SUPPLY:
    case SIM_MSG_SUPPLY_CUT:
        power_on_msg(&msg);
        break;
    case SIM_MSG_BUTTON:
        if (power_state() == POWER_ON) { /* the keypad is dead after the power-fail warning */
            power_before_core();
            meter_on_button(&board.meter, msg.value, msg.level != 0u);
            after_core_call();
        }
        break;
    case SIM_MSG_WAVEFORM:
        afe_waveform_start(&wave, (msg.t_ns + NS_PER_SAMPLE - 1u) / NS_PER_SAMPLE, msg.value);
        break;
    case SIM_MSG_NOISE:
        line_noise_set(&noise, msg.value);
        break;
    case SIM_MSG_QUIT:
        power_quit(); /* a clean stop is a warned cut: nothing lost */
        exit(0);
    default:
        fprintf(stderr, "med2-native: unknown control message %u\n", msg.type);
        exit(1);
    }
}

static void handle_uart(void)
{
    uint8_t buf[512];
    uint8_t rx[1024];
    ssize_t n = read(board.uart_fd, buf, sizeof(buf));
    if (n <= 0 || power_state() != POWER_ON) {
        /* an unpowered UART hears nothing; after the power-fail warning the
         * RS485 transceiver's rail is falling and the core is saving */
        return;
    }
    line_noise_apply(&noise, buf, (size_t)n);
    size_t m = uart_receive(buf, (size_t)n, rx, sizeof(rx));
    if (m > 0u) {
        power_before_core();
        meter_on_uart_rx(&board.meter, rx, m);
        after_core_call();
    }
    board.uart_frame_open = true;
    board.frame_deadline = ns_ts(ts_ns(mono_now()) + t35_ns());
}

static int parse_args(int argc, char **argv, const char **nv_path)
{
    static const struct option options[] = {
        {"ctrl-fd", required_argument, NULL, 'c'}, {"uart-fd", required_argument, NULL, 'u'},
        {"model", required_argument, NULL, 'm'},   {"serial", required_argument, NULL, 's'},
        {"t0-ns", required_argument, NULL, 't'},   {"nv", required_argument, NULL, 'n'},
        {"no-line-pacing", no_argument, NULL, 'p'}, {"defect", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    const char *defect = NULL;
    const char *model = "C80-1M-V3";
    const char *serial = NULL;
    board.ctrl_fd = board.uart_fd = -1;
    board.line_pacing = true;
    *nv_path = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'c': board.ctrl_fd = atoi(optarg); break;
        case 'u': board.uart_fd = atoi(optarg); break;
        case 'm': model = optarg; break;
        case 's': serial = optarg; break;
        case 't': board.t0_ns = strtoull(optarg, NULL, 10); break;
        case 'n': *nv_path = optarg; break;
        case 'p': board.line_pacing = false; break;
        case 'd': defect = optarg; break;
        default: return -1;
        }
    }
    if (board.ctrl_fd < 0 || serial == NULL) {
        fprintf(stderr, "usage: med2-native --ctrl-fd N [--uart-fd M] --model NAME --serial DIGITS"
                        " [--t0-ns T] [--nv PATH] [--no-line-pacing] [--defect NAME[,PARAM]]\n");
        return -1;
    }
    if (med2_model_from_name(model, &board.id.model) != 0) {
        fprintf(stderr, "med2-native: unknown model '%s'\n", model);
        return -1;
    }
    char *end;
    unsigned long s = strtoul(serial, &end, 10);
    if (*end != '\0' || s > UINT32_MAX) {
        fprintf(stderr, "med2-native: serial '%s' is not a number below 2^32\n", serial);
        return -1;
    }
    board.id.serial = (uint32_t)s;
    struct sim_defect d = {.kind = SIM_DEFECT_NONE};
    char why[160];
    if (defect != NULL && sim_defect_parse(defect, &d, why, sizeof(why)) != 0) {
        fprintf(stderr, "med2-native: --defect %s: %s (known: %s)\n", defect, why,
                sim_defect_known());
        return -1;
    }
    defects_init(&board.defects, &d, board.id.serial, med2_model_info(board.id.model)->is_ct);
    return 0;
}

/* ---- what the supply does to the board (power.h) ---- */

/* The CPU stopped: pulse outputs fall, the LCD goes blank. */
static void outputs_off(void)
{
    release_pulse_outputs();
    memset(&board.lcd, 0, sizeof(board.lcd)); /* an unpowered LCD is blank */
    send_frame();
}

static void core_power_fail(void)
{
    meter_on_power_fail(&board.meter);
}

static const struct power_board power_hooks = {
    .now_ns = virtual_now_ns,
    .core_start = core_start,
    .core_power_fail = core_power_fail,
    .outputs_off = outputs_off,
    .send = send_msg,
    .rtc_note = rtc_note,
};

/* Time until `t`, for ppoll; NULL-equivalent handled by the caller. */
static int64_t ns_until(struct timespec t)
{
    int64_t d = ts_ns(t) - ts_ns(mono_now());
    return d > 0 ? d : 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--swid") == 0) {
        /* the legal part's id as this image computes it (swid.h) */
        char id[SWID_TEXT_LEN];
        swid_text(id);
        printf("%s %zu\n", id, swid_size());
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "--nv-from-dump") == 0) {
        return nv_dump_main(argv[2], argv[3]);
    }
    const char *nv_path;
    if (parse_args(argc, argv, &nv_path) != 0) {
        return 2;
    }
    const struct calendar_time start = {.year = RTC_START_YEAR, .month = 1, .day = 1};
    board.rtc_epoch = calendar_to_seconds(&start);
    board.line = (struct line_cfg){.baud = DEFAULT_BAUD, .parity = 'N', .stop_bits = 1};
    struct termios probe;
    board.uart_is_tty = board.uart_fd >= 0 && tcgetattr(board.uart_fd, &probe) == 0;
    nv_open(nv_path);
    afe_waveform_init(&wave, nv_path);
    afe_model_init(&board.afe, afe_waveform_twin_serial(board.id.serial),
                   med2_model_info(board.id.model)->is_ct);
    defects_knobs(&board.defects, &board.afe.defect);
    power_init(&power_hooks);
    power_before_core();
    core_start();

    struct sim_msg hello = {.type = SIM_MSG_HELLO, .value = SIM_WIRE_VERSION, .t_ns = board.t0_ns};
    send_msg(&hello);
    board.hello_sent = true;
    send_frame(); /* what the LCD showed from power-up on */
    if (defects_is(&board.defects, SIM_DEFECT_PULSE1_STUCK_ON)) {
        /* its output transistor conducts from the moment the unit is
         * powered and no edge of the core's ever reaches the wire */
        struct sim_msg stuck = {.type = SIM_MSG_PULSE_EDGE, .value = 1u, .level = 1u,
                                .t_ns = board.t0_ns};
        send_msg(&stuck);
    }

    struct pollfd fds[2] = {{.fd = board.ctrl_fd, .events = POLLIN}, {.fd = board.uart_fd, .events = POLLIN}};
    nfds_t nfds = board.uart_fd >= 0 ? 2 : 1;
    for (;;) {
        /* wake for the next paced byte or the end of a frame's silence */
        int64_t wait = -1;
        if (board.tx_len > 0u) {
            int64_t per = char_ns(&board.line);
            wait = ns_until(ns_ts(ts_ns(board.tx_start) + per));
        }
        if (board.uart_frame_open) {
            int64_t w = ns_until(board.frame_deadline);
            wait = wait < 0 || w < wait ? w : wait;
        }
        struct timespec timeout = ns_ts(wait < 0 ? 0 : wait);
        int r = ppoll(fds, nfds, wait < 0 ? NULL : &timeout, NULL);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("poll");
        }
        tx_pump();
        if (board.uart_frame_open && ns_until(board.frame_deadline) == 0) {
            board.uart_frame_open = false;
            if (power_state() == POWER_ON) {
                power_before_core();
                meter_on_uart_idle(&board.meter);
                after_core_call();
            }
        }
        if (r == 0) {
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
