/*
 * crc16.c — CRC-16/MODBUS, nibble-table variant: 32 bytes of table instead
 * of 512 keeps flash small on the meter, and a frame is at most 256 bytes.
 */
#include "crc16.h"

/* CRC of each 4-bit value under the reflected polynomial 0xA001. */
static const uint16_t crc_nibble[16] = {
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
};

uint16_t crc16_modbus(const uint8_t *data, size_t len)
{
    uint16_t crc = 0xFFFFu; /* Modbus over serial line v1.02, §6.2.2 */
    for (size_t k = 0; k < len; k++) {
        crc ^= data[k];
        crc = (uint16_t)((crc >> 4) ^ crc_nibble[crc & 0x0Fu]);
        crc = (uint16_t)((crc >> 4) ^ crc_nibble[crc & 0x0Fu]);
    }
    return crc;
}
