/*
 * line.c — the bytes on the wire: a frame with a bad CRC or cut short is
 * ignored (no reply, nothing written) and the next good one answered;
 * another slave's frames are not answered; replies are well formed; device
 * identification (function 2B, MEI type 0E) answers the basic objects.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "mb_suite.h"

#define FC_MEI 0x2B
#define MEI_DEVICE_ID 0x0E
#define DEVID_BASIC_STREAM 0x01
#define DEVID_INDIVIDUAL 0x04

static int fd = -1;

static void open_raw(void)
{
    suite_open_bench();
    fd = suite_raw_open(POS_C80);
}

static void close_raw(void)
{
    if (fd >= 0)
        close(fd);
    fd = -1;
    suite_close_bench();
}

TestSuite(line, .init = open_raw, .fini = close_raw, .timeout = SUITE_TIMEOUT_S);

Test(line, a_read_reply_is_well_formed)
{
    uint8_t pdu[16], reply[300];
    size_t got = suite_expect_reply(fd, pdu, suite_pdu_read(pdu, 1, 300, 124), reply, sizeof reply);
    cr_expect_eq(got, 3 + 248 + 2, "%zu bytes for 124 registers", got);
    cr_expect_eq(reply[0], 1);
    cr_expect_eq(reply[2], 248, "byte count");
}

Test(line, a_write_reply_echoes_address_and_quantity)
{
    suite_unlock(POS_C80);
    uint8_t pdu[32], reply[32];
    const uint16_t w[2] = {0, 20};
    size_t got = suite_expect_reply(fd, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 2, w),
                                    reply, sizeof reply);
    cr_assert_eq(got, 8);
    cr_expect_eq(memcmp(reply, pdu, 6), 0, "function 10 echoes slave, function, address, quantity");
    got = suite_expect_reply(fd, pdu, suite_pdu_write1(pdu, 1, MED2_ADDR_COUNTER_COMMAND, 210),
                             reply, sizeof reply);
    cr_assert_eq(got, 8);
    cr_expect_eq(memcmp(reply, pdu, 6), 0, "function 06 echoes the request");
}

Test(line, bad_crc_is_ignored_and_the_next_frame_answered)
{
    suite_unlock(POS_C80);
    uint8_t pdu[32], req[40], reply[64];
    const uint16_t w[2] = {0, 30};
    size_t n = suite_frame(req, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 2, w), false);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 0,
                 "a write with a bad CRC got an answer");
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 15, "a bad-CRC write was applied");
    n = suite_frame(req, pdu, suite_pdu_read(pdu, 1, 0, 2), false);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 0);
    n = suite_frame(req, pdu, suite_pdu_read(pdu, 1, 0, 2), true);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 9);
}

Test(line, truncated_frames_are_dropped)
{
    suite_unlock(POS_C80);
    uint8_t pdu[32], req[40], reply[64];
    const uint16_t w[2] = {0, 30};
    size_t n = suite_frame(req, pdu, suite_pdu_write(pdu, 1, MED2_ADDR_DEMAND_PERIOD, 2, w), true);
    for (size_t cut = 1; cut < n; cut += 3)
        cr_expect_eq(suite_raw_transact(fd, req, n - cut, reply, sizeof reply), 0,
                     "a write cut %zu bytes short got an answer", cut);
    cr_expect_eq(suite_read(POS_C80, MED2_REG_DEMAND_PERIOD), 15, "a truncated write was applied");
    n = suite_frame(req, pdu, suite_pdu_read(pdu, 1, 0, 2), true);
    cr_expect_eq(suite_raw_transact(fd, req, n - 3, reply, sizeof reply), 0);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 9);
}

Test(line, other_slaves_and_broadcast_reads_get_no_reply)
{
    uint8_t pdu[16], req[32], reply[64];
    size_t n = suite_frame(req, pdu, suite_pdu_read(pdu, 2, 0, 2), true);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 0);
    n = suite_frame(req, pdu, suite_pdu_read(pdu, 248, 0, 2), true);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 0);
    n = suite_frame(req, pdu, suite_pdu_read(pdu, 0, 0, 2), true);
    cr_expect_eq(suite_raw_transact(fd, req, n, reply, sizeof reply), 0);
}

/* Parse a 2B/0E reply's objects into ids/values; returns how many. */
static unsigned devid_objects(const uint8_t *r, size_t len, uint8_t *ids, char values[][256],
                              unsigned cap)
{
    cr_assert_geq(len, 10, "%zu bytes", len);
    cr_expect_eq(r[2], MEI_DEVICE_ID);
    unsigned n = r[7], k = 0;
    size_t at = 8;
    for (unsigned i = 0; i < n && k < cap; i++) {
        cr_assert_leq(at + 2, len - 2, "object %u runs past the frame", i);
        uint8_t id = r[at], l = r[at + 1];
        cr_assert_leq(at + 2 + l, len - 2, "object %u runs past the frame", id);
        ids[k] = id;
        memcpy(values[k], &r[at + 2], l);
        values[k][l] = '\0';
        k++;
        at += 2u + l;
    }
    cr_expect_eq(at, len - 2, "bytes left after the objects");
    return k;
}

