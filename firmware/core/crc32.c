/*
 * crc32.c — CRC-32/IEEE, bitwise; see crc32.h.
 */
#include "crc32.h"

#define CRC32_POLY_REFLECTED 0xEDB88320u

uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t k = 0; k < len; k++) {
        crc ^= p[k];
        for (unsigned b = 0; b < 8u; b++) {
            crc = (crc & 1u) ? (crc >> 1) ^ CRC32_POLY_REFLECTED : crc >> 1;
        }
    }
    return crc;
}

uint32_t crc32_ieee(const void *data, size_t len)
{
    return crc32_final(crc32_update(CRC32_INIT, data, len));
}
