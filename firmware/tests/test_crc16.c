/*
 * test_crc16.c — CRC-16/MODBUS against published vectors and a bitwise
 * reference implementation.
 */
#include <criterion/criterion.h>

#include "crc16.h"

/* The textbook bit-at-a-time algorithm (Modbus over Serial Line v1.02 §6.2.2). */
static uint16_t crc_reference(const uint8_t *d, size_t n)
{
    uint16_t crc = 0xFFFF;
    for (size_t k = 0; k < n; k++) {
        crc ^= d[k];
        for (int b = 0; b < 8; b++) {
            crc = (crc & 1u) ? (uint16_t)((crc >> 1) ^ 0xA001u) : (uint16_t)(crc >> 1);
        }
    }
    return crc;
}

Test(crc16, check_value)
{
    /* CRC catalogue, CRC-16/MODBUS: check = 0x4B37 over "123456789" */
    const uint8_t s[] = "123456789";
    cr_assert_eq(crc16_modbus(s, 9), 0x4B37);
}

Test(crc16, read_request_vectors)
{
    /* Classic request frames with their CRC as sent, low byte first. */
    const uint8_t a[] = {0x01, 0x03, 0x00, 0x00, 0x00, 0x0A};
    uint16_t c = crc16_modbus(a, sizeof(a));
    cr_assert_eq(c & 0xFF, 0xC5);
    cr_assert_eq(c >> 8, 0xCD);
    const uint8_t b[] = {0x01, 0x03, 0x00, 0x00, 0x00, 0x01};
    c = crc16_modbus(b, sizeof(b));
    cr_assert_eq(c & 0xFF, 0x84);
    cr_assert_eq(c >> 8, 0x0A);
}

Test(crc16, empty_is_init)
{
    cr_assert_eq(crc16_modbus(NULL, 0), 0xFFFF);
}

Test(crc16, matches_bitwise_reference)
{
    uint8_t buf[256];
    uint32_t x = 12345;
    for (size_t k = 0; k < sizeof(buf); k++) {
        x = x * 1103515245u + 12345u;
        buf[k] = (uint8_t)(x >> 16);
    }
    for (size_t n = 0; n <= sizeof(buf); n += 7) {
        cr_assert_eq(crc16_modbus(buf, n), crc_reference(buf, n), "length %zu", n);
    }
}

Test(crc16, frame_with_crc_appended_gives_zero)
{
    /* A property receivers rely on: CRC over data + CRC (low first) is 0. */
    uint8_t f[8] = {0x11, 0x03, 0x01, 0x2C, 0x00, 0x04};
    uint16_t c = crc16_modbus(f, 6);
    f[6] = (uint8_t)c;
    f[7] = (uint8_t)(c >> 8);
    cr_assert_eq(crc16_modbus(f, 8), 0);
}
