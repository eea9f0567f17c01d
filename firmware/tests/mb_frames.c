/*
 * mb_frames.c — Modbus RTU frames for tests; see mb_frames.h.
 */
#include "mb_frames.h"

#include <criterion/criterion.h>
#include <string.h>

#include "crc16.h"

size_t mbf_frame(uint8_t *out, const uint8_t *adu, size_t n)
{
    if (out != adu) {
        memmove(out, adu, n);
    }
    uint16_t c = crc16_modbus(out, n);
    out[n] = (uint8_t)c;
    out[n + 1] = (uint8_t)(c >> 8);
    return n + 2;
}

static size_t two_words(uint8_t *out, uint8_t slave, uint8_t fc, uint16_t a, uint16_t b)
{
    uint8_t f[6] = {slave, fc, (uint8_t)(a >> 8), (uint8_t)a, (uint8_t)(b >> 8), (uint8_t)b};
    return mbf_frame(out, f, 6);
}

size_t mbf_read(uint8_t *out, uint8_t slave, uint16_t start, uint16_t quantity)
{
    return two_words(out, slave, 0x03, start, quantity);
}

size_t mbf_write_single(uint8_t *out, uint8_t slave, uint16_t reg, uint16_t value)
{
    return two_words(out, slave, 0x06, reg, value);
}

size_t mbf_write(uint8_t *out, uint8_t slave, uint16_t start, const uint16_t *words, uint16_t n)
{
    out[0] = slave;
    out[1] = 0x10;
    out[2] = (uint8_t)(start >> 8);
    out[3] = (uint8_t)start;
    out[4] = (uint8_t)(n >> 8);
    out[5] = (uint8_t)n;
    out[6] = (uint8_t)(2u * n);
    for (unsigned k = 0; k < n; k++) {
        out[7 + 2 * k] = (uint8_t)(words[k] >> 8);
        out[8 + 2 * k] = (uint8_t)words[k];
    }
    return mbf_frame(out, out, 7u + 2u * n);
}

size_t mbf_devid(uint8_t *out, uint8_t slave, uint8_t code, uint8_t object)
{
    uint8_t f[5] = {slave, 0x2B, 0x0E, code, object};
    return mbf_frame(out, f, 5);
}

int mbf_crc_ok(const struct hal_frame *r)
{
    if (r->len < 4) {
        return 0;
    }
    uint16_t c = crc16_modbus(r->data, r->len - 2);
    return r->data[r->len - 2] == (uint8_t)c && r->data[r->len - 1] == (uint8_t)(c >> 8);
}

uint16_t mbf_word(const struct hal_frame *r, unsigned k)
{
    return (uint16_t)((r->data[3 + 2 * k] << 8) | r->data[4 + 2 * k]);
}

void mbf_expect_ok(const struct hal_frame *r, uint8_t fc)
{
    cr_assert_not_null(r, "no reply to function %02x", fc);
    cr_assert_eq(r->data[1], fc, "function %02x answered %02x (exception %u)", fc, r->data[1],
                 r->len > 2 ? r->data[2] : 0);
}

void mbf_expect_ex(const struct hal_frame *r, uint8_t fc, uint8_t code)
{
    cr_assert_not_null(r, "no reply to function %02x", fc);
    cr_assert_eq(r->len, 5u);
    cr_assert_eq(r->data[1], fc | 0x80, "function %02x: reply %02x, want exception %u", fc,
                 r->data[1], code);
    cr_assert_eq(r->data[2], code, "exception %u, want %u", r->data[2], code);
}
