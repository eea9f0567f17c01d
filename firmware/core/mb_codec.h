/*
 * mb_codec.h — values to and from Modbus register words, and the byte
 * orders of register 708.
 *
 * The canonical order is the manual's default "Big Endian" (register
 * 708 = 0), ABCD: the high word first, and within each word the high byte
 * first (a word always goes high byte first on the wire). Words are in
 * register order. The other modes (docs/modbus.md, "Manual ambiguities") are
 * permutations of the value's bytes, for every 2- and 4-register value:
 *   0 BE            ABCD   ABCDEFGH
 *   1 LE            DCBA   HGFEDCBA
 *   2 BE byte swap  BADC   BADCFEHG
 *   3 LE byte swap  CDAB   GHEFCDAB
 * Each permutation is its own inverse, so the same call turns canonical
 * words into wire words and wire words back into canonical ones.
 */
#ifndef MED2_MB_CODEC_H
#define MED2_MB_CODEC_H

#include <stdint.h>

enum mb_endian {
    MB_ENDIAN_BE = 0,
    MB_ENDIAN_LE = 1,
    MB_ENDIAN_BE_SWAP = 2,
    MB_ENDIAN_LE_SWAP = 3,
};

/* IEEE 754 single precision into 2 words, ABCD. */
void mb_words_from_float(float value, uint16_t words[2]);
/* IEEE 754 double precision into 4 words, ABCDEFGH. */
void mb_words_from_double(double value, uint16_t words[4]);
/* uint32 into 2 words, high word first. */
void mb_words_from_u32(uint32_t value, uint16_t words[2]);

/* And back, from canonical words. */
uint32_t mb_words_to_u32(const uint16_t words[2]);
float mb_words_to_float(const uint16_t words[2]);
double mb_words_to_double(const uint16_t words[4]);

/* Reorder the bytes of a value of n_words (2 or 4; others are left alone)
 * between the canonical and the `endian` order, in place. */
void mb_words_endian(uint16_t *words, unsigned n_words, enum mb_endian endian);

#endif /* MED2_MB_CODEC_H */
