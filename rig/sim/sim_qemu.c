/*
 * sim_qemu.c — a meter position run as a QEMU instance of the ARM image
 * (boards/mps2-an386, `benchd --board qemu`).
 *
 * benchd forks for every unit as it does for the native image; for a QEMU
 * position the child stays benchd code (sim_qemu_unit) and runs
 * qemu-system-arm ($RIG_QEMU overrides the name) as its own child. To
 * benchd it speaks sim_wire.h like a native unit; to the firmware it speaks
 * qemu_wire.h over the board's UARTs (three socketpairs QEMU inherits):
 *   - the RS485 pty is relayed both ways to UART0; after 3.5 characters of
 *     silence from the client (at least 1.75 ms, real time, as the native
 *     board counts it) the firmware is told through the shared idle word
 *     and a QW_WAKE;
 *   - "run until t" becomes the AFE's samples up to t (the native board's
 *     AFE model, from the same terminal conditions) in the sample ring of
 *     the board's PSRAM, which QEMU maps from a memory file of ours, rung
 *     in on UART1, then a sync
 *     the firmware answers once it has computed them: time moves only in
 *     samples, so the firmware is in step with benchd's clock; QEMU runs
 *     with -icount (shift QW_ICOUNT_SHIFT, align=off, sleep=off), so its
 *     own instruction timing is repeatable too;
 *   - pulse edges come back on UART2 stamped with their sample;
 *   - NV is a RAM region QEMU preloads from the slot's NV file (loader
 *     device); after the firmware wrote it, it is saved back with QMP
 *     pmemsave before "reached" is answered, and on quit.
 * A unit halted for flashing (DEBUG, sim_qemu_unit_halted) starts QEMU with
 * no image, stopped (-S), with its gdb stub on a unix socket in the slot:
 * the rig loads the image there as it would through OpenOCD's gdb server
 * (rig_flash_gdb), resets the core, and the firmware's hello follows.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "afe_model.h"
#include "defects.h"
#include "hal.h"
#include "model.h"
#include "qemu_wire.h"
#include "sim_bench.h"

#define NS_PER_SAMPLE (1000000000ull / HAL_SAMPLE_RATE_HZ)
#define HELLO_TIMEOUT_MS 5000
#define DEBUG_HELLO_TIMEOUT_MS 120000 /* a debugger loads the image first */
#define SYNC_TIMEOUT_MS 120000 /* a minute of samples on a loaded machine */
#define T35_NS 1750000ll       /* the RTU silence at 38400 bit/s and above */
#define QW_ICOUNT_SHIFT 3      /* 8 ns of QEMU time per instruction */
/* Samples per doorbell: a second of them keeps the doorbells few and lets
 * the firmware start while the next second is made. */
#define RING_CHUNK 4000u

enum { W_UART0, W_BENCH_IN, W_BENCH_OUT, W_QMP, W_COUNT };

static struct qemu_unit {
    const struct sim_unit *unit;
    int ctrl_fd;
    int pty_fd;
    int w[W_COUNT];     /* our ends of the socketpairs */
    int shm_fd;         /* the board's PSRAM (memfd), mapped at shm */
    struct qw_shared *shm;
    uint64_t written;   /* samples put in the ring since the firmware's hello */
    pid_t qemu;
    uint64_t now_ns;    /* bench time of the next sample to send */
    uint64_t boot_ns;   /* bench time of the firmware's sample 0 */
    uint32_t sync_seq;
    bool hello_seen;
    uint32_t rx_count;  /* bytes relayed to UART0 since the firmware's hello */
    bool idle_wait;     /* an idle is not answered yet: the client's next bytes wait */
    /* the meter's UART settings (QW_LINE), 38400 8N1 at power-up (manual §5) */
    uint32_t line_baud;
    char line_parity;
    unsigned line_stop;
    bool nv_dirty;
    char nv_path[SIM_PATH_MAX + 16];
    struct afe_model afe;
    struct defects defects;
    uint32_t serial;
    enum med2_model model;
    int64_t idle_at;    /* monotonic ns when the line counts as idle, 0: no frame open */
    uint8_t rec[64];
    size_t rec_len;
} q;

