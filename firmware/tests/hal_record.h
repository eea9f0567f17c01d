/*
 * hal_record.h — the hal.h services for unit tests: every call is recorded
 * so a test can assert on exactly what the core drove and sent, in order;
 * NV memory is a RAM array a test can inspect, corrupt or make fail, and
 * the RTC a settable count.
 */
#ifndef MED2_TEST_HAL_RECORD_H
#define MED2_TEST_HAL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define HAL_RECORD_MAX_EDGES 8192u
#define HAL_RECORD_MAX_FRAMES 16u
#define HAL_RECORD_MAX_FRAME 256u
#define HAL_RECORD_MAX_CONFIGS 16u

struct hal_edge {
    unsigned output;
    bool active;
    uint64_t sample_time;
};

struct hal_frame {
    uint8_t data[HAL_RECORD_MAX_FRAME];
    size_t len;
    uint64_t seq; /* order among all recorded calls */
};

struct hal_uart_config {
    uint32_t baud;
    char parity;
    unsigned stop_bits;
    uint64_t seq;
};

struct hal_record {
    uint64_t seq;          /* calls recorded so far (frames, configs) */
    struct hal_edge edges[HAL_RECORD_MAX_EDGES];
    size_t n_edges;        /* recorded (capped at HAL_RECORD_MAX_EDGES) */
    uint64_t total_edges;  /* all edges, including those past the cap */
    struct hal_frame frames[HAL_RECORD_MAX_FRAMES];
    size_t n_frames;       /* recorded (capped) */
    uint64_t total_frames;
    struct hal_uart_config configs[HAL_RECORD_MAX_CONFIGS];
    size_t n_configs;
    /* NV memory: survives hal_record_reset_calls(), starts erased (0xFF) */
    uint8_t nv[HAL_NV_SIZE];
    unsigned nv_writes;
    bool nv_fail_writes;      /* hal_nv_write returns -EIO, writes nothing */
    long nv_tear_after;       /* >= 0: the next write stops after this many bytes */
    /* RTC: seconds since 2000 */
    uint32_t rtc;
    unsigned rtc_sets;
    unsigned restarts;        /* hal_request_restart calls */
    struct med2_lcd_frame lcd; /* the last frame hal_lcd_show was given */
    unsigned lcd_shows;        /* hal_lcd_show calls */
};

extern struct hal_record hal_rec;

/* Everything back to power-on: no calls, NV erased, RTC at 0. */
void hal_record_reset(void);

/* Forget the recorded calls only; NV and the RTC stay (a reset of the MCU). */
void hal_record_reset_calls(void);

#endif /* MED2_TEST_HAL_RECORD_H */
