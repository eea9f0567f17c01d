/*
 * mb85rs64v_model.h — an MB85RS64V SPI FRAM at the transaction level, for
 * the host tests of the STM32G4 board's NV driver (boards/stm32g4/
 * mb85rs64v.c).
 *
 * What the part does (its datasheet), and so what the model does:
 *   - the first byte after chip select is the opcode; WREN sets the write
 *     enable latch, WRDI clears it; RDSR shifts out the status register
 *     (WPEN, BP1, BP0, WEL; bits 6..4 and 0 read 0) for as long as clocked;
 *   - READ and WRITE take two address bytes (the top 3 bits ignored), then
 *     data, the address incrementing and wrapping at 8 KiB; each written
 *     byte is stored when its last bit is in;
 *   - WRITE and WRSR without the latch set are ignored; the latch clears
 *     when a WRITE or WRSR transaction ends;
 *   - BP1:BP0 = 01, 10, 11 protect the top quarter, half, all: writes there
 *     are dropped;
 *   - an unknown opcode does nothing.
 */
#ifndef MB85RS64V_MODEL_H
#define MB85RS64V_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spi_bus.h"

#define MB85RS64V_MODEL_SIZE 8192u

struct mb85rs64v_model {
    uint8_t mem[MB85RS64V_MODEL_SIZE];
    uint8_t status;        /* WPEN, BP1, BP0 (non-volatile) */
    bool wel;
    bool selected;
    uint8_t opcode;
    size_t pos;            /* bytes of this transaction so far */
    uint16_t addr;
    bool write_allowed;    /* the latch was set when this WRITE/WRSR began */
    bool absent;           /* no part: MISO reads all ones */
    unsigned ignored_writes;   /* WRITE/WRSR without WREN */
    unsigned protected_bytes;  /* bytes dropped by block protection */
    unsigned transactions;
};

void mb85rs64v_model_init(struct mb85rs64v_model *m);
struct spi_bus mb85rs64v_model_bus(struct mb85rs64v_model *m);

#endif /* MB85RS64V_MODEL_H */