static int64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000ll + t.tv_nsec;
}

static void fail(const char *what)
{
    fprintf(stderr, "benchd: position %u (qemu): %s\n", q.unit->position, what);
    if (q.qemu > 0) {
        kill(q.qemu, SIGKILL);
        waitpid(q.qemu, NULL, 0);
    }
    _exit(1);
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        p[k] = (uint8_t)(v >> (8u * k));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++)
        v |= (uint64_t)p[k] << (8u * k);
    return v;
}

static void to_bench(const struct sim_msg *m)
{
    while (send(q.ctrl_fd, m, sizeof *m, MSG_NOSIGNAL) < 0) {
        if (errno != EINTR)
            _exit(0); /* benchd is gone */
    }
}

static void write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n > 0) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && (errno == EINTR || errno == EAGAIN)) {
            struct pollfd pf = {.fd = fd, .events = POLLOUT};
            poll(&pf, 1, 100);
            continue;
        }
        if (k <= 0)
            fail("a wire to QEMU broke");
        b += k;
        n -= (size_t)k;
    }
}

/* ---- QMP ---- */

/* Read QMP lines until one holds "return", "error" or the greeting ("QMP");
 * events are skipped. */
static int qmp_reply(void)
{
    char buf[4096];
    size_t len = 0;
    for (;;) {
        struct pollfd pf = {.fd = q.w[W_QMP], .events = POLLIN};
        if (poll(&pf, 1, HELLO_TIMEOUT_MS) <= 0)
            return -ETIMEDOUT;
        ssize_t n = read(q.w[W_QMP], buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            return -EPIPE;
        len += (size_t)n;
        buf[len] = '\0';
        char *nl;
        while ((nl = strchr(buf, '\n')) != NULL) {
            *nl = '\0';
            int r = strstr(buf, "\"return\"") || strstr(buf, "\"QMP\"") ? 0 : strstr(buf, "\"error\"") ? -EIO : 1;
            if (r != 1)
                return r;
            len -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, len + 1);
        }
        if (len >= sizeof buf - 1)
            len = 0;
    }
}

static int qmp(const char *cmd)
{
    write_all(q.w[W_QMP], cmd, strlen(cmd));
    return qmp_reply();
}

static void nv_save(void)
{
    if (!q.nv_dirty)
        return;
    char cmd[SIM_PATH_MAX + 160];
    snprintf(cmd, sizeof cmd,
             "{\"execute\":\"pmemsave\",\"arguments\":{\"val\":%u,\"size\":%u,\"filename\":\"%s\"}}\n",
             QW_NV_ADDR, QW_NV_FILE_SIZE, q.nv_path);
    if (qmp(cmd) != 0)
        fail("QMP pmemsave of the NV region failed");
    q.nv_dirty = false;
}

/* ---- the firmware's records ---- */

static size_t out_record_size(uint8_t type)
{
    switch (type) {
    case QW_HELLO: return 5;
    case QW_EDGE: return 11;
    case QW_REACHED: return 5;
    case QW_NV: return 1;
    case QW_IDLE_DONE: return 1;
    case QW_LINE: return 7;
    case QW_FRAME: return 9 + sizeof(struct med2_lcd_frame);
    case QW_COST_IS: return 17;
    default: return 0;
    }
}

static void send_config(void)
{
    uint8_t m[14] = {QW_CONFIG};
    put_le(m + 1, q.now_ns, 8);
    put_le(m + 9, q.serial, 4);
    m[13] = (uint8_t)q.model;
    q.boot_ns = q.now_ns;
    q.written = 0;
    q.rx_count = 0;
    q.idle_wait = false;
    q.line_baud = 38400;
    q.line_parity = 'N';
    q.line_stop = 1;
    write_all(q.w[W_BENCH_IN], m, sizeof m);
}

