/*
 * spi_master.c — polled byte transfers; see spi_master.h.
 */
#include "spi_master.h"

#include "board_pins.h"
#include "clock.h"
#include "stm32g4_regs.h"

void spi_master_init(const struct spi_master *spi, unsigned prescaler_log2, unsigned mode)
{
    if (spi->base == SPI1_BASE) {
        RCC_APB2ENR |= RCC_APB2ENR_SPI1EN;
        (void)RCC_APB2ENR;
    } else {
        RCC_APB1ENR1 |= RCC_APB1ENR1_SPI2EN;
        (void)RCC_APB1ENR1;
    }
    SPI_CR1(spi->base) = 0;
    /* 8-bit frames, RXNE at each byte (RM0440 §39.5.9) */
    SPI_CR2(spi->base) = SPI_CR2_DS_8BIT | SPI_CR2_FRXTH;
    /* master, chip select by GPIO (NSS managed in software, held high) */
    SPI_CR1(spi->base) = SPI_CR1_MSTR | SPI_CR1_SSM | SPI_CR1_SSI |
                         ((prescaler_log2 - 1u) << SPI_CR1_BR_SHIFT) | (mode & SPI_CR1_CPHA) |
                         SPI_CR1_SPE;
}

static void chip_select(void *ctx, bool active)
{
    const struct spi_master *spi = ctx;
    if (!active) {
        while (SPI_SR(spi->base) & SPI_SR_BSY) {
        }
    }
    pin_write(spi->cs_port, spi->cs_pin, !active);
}

static void transfer_bytes(void *ctx, const uint8_t *tx, uint8_t *rx, size_t n)
{
    const struct spi_master *spi = ctx;
    for (size_t k = 0; k < n; k++) {
        while (!(SPI_SR(spi->base) & SPI_SR_TXE)) {
        }
        SPI_DR8(spi->base) = tx != NULL ? tx[k] : 0u;
        while (!(SPI_SR(spi->base) & SPI_SR_RXNE)) {
        }
        uint8_t in = SPI_DR8(spi->base);
        if (rx != NULL) {
            rx[k] = in;
        }
    }
}

static void wait_us(void *ctx, uint32_t us)
{
    (void)ctx;
    clock_delay_us(us);
}

struct spi_bus spi_master_bus(struct spi_master *spi)
{
    return (struct spi_bus){.ctx = spi, .select = chip_select, .transfer = transfer_bytes, .delay_us = wait_us};
}
