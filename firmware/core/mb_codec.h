/*
 * mb_codec.h — values to Modbus register words.
 *
 * The manual's default "Big Endian" (register 708 = 0) is ABCD: the high
 * word first, and within each word the high byte first (a word is always
 * sent high byte first on the wire). Words are returned in register order.
 * The other endian modes (DESIGN.md, manual ambiguities) come with 708.
 */
#ifndef MED2_MB_CODEC_H
#define MED2_MB_CODEC_H

#include <stdint.h>

/* IEEE 754 single precision into 2 words, ABCD. */
void mb_words_from_float(float value, uint16_t words[2]);
/* IEEE 754 double precision into 4 words, ABCDEFGH. */
void mb_words_from_double(double value, uint16_t words[4]);
/* uint32 into 2 words, high word first. */
void mb_words_from_u32(uint32_t value, uint16_t words[2]);

#endif /* MED2_MB_CODEC_H */
