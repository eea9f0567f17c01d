/*
 * suites/smoke/line.c — the meter's Modbus slave on its real line: raw RTU
 * frames written to the unit's tty, as a plain client would, so what is
 * checked is the bytes on the wire, not what a client library makes of them.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "med2_regmap.h"
#include "rig/rig.h"

/* Long enough for a simulated unit's reply, short enough to keep the suite
 * quick when (correctly) no reply comes. */
#define REPLY_TIMEOUT_MS 300

static struct rig_bench *bench;
static int line = -1;

static uint16_t crc16_modbus(const uint8_t *p, size_t n)
{
    uint16_t crc = 0xFFFF;
    while (n--) {
        crc ^= *p++;
        for (int b = 0; b < 8; b++) {
            crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
        }
    }
    return crc;
}

static size_t frame(uint8_t *out, const uint8_t *pdu, size_t n, bool good_crc)
{
    memcpy(out, pdu, n);
    uint16_t crc = crc16_modbus(pdu, n);
    if (!good_crc) {
        crc ^= 0x0101;
    }
    out[n] = (uint8_t)(crc & 0xFF);
    out[n + 1] = (uint8_t)(crc >> 8);
    return n + 2;
}

/* Send bytes, then collect whatever comes back until the line is quiet. */
static size_t transact(const uint8_t *req, size_t n, uint8_t *reply, size_t cap)
{
    tcflush(line, TCIOFLUSH);
    cr_assert_eq(write(line, req, n), (ssize_t)n);
    size_t got = 0;
    struct pollfd p = {.fd = line, .events = POLLIN};
    int timeout = REPLY_TIMEOUT_MS;
    while (got < cap && poll(&p, 1, timeout) > 0) {
        ssize_t r = read(line, reply + got, cap - got);
        if (r <= 0) {
            break;
        }
        got += (size_t)r;
        timeout = 20; /* inter-frame silence: the reply is complete */
    }
    return got;
}

static void open_line(void)
{
    const char *file = getenv("RIG_BENCH_FILE");
    cr_assert_eq(rig_bench_open(file ? file : "fixtures/benches/sim.ini", &bench), 0, "%s",
                 rig_last_error());
    const struct rig_position *pos = rig_bench_position(bench, 1);
    line = open(pos->rs485, O_RDWR | O_NOCTTY);
    cr_assert_geq(line, 0, "%s: %s", pos->rs485, strerror(errno));
    struct termios tio;
    cr_assert_eq(tcgetattr(line, &tio), 0);
    cfmakeraw(&tio);
    cfsetispeed(&tio, B38400);
    cfsetospeed(&tio, B38400);
    cr_assert_eq(tcsetattr(line, TCSANOW, &tio), 0);
}

static void close_line(void)
{
    if (line >= 0) {
        close(line);
    }
    line = -1;
    rig_bench_close(bench);
    bench = NULL;
}

static void expect_exception(const uint8_t *pdu, size_t n, uint8_t code)
{
    uint8_t req[64], reply[64];
    size_t len = frame(req, pdu, n, true);
    size_t got = transact(req, len, reply, sizeof(reply));
    cr_assert_eq(got, 5, "function %02x: %zu reply bytes, want an exception frame", pdu[1], got);
    cr_expect_eq(reply[0], pdu[0]);
    cr_expect_eq(reply[1], pdu[1] | 0x80, "function byte %02x", reply[1]);
    cr_expect_eq(reply[2], code, "exception %u, want %u", reply[2], code);
    cr_expect_eq(crc16_modbus(reply, 3), (uint16_t)(reply[3] | reply[4] << 8), "reply CRC");
}

TestSuite(line, .init = open_line, .fini = close_line, .timeout = 30);

Test(line, read_of_voltage_is_a_well_formed_reply)
{
    const uint8_t pdu[] = {1, 0x03, 0, MED2_ADDR_VOLTAGE, 0, 2};
    uint8_t req[16], reply[64];
    size_t got = transact(req, frame(req, pdu, sizeof(pdu), true), reply, sizeof(reply));
    cr_assert_eq(got, 9, "%zu reply bytes, want 9", got);
    cr_expect_eq(reply[2], 4, "byte count");
    cr_expect_eq(crc16_modbus(reply, 7), (uint16_t)(reply[7] | reply[8] << 8), "reply CRC");
}

Test(line, bad_crc_is_ignored_and_the_next_frame_answered)
{
    const uint8_t pdu[] = {1, 0x03, 0, MED2_ADDR_VOLTAGE, 0, 2};
    uint8_t req[16], reply[64];
    size_t got = transact(req, frame(req, pdu, sizeof(pdu), false), reply, sizeof(reply));
    cr_expect_eq(got, 0, "a frame with a bad CRC got %zu reply bytes", got);
    got = transact(req, frame(req, pdu, sizeof(pdu), true), reply, sizeof(reply));
    cr_expect_eq(got, 9, "the good frame after it got %zu reply bytes", got);
}

Test(line, truncated_frame_is_dropped)
{
    const uint8_t pdu[] = {1, 0x03, 0, MED2_ADDR_VOLTAGE, 0, 2};
    uint8_t req[16], reply[64];
    size_t len = frame(req, pdu, sizeof(pdu), true);
    size_t got = transact(req, len - 3, reply, sizeof(reply));
    cr_expect_eq(got, 0, "a truncated frame got %zu reply bytes", got);
    got = transact(req, len, reply, sizeof(reply));
    cr_expect_eq(got, 9, "the whole frame after it got %zu reply bytes", got);
}

Test(line, other_slave_and_broadcast_get_no_reply)
{
    const uint8_t other[] = {2, 0x03, 0, 0, 0, 2};
    const uint8_t broadcast[] = {0, 0x03, 0, 0, 0, 2};
    uint8_t req[16], reply[64];
    cr_expect_eq(transact(req, frame(req, other, sizeof(other), true), reply, sizeof(reply)), 0);
    cr_expect_eq(
        transact(req, frame(req, broadcast, sizeof(broadcast), true), reply, sizeof(reply)), 0);
}

Test(line, unsupported_function_is_exception_01)
{
    const uint8_t read_coils[] = {1, 0x01, 0, 0, 0, 1};
    expect_exception(read_coils, sizeof(read_coils), 0x01);
}

Test(line, unmapped_address_is_exception_02)
{
    const uint8_t gap[] = {1, 0x03, 0, 100, 0, 2};
    expect_exception(gap, sizeof(gap), 0x02);
}

Test(line, quantity_out_of_range_is_exception_03)
{
    const uint8_t zero[] = {1, 0x03, 0, 0, 0, 0};
    const uint8_t too_many[] = {1, 0x03, 0, 0, 0, 126};
    expect_exception(zero, sizeof(zero), 0x03);
    expect_exception(too_many, sizeof(too_many), 0x03);
}
