/*
 * nv.c — hal_nv_read / hal_nv_write on the FRAM; see nv.h.
 *
 * A FRAM byte is stored as its last bit is clocked in, so a write is
 * durable when hal_nv_write returns, as hal.h asks, with nothing to wait
 * for; a cut mid-write tears the record on the wire, which nvstore's CRC
 * finds.
 */
#include "nv.h"

#include "board_pins.h"
#include "hal.h"
#include "mb85rs64v.h"
#include "spi_master.h"

/* SPI2 on APB1 (170 MHz) / 16 = 10.6 MHz: under the MB85RS64V's 20 MHz,
 * and the speed docs/power.md's save times assume. Mode 0. */
#define SPI_PRESCALER_LOG2 4u
#define SPI_MODE_0 0u

_Static_assert(HAL_NV_SIZE == MB85RS64V_SIZE, "hal.h's NV is the whole FRAM");

static struct spi_master fram_spi = {.base = SPI2_BASE, .cs_port = FRAM_CS_PORT, .cs_pin = FRAM_CS_PIN};
static struct spi_bus fram_bus;
static struct mb85rs64v fram;

int nv_init(void)
{
    spi_master_init(&fram_spi, SPI_PRESCALER_LOG2, SPI_MODE_0);
    fram_bus = spi_master_bus(&fram_spi);
    return mb85rs64v_init(&fram, &fram_bus);
}

int hal_nv_read(uint32_t offset, void *buf, size_t len)
{
    return mb85rs64v_read(&fram, offset, buf, len);
}

int hal_nv_write(uint32_t offset, const void *buf, size_t len)
{
    return mb85rs64v_write(&fram, offset, buf, len);
}
