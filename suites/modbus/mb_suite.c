/*
 * mb_suite.c — the shared helpers of suites/modbus (see mb_suite.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mb_suite.h"

#define TEST_VOLTS 230.0
#define TEST_AMPS 5.0
#define TEST_LAG_DEG 30.0
#define TEST_FREQ_HZ 50.0
/* The meter's measurement window (~10 cycles) closes well within this. */
#define SETTLE_SECONDS 1.0

struct rig_bench *bench;

void suite_open_bench_file(const char *file)
{
    cr_assert_eq(rig_bench_open(file, &bench), 0, "opening bench %s: %s", file, rig_last_error());
}

void suite_open_bench(void)
{
    const char *file = getenv("RIG_MODBUS_BENCH");
    suite_open_bench_file(file ? file : "fixtures/benches/modbus.ini");
}

void suite_close_bench(void)
{
    rig_bench_close(bench); /* source off first, whatever happened */
    bench = NULL;
}

struct rig_meter *suite_meter(unsigned p)
{
    struct rig_meter *m = rig_bench_meter(bench, p);
    cr_assert_not_null(m, "%s", rig_last_error());
    return m;
}

enum med2_map suite_map(unsigned p)
{
    enum med2_map map = MED2_MAP_C80;
    cr_assert_eq(rig_meter_map(suite_meter(p), &map), 0, "position %u: %s", p, rig_last_error());
    return map;
}

uint16_t suite_addr(unsigned p, enum med2_reg_id id)
{
    int a = rig_reg_address(suite_map(p), id);
    cr_assert_geq(a, 0, "%s", rig_last_error());
    return (uint16_t)a;
}

void suite_unlock(unsigned p)
{
    cr_assert_eq(rig_meter_unlock(suite_meter(p), NULL), 0, "position %u: %s", p,
                 rig_last_error());
}

double suite_read(unsigned p, enum med2_reg_id id)
{
    double v = 0;
    cr_assert_eq(rig_meter_read_reg(suite_meter(p), id, &v), 0, "position %u, %s: %s", p,
                 rig_reg_name(id), rig_last_error());
    return v;
}

void suite_meter_energy(double seconds)
{
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_not_null(src, "%s", rig_last_error());
    cr_assert_eq(rig_source_set(src, TEST_VOLTS, TEST_AMPS, TEST_LAG_DEG, TEST_FREQ_HZ), 0, "%s",
                 rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, seconds + SETTLE_SECONDS), 0, "%s", rig_last_error());
}

uint16_t suite_crc16(const uint8_t *p, size_t n)
{
    uint16_t crc = 0xFFFF; /* Modbus over Serial Line v1.02 §6.2.2 */
    while (n--) {
        crc ^= *p++;
        for (int b = 0; b < 8; b++)
            crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    }
    return crc;
}

size_t suite_frame(uint8_t *out, const uint8_t *pdu, size_t n, bool good_crc)
{
    memcpy(out, pdu, n);
    uint16_t crc = suite_crc16(pdu, n);
    if (!good_crc)
        crc ^= 0x0101;
    out[n] = (uint8_t)(crc & 0xFF);
    out[n + 1] = (uint8_t)(crc >> 8);
    return n + 2;
}

int suite_raw_open(unsigned p)
{
    const struct rig_position *pos = rig_bench_position(bench, p);
    cr_assert_not_null(pos, "no position %u", p);
    int fd = open(pos->rs485, O_RDWR | O_NOCTTY | O_CLOEXEC);
    cr_assert_geq(fd, 0, "%s: %s", pos->rs485, strerror(errno));
    struct termios tio;
    cr_assert_eq(tcgetattr(fd, &tio), 0);
    cfmakeraw(&tio);
    cfsetispeed(&tio, B38400);
    cfsetospeed(&tio, B38400);
    cr_assert_eq(tcsetattr(fd, TCSANOW, &tio), 0);
    return fd;
}

/* The length a reply announces once its first bytes are in (0: unknown
 * yet, or a function whose length is not fixed by its header). */
static size_t reply_length(const uint8_t *r, size_t got)
{
    if (got < 2)
        return 0;
    if (r[1] & 0x80)
        return 5; /* exception: slave, function, code, CRC */
    if (r[1] == 0x06 || r[1] == 0x10)
        return 8;
    if (r[1] == 0x03 && got >= 3)
        return 5u + r[2];
    return 0;
}