/* Handle one complete record; returns 1 for QW_REACHED of the last sync. */
static int on_record(const uint8_t *r)
{
    switch (r[0]) {
    case QW_HELLO:
        /* (re)started: it waits for its identity and the time of its sample 0 */
        send_config();
        q.hello_seen = true;
        return 0;
    case QW_EDGE: {
        if (!defects_passes_edge(&q.defects, r[1]))
            return 0;
        struct sim_msg m = {.type = SIM_MSG_PULSE_EDGE, .value = r[1], .level = r[2],
                            .t_ns = q.boot_ns + get_le(r + 3, 8) * NS_PER_SAMPLE};
        to_bench(&m);
        return 0;
    }
    case QW_FRAME: {
        struct sim_msg m = {.type = SIM_MSG_FRAME,
                            .t_ns = q.boot_ns + get_le(r + 1, 8) * NS_PER_SAMPLE};
        memcpy(&m.frame, r + 9, sizeof m.frame);
        to_bench(&m);
        return 0;
    }
    case QW_REACHED:
        return (uint32_t)get_le(r + 1, 4) == q.sync_seq ? 1 : 0;
    case QW_NV:
        q.nv_dirty = true;
        return 0;
    case QW_IDLE_DONE:
        q.idle_wait = false;
        return 0;
    case QW_LINE:
        q.line_baud = (uint32_t)get_le(r + 1, 4);
        q.line_parity = (char)r[5];
        q.line_stop = r[6];
        return 0;
    default:
        return 0;
    }
}

/* Read what UART2 has; returns 1 once the awaited sync is answered. */
static int drain_out(void)
{
    uint8_t buf[512];
    ssize_t n = read(q.w[W_BENCH_OUT], buf, sizeof buf);
    if (n == 0)
        fail("QEMU closed its UART2 (it stopped)");
    if (n < 0)
        return 0;
    int reached = 0;
    for (ssize_t k = 0; k < n; k++) {
        q.rec[q.rec_len++] = buf[k];
        size_t want = out_record_size(q.rec[0]);
        if (want == 0) {
            fprintf(stderr, "benchd: position %u (qemu): unknown record 0x%02x\n",
                    q.unit->position, q.rec[0]);
            q.rec_len = 0;
        } else if (q.rec_len == want) {
            reached |= on_record(q.rec);
            q.rec_len = 0;
        }
    }
    return reached;
}

/* ---- the line ---- */

/* Do the client's line settings match the meter's? As far as a pty shows
 * them (the native board's notes, boards/native/main.c): baud from the
 * termios, parity from INPCK (the pty clears PARENB), stop bits from CSTOPB.
 * A UART at other settings receives garbage or flags errors: the core
 * hears nothing it would answer, so the bytes are dropped. */
static bool client_matches(void)
{
    struct termios t;
    if (tcgetattr(q.pty_fd, &t) != 0)
        return true;
    static const struct { speed_t s; uint32_t baud; } speeds[] = {
        {B1200, 1200}, {B2400, 2400}, {B4800, 4800}, {B9600, 9600}, {B19200, 19200},
        {B38400, 38400}, {B57600, 57600}, {B115200, 115200}, {B230400, 230400},
    };
    uint32_t baud = 0;
    for (size_t k = 0; k < sizeof speeds / sizeof speeds[0]; k++)
        if (speeds[k].s == cfgetispeed(&t))
            baud = speeds[k].baud;
    bool parity_on = (t.c_cflag & PARENB) || (t.c_iflag & INPCK);
    char parity = !parity_on ? 'N' : (t.c_cflag & PARODD) ? 'O' : 'E';
    unsigned stop = (t.c_cflag & CSTOPB) ? 2u : 1u;
    return baud == q.line_baud && parity == q.line_parity && stop == q.line_stop;
}

