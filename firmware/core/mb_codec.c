/*
 * mb_codec.c — values to and from Modbus register words; see mb_codec.h.
 */
#include "mb_codec.h"

#include <stdbool.h>
#include <string.h>

void mb_words_from_u32(uint32_t value, uint16_t words[2])
{
    words[0] = (uint16_t)(value >> 16);
    words[1] = (uint16_t)value;
}

void mb_words_from_float(float value, uint16_t words[2])
{
    uint32_t bits;
    /* memcpy is the defined way to read the representation (no aliasing UB). */
    memcpy(&bits, &value, sizeof(bits));
    mb_words_from_u32(bits, words);
}

void mb_words_from_double(double value, uint16_t words[4])
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof(bits));
    for (unsigned k = 0; k < 4; k++) {
        words[k] = (uint16_t)(bits >> (48u - 16u * k));
    }
}

uint32_t mb_words_to_u32(const uint16_t words[2])
{
    return ((uint32_t)words[0] << 16) | words[1];
}

float mb_words_to_float(const uint16_t words[2])
{
    uint32_t bits = mb_words_to_u32(words);
    float f;
    memcpy(&f, &bits, sizeof(f));
    return f;
}

double mb_words_to_double(const uint16_t words[4])
{
    uint64_t bits = 0;
    for (unsigned k = 0; k < 4; k++) {
        bits = (bits << 16) | words[k];
    }
    double d;
    memcpy(&d, &bits, sizeof(d));
    return d;
}

static uint16_t swap_bytes(uint16_t w)
{
    return (uint16_t)((w << 8) | (w >> 8));
}

void mb_words_endian(uint16_t *words, unsigned n_words, enum mb_endian endian)
{
    if (n_words != 2u && n_words != 4u) {
        return;
    }
    /* LE reverses all bytes = reverse the word order and swap within each
     * word; the two swap modes are one half of that each. */
    bool reverse_words = endian == MB_ENDIAN_LE || endian == MB_ENDIAN_LE_SWAP;
    bool swap_within = endian == MB_ENDIAN_LE || endian == MB_ENDIAN_BE_SWAP;
    if (reverse_words) {
        for (unsigned k = 0; k < n_words / 2u; k++) {
            uint16_t t = words[k];
            words[k] = words[n_words - 1u - k];
            words[n_words - 1u - k] = t;
        }
    }
    if (swap_within) {
        for (unsigned k = 0; k < n_words; k++) {
            words[k] = swap_bytes(words[k]);
        }
    }
}
