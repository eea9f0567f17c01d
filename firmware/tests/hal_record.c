/*
 * hal_record.c — recording hal.h for unit tests; see hal_record.h.
 */
#include "hal_record.h"

#include <errno.h>
#include <string.h>

struct hal_record hal_rec;

void hal_record_reset(void)
{
    memset(&hal_rec, 0, sizeof(hal_rec));
    memset(hal_rec.nv, 0xFF, sizeof(hal_rec.nv));
    hal_rec.nv_tear_after = -1;
}

void hal_record_reset_calls(void)
{
    hal_rec.seq = 0;
    hal_rec.n_edges = 0;
    hal_rec.total_edges = 0;
    hal_rec.n_frames = 0;
    hal_rec.total_frames = 0;
    hal_rec.n_configs = 0;
    hal_rec.restarts = 0;
}

void hal_pulse_write(unsigned output, bool active, uint64_t sample_time)
{
    if (hal_rec.n_edges < HAL_RECORD_MAX_EDGES) {
        hal_rec.edges[hal_rec.n_edges++] =
            (struct hal_edge){.output = output, .active = active, .sample_time = sample_time};
    }
    hal_rec.total_edges++;
}

void hal_uart_send(const uint8_t *frame, size_t len)
{
    if (hal_rec.n_frames < HAL_RECORD_MAX_FRAMES) {
        struct hal_frame *f = &hal_rec.frames[hal_rec.n_frames++];
        f->len = len < HAL_RECORD_MAX_FRAME ? len : HAL_RECORD_MAX_FRAME;
        memcpy(f->data, frame, f->len);
        f->seq = ++hal_rec.seq;
    }
    hal_rec.total_frames++;
}

void hal_uart_configure(uint32_t baud, char parity, unsigned stop_bits)
{
    if (hal_rec.n_configs < HAL_RECORD_MAX_CONFIGS) {
        hal_rec.configs[hal_rec.n_configs++] = (struct hal_uart_config){
            .baud = baud, .parity = parity, .stop_bits = stop_bits, .seq = ++hal_rec.seq};
    }
}

int hal_nv_read(uint32_t offset, void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset) {
        return -EINVAL;
    }
    memcpy(buf, &hal_rec.nv[offset], len);
    return 0;
}

int hal_nv_write(uint32_t offset, const void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset) {
        return -EINVAL;
    }
    if (hal_rec.nv_fail_writes) {
        return -EIO;
    }
    if (hal_rec.nv_tear_after >= 0) {
        /* the power went at this byte: the rest of the range keeps its old
         * contents, and the caller never learns (it was cut off) */
        size_t n = (size_t)hal_rec.nv_tear_after < len ? (size_t)hal_rec.nv_tear_after : len;
        memcpy(&hal_rec.nv[offset], buf, n);
        hal_rec.nv_tear_after = -1;
        hal_rec.nv_writes++;
        return 0;
    }
    memcpy(&hal_rec.nv[offset], buf, len);
    hal_rec.nv_writes++;
    return 0;
}

uint32_t hal_rtc_get(void)
{
    return hal_rec.rtc;
}

void hal_rtc_set(uint32_t seconds_since_2000)
{
    hal_rec.rtc = seconds_since_2000;
    hal_rec.rtc_sets++;
}

void hal_request_restart(void)
{
    hal_rec.restarts++;
}

void hal_lcd_show(const struct med2_lcd_frame *frame)
{
    hal_rec.lcd = *frame;
    hal_rec.lcd_shows++;
}
