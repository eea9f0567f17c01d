/*
 * crc32.h — CRC-32 (IEEE 802.3: reflected poly 0xEDB88320, init and final
 * xor 0xFFFFFFFF; check value of "123456789" is 0xCBF43926).
 *
 * Used for the NV records (nvstore.c): 32 bits, because a torn or decayed
 * record must be caught with far better odds than the 1 in 65536 of the
 * Modbus CRC-16. Bitwise, no table: it runs only when a record is saved or
 * loaded, and 1 KB of table in flash buys nothing there.
 */
#ifndef MED2_CRC32_H
#define MED2_CRC32_H

#include <stddef.h>
#include <stdint.h>

#define CRC32_INIT 0xFFFFFFFFu

/* Continue a CRC over more bytes: crc = crc32_update(CRC32_INIT, ...) ...;
 * the result is crc32_final(crc). */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

static inline uint32_t crc32_final(uint32_t crc)
{
    return crc ^ 0xFFFFFFFFu;
}

/* CRC-32 of one buffer. */
uint32_t crc32_ieee(const void *data, size_t len);

#endif /* MED2_CRC32_H */
