/*
 * hal_record.c — recording hal.h for unit tests; see hal_record.h.
 */
#include "hal_record.h"

#include <string.h>

#include "hal.h"

struct hal_record hal_rec;

void hal_record_reset(void)
{
    memset(&hal_rec, 0, sizeof(hal_rec));
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
    }
    hal_rec.total_frames++;
}
