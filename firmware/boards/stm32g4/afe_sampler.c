/*
 * afe_sampler.c — /DRDY interrupt, double-buffered blocks; see afe_sampler.h.
 */
#include "afe_sampler.h"

#include <stdbool.h>
#include <stddef.h>

#include "board_pins.h"
#include "pulse_out.h"
#include "spi_master.h"
#include "stm32g4_regs.h"

/* SPI1 on APB2 (170 MHz) / 8 = 21.25 MHz, under the AFE's 25 MHz; mode 1. */
#define SPI_PRESCALER_LOG2 3u
#define SPI_MODE_1 1u

static struct spi_master afe_spi = {.base = SPI1_BASE, .cs_port = AFE_CS_PORT, .cs_pin = AFE_CS_PIN};
static struct spi_bus afe_bus;
static struct ads131m02 afe;

static struct afe_block blocks[2];
static volatile bool block_full[2];  /* filled, not yet released by the main loop */
static unsigned filling;             /* the block the interrupt fills */
static unsigned fill;                /* samples in it */
static unsigned next_out;            /* the block the main loop takes next */
static volatile uint64_t count;
static int32_t last_v, last_i;
static volatile uint32_t dropped;

static void drdy_irq(bool on)
{
    uint32_t bit = 1u << (IRQ_EXTI15_10 % 32u);
    if (on) {
        NVIC_ISER(IRQ_EXTI15_10 / 32u) = bit;
    } else {
        NVIC_ICER(IRQ_EXTI15_10 / 32u) = bit;
        __asm volatile("dsb\n\tisb" ::: "memory");
    }
}

int afe_sampler_start(const struct ads131m02_config *cfg)
{
    drdy_irq(false);
    spi_master_init(&afe_spi, SPI_PRESCALER_LOG2, SPI_MODE_1);
    afe_bus = spi_master_bus(&afe_spi);
    int err = ads131m02_start(&afe, &afe_bus, cfg);
    if (err != ADS131M02_OK) {
        return err;
    }
    filling = 0;
    fill = 0;
    next_out = 0;
    block_full[0] = block_full[1] = false;
    blocks[0].first_sample = count;

    RCC_APB2ENR |= RCC_APB2ENR_SYSCFGEN;
    (void)RCC_APB2ENR;
    unsigned line = AFE_DRDY_LINE;
    /* the line's port field to port A, which is 0 */
    SYSCFG_EXTICR(line / 4u) &= ~(0xFu << (4u * (line % 4u)));
    EXTI_FTSR1 |= 1u << line;
    EXTI_PR1 = 1u << line;
    EXTI_IMR1 |= 1u << line;
    NVIC_IPR_BYTE(IRQ_EXTI15_10) = NVIC_PRIORITY(0u);
    drdy_irq(true);
    return ADS131M02_OK;
}

void EXTI15_10_IRQHandler(void)
{
    EXTI_PR1 = 1u << AFE_DRDY_LINE;
    struct ads131m02_sample s;
    if (ads131m02_read(&afe, &s) == ADS131M02_OK) {
        last_v = s.ch0;
        last_i = s.ch1;
    }
    uint64_t n = count;
    pulse_out_play(n);
    count = n + 1u;

    struct afe_block *b = &blocks[filling];
    b->v[fill] = last_v;
    b->i[fill] = last_i;
    if (++fill < AFE_BLOCK_SAMPLES) {
        return;
    }
    fill = 0;
    unsigned other = filling ^ 1u;
    if (block_full[other]) {
        dropped = dropped + 1u; /* the main loop still has the other: refill this one */
    } else {
        block_full[filling] = true;
        filling = other;
    }
    blocks[filling].first_sample = n + 1u;
}

const struct afe_block *afe_sampler_take(void)
{
    return block_full[next_out] ? &blocks[next_out] : NULL;
}

void afe_sampler_release(const struct afe_block *b)
{
    unsigned k = (unsigned)(b - blocks);
    block_full[k] = false;
    next_out = k ^ 1u;
}

uint64_t afe_sampler_count(void)
{
    drdy_irq(false); /* 64 bits are two loads: not torn by the interrupt */
    uint64_t n = count;
    drdy_irq(true);
    return n;
}

uint32_t afe_sampler_dropped_blocks(void)
{
    return dropped;
}

uint32_t afe_sampler_crc_errors(void)
{
    return afe.crc_errors;
}