static void relay(int from, int to, bool from_client)
{
    uint8_t buf[512];
    ssize_t n = read(from, buf, sizeof buf);
    if (n <= 0)
        return;
    if (from_client && !client_matches())
        return;
    if (defects_is(&q.defects, SIM_DEFECT_DEAD_RS485))
        return; /* a dead transceiver: nothing crosses it either way */
    write_all(to, buf, (size_t)n);
    if (from_client) {
        q.rx_count += (uint32_t)n;
        q.idle_at = mono_ns() + T35_NS;
    }
}

static void check_idle(void)
{
    if (q.idle_at != 0 && mono_ns() >= q.idle_at) {
        q.idle_at = 0;
        q.idle_wait = true;
        q.shm->idle_at_count = q.rx_count;
        __atomic_store_n(&q.shm->idle_seq, q.shm->idle_seq + 1u, __ATOMIC_RELEASE);
        uint8_t m = QW_WAKE;
        write_all(q.w[W_BENCH_IN], &m, 1);
    }
}

/* One pass of waiting: the line both ways, the firmware's records, and
 * (if want_ctrl) benchd. Returns the poll revents of ctrl, or -1 for a
 * reached sync. */
static int service(bool want_ctrl, int timeout_ms)
{
    struct pollfd p[4] = {
        /* while an idle is not answered the client's bytes wait in the pty */
        {.fd = q.idle_wait ? -1 : q.pty_fd, .events = POLLIN},
        {.fd = q.w[W_UART0], .events = POLLIN},
        {.fd = q.w[W_BENCH_OUT], .events = POLLIN},
        {.fd = want_ctrl ? q.ctrl_fd : -1, .events = POLLIN},
    };
    if (q.idle_at != 0) {
        int64_t left = (q.idle_at - mono_ns()) / 1000000 + 1;
        if (timeout_ms < 0 || left < timeout_ms)
            timeout_ms = left > 0 ? (int)left : 0;
    }
    int r = poll(p, 4, timeout_ms);
    if (r < 0 && errno != EINTR)
        fail("poll");
    check_idle(); /* before new bytes: the silence was before them */
    if (r > 0 && (p[0].revents & POLLIN) && !q.idle_wait)
        relay(q.pty_fd, q.w[W_UART0], true);
    if (r > 0 && (p[1].revents & (POLLIN | POLLHUP)))
        relay(q.w[W_UART0], q.pty_fd, false);
    int reached = 0;
    if (r > 0 && (p[2].revents & (POLLIN | POLLHUP)))
        reached = drain_out();
    if (reached)
        return -1;
    return r > 0 ? p[3].revents : 0;
}

/* ---- samples ---- */

/* Samples in a block of n before the RTC's next second (as the native board cuts). */
static size_t cut_at_second(size_t n)
{
    uint64_t s = q.now_ns / 1000000000ull;
    for (size_t k = 1; k < n; k++)
        if ((q.now_ns + k * NS_PER_SAMPLE) / 1000000000ull != s)
            return k;
    return n;
}

/* Put n samples in the ring, in the blocks the native board makes them
 * (the AFE model's noise and drift run per call). */
static void ring_put(size_t n)
{
    int32_t v[QW_MAX_BLOCK], i[QW_MAX_BLOCK];
    while (n > 0) {
        size_t b = cut_at_second(n < QW_MAX_BLOCK ? n : QW_MAX_BLOCK);
        defects_generate(&q.defects, &q.afe, q.now_ns / NS_PER_SAMPLE, v, i, b);
        for (size_t k = 0; k < b; k++) {
            size_t at = (size_t)((q.written + k) % QW_RING_SAMPLES);
            q.shm->v[at] = v[k];
            q.shm->i[at] = i[k];
        }
        q.written += b;
        q.now_ns += b * NS_PER_SAMPLE;
        n -= b;
    }
}