size_t suite_raw_transact(int fd, const uint8_t *req, size_t n, uint8_t *reply, size_t cap)
{
    tcflush(fd, TCIOFLUSH);
    cr_assert_eq(write(fd, req, n), (ssize_t)n);
    size_t got = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int timeout = RAW_REPLY_TIMEOUT_MS;
    while (got < cap && poll(&p, 1, timeout) > 0) {
        ssize_t r = read(fd, reply + got, cap - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        size_t want = reply_length(reply, got);
        if (want && got >= want)
            break; /* complete; anything after it would be a second reply: see below */
        timeout = 30; /* else the inter-frame silence ends the reply */
    }
    /* A complete reply followed by more bytes is an error the caller sees
     * as a wrong length: collect what else comes at once. */
    if (got && got < cap && poll(&p, 1, 0) > 0) {
        ssize_t r = read(fd, reply + got, cap - got);
        if (r > 0)
            got += (size_t)r;
    }
    return got;
}

void suite_expect_exception(int fd, const uint8_t *pdu, size_t n, uint8_t code)
{
    uint8_t req[300], reply[300];
    size_t got = suite_raw_transact(fd, req, suite_frame(req, pdu, n, true), reply, sizeof reply);
    cr_assert_eq(got, 5, "function %02x at %u: %zu reply bytes, want the exception frame", pdu[1],
                 n >= 4 ? (unsigned)(pdu[2] << 8 | pdu[3]) : 0u, got);
    cr_expect_eq(reply[0], pdu[0]);
    cr_expect_eq(reply[1], pdu[1] | 0x80, "function byte %02x", reply[1]);
    cr_expect_eq(reply[2], code, "function %02x at %u: exception %02x, want %02x", pdu[1],
                 n >= 4 ? (unsigned)(pdu[2] << 8 | pdu[3]) : 0u, reply[2], code);
    cr_expect_eq(suite_crc16(reply, 3), (uint16_t)(reply[3] | reply[4] << 8), "reply CRC");
}

size_t suite_expect_reply(int fd, const uint8_t *pdu, size_t n, uint8_t *reply, size_t cap)
{
    uint8_t req[300];
    size_t got = suite_raw_transact(fd, req, suite_frame(req, pdu, n, true), reply, cap);
    cr_assert_geq(got, 4, "function %02x: %zu reply bytes", pdu[1], got);
    cr_assert_eq(reply[1], pdu[1], "function %02x answered %02x (exception %02x)", pdu[1], reply[1],
                 got > 2 ? reply[2] : 0);
    cr_expect_eq(suite_crc16(reply, got - 2), (uint16_t)(reply[got - 2] | reply[got - 1] << 8),
                 "reply CRC");
    return got;
}

size_t suite_pdu_read(uint8_t *pdu, uint8_t slave, uint16_t address, uint16_t count)
{
    const uint8_t p[] = {slave, 0x03, (uint8_t)(address >> 8), (uint8_t)address,
                         (uint8_t)(count >> 8), (uint8_t)count};
    memcpy(pdu, p, sizeof p);
    return sizeof p;
}

size_t suite_pdu_write1(uint8_t *pdu, uint8_t slave, uint16_t address, uint16_t value)
{
    const uint8_t p[] = {slave, 0x06, (uint8_t)(address >> 8), (uint8_t)address,
                         (uint8_t)(value >> 8), (uint8_t)value};
    memcpy(pdu, p, sizeof p);
    return sizeof p;
}

size_t suite_pdu_write(uint8_t *pdu, uint8_t slave, uint16_t address, uint16_t count,
                       const uint16_t *words)
{
    size_t n = 0;
    pdu[n++] = slave;
    pdu[n++] = 0x10;
    pdu[n++] = (uint8_t)(address >> 8);
    pdu[n++] = (uint8_t)address;
    pdu[n++] = (uint8_t)(count >> 8);
    pdu[n++] = (uint8_t)count;
    pdu[n++] = (uint8_t)(2 * count);
    for (uint16_t i = 0; i < count; i++) {
        pdu[n++] = (uint8_t)(words[i] >> 8);
        pdu[n++] = (uint8_t)words[i];
    }
    return n;
}
