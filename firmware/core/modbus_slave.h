/*
 * modbus_slave.h — the meter's Modbus RTU slave: framing, function 03,
 * exceptions. Reference: Modbus Application Protocol v1.1b3, Modbus over
 * Serial Line v1.02; the register map is med2_regmap.h (manual §5).
 *
 * The caller owns `struct mb_slave` (no heap). Register values come from the
 * caller through a callback, one whole value at a time, so a read that
 * starts or ends in the middle of a float/double still returns words of one
 * consistent snapshot of that value. Replies go out with hal_uart_send(),
 * once per request that deserves one.
 */
#ifndef MED2_MODBUS_SLAVE_H
#define MED2_MODBUS_SLAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "med2_regmap.h"

/*
 * Result of handling a request. Positive values ARE the Modbus exception
 * codes that go on the wire (so a handler cannot invent another kind);
 * negative values are framing outcomes that get no reply at all.
 */
enum mb_status {
    MB_OK = 0,
    MB_EX_ILLEGAL_FUNCTION = 1,
    MB_EX_ILLEGAL_ADDRESS = 2,
    MB_EX_ILLEGAL_VALUE = 3,
    MB_ERR_BAD_CRC = -1,     /* CRC mismatch: silently ignored */
    MB_ERR_SHORT_FRAME = -2, /* too short to be a request: ignored */
    MB_ERR_NOT_FOR_US = -3,  /* another slave's address: ignored */
};

#define MB_ADDRESS_BROADCAST 0u
#define MB_RTU_MAX_ADU 256u       /* Serial Line v1.02 §2.5.1: 256-byte RTU ADU */
#define MB_READ_MAX_QUANTITY 125u /* Application Protocol §6.3: 1..125 (0x7D) */
#define MB_FC_READ_HOLDING_REGISTERS 0x03u

/*
 * Put the words of value `id` (MED2_REG_WORDS of its type, in register
 * order, already in the configured byte order) into `words`.
 * Return MB_OK, or an exception code to send instead.
 */
typedef enum mb_status (*mb_read_value_fn)(void *ctx, enum med2_reg_id id, uint16_t *words);

struct mb_slave {
    uint8_t address;              /* 1..247; default 1 (manual §5, register 700) */
    mb_read_value_fn read_value;
    void *ctx;
    /* frame being received */
    uint8_t rx[MB_RTU_MAX_ADU];
    size_t rx_len;
    bool rx_overrun;              /* more than an ADU before the silence: drop it */
    uint8_t tx[MB_RTU_MAX_ADU];
    enum mb_status last_status;   /* of the last complete frame, for tests/diagnostics */
};

void mb_slave_init(struct mb_slave *s, uint8_t address, mb_read_value_fn read_value, void *ctx);

/* Bytes from the line, in order. A frame whose length is implied by its
 * function code (03: 8 bytes) is handled as soon as it is complete. */
void mb_slave_on_rx(struct mb_slave *s, const uint8_t *data, size_t n);

/* >= 3.5 character times of silence: the frame ends here. A frame of a
 * known length that is still incomplete is discarded; any other is handled. */
void mb_slave_on_idle(struct mb_slave *s);

/* Handle one complete RTU ADU (address, PDU, CRC low, CRC high) and send
 * the reply, if any. Returns what happened. */
enum mb_status mb_handle_frame(struct mb_slave *s, const uint8_t *frame, size_t len);

#endif /* MED2_MODBUS_SLAVE_H */
