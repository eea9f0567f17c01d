/*
 * modbus_slave.h — the meter's Modbus RTU slave: framing, functions 03, 06,
 * 10 and 2B/0E, address and quantity checks against the register map, byte
 * order (register 708), exceptions. References: Modbus Application Protocol
 * v1.1b3 (AP), Modbus over Serial Line v1.02 (SL); the register map is
 * med2_regmap.h (manual §5).
 *
 * The caller owns `struct mb_slave` (no heap) and gives it the meter's
 * register values through `struct mb_slave_ops`, one whole value at a time
 * in canonical (big-endian, ABCD) words; the slave applies the configured
 * byte order. So a read that starts or ends in the middle of a float or
 * double still returns words of one consistent value.
 *
 * A write request is checked whole before anything changes: the slave
 * checks addresses and access for every value it covers, then hands the
 * values to write_value one by one (which validates into scratch state)
 * and only then calls write_commit, which applies all of it or, returning
 * an exception, none of it.
 */
#ifndef MED2_MODBUS_SLAVE_H
#define MED2_MODBUS_SLAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mb_codec.h"
#include "med2_regmap.h"

/*
 * Result of handling a request. Positive values ARE the Modbus exception
 * codes that go on the wire (so a handler cannot invent another kind);
 * negative values are framing outcomes that get no reply at all.
 */
enum mb_status {
    MB_OK = 0,
    MB_EX_ILLEGAL_FUNCTION = 1, /* also "wrong state": locked, not supported by the model */
    MB_EX_ILLEGAL_ADDRESS = 2,
    MB_EX_ILLEGAL_VALUE = 3,
    MB_EX_DEVICE_FAILURE = 4,   /* e.g. the NV write of "save" failed */
    MB_ERR_BAD_CRC = -1,        /* CRC mismatch: silently ignored */
    MB_ERR_SHORT_FRAME = -2,    /* too short to be a request: ignored */
    MB_ERR_NOT_FOR_US = -3,     /* another slave's address: ignored */
    MB_ERR_PORT_CLOSED = -4,    /* the port answers nothing (a sealed factory port) */
};

#define MB_ADDRESS_BROADCAST 0u
#define MB_RTU_MAX_ADU 256u        /* SL §2.5.1: 256-byte RTU ADU */
#define MB_MAX_PDU 253u            /* AP §4.1 */
#define MB_READ_MAX_QUANTITY 125u  /* AP §6.3: 1..125 (0x7D) */
#define MB_WRITE_MAX_QUANTITY 123u /* AP §6.12: 1..123 (0x7B) */
#define MB_FC_READ_HOLDING_REGISTERS 0x03u
#define MB_FC_WRITE_SINGLE_REGISTER 0x06u
#define MB_FC_WRITE_MULTIPLE_REGISTERS 0x10u
#define MB_FC_ENCAPSULATED_INTERFACE 0x2Bu
#define MB_MEI_READ_DEVICE_ID 0x0Eu /* AP §6.21 */

/* Read Device Identification (AP §6.21): read codes and conformity. */
#define MB_DEVID_BASIC 0x01u
#define MB_DEVID_REGULAR 0x02u
#define MB_DEVID_EXTENDED 0x03u
#define MB_DEVID_INDIVIDUAL 0x04u
/* Extended identification, stream and individual access. */
#define MB_DEVID_CONFORMITY 0x83u

struct mb_devid_object {
    uint8_t id;        /* 0x00 VendorName, 0x01 ProductCode, 0x02 MajorMinorRevision, ... */
    const char *value; /* owned by the caller, lives as long as the slave */
};

struct mb_slave_ops {
    /* A request addressed to us starts: snapshot what must be consistent
     * across its values (the clock), reset write scratch. */
    void (*begin)(void *ctx);
    /* Canonical words of value `id` (MED2_REG_WORDS of its type). */
    enum mb_status (*read)(void *ctx, enum med2_reg_id id, uint16_t *words);
    /* Validate one value of a write into scratch; change nothing yet. */
    enum mb_status (*write_value)(void *ctx, enum med2_reg_id id, const uint16_t *words);
    /* All values passed: check what spans values, then apply all of it. */
    enum mb_status (*write_commit)(void *ctx);
    /* After the reply went out (or would have, for a broadcast): what must
     * wait for it, such as new line settings or a restart. */
    void (*end)(void *ctx);
    /* A private block of registers outside the public map (the factory
     * block, docs/factory.md): a request whose start lies in it is handed
     * over whole, as big-endian words, whatever register 708 says. NULL
     * `block_read` means no such block. */
    uint32_t block_first, block_end; /* [first, end) */
    enum mb_status (*block_read)(void *ctx, uint32_t start, uint32_t quantity, uint16_t *words);
    enum mb_status (*block_write)(void *ctx, uint32_t start, uint32_t quantity, const uint16_t *words);
};

struct mb_slave {
    uint8_t address;     /* 1..247; default 1 (manual §5, register 700) */
    enum med2_map map;   /* which of the manual's tables this model answers */
    enum mb_endian endian; /* register 708 as applied */
    bool block_only;     /* a factory test port: the block alone, the public map 02, 2B 01 */
    bool closed;         /* answers nothing at all (a sealed factory test port) */
    const struct mb_slave_ops *ops;
    void *ctx;
    const struct mb_devid_object *devid;
    size_t devid_count;  /* ascending ids */
    /* frame being received */
    uint8_t rx[MB_RTU_MAX_ADU];
    size_t rx_len;
    bool rx_overrun;     /* more than an ADU before the silence: drop it */
    uint8_t tx[MB_RTU_MAX_ADU];
    enum mb_status last_status; /* of the last complete frame, for tests/diagnostics */
};

void mb_slave_init(struct mb_slave *s, uint8_t address, enum med2_map map,
                   const struct mb_slave_ops *ops, void *ctx);

/* The objects of Read Device Identification, in ascending id order. */
void mb_slave_set_device_id(struct mb_slave *s, const struct mb_devid_object *objects, size_t count);

/* Bytes from the line, in order. A frame whose length is implied by its
 * function code (03, 06: 8 bytes; 10: 9 + byte count; 2B/0E: 7) is handled
 * as soon as it is complete. */
void mb_slave_on_rx(struct mb_slave *s, const uint8_t *data, size_t n);

/* >= 3.5 character times of silence: the frame ends here. A frame of a
 * known length that is still incomplete is discarded; any other is handled. */
void mb_slave_on_idle(struct mb_slave *s);

/* Handle one complete RTU ADU (address, PDU, CRC low, CRC high) and send
 * the reply, if any. Returns what happened. */
enum mb_status mb_handle_frame(struct mb_slave *s, const uint8_t *frame, size_t len);

#endif /* MED2_MODBUS_SLAVE_H */
