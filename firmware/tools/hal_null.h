/*
 * hal_null.h — a do-nothing board (hal_null.c) for host tools.
 */
#ifndef MED2_HAL_NULL_H
#define MED2_HAL_NULL_H

#include <stddef.h>
#include <stdint.h>

#include "hal.h"

#define HAL_NULL_TX_MAX 300u /* a Modbus RTU frame is at most 256 bytes */

extern uint8_t hal_null_tx[HAL_NULL_TX_MAX]; /* the last frame sent */
extern size_t hal_null_tx_len;

/* NV erased, nothing sent. */
void hal_null_reset(void);

#endif
