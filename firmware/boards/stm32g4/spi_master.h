/*
 * spi_master.h — SPI1 and SPI2 as masters, byte by byte with a GPIO chip
 * select: the struct spi_bus the AFE and FRAM drivers talk through.
 *
 * Polled, not DMA: a transfer is 12 bytes (an AFE frame, ~7 us) or a short
 * FRAM record (a save's bytes must be durable when hal_nv_write returns
 * anyway), so there is nothing to overlap.
 */
#ifndef SPI_MASTER_H
#define SPI_MASTER_H

#include <stdbool.h>
#include <stdint.h>

#include "spi_bus.h"

struct spi_master {
    uint32_t base;     /* SPI1_BASE, SPI2_BASE */
    uint32_t cs_port;
    uint8_t cs_pin;
};

/* SPI clock = PCLK / 2^(prescaler_log2), 1..8; mode 0 or 1 (CPOL 0). */
void spi_master_init(const struct spi_master *spi, unsigned prescaler_log2, unsigned mode);

/* The struct spi_bus of this master and chip select. */
struct spi_bus spi_master_bus(struct spi_master *spi);

#endif /* SPI_MASTER_H */