Test(line, device_identification_answers_the_basic_objects)
{
    for (unsigned p = POS_C80; p <= POS_B80; p++) {
        int line_fd = p == POS_C80 ? fd : suite_raw_open(p);
        const uint8_t stream[] = {1, FC_MEI, MEI_DEVICE_ID, DEVID_BASIC_STREAM, 0x00};
        uint8_t reply[300], ids[8];
        char values[8][256];
        size_t got = suite_expect_reply(line_fd, stream, sizeof stream, reply, sizeof reply);
        cr_expect_eq(reply[3], DEVID_BASIC_STREAM);
        uint8_t level = reply[4] & 0x7F; /* 1 basic, 2 regular, 3 extended; 0x80: individual too */
        cr_expect(level >= 1 && level <= 3, "conformity level %02x", reply[4]);
        uint8_t conformity = reply[4];
        cr_expect_eq(reply[5], 0, "more follows");
        unsigned n = devid_objects(reply, got, ids, values, 8);
        cr_assert_eq(n, 3, "position %u: %u objects, basic has 3", p, n);
        for (unsigned i = 0; i < n; i++) {
            cr_expect_eq(ids[i], i, "object %u has id %u", i, ids[i]);
            cr_expect(values[i][0], "position %u: object %u is empty", p, i);
            for (const char *c = values[i]; *c; c++)
                cr_expect(isprint((unsigned char)*c), "object %u: '%s'", i, values[i]);
        }
        /* Object 1, ProductCode: the order number (manual §3.4, Info), digits. */
        for (const char *c = values[1]; *c; c++)
            cr_expect(isdigit((unsigned char)*c), "position %u: product code '%s'", p, values[1]);
        const struct rig_position *pos = rig_bench_position(bench, p);
        if (level >= 2) {
            /* Regular: object 5, ModelName, is the model. */
            const uint8_t regular[] = {1, FC_MEI, MEI_DEVICE_ID, 0x02, 0x00};
            got = suite_expect_reply(line_fd, regular, sizeof regular, reply, sizeof reply);
            n = devid_objects(reply, got, ids, values, 8);
            bool model_seen = false;
            for (unsigned i = 0; i < n; i++)
                model_seen |= ids[i] == 0x05 && strcmp(values[i], pos->model) == 0;
            cr_expect(model_seen, "position %u: no ModelName object %s", p, pos->model);
        }
        if (level >= 3) {
            /* Extended: the private objects from 0x80 include the serial number. */
            const uint8_t extended[] = {1, FC_MEI, MEI_DEVICE_ID, 0x03, 0x80};
            got = suite_expect_reply(line_fd, extended, sizeof extended, reply, sizeof reply);
            n = devid_objects(reply, got, ids, values, 8);
            bool serial_seen = false;
            for (unsigned i = 0; i < n; i++)
                serial_seen |= strcmp(values[i], pos->serial) == 0;
            cr_expect(serial_seen, "position %u: serial %s not among the extended objects", p,
                      pos->serial);
        }
        if (conformity & 0x80) {
            const uint8_t one[] = {1, FC_MEI, MEI_DEVICE_ID, DEVID_INDIVIDUAL, 0x02};
            got = suite_expect_reply(line_fd, one, sizeof one, reply, sizeof reply);
            n = devid_objects(reply, got, ids, values, 8);
            cr_expect_eq(n, 1);
            cr_expect_eq(ids[0], 2);
            const uint8_t none[] = {1, FC_MEI, MEI_DEVICE_ID, DEVID_INDIVIDUAL, 0x7F};
            suite_expect_exception(line_fd, none, sizeof none, EX_ILLEGAL_ADDRESS);
        }
        const uint8_t bad_code[] = {1, FC_MEI, MEI_DEVICE_ID, 0x05, 0x00};
        suite_expect_exception(line_fd, bad_code, sizeof bad_code, EX_ILLEGAL_VALUE);
        if (line_fd != fd)
            close(line_fd);
    }
}
