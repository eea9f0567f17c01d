/*
 * board.c — minimal Cortex-M4F board for the link check: the hal.h services
 * as stubs and a main loop that feeds ADC blocks to the core.
 *
 * Not a driver for real silicon yet: the "AFE" interrupt fills a
 * double-buffered block (where a real board's DMA would), the UART receive
 * interrupt hands over bytes, SysTick ticks. Enough that the linker keeps
 * every entry point of the core and the size figures mean something.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "meter.h"

/* One mains cycle at 50 Hz per block: the core's per-block overhead stays
 * negligible and a pulse edge is timed to the sample anyway. */
#define BLOCK_SAMPLES 80u
#define UART_RX_MAX 64u

static struct meter meter;

static int32_t adc_v[2][BLOCK_SAMPLES];
static int32_t adc_i[2][BLOCK_SAMPLES];
static volatile uint32_t adc_fill;        /* samples in the buffer being filled */
static volatile uint32_t adc_ready_mask;  /* bit b: buffer b full */
static volatile uint32_t adc_buffer;      /* buffer being filled */

static uint8_t uart_rx[UART_RX_MAX];
static volatile uint32_t uart_rx_len;
static volatile bool uart_idle;
static volatile uint32_t tick_ms;

/* Stand-ins for peripheral registers. */
static volatile uint32_t afe_data_v, afe_data_i, uart_data, pulse_gpio;
static volatile uint8_t uart_tx[MB_RTU_MAX_ADU];
static volatile size_t uart_tx_len;
static volatile uint32_t uart_baud, uart_format, rtc_counter;
static volatile bool restart_requested;

void hal_pulse_write(unsigned output, bool active, uint64_t sample_time)
{
    (void)sample_time; /* a real board drives the pin now: this is that sample */
    uint32_t bit = 1u << output;
    pulse_gpio = active ? (pulse_gpio | bit) : (pulse_gpio & ~bit);
}

void hal_uart_send(const uint8_t *frame, size_t len)
{
    /* A real board starts a DMA transfer with the driver-enable pin high. */
    for (size_t k = 0; k < len && k < MB_RTU_MAX_ADU; k++) {
        uart_tx[k] = frame[k];
    }
    uart_tx_len = len;
}

void hal_uart_configure(uint32_t baud, char parity, unsigned stop_bits)
{
    /* A real board reprograms BRR/CR1/CR2 here, with the transmitter idle. */
    uart_baud = baud;
    uart_format = ((uint32_t)(uint8_t)parity << 8) | stop_bits;
}

/* NV stand-in: RAM, erased at reset. A real board drives an SPI FRAM. */
static uint8_t nv_mem[HAL_NV_SIZE];

int hal_nv_read(uint32_t offset, void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset) {
        return -1;
    }
    uint8_t *out = buf;
    for (size_t k = 0; k < len; k++) {
        out[k] = nv_mem[offset + k];
    }
    return 0;
}

int hal_nv_write(uint32_t offset, const void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset) {
        return -1;
    }
    const uint8_t *in = buf;
    for (size_t k = 0; k < len; k++) {
        nv_mem[offset + k] = in[k];
    }
    return 0;
}

uint32_t hal_rtc_get(void)
{
    return rtc_counter;
}

void hal_rtc_set(uint32_t seconds_since_2000)
{
    rtc_counter = seconds_since_2000;
}

void hal_request_restart(void)
{
    restart_requested = true;
}

/* The LCD driver's frame buffer: the segment driver scans it out. */
static volatile struct med2_lcd_frame lcd_buffer;

void hal_lcd_show(const struct med2_lcd_frame *frame)
{
    lcd_buffer = *frame;
}

void AFE_DRDY_IRQHandler(void)
{
    uint32_t b = adc_buffer;
    adc_v[b][adc_fill] = (int32_t)afe_data_v;
    adc_i[b][adc_fill] = (int32_t)afe_data_i;
    if (++adc_fill == BLOCK_SAMPLES) {
        adc_ready_mask |= 1u << b;
        adc_buffer = b ^ 1u;
        adc_fill = 0;
    }
}

void UART_IRQHandler(void)
{
    if (uart_rx_len < UART_RX_MAX) {
        uart_rx[uart_rx_len] = (uint8_t)uart_data;
        uart_rx_len = uart_rx_len + 1u;
    }
    uart_idle = (uart_data & 0x100u) != 0u; /* stand-in for the idle-line flag */
}

void SysTick_Handler(void)
{
    tick_ms = tick_ms + 1u;
}

int main(void)
{
    const struct meter_identity id = {.model = MED2_MODEL_C80_1M_V3, .serial = 1u};
    meter_init(&meter, &id);
    for (;;) {
        for (uint32_t b = 0; b < 2u; b++) {
            if (adc_ready_mask & (1u << b)) {
                meter_on_samples(&meter, adc_v[b], adc_i[b], BLOCK_SAMPLES);
                adc_ready_mask &= ~(1u << b);
            }
        }
        if (uart_rx_len > 0u) {
            /* A real board would mask the interrupt around this hand-over. */
            meter_on_uart_rx(&meter, uart_rx, uart_rx_len);
            uart_rx_len = 0;
        }
        if (uart_idle) {
            uart_idle = false;
            meter_on_uart_idle(&meter);
        }
        uint32_t ms = tick_ms;
        if (ms > 0u) {
            tick_ms = 0;
            meter_on_tick(&meter, ms);
        }
        if (restart_requested) {
            /* A real board writes SCB->AIRCR SYSRESETREQ; here the core
             * starts over the same way it does after a reset. */
            restart_requested = false;
            meter_init(&meter, &id);
        }
        __asm volatile("wfi");
    }
}
