/*
 * test_native_defects.c — the factory defects of the native board, each
 * seen where a rig sees it: the pulse edges the unit
 * sends its bench, and its Modbus replies on a real pty. Every defective
 * unit is compared with a good unit of the same serial number, which has
 * the same AFE imperfections and the same noise, so a ratio between the two
 * is the defect's effect alone. The real image (RIG_FIRMWARE_IMAGE, as
 * `make test` sets it) plays the units; this test plays benchd, as
 * test_native_line.c does.
 */
/* POSIX ptys and termios extensions: this test plays benchd, a Linux host program. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "mb_frames.h"
#include "med2_regmap.h"
#include "sim_wire.h"

#define REPLY_TIMEOUT_MS 300 /* a good unit without line pacing answers in well under 1 ms */
#define QUIET_MS 20
#define MAX_EDGES 4096
#define SERIAL "24110007"
#define MODEL "C80-1M-V3"
#define V_NOMINAL 230.0
#define I_REF 10.0  /* the C80's Iref, manual §6 */
#define I_MAX 80.0  /* the C80's Imax, manual §6 */
#define SETTLE_S 3.0 /* the runtime registers follow a new load within a few 1-s windows */
/* the settings' password (manual §5 default "1000000", as test_native_line) */
static const uint16_t default_pw[4] = {0x0031, 0x3030, 0x3030, 0x3030};

struct edge {
    uint64_t t_ns;
    unsigned output, level;
};

struct unit {
    pid_t pid;
    int ctrl, master, keep_slave, client;
    char path[128];
    char nv[96];
    uint64_t t_ns;
    struct edge edges[MAX_EDGES]; /* the first MAX_EDGES */
    size_t n_edges;
    size_t rising[3]; /* all of them, per output */
};

static struct unit good, bad;

static const char *image(void)
{
    const char *p = getenv("RIG_FIRMWARE_IMAGE");
    if (p == NULL || access(p, X_OK) != 0) {
        cr_skip_test("RIG_FIRMWARE_IMAGE not set: run through make test");
    }
    return p;
}

static void unit_init(struct unit *u, const char *name)
{
    memset(u, 0, sizeof(*u));
    u->pid = -1;
    u->ctrl = u->master = u->keep_slave = u->client = -1;
    snprintf(u->nv, sizeof(u->nv), "/tmp/med2-defects-%d-%s.bin", (int)getpid(), name);
    unlink(u->nv);
}

