/*
 * mb_frames.h — building Modbus RTU requests and reading replies in tests,
 * so each test reads as the bytes on the wire.
 */
#ifndef MED2_TEST_MB_FRAMES_H
#define MED2_TEST_MB_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "hal_record.h"

/* Append the CRC to `pdu_with_address` (n bytes) in `out`; returns n + 2. */
size_t mbf_frame(uint8_t *out, const uint8_t *adu_without_crc, size_t n);

/* 03 / 06 / 10 / 2B-0E request ADUs (with CRC) in `out`; return the length. */
size_t mbf_read(uint8_t *out, uint8_t slave, uint16_t start, uint16_t quantity);
size_t mbf_write_single(uint8_t *out, uint8_t slave, uint16_t reg, uint16_t value);
size_t mbf_write(uint8_t *out, uint8_t slave, uint16_t start, const uint16_t *words, uint16_t n);
size_t mbf_devid(uint8_t *out, uint8_t slave, uint8_t code, uint8_t object);

/* The reply's CRC is right. */
int mbf_crc_ok(const struct hal_frame *r);

/* Word k of a 03 reply's data. */
uint16_t mbf_word(const struct hal_frame *r, unsigned k);

/* Assert (Criterion) that r is a normal reply to function fc. */
void mbf_expect_ok(const struct hal_frame *r, uint8_t fc);

/* Assert (Criterion) that r is exception `code` to function fc. */
void mbf_expect_ex(const struct hal_frame *r, uint8_t fc, uint8_t code);

#endif /* MED2_TEST_MB_FRAMES_H */
