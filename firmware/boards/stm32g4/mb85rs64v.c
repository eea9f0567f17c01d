/*
 * mb85rs64v.c — the FRAM's command framing; see mb85rs64v.h.
 */
#include "mb85rs64v.h"

#include <errno.h>

static void command(const struct spi_bus *bus, uint8_t op)
{
    bus->select(bus->ctx, true);
    bus->transfer(bus->ctx, &op, NULL, 1);
    bus->select(bus->ctx, false);
}

static uint8_t read_status(const struct spi_bus *bus)
{
    uint8_t tx[2] = {MB85RS_OP_RDSR, 0}, rx[2];
    bus->select(bus->ctx, true);
    bus->transfer(bus->ctx, tx, rx, sizeof tx);
    bus->select(bus->ctx, false);
    return rx[1];
}

/* WREN, and proof that it took: a missing part reads 00h or FFh (the
 * MISO line held low or pulled up), neither of which is "WEL set, the
 * fixed bits 0". */
static int write_enable(const struct spi_bus *bus)
{
    command(bus, MB85RS_OP_WREN);
    uint8_t sr = read_status(bus);
    return (sr & (MB85RS_SR_WEL | MB85RS_SR_ZERO)) == MB85RS_SR_WEL ? 0 : -EIO;
}

int mb85rs64v_init(struct mb85rs64v *f, const struct spi_bus *bus)
{
    f->bus = bus;
    int err = write_enable(bus);
    if (err != 0) {
        return err;
    }
    if (read_status(bus) & (MB85RS_SR_BP | MB85RS_SR_WPEN)) {
        uint8_t tx[2] = {MB85RS_OP_WRSR, 0x00u}; /* nothing protected */
        bus->select(bus->ctx, true);
        bus->transfer(bus->ctx, tx, NULL, sizeof tx);
        bus->select(bus->ctx, false);
        if (read_status(bus) & (MB85RS_SR_BP | MB85RS_SR_WPEN)) {
            return -EIO;
        }
    } else {
        command(bus, MB85RS_OP_WRDI);
    }
    return 0;
}

static int in_array(uint32_t addr, size_t len)
{
    return addr <= MB85RS64V_SIZE && len <= MB85RS64V_SIZE - addr;
}

/* Opcode and address: the start of a READ or WRITE. */
static void start(const struct spi_bus *bus, uint8_t op, uint32_t addr)
{
    uint8_t head[3] = {op, (uint8_t)(addr >> 8), (uint8_t)addr};
    bus->select(bus->ctx, true);
    bus->transfer(bus->ctx, head, NULL, sizeof head);
}

int mb85rs64v_read(struct mb85rs64v *f, uint32_t addr, void *buf, size_t len)
{
    if (!in_array(addr, len)) {
        return -EINVAL;
    }
    start(f->bus, MB85RS_OP_READ, addr);
    f->bus->transfer(f->bus->ctx, NULL, buf, len);
    f->bus->select(f->bus->ctx, false);
    return 0;
}

int mb85rs64v_write(struct mb85rs64v *f, uint32_t addr, const void *buf, size_t len)
{
    if (!in_array(addr, len)) {
        return -EINVAL;
    }
    int err = write_enable(f->bus);
    if (err != 0) {
        return err;
    }
    start(f->bus, MB85RS_OP_WRITE, addr);
    f->bus->transfer(f->bus->ctx, buf, NULL, len);
    f->bus->select(f->bus->ctx, false); /* the part clears WEL here */
    return 0;
}