/* Start (or restart, at the unit's current virtual time) the unit's process. */
static void unit_start(struct unit *u, const char *defect)
{
    const char *img = image();
    u->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    cr_assert_geq(u->master, 0);
    cr_assert_eq(grantpt(u->master), 0);
    cr_assert_eq(unlockpt(u->master), 0);
    cr_assert_eq(ptsname_r(u->master, u->path, sizeof(u->path)), 0);
    u->keep_slave = open(u->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios t;
    tcgetattr(u->keep_slave, &t);
    cfmakeraw(&t);
    cfsetspeed(&t, B38400);
    tcsetattr(u->keep_slave, TCSANOW, &t);
    u->client = open(u->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    cr_assert_geq(u->client, 0);
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    u->pid = fork();
    cr_assert_geq(u->pid, 0);
    if (u->pid == 0) {
        fcntl(sv[1], F_SETFD, 0);
        fcntl(u->master, F_SETFD, 0);
        char c[16], m[16], t0[32];
        snprintf(c, sizeof(c), "%d", sv[1]);
        snprintf(m, sizeof(m), "%d", u->master);
        snprintf(t0, sizeof(t0), "%llu", (unsigned long long)u->t_ns);
        char *argv[] = {(char *)img, "--ctrl-fd", c, "--uart-fd", m, "--model", MODEL,
                        "--serial", SERIAL, "--nv", u->nv, "--t0-ns", t0, "--no-line-pacing",
                        defect ? "--defect" : NULL, (char *)defect, NULL};
        execv(img, argv);
        _exit(127);
    }
    close(sv[1]);
    u->ctrl = sv[0];
    struct sim_msg hello;
    cr_assert_eq(recv(u->ctrl, &hello, sizeof(hello), 0), (ssize_t)sizeof(hello));
    cr_assert_eq(hello.type, SIM_MSG_HELLO);
}

static void unit_stop(struct unit *u)
{
    if (u->ctrl >= 0) {
        struct sim_msg q = {.type = SIM_MSG_QUIT};
        send(u->ctrl, &q, sizeof(q), MSG_NOSIGNAL);
        close(u->ctrl);
        u->ctrl = -1;
    }
    if (u->pid > 0) {
        waitpid(u->pid, NULL, 0);
        u->pid = -1;
    }
    int *fds[] = {&u->client, &u->keep_slave, &u->master};
    for (unsigned k = 0; k < 3; k++) {
        if (*fds[k] >= 0) {
            close(*fds[k]);
            *fds[k] = -1;
        }
    }
}

static void unit_terminals(struct unit *u, double v, double i, double phase_deg, double ambient_c)
{
    struct sim_msg m = {.type = SIM_MSG_TERMINALS};
    m.terminals.v_rms = v;
    m.terminals.i_rms = i;
    m.terminals.phase_deg = phase_deg;
    m.terminals.freq_hz = 50.0;
    m.terminals.ambient_c = ambient_c;
    cr_assert_eq(send(u->ctrl, &m, sizeof(m), MSG_NOSIGNAL), (ssize_t)sizeof(m));
}

/* Run the unit to t seconds of virtual time, keeping the edges it sends. */
static void unit_run_to(struct unit *u, double t_s)
{
    struct sim_msg run = {.type = SIM_MSG_RUN_UNTIL, .t_ns = (uint64_t)llround(t_s * 1e9)};
    cr_assert_eq(send(u->ctrl, &run, sizeof(run), MSG_NOSIGNAL), (ssize_t)sizeof(run));
    for (;;) {
        struct sim_msg r;
        cr_assert_eq(recv(u->ctrl, &r, sizeof(r), 0), (ssize_t)sizeof(r));
        if (r.type == SIM_MSG_REACHED) {
            u->t_ns = r.t_ns;
            return;
        }
        if (r.type == SIM_MSG_FRAME) {
            continue; /* the display's frames are not this test's */
        }
        cr_assert_eq(r.type, SIM_MSG_PULSE_EDGE);
        cr_assert(r.value == 1u || r.value == 2u, "edge on output %u", r.value);
        u->rising[r.value] += r.level;
        if (u->n_edges < MAX_EDGES) {
            u->edges[u->n_edges++] = (struct edge){r.t_ns, r.value, r.level};
        }
    }
}

static size_t rising(const struct unit *u, unsigned output)
{
    return u->rising[output];
}

/* Send a request, collect the reply until the line is quiet; its length. */
static size_t unit_transact(struct unit *u, const uint8_t *req, size_t n, struct hal_frame *reply)
{
    tcflush(u->client, TCIOFLUSH);
    cr_assert_eq(write(u->client, req, n), (ssize_t)n);
    reply->len = 0;
    struct pollfd p = {.fd = u->client, .events = POLLIN};
    int timeout = REPLY_TIMEOUT_MS;
    while (reply->len < sizeof(reply->data) && poll(&p, 1, timeout) > 0) {
        ssize_t r = read(u->client, reply->data + reply->len, sizeof(reply->data) - reply->len);
        if (r <= 0) {
            break;
        }
        reply->len += (size_t)r;
        timeout = QUIET_MS;
    }
    return reply->len;
}

static struct hal_frame read_regs(struct unit *u, uint16_t addr, uint16_t words)
{
    uint8_t f[8];
    struct hal_frame r;
    unit_transact(u, f, mbf_read(f, 1, addr, words), &r);
    cr_assert_eq(r.len, 5u + 2u * words, "read %u: %zu bytes back", addr, r.len);
    cr_assert(mbf_crc_ok(&r));
    return r;
}

/* Registers in the default endian mode (0: big-endian words, high word first). */
static double read_float(struct unit *u, uint16_t addr)
{
    struct hal_frame r = read_regs(u, addr, 2);
    uint32_t bits = (uint32_t)mbf_word(&r, 0) << 16 | mbf_word(&r, 1);
    float x;
    memcpy(&x, &bits, sizeof(x));
    return x;
}

static double read_double(struct unit *u, uint16_t addr)
{
    struct hal_frame r = read_regs(u, addr, 4);
    uint64_t bits = 0;
    for (unsigned k = 0; k < 4; k++) {
        bits = bits << 16 | mbf_word(&r, k);
    }
    double x;
    memcpy(&x, &bits, sizeof(x));
    return x;
}

static uint32_t read_u32(struct unit *u, uint16_t addr)
{
    struct hal_frame r = read_regs(u, addr, 2);
    return (uint32_t)mbf_word(&r, 0) << 16 | mbf_word(&r, 1);
}

static void write_ok(struct unit *u, const uint8_t *f, size_t n)
{
    struct hal_frame r;
    cr_assert_eq(unit_transact(u, f, n, &r), 8u, "write not answered");
    cr_assert(mbf_crc_ok(&r));
    cr_assert_lt(r.data[1], 0x80u, "exception %u", r.data[2]);
}

/* Both units under the same load from t = 0, run to t_s. */
static void both(double v, double i, double phase_deg, double t_s)
{
    unit_terminals(&good, v, i, phase_deg, SIM_AMBIENT_DEFAULT_C);
    unit_terminals(&bad, v, i, phase_deg, SIM_AMBIENT_DEFAULT_C);
    unit_run_to(&good, t_s);
    unit_run_to(&bad, t_s);
}

static void start_pair(const char *defect)
{
    unit_start(&good, NULL);
    unit_start(&bad, defect);
}

static void setup(void)
{
    unit_init(&good, "good");
    unit_init(&bad, "bad");
}

static void teardown(void)
{
    unit_stop(&good);
    unit_stop(&bad);
    unlink(good.nv);
    unlink(bad.nv);
}

TestSuite(native_defects, .init = setup, .fini = teardown, .timeout = 120);

/* ---- a good unit is what it was; a digital defect leaves metering alone ---- */

static void expect_same_edges(const struct unit *a, const struct unit *b)
{
    cr_assert_lt(a->n_edges, MAX_EDGES, "a shorter run: only the first %d edges are kept", MAX_EDGES);
    cr_assert_eq(a->n_edges, b->n_edges, "%zu edges against %zu", a->n_edges, b->n_edges);
    for (size_t k = 0; k < a->n_edges; k++) {
        cr_assert(a->edges[k].t_ns == b->edges[k].t_ns && a->edges[k].output == b->edges[k].output &&
                      a->edges[k].level == b->edges[k].level,
                  "edge %zu differs: %llu %u %u against %llu %u %u", k,
                  (unsigned long long)a->edges[k].t_ns, a->edges[k].output, a->edges[k].level,
                  (unsigned long long)b->edges[k].t_ns, b->edges[k].output, b->edges[k].level);
    }
}

Test(native_defects, identity_defect_meters_bit_for_bit_like_a_good_unit)
{
    /* wrong_shunt,1 takes the analog defect path with a factor of exactly 1:
     * the path must add nothing of its own */
    start_pair("wrong_shunt,1");
    both(V_NOMINAL, 20.0, 30.0, 60.0);
    /* 230 V x 20 A x cos 30 deg for a minute: 66 Wh, 1 Wh per pulse, +-5 % uncalibrated */
    cr_assert_geq(rising(&good, 1), 60u, "the good unit pulses");
    cr_assert_gt(rising(&good, 2), 0u, "output 2 (varh) pulses at 30 degrees");
    expect_same_edges(&good, &bad);
}

Test(native_defects, dead_rs485_meters_and_pulses_like_a_good_unit_but_never_answers)
{
    start_pair("dead_rs485");
    both(V_NOMINAL, I_REF, 0.0, 30.0);
    expect_same_edges(&good, &bad);
    uint8_t f[8];
    struct hal_frame r;
    cr_assert_eq(unit_transact(&good, f, mbf_read(f, 1, MED2_ADDR_VOLTAGE, 2), &r), 9u);
    cr_assert_eq(unit_transact(&bad, f, mbf_read(f, 1, MED2_ADDR_VOLTAGE, 2), &r), 0u,
                 "a dead transmitter sends nothing (%zu bytes came)", r.len);
    cr_assert_eq(unit_transact(&bad, f, mbf_devid(f, 1, 1, 0), &r), 0u);
}

/* ---- analog ---- */

Test(native_defects, reversed_polarity_reads_negative_power_and_exports)
{
    start_pair("reversed_polarity");
    both(V_NOMINAL, I_REF, 0.0, 60.0);
    double p_good = read_float(&good, MED2_ADDR_ACTIVE_POWER);
    double p_bad = read_float(&bad, MED2_ADDR_ACTIVE_POWER);
    cr_assert_gt(p_good, 2000.0);
    cr_assert_lt(p_bad, -2000.0, "P = %f W at PF 1", p_bad);
    cr_assert_float_eq(p_bad, -p_good, 0.002 * p_good, "%f W against %f W", p_bad, p_good);
    cr_assert_float_eq(read_float(&bad, MED2_ADDR_CURRENT), read_float(&good, MED2_ADDR_CURRENT),
                       0.01, "the current's size is the same");
    cr_assert_lt(read_double(&bad, MED2_ADDR_TOTAL_IMPORT_ACTIVE_ENERGY), 0.5);
    cr_assert_gt(read_double(&bad, MED2_ADDR_TOTAL_EXPORT_ACTIVE_ENERGY), 30.0);
}

Test(native_defects, wrong_shunt_scales_the_current_only)
{
    start_pair("wrong_shunt,1.3");
    both(V_NOMINAL, I_REF, 0.0, SETTLE_S);
    double ri = read_float(&bad, MED2_ADDR_CURRENT) / read_float(&good, MED2_ADDR_CURRENT);
    double rv = read_float(&bad, MED2_ADDR_VOLTAGE) / read_float(&good, MED2_ADDR_VOLTAGE);
    cr_assert_float_eq(ri, 1.3, 0.002, "current ratio %f", ri);
    cr_assert_float_eq(rv, 1.0, 0.0005, "voltage ratio %f", rv);
}

Test(native_defects, broken_divider_scales_the_voltage_only)
{
    start_pair("broken_divider"); /* default FACTOR 0.5 */
    both(V_NOMINAL, I_REF, 0.0, SETTLE_S);
    double ri = read_float(&bad, MED2_ADDR_CURRENT) / read_float(&good, MED2_ADDR_CURRENT);
    double rv = read_float(&bad, MED2_ADDR_VOLTAGE) / read_float(&good, MED2_ADDR_VOLTAGE);
    cr_assert_float_eq(rv, 0.5, 0.001, "voltage ratio %f", rv);
    cr_assert_float_eq(ri, 1.0, 0.0005, "current ratio %f", ri);
}

Test(native_defects, afe_saturation_reads_far_low_at_imax_and_right_at_iref)
{
    start_pair("afe_saturation"); /* default: clips at the peak of 40 A */
    both(V_NOMINAL, I_REF, 0.0, SETTLE_S);
    double i_good = read_float(&good, MED2_ADDR_CURRENT);
    double i_bad = read_float(&bad, MED2_ADDR_CURRENT);
    cr_assert_float_eq(i_bad, i_good, 1e-4 * i_good, "at 10 A: %f A against %f A", i_bad, i_good);
    both(V_NOMINAL, I_MAX, 0.0, 2 * SETTLE_S);
    i_good = read_float(&good, MED2_ADDR_CURRENT);
    i_bad = read_float(&bad, MED2_ADDR_CURRENT);
    cr_assert_gt(i_good, 0.9 * I_MAX);
    /* a sine of 113 A peak clipped at 56.6 A has an rms of ~52 A */
    cr_assert_lt(i_bad, 0.75 * i_good, "at 80 A: %f A against %f A", i_bad, i_good);
}

Test(native_defects, intermittent_contact_loses_its_duty_of_the_energy)
{
    start_pair("intermittent_contact,0.05");
    both(V_NOMINAL, I_REF, 0.0, 60.0);
    double e_good = read_double(&good, MED2_ADDR_TOTAL_IMPORT_ACTIVE_ENERGY);
    double e_bad = read_double(&bad, MED2_ADDR_TOTAL_IMPORT_ACTIVE_ENERGY);
    cr_assert_gt(e_good, 30.0);
    double short_by = 1.0 - e_bad / e_good;
    /* bursts of at most 200 ms: over 60 s the fraction is DUTY within one burst */
    cr_assert_float_eq(short_by, 0.05, 0.008, "short by %f", short_by);
}

Test(native_defects, intermittent_contact_is_the_same_on_every_run)
{
    unit_start(&good, "intermittent_contact");
    unit_start(&bad, "intermittent_contact");
    both(V_NOMINAL, I_REF, 0.0, 30.0);
    cr_assert_gt(rising(&good, 1), 10u);
    expect_same_edges(&good, &bad);
}

Test(native_defects, unstable_cal_drifts_with_self_heating_and_ambient)
{
    start_pair("unstable_cal"); /* 2000 ppm/K */
    both(V_NOMINAL, I_MAX, 0.0, SETTLE_S);
    double g0 = read_float(&good, MED2_ADDR_CURRENT), b0 = read_float(&bad, MED2_ADDR_CURRENT);
    both(V_NOMINAL, I_MAX, 0.0, 600.0);
    double g1 = read_float(&good, MED2_ADDR_CURRENT), b1 = read_float(&bad, MED2_ADDR_CURRENT);
    double drift_good = g1 / g0 - 1.0, drift_bad = b1 / b0 - 1.0;
    /* 10 min at Imax: the sensor warms by tens of kelvin (the AFE model's
     * self-heating, afe_model.h), x 2000 ppm/K: several percent */
    cr_assert_gt(drift_bad, 0.012, "defective unit drifted %f", drift_bad);
    cr_assert_lt(fabs(drift_good), 0.001, "good unit drifted %f", drift_good);
    /* the ambient reaches it too, through the unit's thermal time constant:
     * 20 K colder for 10 min is about 4 % lower (2000 ppm/K x 20 K, of a
     * reading already a few percent high) */
    unit_terminals(&good, V_NOMINAL, I_MAX, 0.0, SIM_AMBIENT_DEFAULT_C - 20.0);
    unit_terminals(&bad, V_NOMINAL, I_MAX, 0.0, SIM_AMBIENT_DEFAULT_C - 20.0);
    unit_run_to(&good, 1200.0 + SETTLE_S);
    unit_run_to(&bad, 1200.0 + SETTLE_S);
    double b2 = read_float(&bad, MED2_ADDR_CURRENT);
    cr_assert(b2 / b1 > 0.95 && b2 / b1 < 0.975, "after -20 K: %f", b2 / b1);
    cr_assert_float_eq(read_float(&good, MED2_ADDR_CURRENT) / g1, 1.0, 0.001);
}

/* ---- pulse output 1 ---- */

Test(native_defects, dead_pulse1_never_pulses_output_1)
{
    start_pair("dead_pulse1");
    both(V_NOMINAL, I_REF, 30.0, 60.0);
    cr_assert_geq(rising(&good, 1), 25u, "a good unit: %zu pulses of 1 Wh", rising(&good, 1));
    for (size_t k = 0; k < bad.n_edges; k++) {
        cr_assert_neq(bad.edges[k].output, 1u, "an edge on output 1 at %llu ns",
                      (unsigned long long)bad.edges[k].t_ns);
    }
    cr_assert_eq(rising(&bad, 2), rising(&good, 2), "output 2 works");
    cr_assert_gt(rising(&bad, 2), 0u);
}

Test(native_defects, pulse1_stuck_on_rises_once_at_power_up_and_never_falls)
{
    start_pair("pulse1_stuck_on");
    both(V_NOMINAL, I_REF, 0.0, 60.0);
    cr_assert_geq(rising(&good, 1), 25u);
    size_t n1 = 0;
    for (size_t k = 0; k < bad.n_edges; k++) {
        if (bad.edges[k].output == 1u) {
            n1++;
            cr_assert_eq(bad.edges[k].level, 1u, "output 1 released");
            cr_assert_eq(bad.edges[k].t_ns, 0u, "rises at power-up");
        }
    }
    cr_assert_eq(n1, 1u, "%zu edges on output 1", n1);
}

/* ---- NV and RTC ---- */

static void save_demand_period(struct unit *u, uint16_t minutes)
{
    uint8_t f[300];
    write_ok(u, f, mbf_write(f, 1, 6000, default_pw, 4));
    const uint16_t period[] = {0, minutes};
    write_ok(u, f, mbf_write(f, 1, MED2_ADDR_DEMAND_PERIOD, period, 2));
    /* save configuration; a unit that verifies its NV may refuse it, which
     * is its business: what counts is what is kept */
    struct hal_frame r;
    unit_transact(u, f, mbf_write_single(f, 1, MED2_ADDR_SYSTEM_COMMAND, 100), &r);
}

static size_t file_bytes(const char *path, uint8_t *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s", path);
    size_t n = fread(buf, 1, cap, fp);
    fclose(fp);
    return n;
}

Test(native_defects, nv_write_fail_loses_a_saved_setting_over_a_restart)
{
    static uint8_t before[1 << 16], after[1 << 16];
    start_pair("nv_write_fail");
    both(V_NOMINAL, I_REF, 0.0, 1.0);
    size_t n_before = file_bytes(bad.nv, before, sizeof(before));
    save_demand_period(&good, 30);
    save_demand_period(&bad, 30);
    both(V_NOMINAL, I_REF, 0.0, 5.0);
    size_t n_after = file_bytes(bad.nv, after, sizeof(after));
    cr_assert_eq(n_after, n_before);
    /* the FRAM's bytes; the battery-backed RTC domain after them notes the time */
    cr_assert_geq(n_before, HAL_NV_SIZE);
    cr_assert(memcmp(before, after, HAL_NV_SIZE) == 0, "the NV file changed");
    unit_stop(&good);
    unit_stop(&bad);
    unit_start(&good, NULL);
    unit_start(&bad, "nv_write_fail");
    both(V_NOMINAL, I_REF, 0.0, 7.0);
    cr_assert_eq(read_u32(&good, MED2_ADDR_DEMAND_PERIOD), 30u, "a good unit keeps it");
    cr_assert_eq(read_u32(&bad, MED2_ADDR_DEMAND_PERIOD), 15u, "back to the default");
}

static uint32_t clock_s(struct unit *u)
{
    struct hal_frame r = read_regs(u, MED2_ADDR_HOUR, 6);
    uint32_t h = (uint32_t)mbf_word(&r, 0) << 16 | mbf_word(&r, 1);
    uint32_t m = (uint32_t)mbf_word(&r, 2) << 16 | mbf_word(&r, 3);
    uint32_t s = (uint32_t)mbf_word(&r, 4) << 16 | mbf_word(&r, 5);
    return h * 3600u + m * 60u + s;
}

Test(native_defects, rtc_drift_gains_from_when_it_was_set)
{
    start_pair("rtc_drift,5000");
    both(0.0, 0.0, 0.0, 1000.0);
    /* both started at 00:00:00 at t = 0: 1000 s x 5000 ppm = 5 s gained */
    cr_assert_eq(clock_s(&good), 1000u);
    cr_assert_eq(clock_s(&bad), 1005u);
    /* set both to 07:00:00 now; another 1000 s gain another 5 s from there */
    uint8_t f[300];
    write_ok(&good, f, mbf_write(f, 1, 6000, default_pw, 4));
    write_ok(&bad, f, mbf_write(f, 1, 6000, default_pw, 4));
    const uint16_t hour[] = {0, 7};
    write_ok(&good, f, mbf_write(f, 1, MED2_ADDR_HOUR, hour, 2));
    write_ok(&bad, f, mbf_write(f, 1, MED2_ADDR_HOUR, hour, 2));
    uint32_t set_good = clock_s(&good), set_bad = clock_s(&bad);
    both(0.0, 0.0, 0.0, 2000.0);
    uint32_t gain_good = clock_s(&good) - set_good, gain_bad = clock_s(&bad) - set_bad;
    cr_assert_eq(gain_good, 1000u);
    cr_assert(gain_bad >= 1004u && gain_bad <= 1006u, "%u s in 1000 s", gain_bad);
    /* and the gain is the crystal's, kept across a restart of the process */
    unit_stop(&bad);
    unit_start(&bad, "rtc_drift,5000");
    unit_run_to(&bad, 2001.0);
    cr_assert(clock_s(&bad) - set_bad >= 1005u, "after a restart: %u", clock_s(&bad) - set_bad);
}

/* ---- the unit refuses a bad --defect as benchd does ---- */

Test(native_defects, unknown_defect_stops_the_unit)
{
    const char *img = image();
    int devnull = open("/dev/null", O_WRONLY);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(devnull, 2);
        execl(img, img, "--ctrl-fd", "0", "--serial", "1", "--defect", "cracked_case", (char *)NULL);
        _exit(127);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    close(devnull);
    cr_assert(WIFEXITED(st));
    cr_assert_eq(WEXITSTATUS(st), 2);
}
