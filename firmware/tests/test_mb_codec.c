/*
 * test_mb_codec.c — value <-> words, and the four byte orders of register
 * 708 (docs/modbus.md: BE=ABCD, LE=DCBA, BE swap=BADC, LE swap=CDAB).
 */
#include <criterion/criterion.h>

#include "mb_codec.h"

Test(mb_codec, round_trips)
{
    uint16_t w[4];
    mb_words_from_u32(0x12345678u, w);
    cr_assert_eq(w[0], 0x1234);
    cr_assert_eq(w[1], 0x5678);
    cr_assert_eq(mb_words_to_u32(w), 0x12345678u);
    mb_words_from_float(-230.25f, w);
    cr_assert_eq(mb_words_to_float(w), -230.25f);
    mb_words_from_double(123456789.123, w);
    cr_assert_eq(mb_words_to_double(w), 123456789.123);
}

Test(mb_codec, four_modes_on_two_words)
{
    /* ABCD = 0xA1B2C3D4 */
    const uint16_t want[4][2] = {{0xA1B2, 0xC3D4}, {0xD4C3, 0xB2A1}, {0xB2A1, 0xD4C3}, {0xC3D4, 0xA1B2}};
    for (unsigned e = 0; e < 4; e++) {
        uint16_t w[2] = {0xA1B2, 0xC3D4};
        mb_words_endian(w, 2, (enum mb_endian)e);
        cr_assert(w[0] == want[e][0] && w[1] == want[e][1], "mode %u: %04x %04x", e, w[0], w[1]);
        mb_words_endian(w, 2, (enum mb_endian)e);
        cr_assert(w[0] == 0xA1B2 && w[1] == 0xC3D4, "mode %u is its own inverse", e);
    }
}

Test(mb_codec, four_modes_on_four_words)
{
    /* ABCDEFGH = 11 22 33 44 55 66 77 88 */
    const uint16_t want[4][4] = {
        {0x1122, 0x3344, 0x5566, 0x7788}, /* ABCDEFGH */
        {0x8877, 0x6655, 0x4433, 0x2211}, /* HGFEDCBA */
        {0x2211, 0x4433, 0x6655, 0x8877}, /* BADCFEHG */
        {0x7788, 0x5566, 0x3344, 0x1122}, /* GHEFCDAB */
    };
    for (unsigned e = 0; e < 4; e++) {
        uint16_t w[4] = {0x1122, 0x3344, 0x5566, 0x7788};
        mb_words_endian(w, 4, (enum mb_endian)e);
        for (unsigned k = 0; k < 4; k++) {
            cr_assert_eq(w[k], want[e][k], "mode %u word %u: %04x", e, k, w[k]);
        }
    }
}

Test(mb_codec, single_register_untouched)
{
    uint16_t w[1] = {0x1234};
    mb_words_endian(w, 1, MB_ENDIAN_LE);
    cr_assert_eq(w[0], 0x1234);
}