static void run_until(uint64_t t_ns)
{
    while (q.now_ns < t_ns) {
        uint64_t left = (t_ns - q.now_ns + NS_PER_SAMPLE - 1) / NS_PER_SAMPLE;
        uint32_t n = left < RING_CHUNK ? (uint32_t)left : RING_CHUNK;
        /* room in the ring: what the firmware has not read stays */
        int64_t give_up = mono_ns() + (int64_t)SYNC_TIMEOUT_MS * 1000000;
        while ((uint32_t)q.written + n - __atomic_load_n(&q.shm->consumed, __ATOMIC_ACQUIRE) >
               QW_RING_SAMPLES) {
            service(false, 1);
            if (mono_ns() > give_up)
                fail("the firmware stopped reading its samples (hung?)");
        }
        ring_put(n);
        uint8_t bell[5] = {QW_RING};
        put_le(bell + 1, n, 4);
        write_all(q.w[W_BENCH_IN], bell, sizeof bell);
        /* keep the firmware's answers flowing while it computes */
        service(false, 0);
    }
    uint8_t sync[5] = {QW_SYNC};
    put_le(sync + 1, ++q.sync_seq, 4);
    write_all(q.w[W_BENCH_IN], sync, sizeof sync);
    int64_t give_up = mono_ns() + (int64_t)SYNC_TIMEOUT_MS * 1000000;
    while (service(false, 1000) != -1) {
        if (mono_ns() > give_up)
            fail("the firmware did not reach the time it was given (hung?)");
    }
    nv_save();
    struct sim_msg m = {.type = SIM_MSG_REACHED, .t_ns = t_ns};
    to_bench(&m);
}

