/*
 * modbus_speed.c — `make bench` figures of the meter's Modbus slave:
 *
 *   modbus_slave_vs_libmodbus     reads per second of the firmware's slave
 *                                 (the native image, hosted here directly,
 *                                 replies unpaced: --no-line-pacing) divided
 *                                 by those of libmodbus's own modbus_reply()
 *                                 server, on the same kind of raw pty, with
 *                                 the same libmodbus client and request mix
 *   modbus_full_map_transactions  transactions the rig needs to read every
 *                                 readable value of the C80 map
 *
 *   modbus_speed --image PATH [--reads N]
 *
 * The mix: N reads of registers 0..13 (the runtime block) and N reads of
 * 300..423 (124 registers of the energy block), interleaved. Prints the
 * figures as "BENCH <name> <value> <unit>" lines, plus the two rates.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <modbus.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "med2_regmap.h"
#include "rig/rig.h"
#include "sim_wire.h"

#define DEFAULT_READS 10000
#define ROUNDS 5 /* interleaved rounds of DEFAULT_READS / ROUNDS each */
#define BENCH_MODEL "C80-1M-V3"
#define BENCH_SERIAL "24110001"
#define BENCH_BAUD 38400 /* the meters' default line; the pty ignores it */
#define RUNTIME_ADDR 0
#define RUNTIME_COUNT 14
#define ENERGY_ADDR 300
#define ENERGY_COUNT 124 /* 31 doubles: the largest whole-value block under 125 */
#define HELLO_TIMEOUT_MS 5000

struct pty {
    int master, slave;
    char path[64];
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "modbus_speed: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

/* A raw pty whose slave this side keeps open (DESIGN.md, pty facts). */
static void pty_open(struct pty *p)
{
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
        ptsname_r(p->master, p->path, sizeof p->path) != 0)
        die("cannot create a pty: %s", strerror(errno));
    p->slave = open(p->path, O_RDWR | O_NOCTTY);
    if (p->slave < 0)
        die("cannot open %s: %s", p->path, strerror(errno));
    struct termios t;
    tcgetattr(p->slave, &t);
    cfmakeraw(&t); /* cooked mode would eat 0x03, function 03 */
    tcsetattr(p->slave, TCSANOW, &t);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The request mix through a libmodbus client on tty; reads per second. */
static double run_mix(const char *tty, const char *who, int reads)
{
    modbus_t *ctx = modbus_new_rtu(tty, BENCH_BAUD, 'N', 8, 1);
    if (!ctx || modbus_connect(ctx) < 0)
        die("%s: cannot open %s: %s", who, tty, modbus_strerror(errno));
    modbus_set_slave(ctx, 1);
    modbus_set_response_timeout(ctx, 1, 0);
    uint16_t regs[125];
    double t0 = now_s();
    for (int i = 0; i < reads; i++) {
        if (modbus_read_registers(ctx, RUNTIME_ADDR, RUNTIME_COUNT, regs) != RUNTIME_COUNT)
            die("%s: read %d of 0..13: %s", who, i, modbus_strerror(errno));
        if (modbus_read_registers(ctx, ENERGY_ADDR, ENERGY_COUNT, regs) != ENERGY_COUNT)
            die("%s: read %d of 300..423: %s", who, i, modbus_strerror(errno));
    }
    double t = now_s() - t0;
    modbus_close(ctx);
    modbus_free(ctx);
    return 2.0 * reads / t;
}

/* ---- the firmware's slave: the native image, hosted here ---- */

struct native {
    pid_t pid;
    int ctrl;
    struct pty line;
};

static void native_start(struct native *n, const char *image)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
        die("socketpair: %s", strerror(errno));
    pty_open(&n->line);
    n->pid = fork();
    if (n->pid < 0)
        die("fork: %s", strerror(errno));
    if (n->pid == 0) {
        char ctrl[16], uart[16];
        close(sv[0]);
        snprintf(ctrl, sizeof ctrl, "%d", sv[1]);
        snprintf(uart, sizeof uart, "%d", n->line.master);
        execl(image, image, "--ctrl-fd", ctrl, "--uart-fd", uart, "--model", BENCH_MODEL,
              "--serial", BENCH_SERIAL, "--no-line-pacing", (char *)NULL);
        fprintf(stderr, "modbus_speed: cannot run %s: %s\n", image, strerror(errno));
        _exit(127);
    }
    close(sv[1]);
    close(n->line.master); /* the unit's end now */
    n->ctrl = sv[0];
    struct pollfd p = {.fd = n->ctrl, .events = POLLIN};
    struct sim_msg hello;
    if (poll(&p, 1, HELLO_TIMEOUT_MS) != 1 || recv(n->ctrl, &hello, sizeof hello, 0) !=
                                                   (ssize_t)sizeof hello ||
        hello.type != SIM_MSG_HELLO)
        die("%s did not say hello (does it take --no-line-pacing?)", image);
}

