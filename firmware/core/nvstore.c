/*
 * nvstore.c — double-buffered, CRC-checked NV records; see nvstore.h.
 */
#include "nvstore.h"

#include <errno.h>
#include <string.h>

#include "crc32.h"

/* "MED2" in ASCII: a copy that does not start with it was never written by
 * us. The record kind and the payload length follow, so a copy of one
 * record can never be taken for another. */
#define NVSTORE_MAGIC 0x4D454432u
#define ERASED_BYTE 0xFFu /* flash/EEPROM erased state */

struct nvstore_header {
    uint32_t magic;
    uint16_t kind;
    uint16_t len;
    uint32_t seq;
    uint32_t crc; /* CRC-32 of the header with crc = 0, then the payload */
};
_Static_assert(sizeof(struct nvstore_header) == NVSTORE_HEADER_SIZE, "header layout");

enum copy_state { COPY_VALID, COPY_BLANK, COPY_BAD, COPY_IO_ERROR };

void nvstore_init(struct nvstore *nv)
{
    memset(nv, 0, sizeof(*nv));
    for (unsigned r = 0; r < NVSTORE_RECORD_COUNT; r++) {
        nv->status[r] = NVSTORE_BLANK;
    }
}

static uint32_t record_crc(const struct nvstore_header *h, const uint8_t *payload)
{
    struct nvstore_header z = *h;
    z.crc = 0;
    uint32_t crc = crc32_update(CRC32_INIT, &z, sizeof(z));
    return crc32_final(crc32_update(crc, payload, h->len));
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t b)
{
    for (size_t k = 0; k < n; k++) {
        if (p[k] != b) {
            return false;
        }
    }
    return true;
}

/* Read copy `c` of record `r` into nv->buf and judge it. */
static enum copy_state read_copy(struct nvstore *nv, enum nvstore_record r, unsigned c, size_t len,
                                 uint32_t *seq)
{
    if (hal_nv_read(nvstore_slot_offset(r, c), nv->buf, NVSTORE_HEADER_SIZE + len) != 0) {
        return COPY_IO_ERROR;
    }
    struct nvstore_header h;
    memcpy(&h, nv->buf, sizeof(h));
    /* A header never written reads as erased flash (0xFF) or, on a fresh
     * file or RAM, zeros: blank, not corrupt. */
    if (all_bytes(nv->buf, NVSTORE_HEADER_SIZE, ERASED_BYTE) || all_bytes(nv->buf, NVSTORE_HEADER_SIZE, 0u)) {
        return COPY_BLANK;
    }
    if (h.magic != NVSTORE_MAGIC || h.kind != (uint16_t)r || h.len != len ||
        h.crc != record_crc(&h, nv->buf + NVSTORE_HEADER_SIZE)) {
        return COPY_BAD;
    }
    *seq = h.seq;
    return COPY_VALID;
}

/* Sequence numbers wrap; a is newer than b if it is less than half the
 * number space ahead (serial-number arithmetic, RFC 1982). */
static bool seq_newer(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

enum nvstore_status nvstore_load(struct nvstore *nv, enum nvstore_record r, void *data, size_t len)
{
    enum nvstore_status st;
    if (len > NVSTORE_MAX_PAYLOAD) {
        st = NVSTORE_CORRUPT;
        goto done;
    }
    enum copy_state state[NVSTORE_COPIES];
    uint32_t seq[NVSTORE_COPIES] = {0, 0};
    for (unsigned c = 0; c < NVSTORE_COPIES; c++) {
        state[c] = read_copy(nv, r, c, len, &seq[c]);
    }
    int best = -1;
    for (unsigned c = 0; c < NVSTORE_COPIES; c++) {
        if (state[c] == COPY_VALID && (best < 0 || seq_newer(seq[c], seq[best]))) {
            best = (int)c;
        }
    }
    if (best < 0) {
        nv->seq[r] = 0;
        nv->next_copy[r] = 0;
        if (state[0] == COPY_IO_ERROR || state[1] == COPY_IO_ERROR) {
            st = NVSTORE_IO_ERROR;
        } else if (state[0] == COPY_BLANK && state[1] == COPY_BLANK) {
            st = NVSTORE_BLANK;
        } else {
            st = NVSTORE_CORRUPT;
        }
        goto done;
    }
    /* The buffer holds the last copy read: re-read the winner if needed. */
    if ((unsigned)best != NVSTORE_COPIES - 1u) {
        uint32_t s;
        if (read_copy(nv, r, (unsigned)best, len, &s) != COPY_VALID) {
            st = NVSTORE_IO_ERROR; /* it changed under us: NV is not working */
            goto done;
        }
    }
    memcpy(data, nv->buf + NVSTORE_HEADER_SIZE, len);
    nv->seq[r] = seq[best];
    nv->next_copy[r] = (uint8_t)(best ^ 1);
    unsigned other = (unsigned)best ^ 1u;
    st = state[other] == COPY_VALID || state[other] == COPY_BLANK ? NVSTORE_OK : NVSTORE_RECOVERED;
done:
    nv->status[r] = st;
    return st;
}

/* Does NV hold exactly `data` at offset? Read back in small chunks. */
static bool verify(uint32_t offset, const uint8_t *data, size_t len)
{
    uint8_t chunk[NVSTORE_VERIFY_CHUNK];
    for (size_t done = 0; done < len; done += sizeof(chunk)) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (hal_nv_read(offset + (uint32_t)done, chunk, n) != 0 || memcmp(chunk, data + done, n) != 0) {
            return false;
        }
    }
    return true;
}

int nvstore_save(struct nvstore *nv, enum nvstore_record r, const void *data, size_t len)
{
    if (len > NVSTORE_MAX_PAYLOAD || (unsigned)r >= NVSTORE_RECORD_COUNT) {
        return -EINVAL;
    }
    struct nvstore_header h = {
        .magic = NVSTORE_MAGIC,
        .kind = (uint16_t)r,
        .len = (uint16_t)len,
        .seq = nv->seq[r] + 1u,
    };
    memcpy(nv->buf + NVSTORE_HEADER_SIZE, data, len);
    h.crc = record_crc(&h, nv->buf + NVSTORE_HEADER_SIZE);
    memcpy(nv->buf, &h, sizeof(h));
    unsigned c = nv->next_copy[r];
    int err = hal_nv_write(nvstore_slot_offset(r, c), nv->buf, NVSTORE_HEADER_SIZE + len);
    if (err != 0) {
        /* The copy may be torn now; the other one still holds the newest
         * valid data, so the next save goes to this copy again. */
        return err < 0 ? err : -EIO;
    }
    if (!verify(nvstore_slot_offset(r, c), nv->buf, NVSTORE_HEADER_SIZE + len)) {
        /* Not kept: the other copy still holds the newest valid data. */
        nv->fault = true;
        return -EIO;
    }
    nv->seq[r] = h.seq;
    nv->next_copy[r] = (uint8_t)(c ^ 1u);
    return 0;
}
