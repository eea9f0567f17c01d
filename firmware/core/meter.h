/*
 * meter.h — the meter: what a board calls.
 *
 * The board owns `struct meter` (e.g. `static struct meter m;`), calls
 * meter_init() once at power-up and then the entry points as things happen.
 * None of them blocks; the core answers through hal.h only.
 */
#ifndef MED2_METER_H
#define MED2_METER_H

#include <stddef.h>
#include <stdint.h>

#include "energy.h"
#include "metrology.h"
#include "model.h"
#include "modbus_slave.h"
#include "pulse.h"

struct meter_identity {
    enum med2_model model;
    uint32_t serial;
};

struct meter {
    struct meter_identity id;
    const struct med2_model_info *info;
    uint64_t sample_time;     /* samples since meter_init (hal_pulse_write's clock) */
    uint64_t uptime_ms;       /* sum of meter_on_tick's elapsed_ms */
    struct metrology metrology;
    struct energy energy;
    struct pulse pulse1;      /* fixed: 1 Wh, 100 ms */
    struct mb_slave modbus;
};

void meter_init(struct meter *m, const struct meter_identity *id);

/* A block of simultaneous V and I ADC codes, n samples (any n >= 1). */
void meter_on_samples(struct meter *m, const int32_t *v, const int32_t *i, size_t n);

/* Bytes received on the RS485 UART, in order. */
void meter_on_uart_rx(struct meter *m, const uint8_t *data, size_t n);

/* The line has been silent for >= 3.5 character times: a frame ends here. */
void meter_on_uart_idle(struct meter *m);

/* Periodic tick for timers; elapsed_ms since the previous call. */
void meter_on_tick(struct meter *m, uint32_t elapsed_ms);

/* Read-only view of the latest published measurements (for tests/boards). */
const struct metrology_values *meter_values(const struct meter *m);

/* Total import active energy register, mWh. */
uint64_t meter_import_active_mwh(const struct meter *m);

#endif /* MED2_METER_H */