static void native_stop(struct native *n)
{
    struct sim_msg quit = {.type = SIM_MSG_QUIT};
    send(n->ctrl, &quit, sizeof quit, MSG_NOSIGNAL);
    close(n->ctrl);
    waitpid(n->pid, NULL, 0);
    close(n->line.slave);
}

/* ---- libmodbus's server, the reference ---- */

struct server {
    struct pty line;
    modbus_t *ctx;
    modbus_mapping_t *map;
    pthread_t thread;
    atomic_bool stop;
};

static void *serve(void *arg)
{
    struct server *s = arg;
    uint8_t query[MODBUS_RTU_MAX_ADU_LENGTH];
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->line.master, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int n = modbus_receive(s->ctx, query);
        if (n > 0)
            modbus_reply(s->ctx, query, n, s->map);
    }
    return NULL;
}

static void server_start(struct server *s)
{
    memset(s, 0, sizeof *s);
    pty_open(&s->line);
    /* The same registers, so the replies are as long as the meter's. */
    s->map = modbus_mapping_new(0, 0, ENERGY_ADDR + ENERGY_COUNT, 0);
    if (!s->map)
        die("modbus_mapping_new: %s", modbus_strerror(errno));
    for (int i = 0; i < ENERGY_ADDR + ENERGY_COUNT; i++)
        s->map->tab_registers[i] = (uint16_t)(0x4000 + i);
    /* The server's side is the pty master, which has no name: give
     * libmodbus the descriptor. */
    s->ctx = modbus_new_rtu("/dev/null", BENCH_BAUD, 'N', 8, 1);
    if (!s->ctx)
        die("modbus_new_rtu: %s", modbus_strerror(errno));
    modbus_set_slave(s->ctx, 1);
    modbus_set_socket(s->ctx, s->line.master);
    if (pthread_create(&s->thread, NULL, serve, s) != 0)
        die("pthread_create failed");
}

static void server_stop(struct server *s)
{
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    modbus_free(s->ctx); /* not modbus_close: it would restore termios it never saved */
    modbus_mapping_free(s->map);
    close(s->line.slave);
    close(s->line.master);
}

static unsigned long map_transactions(const char *tty)
{
    struct rig_position pos = {.number = 1, .model = BENCH_MODEL, .serial = BENCH_SERIAL,
                               .rs485 = tty, .slave = 1, .baud = BENCH_BAUD, .parity = 'N',
                               .stop_bits = 1};
    struct rig_meter *m;
    double values[MED2_REG_COUNT];
    bool present[MED2_REG_COUNT];
    if (rig_meter_open(&pos, &m) < 0 || rig_meter_read_map(m, values, present) < 0)
        die("reading the C80 map: %s", rig_last_error());
    unsigned long n = rig_meter_transactions(m);
    rig_meter_close(m);
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of n values (sorts them). */
static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"image", required_argument, NULL, 'i'},
        {"reads", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    const char *image = getenv("RIG_FIRMWARE_IMAGE");
    int reads = DEFAULT_READS;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'i': image = optarg; break;
        case 'n': reads = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: modbus_speed --image PATH [--reads N]\n");
            return 2;
        }
    }
    if (!image || reads < ROUNDS) {
        fprintf(stderr, "usage: modbus_speed --image PATH [--reads N]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    /* Both servers up at once and the rounds interleaved, firmware then
     * libmodbus, so a burst of load elsewhere on the machine hits both; the
     * figure is the median of the rounds' ratios. */
    struct native fw;
    native_start(&fw, image);
    struct server ref;
    server_start(&ref);
    unsigned long tx = map_transactions(fw.line.path);
    double fw_rate[ROUNDS], ref_rate[ROUNDS], ratio[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        fw_rate[r] = run_mix(fw.line.path, "firmware", reads / ROUNDS);
        ref_rate[r] = run_mix(ref.line.path, "libmodbus", reads / ROUNDS);
        ratio[r] = fw_rate[r] / ref_rate[r];
    }
    native_stop(&fw);
    server_stop(&ref);

    printf("BENCH modbus_slave_reads_per_s %.0f reads_per_s\n", median(fw_rate, ROUNDS));
    printf("BENCH libmodbus_server_reads_per_s %.0f reads_per_s\n", median(ref_rate, ROUNDS));
    printf("BENCH modbus_slave_vs_libmodbus %.3f ratio_of_reads_per_s\n", median(ratio, ROUNDS));
    printf("BENCH modbus_full_map_transactions %lu transactions\n", tx);
    return 0;
}
