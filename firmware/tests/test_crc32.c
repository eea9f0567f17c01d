/*
 * test_crc32.c — CRC-32/IEEE against its published check value.
 */
#include <criterion/criterion.h>

#include "crc32.h"

Test(crc32, check_value)
{
    cr_assert_eq(crc32_ieee("123456789", 9), 0xCBF43926u);
}

Test(crc32, empty_and_incremental)
{
    cr_assert_eq(crc32_ieee("", 0), 0u);
    uint32_t c = crc32_update(CRC32_INIT, "1234", 4);
    c = crc32_update(c, "56789", 5);
    cr_assert_eq(crc32_final(c), 0xCBF43926u);
}

Test(crc32, one_bit_changes_it)
{
    uint8_t b[64] = {0};
    uint32_t c0 = crc32_ieee(b, sizeof(b));
    for (unsigned k = 0; k < sizeof(b) * 8; k++) {
        b[k / 8] ^= (uint8_t)(1u << (k % 8));
        cr_assert_neq(crc32_ieee(b, sizeof(b)), c0, "bit %u", k);
        b[k / 8] ^= (uint8_t)(1u << (k % 8));
    }
}
