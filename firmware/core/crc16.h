/*
 * crc16.h — CRC-16/MODBUS: poly 0xA001 (reflected 0x8005), init 0xFFFF.
 * On the wire the low byte goes first.
 */
#ifndef MED2_CRC16_H
#define MED2_CRC16_H

#include <stddef.h>
#include <stdint.h>

uint16_t crc16_modbus(const uint8_t *data, size_t len);

#endif /* MED2_CRC16_H */
