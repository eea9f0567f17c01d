/*
 * mb85rs64v.h — the SPI FRAM that holds the meter's NV memory: a
 * Fujitsu/RAMXEED MB85RS64V, 64 Kbit = 8 KiB = HAL_NV_SIZE (docs/power.md,
 * "The NV part"), over a struct spi_bus.
 *
 * The part (its datasheet, "Command" and "Status register"): SPI mode 0,
 * an opcode, for READ and WRITE two address bytes (13 bits used), then
 * data for as long as chip select stays active, the address incrementing.
 * A byte is stored when its 8th bit is in: no page buffer, no write cycle,
 * no busy flag. WRITE and WRSR need the write enable latch (WEL), set by
 * WREN in a transaction of its own and cleared again when a WRITE or WRSR
 * ends: a WRITE without WREN is ignored. The status register's BP1:BP0
 * protect the top quarter, half or all of the array against writes; they
 * are non-volatile, so a part that left the factory (or a test jig) with
 * them set would silently refuse the meter's saves.
 */
#ifndef MB85RS64V_H
#define MB85RS64V_H

#include <stddef.h>
#include <stdint.h>

#include "spi_bus.h"

#define MB85RS64V_SIZE 8192u

#define MB85RS_OP_WREN 0x06u
#define MB85RS_OP_WRDI 0x04u
#define MB85RS_OP_RDSR 0x05u
#define MB85RS_OP_WRSR 0x01u
#define MB85RS_OP_READ 0x03u
#define MB85RS_OP_WRITE 0x02u

#define MB85RS_SR_WPEN 0x80u
#define MB85RS_SR_BP 0x0Cu    /* BP1, BP0 */
#define MB85RS_SR_WEL 0x02u
#define MB85RS_SR_ZERO 0x71u  /* bits that always read 0 */

struct mb85rs64v {
    const struct spi_bus *bus;
};

/* Check the part answers (WREN shows in the status register, its fixed
 * bits read 0) and clear any block protection. 0 or -EIO. */
int mb85rs64v_init(struct mb85rs64v *f, const struct spi_bus *bus);

/* Read / write len bytes at addr. 0, -EINVAL (outside the array) or -EIO
 * (the part did not take the write enable: absent, or not this part). */
int mb85rs64v_read(struct mb85rs64v *f, uint32_t addr, void *buf, size_t len);
int mb85rs64v_write(struct mb85rs64v *f, uint32_t addr, const void *buf, size_t len);

#endif /* MB85RS64V_H */
