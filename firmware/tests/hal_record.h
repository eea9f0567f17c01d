/*
 * hal_record.h — the hal.h services for unit tests: every call is recorded
 * so a test can assert on exactly what the core drove and sent.
 */
#ifndef MED2_TEST_HAL_RECORD_H
#define MED2_TEST_HAL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HAL_RECORD_MAX_EDGES 8192u
#define HAL_RECORD_MAX_FRAMES 16u
#define HAL_RECORD_MAX_FRAME 256u

struct hal_edge {
    unsigned output;
    bool active;
    uint64_t sample_time;
};

struct hal_frame {
    uint8_t data[HAL_RECORD_MAX_FRAME];
    size_t len;
};

struct hal_record {
    struct hal_edge edges[HAL_RECORD_MAX_EDGES];
    size_t n_edges;        /* recorded (capped at HAL_RECORD_MAX_EDGES) */
    uint64_t total_edges;  /* all edges, including those past the cap */
    struct hal_frame frames[HAL_RECORD_MAX_FRAMES];
    size_t n_frames;       /* recorded (capped) */
    uint64_t total_frames;
};

extern struct hal_record hal_rec;

void hal_record_reset(void);

#endif /* MED2_TEST_HAL_RECORD_H */
