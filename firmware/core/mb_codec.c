/*
 * mb_codec.c — values to Modbus register words; see mb_codec.h.
 */
#include "mb_codec.h"

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
