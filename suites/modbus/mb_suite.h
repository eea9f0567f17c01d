/*
 * mb_suite.h — what the tests of suites/modbus share: a private bench per
 * test (fixtures/benches/modbus.ini: position 1 a C80-1M-V3, position 2 a
 * B80-1M-V2), the typed client of each position, and raw RTU frames on a
 * position's line (so what is checked is the bytes on the wire, not what a
 * client library makes of them).
 */
#ifndef MB_SUITE_H
#define MB_SUITE_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "med2_regmap.h"
#include "rig/rig.h"

#define POS_C80 1u
#define POS_B80 2u

/* Every suite's timeout, seconds. One value for all: Criterion 2.4's
 * runner (its BoxFort timeout killer) leaks a timeout request when tests
 * with different timeouts run in parallel, which fails `make test` under
 * LeakSanitizer. */
#define SUITE_TIMEOUT_S 180

/* Long enough for a simulated unit's reply at 38400 baud, short enough to
 * keep the suite quick when (correctly) no reply comes. */
#define RAW_REPLY_TIMEOUT_MS 400
/* A client waiting for an answer that must not come. */
#define NO_ANSWER_TIMEOUT_MS 150

/* Modbus exception codes (Application Protocol v1.1b3 §7). */
#define EX_ILLEGAL_FUNCTION 0x01
#define EX_ILLEGAL_ADDRESS 0x02
#define EX_ILLEGAL_VALUE 0x03

extern struct rig_bench *bench;

/* .init / .fini: open the bench file (RIG_MODBUS_BENCH overrides
 * fixtures/benches/modbus.ini) / close it (source off, benchd stopped). */
void suite_open_bench(void);
void suite_open_bench_file(const char *file);
void suite_close_bench(void);

/* The typed client of position p, its map; asserts on failure. */
struct rig_meter *suite_meter(unsigned p);
enum med2_map suite_map(unsigned p);

/* The address of id in position p's map; asserts it is there. */
uint16_t suite_addr(unsigned p, enum med2_reg_id id);

/* Unlock position p with the default password; asserts. */
void suite_unlock(unsigned p);

/* Apply 230 V / 5 A lagging 30 degrees at 50 Hz for seconds (virtual) and
 * leave the output on, the clock held: every unit then has non-zero
 * runtime values and energies that stay put while the test reads them. */
void suite_meter_energy(double seconds);

/* ---- raw frames on a position's line ---- */

uint16_t suite_crc16(const uint8_t *p, size_t n);

/* Open position p's tty raw at its bench line settings (38400 8N1). The
 * typed client may stay open: each side reads only its own answers. */
int suite_raw_open(unsigned p);

/* Frame pdu (slave address first) with its CRC (or a wrong one) into out. */
size_t suite_frame(uint8_t *out, const uint8_t *pdu, size_t n, bool good_crc);

/* Flush, send n bytes, collect what comes back until the line is quiet
 * (RAW_REPLY_TIMEOUT_MS for the first byte). Returns the bytes received. */
size_t suite_raw_transact(int fd, const uint8_t *req, size_t n, uint8_t *reply, size_t cap);

/* Send pdu with a good CRC; assert the reply is exception code to it. */
void suite_expect_exception(int fd, const uint8_t *pdu, size_t n, uint8_t code);

/* Send pdu with a good CRC; assert a normal reply (function echoed, CRC
 * good) and return its length. */
size_t suite_expect_reply(int fd, const uint8_t *pdu, size_t n, uint8_t *reply, size_t cap);

/* PDU builders: slave, function, then big-endian fields. */
size_t suite_pdu_read(uint8_t *pdu, uint8_t slave, uint16_t address, uint16_t count);
size_t suite_pdu_write1(uint8_t *pdu, uint8_t slave, uint16_t address, uint16_t value);
size_t suite_pdu_write(uint8_t *pdu, uint8_t slave, uint16_t address, uint16_t count,
                       const uint16_t *words);

/* The value of id on position p through the typed client; asserts. */
double suite_read(unsigned p, enum med2_reg_id id);

#endif
