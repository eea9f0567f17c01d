/*
 * spi_bus.h — one SPI device as its driver sees it: its chip select, full
 * duplex byte transfers and a wait.
 *
 * The MCU implements it over SPI1 and SPI2 (spi_master.c); the host tests
 * over device models that answer at the transaction level
 * (the *_model.c files of firmware/tests). The device drivers (ads131m02.c,
 * mb85rs64v.c) only ever talk through it, so the same code runs on both.
 */
#ifndef SPI_BUS_H
#define SPI_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spi_bus {
    void *ctx;
    /* Chip select: true drives it active (low), false releases it. */
    void (*select)(void *ctx, bool active);
    /* Clock n bytes: tx out (NULL: zeros), what comes back into rx (NULL:
     * dropped). */
    void (*transfer)(void *ctx, const uint8_t *tx, uint8_t *rx, size_t n);
    /* Wait at least `us` microseconds (a device's settling time). */
    void (*delay_us)(void *ctx, uint32_t us);
};

#endif /* SPI_BUS_H */
