/*
 * modbus_slave.c — Modbus RTU slave; see modbus_slave.h.
 */
#include "modbus_slave.h"

#include <string.h>

#include "crc16.h"
#include "hal.h"
#include "regmap.h"

#define MB_MIN_ADU 4u               /* address + function + CRC */
#define MB_FIXED_REQUEST_ADU 8u     /* 03 and 06: address, fc, 2 x 2 bytes, CRC */
#define MB_WRITE_MULTIPLE_HEADER 7u /* address, 10, start(2), quantity(2), byte count */
#define MB_DEVID_REQUEST_ADU 7u     /* address, 2B, 0E, read code, object id, CRC */
#define MB_DEVID_REPLY_HEADER 7u    /* PDU: 2B 0E code conformity more next count */
#define MB_DEVID_MORE_FOLLOWS 0xFFu
#define MB_DEVID_LAST_BASIC 0x02u   /* AP §6.21: basic 00..02, regular 03..7F, extended 80..FF */
#define MB_DEVID_LAST_REGULAR 0x7Fu
#define MB_DEVID_LAST_EXTENDED 0xFFu
#define MB_EXCEPTION_FLAG 0x80u     /* AP §7: function | 0x80 */
#define MB_REGISTER_SPACE 0x10000u  /* 16-bit register addresses */

/* request_length(): the silence ends this frame / more bytes needed first. */
#define LEN_BY_SILENCE 0u
#define LEN_PENDING ((size_t)-1)

void mb_slave_init(struct mb_slave *s, uint8_t address, enum med2_map map,
                   const struct mb_slave_ops *ops, void *ctx)
{
    memset(s, 0, sizeof(*s));
    s->address = address;
    s->map = map;
    s->endian = MB_ENDIAN_BE;
    s->ops = ops;
    s->ctx = ctx;
    s->last_status = MB_OK;
}

