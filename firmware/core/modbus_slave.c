/*
 * modbus_slave.c — Modbus RTU slave; see modbus_slave.h.
 */
#include "modbus_slave.h"

#include "crc16.h"
#include "hal.h"

#define MB_MIN_ADU 4u           /* address + function + CRC */
#define MB_READ_REQUEST_ADU 8u  /* address, 03, start(2), quantity(2), CRC(2) */
#define MB_EXCEPTION_FLAG 0x80u /* Application Protocol §7: function | 0x80 */

static const struct med2_reg_info reg_table[MED2_REG_COUNT] = MED2_REG_INFO_TABLE;

void mb_slave_init(struct mb_slave *s, uint8_t address, mb_read_value_fn read_value, void *ctx)
{
    s->address = address;
    s->read_value = read_value;
    s->ctx = ctx;
    s->rx_len = 0;
    s->rx_overrun = false;
    s->last_status = MB_OK;
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* Length of a request ADU of this function, or 0 if only the silence tells. */
static size_t request_length(uint8_t function)
{
    return function == MB_FC_READ_HOLDING_REGISTERS ? MB_READ_REQUEST_ADU : 0u;
}

static void send_with_crc(struct mb_slave *s, size_t len)
{
    uint16_t crc = crc16_modbus(s->tx, len);
    s->tx[len] = (uint8_t)(crc & 0xFFu); /* low byte first on the wire */
    s->tx[len + 1] = (uint8_t)(crc >> 8);
    hal_uart_send(s->tx, len + 2);
}

/* The map entry that holds register `reg`, or NULL. The map is small and
 * read once per value, so a linear scan is the simplest correct thing. */
static const struct med2_reg_info *find_register(uint32_t reg)
{
    for (unsigned k = 0; k < MED2_REG_COUNT; k++) {
        const struct med2_reg_info *r = &reg_table[k];
        if (reg >= r->address && reg < r->address + MED2_REG_WORDS(r->type)) {
            return r;
        }
    }
    return NULL;
}

/* Function 03. Fills s->tx from byte 2 on; returns the PDU status and the
 * number of bytes after the function code. */
static enum mb_status read_holding(struct mb_slave *s, const uint8_t *pdu_data, size_t data_len,
                                   size_t *reply_len)
{
    if (data_len != 4u) {
        return MB_EX_ILLEGAL_VALUE;
    }
    uint32_t start = get_u16(pdu_data);
    uint32_t quantity = get_u16(pdu_data + 2);
    if (quantity < 1u || quantity > MB_READ_MAX_QUANTITY) {
        return MB_EX_ILLEGAL_VALUE;
    }
    uint32_t end = start + quantity;
    if (end > 0x10000u) {
        return MB_EX_ILLEGAL_ADDRESS;
    }
    uint8_t *out = &s->tx[3];
    uint32_t reg = start;
    while (reg < end) {
        const struct med2_reg_info *r = find_register(reg);
        if (r == NULL || !(r->access & MED2_A_R)) {
            return MB_EX_ILLEGAL_ADDRESS;
        }
        uint16_t words[4];
        enum mb_status st = s->read_value(s->ctx, (enum med2_reg_id)(r - reg_table), words);
        if (st != MB_OK) {
            return st;
        }
        uint32_t value_end = r->address + MED2_REG_WORDS(r->type);
        for (; reg < end && reg < value_end; reg++) {
            uint16_t w = words[reg - r->address];
            *out++ = (uint8_t)(w >> 8);
            *out++ = (uint8_t)w;
        }
    }
    s->tx[2] = (uint8_t)(quantity * 2u);
    *reply_len = 1u + quantity * 2u;
    return MB_OK;
}

enum mb_status mb_handle_frame(struct mb_slave *s, const uint8_t *frame, size_t len)
{
    enum mb_status st;
    if (len < MB_MIN_ADU || len > MB_RTU_MAX_ADU) {
        st = MB_ERR_SHORT_FRAME;
        goto done;
    }
    uint16_t crc = crc16_modbus(frame, len - 2);
    if (frame[len - 2] != (uint8_t)(crc & 0xFFu) || frame[len - 1] != (uint8_t)(crc >> 8)) {
        st = MB_ERR_BAD_CRC;
        goto done;
    }
    uint8_t address = frame[0];
    if (address != s->address && address != MB_ADDRESS_BROADCAST) {
        st = MB_ERR_NOT_FOR_US;
        goto done;
    }
    uint8_t function = frame[1];
    size_t data_len = len - MB_MIN_ADU;
    size_t reply_len = 0;
    switch (function) {
    case MB_FC_READ_HOLDING_REGISTERS:
        st = read_holding(s, &frame[2], data_len, &reply_len);
        break;
    default:
        st = MB_EX_ILLEGAL_FUNCTION;
        break;
    }
    /* Serial Line v1.02 §2.1: a broadcast request is never answered. */
    if (address == MB_ADDRESS_BROADCAST) {
        goto done;
    }
    s->tx[0] = s->address;
    if (st == MB_OK) {
        s->tx[1] = function;
        send_with_crc(s, 2u + reply_len);
    } else {
        s->tx[1] = (uint8_t)(function | MB_EXCEPTION_FLAG);
        s->tx[2] = (uint8_t)st;
        send_with_crc(s, 3u);
    }
done:
    s->last_status = st;
    return st;
}

void mb_slave_on_rx(struct mb_slave *s, const uint8_t *data, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (s->rx_overrun) {
            continue; /* wait for the silence that ends this garbage */
        }
        if (s->rx_len == MB_RTU_MAX_ADU) {
            s->rx_overrun = true;
            s->rx_len = 0;
            continue;
        }
        s->rx[s->rx_len++] = data[k];
        if (s->rx_len >= 2u && s->rx_len == request_length(s->rx[1])) {
            mb_handle_frame(s, s->rx, s->rx_len);
            s->rx_len = 0;
        }
    }
}

void mb_slave_on_idle(struct mb_slave *s)
{
    /* A known-length frame still incomplete at the silence is truncated:
     * drop it (no reply), so the next request starts clean. */
    bool truncated = s->rx_len >= 2u && request_length(s->rx[1]) != 0u;
    if (!s->rx_overrun && !truncated && s->rx_len > 0u) {
        mb_handle_frame(s, s->rx, s->rx_len);
    }
    s->rx_len = 0;
    s->rx_overrun = false;
}