static void on_ctrl(void)
{
    struct sim_msg m;
    ssize_t n = recv(q.ctrl_fd, &m, sizeof m, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        m.type = SIM_MSG_QUIT;
    else if (n < 0)
        return;
    else if ((size_t)n != sizeof m)
        fail("short control message");
    switch (m.type) {
    case SIM_MSG_TERMINALS:
        afe_model_set_terminals(&q.afe, &m.terminals);
        break;
    case SIM_MSG_RUN_UNTIL:
        run_until(m.t_ns);
        break;
    case SIM_MSG_SUPPLY: {
        uint8_t r[2] = {QW_SUPPLY, m.value ? 1u : 0u};
        write_all(q.w[W_BENCH_IN], r, sizeof r);
        break;
    }
    case SIM_MSG_BUTTON: {
        uint8_t r[3] = {QW_BUTTON, (uint8_t)m.value, m.level ? 1u : 0u};
        write_all(q.w[W_BENCH_IN], r, sizeof r);
        break;
    }
    case SIM_MSG_SUPPLY_CUT: {
        /* the board has no hold-up model: every cut is a warned one here */
        if (m.value != 0)
            fprintf(stderr, "benchd: position %u (qemu): a hard cut acts as a warned one on "
                            "this board\n", q.unit->position);
        uint8_t r[2] = {QW_SUPPLY, 0u};
        write_all(q.w[W_BENCH_IN], r, sizeof r);
        break;
    }
    default:
        fprintf(stderr, "benchd: position %u (qemu): message %u is not for this board, ignored\n",
                q.unit->position, m.type);
        break;
    case SIM_MSG_QUIT:
        nv_save();
        kill(q.qemu, SIGKILL);
        waitpid(q.qemu, NULL, 0);
        _exit(0);
    }
}

/* ---- start ---- */

/* The slot's NV file as the native board keeps it: at least the NV bytes,
 * erased (0xFF) where it never was written. */
static void nv_prepare(void)
{
    int fd = open(q.nv_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        fail("cannot open the slot's NV file");
    uint8_t ff[QW_NV_DATA_SIZE];
    memset(ff, 0xFF, sizeof ff);
    if (st.st_size < (off_t)QW_NV_DATA_SIZE &&
        pwrite(fd, ff + st.st_size, QW_NV_DATA_SIZE - (size_t)st.st_size, st.st_size) < 0)
        fail("cannot write the slot's NV file");
    close(fd);
}

/* The board's PSRAM: a memory file QEMU maps as the machine's RAM and we
 * map too (qemu_wire.h, struct qw_shared). */
static void shm_create(void)
{
    q.shm_fd = memfd_create("med2-psram", MFD_CLOEXEC);
    if (q.shm_fd < 0 || ftruncate(q.shm_fd, QW_SHM_SIZE) != 0)
        fail("cannot make the board's shared memory (memfd)");
    q.shm = mmap(NULL, sizeof *q.shm, PROT_READ | PROT_WRITE, MAP_SHARED, q.shm_fd, 0);
    if (q.shm == MAP_FAILED)
        fail("cannot map the board's shared memory");
    q.shm->nv_write_fail = defects_is(&q.defects, SIM_DEFECT_NV_WRITE_FAIL);
    /* the same gain as defects_rtc_ns: |PPM| <= 1e5 (defect_spec.c) */
    if (defects_is(&q.defects, SIM_DEFECT_RTC_DRIFT))
        q.shm->rtc_gain_ppb = (int32_t)llround(q.defects.d.param * 1000.0);
}

/* elf NULL: halted, no image, the gdb stub on the unit's debug socket */
static void start_qemu(const char *elf, int theirs[W_COUNT])
{
    char chr[W_COUNT][48], loader[SIM_PATH_MAX + 96], icount[64], psram[128];
    for (int k = 0; k < W_COUNT; k++)
        snprintf(chr[k], sizeof chr[k], "socket,id=w%d,fd=%d", k, theirs[k]);
    snprintf(loader, sizeof loader, "loader,file=%s,addr=0x%08X,force-raw=on", q.nv_path,
             QW_NV_ADDR);
    snprintf(icount, sizeof icount, "shift=%d,align=off,sleep=off", QW_ICOUNT_SHIFT);
    /* the child's own descriptor: QEMU opens /proc/self/fd/N of the memfd */
    snprintf(psram, sizeof psram,
             "memory-backend-file,id=psram,size=%u,mem-path=/proc/self/fd/%d,share=on",
             QW_SHM_SIZE, q.shm_fd);
    const char *qemu = getenv("RIG_QEMU") ? getenv("RIG_QEMU") : "qemu-system-arm";
    char gdb[SIM_PATH_MAX + 48];
    snprintf(gdb, sizeof gdb, "unix:%s,server=on,wait=off", q.unit->debug_socket);
    char *argv[] = {(char *)qemu, "-M", "mps2-an386,memory-backend=psram", "-object", psram,
                    "-nodefaults", "-nographic",
                    "-monitor", "none", "-nic", "none", "-icount", icount,
                    "-device", loader,
                    "-chardev", chr[W_UART0], "-serial", "chardev:w0",
                    "-chardev", chr[W_BENCH_IN], "-serial", "chardev:w1",
                    "-chardev", chr[W_BENCH_OUT], "-serial", "chardev:w2",
                    "-chardev", chr[W_QMP], "-mon", "chardev=w3,mode=control",
                    /* the image as the part's flash holds it, or halted for a debugger */
                    elf ? "-kernel" : "-S", elf ? (char *)elf : "-gdb", elf ? NULL : gdb, NULL};
    q.qemu = fork();
    if (q.qemu < 0)
        fail("fork");
    if (q.qemu == 0) {
        for (int k = 0; k < W_COUNT; k++)
            fcntl(theirs[k], F_SETFD, 0);
        fcntl(q.shm_fd, F_SETFD, 0);
        /* QEMU goes when this process goes, however it goes */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execvp(qemu, argv);
        fprintf(stderr, "benchd: cannot run %s: %s (install qemu-system-arm)\n", qemu,
                strerror(errno));
        _exit(127);
    }
    for (int k = 0; k < W_COUNT; k++)
        close(theirs[k]);
}

/* elf NULL: halted for a debugger (sim_qemu_unit_halted) */
static void run_unit(const struct sim_unit *unit, const char *elf, int ctrl_fd, uint64_t t0_ns)
{
    q.unit = unit;
    q.ctrl_fd = ctrl_fd;
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* and this one when benchd goes */
    q.pty_fd = unit->rs485.master;
    q.now_ns = t0_ns;
    snprintf(q.nv_path, sizeof q.nv_path, "%s/nv.bin", unit->slot_dir);
    if (med2_model_from_name(unit->model, &q.model) != 0)
        fail("unknown model");
    q.serial = (uint32_t)strtoul(unit->serial, NULL, 10);
    bool is_ct = med2_model_info(q.model)->is_ct;
    struct sim_defect d = {.kind = SIM_DEFECT_NONE};
    char why[160];
    if (unit->defect[0] && sim_defect_parse(unit->defect, &d, why, sizeof why) != 0)
        fail(why);
    defects_init(&q.defects, &d, q.serial, is_ct);
    afe_model_init(&q.afe, q.serial, is_ct);
    defects_knobs(&q.defects, &q.afe.defect);
    nv_prepare();
    shm_create();

    int theirs[W_COUNT];
    for (int k = 0; k < W_COUNT; k++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
            fail("socketpair");
        q.w[k] = sv[0];
        theirs[k] = sv[1];
    }
    fcntl(q.pty_fd, F_SETFL, fcntl(q.pty_fd, F_GETFL) | O_NONBLOCK);
    start_qemu(elf, theirs);
    if (qmp_reply() != 0 || qmp("{\"execute\":\"qmp_capabilities\"}\n") != 0)
        fail("QEMU's monitor (QMP) did not answer: is the image an mps2-an386 ELF?");
    /* the firmware's hello: it is running and waits for its identity */
    int64_t give_up = mono_ns() + (int64_t)(elf ? HELLO_TIMEOUT_MS : DEBUG_HELLO_TIMEOUT_MS) * 1000000;
    while (!q.hello_seen) {
        struct pollfd pf[2] = {{.fd = q.w[W_BENCH_OUT], .events = POLLIN},
                               {.fd = ctrl_fd, .events = POLLIN}};
        if (mono_ns() > give_up || poll(pf, 2, 100) < 0)
            fail(elf ? "no hello from the firmware (not an mps2-an386 med2 image?)"
                     : "no image was loaded through the debug port in time");
        if (pf[0].revents & (POLLIN | POLLHUP))
            drain_out();
        if (pf[1].revents & (POLLIN | POLLHUP))
            on_ctrl(); /* benchd gave up on this unit (QUIT, or its end closed) */
    }
    struct sim_msg hello = {.type = SIM_MSG_HELLO, .value = SIM_WIRE_VERSION, .t_ns = t0_ns};
    to_bench(&hello);
    if (defects_is(&q.defects, SIM_DEFECT_PULSE1_STUCK_ON)) {
        /* its output transistor conducts from power-up on */
        struct sim_msg stuck = {.type = SIM_MSG_PULSE_EDGE, .value = 1u, .level = 1u, .t_ns = t0_ns};
        to_bench(&stuck);
    }
    for (;;) {
        int ev = service(true, -1);
        if (ev > 0)
            on_ctrl();
    }
}

void sim_qemu_unit(const struct sim_unit *unit, const char *elf, int ctrl_fd, uint64_t t0_ns)
{
    run_unit(unit, elf, ctrl_fd, t0_ns);
    _exit(1); /* not reached: run_unit serves until QUIT */
}

void sim_qemu_unit_halted(const struct sim_unit *unit, int ctrl_fd, uint64_t t0_ns)
{
    run_unit(unit, NULL, ctrl_fd, t0_ns);
    _exit(1);
}