void mb_slave_set_device_id(struct mb_slave *s, const struct mb_devid_object *objects, size_t count)
{
    s->devid = objects;
    s->devid_count = count;
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Length of the request ADU in rx[0..len), as far as its first bytes tell. */
static size_t request_length(const uint8_t *rx, size_t len)
{
    switch (rx[1]) {
    case MB_FC_READ_HOLDING_REGISTERS:
    case MB_FC_WRITE_SINGLE_REGISTER:
        return MB_FIXED_REQUEST_ADU;
    case MB_FC_WRITE_MULTIPLE_REGISTERS:
        return len < MB_WRITE_MULTIPLE_HEADER ? LEN_PENDING : MB_WRITE_MULTIPLE_HEADER + rx[6] + 2u;
    case MB_FC_ENCAPSULATED_INTERFACE:
        if (len < 3u) {
            return LEN_PENDING;
        }
        return rx[2] == MB_MEI_READ_DEVICE_ID ? MB_DEVID_REQUEST_ADU : LEN_BY_SILENCE;
    default:
        return LEN_BY_SILENCE;
    }
}

static void send_with_crc(struct mb_slave *s, size_t len)
{
    uint16_t crc = crc16_modbus(s->tx, len);
    s->tx[len] = (uint8_t)(crc & 0xFFu); /* low byte first on the wire */
    s->tx[len + 1] = (uint8_t)(crc >> 8);
    hal_uart_send(s->tx, len + 2);
}

/* Whether values of this type follow register 708 (chars and single
 * registers never do: docs/modbus.md, manual §5 password example). */
static bool follows_endian(enum med2_reg_type t)
{
    return t == MED2_T_U32 || t == MED2_T_FLOAT || t == MED2_T_DOUBLE;
}

static bool in_block(const struct mb_slave *s, uint32_t start)
{
    return s->ops->block_read != NULL && start >= s->ops->block_first && start < s->ops->block_end;
}

/* Function 03 (AP §6.3). Fills s->tx from byte 2 on; *reply_len counts the
 * bytes after the function code. */
static enum mb_status read_holding(struct mb_slave *s, const uint8_t *d, size_t data_len,
                                   size_t *reply_len)
{
    if (data_len != 4u) {
        return MB_EX_ILLEGAL_VALUE;
    }
    uint32_t start = get_u16(d);
    uint32_t quantity = get_u16(d + 2);
    if (quantity < 1u || quantity > MB_READ_MAX_QUANTITY) {
        return MB_EX_ILLEGAL_VALUE;
    }
    uint32_t end = start + quantity;
    if (end > MB_REGISTER_SPACE) {
        return MB_EX_ILLEGAL_ADDRESS;
    }
    uint8_t *out = &s->tx[3];
    if (in_block(s, start)) {
        uint16_t words[MB_READ_MAX_QUANTITY];
        if (end > s->ops->block_end) {
            return MB_EX_ILLEGAL_ADDRESS;
        }
        enum mb_status st = s->ops->block_read(s->ctx, start, quantity, words);
        if (st != MB_OK) {
            return st;
        }
        for (uint32_t k = 0; k < quantity; k++) {
            put_u16(out + 2u * k, words[k]);
        }
        s->tx[2] = (uint8_t)(quantity * 2u);
        *reply_len = 1u + quantity * 2u;
        return MB_OK;
    }
    if (s->block_only) {
        return MB_EX_ILLEGAL_ADDRESS;
    }
    uint32_t reg = start;
    int id = regmap_find(s->map, reg);
    while (reg < end) {
        if (id == REGMAP_NONE) {
            return MB_EX_ILLEGAL_ADDRESS;
        }
        const struct med2_reg_info *r = regmap_info((enum med2_reg_id)id);
        uint32_t a = r->address[s->map];
        unsigned n = MED2_REG_WORDS(r->type);
        if (reg < a || !(r->access & MED2_A_R)) {
            return MB_EX_ILLEGAL_ADDRESS; /* a gap, or a write-only command */
        }
        uint16_t words[4];
        enum mb_status st = s->ops->read(s->ctx, (enum med2_reg_id)id, words);
        if (st != MB_OK) {
            return st;
        }
        if (follows_endian(r->type)) {
            mb_words_endian(words, n, s->endian);
        }
        for (; reg < end && reg < a + n; reg++) {
            put_u16(out, words[reg - a]);
            out += 2;
        }
        id = regmap_next(s->map, (enum med2_reg_id)id);
    }
    s->tx[2] = (uint8_t)(quantity * 2u);
    *reply_len = 1u + quantity * 2u;
    return MB_OK;
}

/* Write `quantity` registers from `start`, big-endian words at `bytes`.
 * Every covered value must be mapped, writable and covered whole (else 02)
 * before any value is looked at; then all values are validated before
 * write_commit applies them, so a refused request changes nothing. */
static enum mb_status write_registers(struct mb_slave *s, uint32_t start, uint32_t quantity,
                                      const uint8_t *bytes)
{
    uint32_t end = start + quantity;
    if (end > MB_REGISTER_SPACE) {
        return MB_EX_ILLEGAL_ADDRESS;
    }
    if (in_block(s, start)) {
        uint16_t words[MB_WRITE_MAX_QUANTITY];
        if (end > s->ops->block_end) {
            return MB_EX_ILLEGAL_ADDRESS;
        }
        for (uint32_t k = 0; k < quantity; k++) {
            words[k] = get_u16(bytes + 2u * k);
        }
        return s->ops->block_write(s->ctx, start, quantity, words);
    }
    if (s->block_only) {
        return MB_EX_ILLEGAL_ADDRESS;
    }
    int first = regmap_find(s->map, start);
    uint32_t reg = start;
    for (int id = first; reg < end; id = regmap_next(s->map, (enum med2_reg_id)id)) {
        if (id == REGMAP_NONE) {
            return MB_EX_ILLEGAL_ADDRESS;
        }
        const struct med2_reg_info *r = regmap_info((enum med2_reg_id)id);
        uint32_t a = r->address[s->map];
        uint32_t n = MED2_REG_WORDS(r->type);
        if (reg != a || !(r->access & MED2_A_W) || a + n > end) {
            /* a gap, read-only, or only part of a multi-register value */
            return MB_EX_ILLEGAL_ADDRESS;
        }
        reg = a + n;
    }
    reg = start;
    for (int id = first; reg < end; id = regmap_next(s->map, (enum med2_reg_id)id)) {
        const struct med2_reg_info *r = regmap_info((enum med2_reg_id)id);
        unsigned n = MED2_REG_WORDS(r->type);
        uint16_t words[4];
        for (unsigned k = 0; k < n; k++) {
            words[k] = get_u16(bytes + 2u * (reg - start + k));
        }
        if (follows_endian(r->type)) {
            mb_words_endian(words, n, s->endian);
        }
        enum mb_status st = s->ops->write_value(s->ctx, (enum med2_reg_id)id, words);
        if (st != MB_OK) {
            return st;
        }
        reg += n;
    }
    return s->ops->write_commit(s->ctx);
}

/* Function 06 (AP §6.6): the reply echoes the request. */
static enum mb_status write_single(struct mb_slave *s, const uint8_t *d, size_t data_len,
                                   size_t *reply_len)
{
    if (data_len != 4u) {
        return MB_EX_ILLEGAL_VALUE;
    }
    enum mb_status st = write_registers(s, get_u16(d), 1u, d + 2);
    if (st == MB_OK) {
        memcpy(&s->tx[2], d, 4);
        *reply_len = 4;
    }
    return st;
}

/* Function 10 (AP §6.12): the reply carries start and quantity. */
static enum mb_status write_multiple(struct mb_slave *s, const uint8_t *d, size_t data_len,
                                     size_t *reply_len)
{
    if (data_len < 5u) {
        return MB_EX_ILLEGAL_VALUE;
    }
    uint32_t quantity = get_u16(d + 2);
    uint32_t byte_count = d[4];
    if (quantity < 1u || quantity > MB_WRITE_MAX_QUANTITY || byte_count != 2u * quantity ||
        data_len != 5u + byte_count) {
        return MB_EX_ILLEGAL_VALUE;
    }
    enum mb_status st = write_registers(s, get_u16(d), quantity, d + 5);
    if (st == MB_OK) {
        memcpy(&s->tx[2], d, 4);
        *reply_len = 4;
    }
    return st;
}

static size_t devid_index(const struct mb_slave *s, uint8_t object_id)
{
    for (size_t k = 0; k < s->devid_count; k++) {
        if (s->devid[k].id == object_id) {
            return k;
        }
    }
    return s->devid_count;
}

/* Bytes of one object's value that go out: at most what a reply holding it
 * alone can carry, so every object can be read. */
static size_t devid_value_len(const struct mb_devid_object *o)
{
    size_t len = strlen(o->value);
    size_t cap = MB_MAX_PDU - MB_DEVID_REPLY_HEADER - 2u;
    return len < cap ? len : cap;
}

/* Function 2B / MEI 0E, Read Device Identification (AP §6.21). */
static enum mb_status read_device_id(struct mb_slave *s, const uint8_t *d, size_t data_len,
                                     size_t *reply_len)
{
    if (s->block_only || data_len < 1u || d[0] != MB_MEI_READ_DEVICE_ID) {
        return MB_EX_ILLEGAL_FUNCTION; /* other MEI types are not served */
    }
    if (data_len != 3u) {
        return MB_EX_ILLEGAL_VALUE;
    }
    uint8_t code = d[1];
    uint8_t object_id = d[2];
    size_t first = devid_index(s, object_id);
    size_t last; /* exclusive */
    uint8_t last_id;
    switch (code) {
    case MB_DEVID_BASIC: last_id = MB_DEVID_LAST_BASIC; break;
    case MB_DEVID_REGULAR: last_id = MB_DEVID_LAST_REGULAR; break;
    case MB_DEVID_EXTENDED: last_id = MB_DEVID_LAST_EXTENDED; break;
    case MB_DEVID_INDIVIDUAL:
        if (first == s->devid_count) {
            return MB_EX_ILLEGAL_ADDRESS; /* AP §6.21: unknown object, individual access */
        }
        last_id = object_id;
        break;
    default: return MB_EX_ILLEGAL_VALUE;
    }
    if (first == s->devid_count || object_id > last_id) {
        first = 0; /* AP §6.21: an unknown object in a stream restarts at the beginning */
    }
    for (last = first; last < s->devid_count && s->devid[last].id <= last_id; last++) {
    }
    uint8_t *p = &s->tx[1];
    p[0] = MB_FC_ENCAPSULATED_INTERFACE;
    p[1] = MB_MEI_READ_DEVICE_ID;
    p[2] = code;
    p[3] = MB_DEVID_CONFORMITY;
    p[4] = 0x00; /* more follows */
    p[5] = 0x00; /* next object id */
    size_t pdu = MB_DEVID_REPLY_HEADER;
    uint8_t count = 0;
    for (size_t k = first; k < last; k++) {
        size_t len = devid_value_len(&s->devid[k]);
        if (pdu + 2u + len > MB_MAX_PDU) {
            p[4] = MB_DEVID_MORE_FOLLOWS;
            p[5] = s->devid[k].id;
            break;
        }
        p[pdu] = s->devid[k].id;
        p[pdu + 1] = (uint8_t)len;
        memcpy(&p[pdu + 2], s->devid[k].value, len);
        pdu += 2u + len;
        count++;
    }
    p[6] = count;
    *reply_len = pdu - 1u; /* bytes after the function code */
    return MB_OK;
}

enum mb_status mb_handle_frame(struct mb_slave *s, const uint8_t *frame, size_t len)
{
    enum mb_status st;
    if (len < MB_MIN_ADU || len > MB_RTU_MAX_ADU) {
        st = MB_ERR_SHORT_FRAME;
        goto done;
    }
    if (s->closed) {
        st = MB_ERR_PORT_CLOSED;
        goto done;
    }
    uint16_t crc = crc16_modbus(frame, len - 2);
    if (frame[len - 2] != (uint8_t)(crc & 0xFFu) || frame[len - 1] != (uint8_t)(crc >> 8)) {
        st = MB_ERR_BAD_CRC;
        goto done;
    }
    uint8_t address = frame[0];
    bool broadcast = address == MB_ADDRESS_BROADCAST;
    if (address != s->address && !broadcast) {
        st = MB_ERR_NOT_FOR_US;
        goto done;
    }
    uint8_t function = frame[1];
    const uint8_t *data = &frame[2];
    size_t data_len = len - MB_MIN_ADU;
    size_t reply_len = 0;
    /* SL §2.1: broadcasts are for writing; a broadcast read has nobody to
     * answer to, so it is not even executed. */
    if (broadcast && (function == MB_FC_READ_HOLDING_REGISTERS ||
                      function == MB_FC_ENCAPSULATED_INTERFACE)) {
        st = MB_OK;
        goto done;
    }
    s->ops->begin(s->ctx);
    switch (function) {
    case MB_FC_READ_HOLDING_REGISTERS: st = read_holding(s, data, data_len, &reply_len); break;
    case MB_FC_WRITE_SINGLE_REGISTER: st = write_single(s, data, data_len, &reply_len); break;
    case MB_FC_WRITE_MULTIPLE_REGISTERS: st = write_multiple(s, data, data_len, &reply_len); break;
    case MB_FC_ENCAPSULATED_INTERFACE: st = read_device_id(s, data, data_len, &reply_len); break;
    default: st = MB_EX_ILLEGAL_FUNCTION; break;
    }
    /* SL §2.1: a broadcast request is never answered. */
    if (!broadcast) {
        s->tx[0] = s->address;
        if (st == MB_OK) {
            s->tx[1] = function;
            send_with_crc(s, 2u + reply_len);
        } else {
            s->tx[1] = (uint8_t)(function | MB_EXCEPTION_FLAG);
            s->tx[2] = (uint8_t)st;
            send_with_crc(s, 3u);
        }
    }
    s->ops->end(s->ctx);
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
        if (s->rx_len >= 2u && s->rx_len == request_length(s->rx, s->rx_len)) {
            mb_handle_frame(s, s->rx, s->rx_len);
            s->rx_len = 0;
        }
    }
}

void mb_slave_on_idle(struct mb_slave *s)
{
    /* A known-length frame still incomplete at the silence is truncated:
     * drop it (no reply), so the next request starts clean. */
    bool truncated = s->rx_len >= 2u && request_length(s->rx, s->rx_len) != LEN_BY_SILENCE;
    if (!s->rx_overrun && !truncated && s->rx_len > 0u) {
        mb_handle_frame(s, s->rx, s->rx_len);
    }
    s->rx_len = 0;
    s->rx_overrun = false;
}
