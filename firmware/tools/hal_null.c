/*
 * hal_null.c — a board that does nothing, for tools that run the core alone
 * on the host (the cost figures of `make bench`): NV is a RAM array, the
 * UART's last frame is kept so a tool can check the reply.
 */
#include "hal_null.h"

#include <string.h>

uint8_t hal_null_tx[HAL_NULL_TX_MAX];
size_t hal_null_tx_len;

static uint8_t nv[HAL_NV_SIZE];

void hal_null_reset(void)
{
    memset(nv, 0xFF, sizeof nv);
    hal_null_tx_len = 0;
}

void hal_pulse_write(unsigned output, bool active, uint64_t sample_time)
{
    (void)output, (void)active, (void)sample_time;
}

void hal_uart_send(const uint8_t *frame, size_t len)
{
    hal_null_tx_len = len < sizeof hal_null_tx ? len : sizeof hal_null_tx;
    memcpy(hal_null_tx, frame, hal_null_tx_len);
}

void hal_uart_configure(uint32_t baud, char parity, unsigned stop_bits)
{
    (void)baud, (void)parity, (void)stop_bits;
}

int hal_nv_read(uint32_t offset, void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset)
        return -1;
    memcpy(buf, &nv[offset], len);
    return 0;
}

int hal_nv_write(uint32_t offset, const void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset)
        return -1;
    memcpy(&nv[offset], buf, len);
    return 0;
}

uint32_t hal_rtc_get(void)
{
    return 0;
}

void hal_rtc_set(uint32_t seconds_since_2000)
{
    (void)seconds_since_2000;
}

void hal_request_restart(void)
{
}

void hal_lcd_show(const struct med2_lcd_frame *frame)
{
    (void)frame;
}
