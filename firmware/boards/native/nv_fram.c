/*
 * nv_fram.c — the SPI FRAM of the native board in virtual time; see nv_fram.h.
 */
#include "nv_fram.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ERASED 0xFFu
#define READ_CMD_BYTES 3u /* READ opcode + 2 address bytes, no WREN */
#define BITS_PER_BYTE 8u

static struct {
    uint8_t *mem;     /* HAL_NV_SIZE bytes of the array, then the battery domain */
    uint64_t *wear;   /* accesses per byte */
    uint64_t bus_ns;  /* the bus is busy until then */
    uint64_t cut_ns;  /* the armed cut, NV_FRAM_NO_CUT if none */
    uint32_t cut_in_write; /* cut in the n-th next write, 0 if not */
    uint32_t cut_ppm;
    bool dead;        /* the armed cut happened: the CPU has stopped */
    uint64_t dead_ns;
    uint32_t tear_offset, tear_good;
    struct nv_fram_stats st;
} fram = {.cut_ns = NV_FRAM_NO_CUT};

static uint8_t ram_mem[HAL_NV_SIZE + 64u];
static uint64_t ram_wear[HAL_NV_SIZE];

/* Map `len` bytes of the file at `path`, growing it with `fill` bytes. */
static void *map_file(const char *path, size_t len, int fill)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return NULL;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size >= 0 && (size_t)size < len) {
        uint8_t pad[256];
        memset(pad, fill, sizeof(pad));
        for (size_t at = (size_t)size; at < len;) {
            size_t n = len - at < sizeof(pad) ? len - at : sizeof(pad);
            if (pwrite(fd, pad, n, (off_t)at) != (ssize_t)n) {
                close(fd);
                return NULL;
            }
            at += n;
        }
    }
    /* MAP_SHARED: what is stored is in the page cache at once and survives
     * the process being killed, as the FRAM's content survives a cut. */
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

int nv_fram_open(const char *path, size_t extra, void **extra_mem)
{
    if (extra > sizeof(ram_mem) - HAL_NV_SIZE) {
        return -EINVAL;
    }
    if (path == NULL) {
        memset(ram_mem, ERASED, sizeof(ram_mem));
        memset(ram_mem + HAL_NV_SIZE, 0, sizeof(ram_mem) - HAL_NV_SIZE);
        fram.mem = ram_mem;
        fram.wear = ram_wear;
    } else {
        char wear_path[4096];
        if ((size_t)snprintf(wear_path, sizeof(wear_path), "%s.wear", path) >= sizeof(wear_path)) {
            return -ENAMETOOLONG;
        }
        /* a fresh part reads erased; the battery domain of a fresh board
         * reads 0xFF too, which no valid record of it is */
        fram.mem = map_file(path, HAL_NV_SIZE + extra, ERASED);
        fram.wear = map_file(wear_path, sizeof(uint64_t) * HAL_NV_SIZE, 0);
        if (fram.mem == NULL || fram.wear == NULL) {
            return errno != 0 ? -errno : -EIO;
        }
    }
    for (size_t k = 0; k < HAL_NV_SIZE; k++) {
        if (fram.wear[k] > fram.st.max_wear) {
            fram.st.max_wear = fram.wear[k];
        }
    }
    *extra_mem = fram.mem + HAL_NV_SIZE;
    return 0;
}

void nv_fram_begin(uint64_t t_ns)
{
    if (t_ns > fram.bus_ns) {
        fram.bus_ns = t_ns;
    }
}

uint64_t nv_fram_now(void)
{
    return fram.bus_ns;
}

void nv_fram_arm_cut(uint64_t t_ns)
{
    fram.cut_ns = t_ns;
    fram.cut_in_write = 0;
}

uint64_t nv_fram_armed_cut(void)
{
    return fram.cut_ns;
}

void nv_fram_arm_cut_in_write(uint32_t n, uint32_t ppm)
{
    fram.cut_ns = NV_FRAM_NO_CUT;
    fram.cut_in_write = n;
    fram.cut_ppm = ppm > 999999u ? 999999u : ppm;
}

bool nv_fram_cut_happened(void)
{
    return fram.dead;
}

uint64_t nv_fram_cut_time(void)
{
    return fram.dead_ns;
}

void nv_fram_power_up(void)
{
    fram.dead = false;
    fram.cut_ns = NV_FRAM_NO_CUT;
    fram.cut_in_write = 0;
}

void nv_fram_last_tear(uint32_t *offset, uint32_t *good_bytes)
{
    *offset = fram.tear_offset;
    *good_bytes = fram.tear_good;
}

const struct nv_fram_stats *nv_fram_stats(void)
{
    return &fram.st;
}

static void wear(uint32_t offset, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        uint64_t w = ++fram.wear[offset + k];
        if (w > fram.st.max_wear) {
            fram.st.max_wear = w;
        }
    }
}

/* Bus time of a transaction of `cmd` command bytes and `len` data bytes. */
static uint64_t bus_time(unsigned cmd, size_t len)
{
    return NV_FRAM_CS_NS + (cmd + len) * (NV_FRAM_NS_PER_BYTE + NV_FRAM_CPU_NS_PER_BYTE);
}

/* A cut armed at or before `t`: the CPU stops there. */
static bool cut_by(uint64_t t)
{
    return fram.cut_ns != NV_FRAM_NO_CUT && fram.cut_ns <= t;
}

static void die_at(uint64_t t)
{
    fram.dead = true;
    fram.dead_ns = t;
    fram.cut_ns = NV_FRAM_NO_CUT;
}

int nv_fram_read(uint32_t offset, void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset) {
        return -EINVAL;
    }
    uint64_t end = fram.bus_ns + bus_time(READ_CMD_BYTES, len);
    if (fram.dead || cut_by(end)) {
        if (!fram.dead) {
            die_at(fram.cut_ns);
        }
        memset(buf, 0, len); /* the CPU never sees the rest */
        return -EIO;
    }
    memcpy(buf, fram.mem + offset, len);
    wear(offset, len);
    fram.bus_ns = end;
    fram.st.reads++;
    return 0;
}

/* Store bytes [0, n) of `src` at offset, each unless worn out. */
static void store(uint32_t offset, const uint8_t *src, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (fram.wear[offset + k] < NV_FRAM_ENDURANCE) {
            fram.mem[offset + k] = src[k];
        }
    }
    wear(offset, n);
}

int nv_fram_write(uint32_t offset, const void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset) {
        return -EINVAL;
    }
    if (fram.dead) {
        return -EIO;
    }
    const uint8_t *src = buf;
    uint64_t start = fram.bus_ns;
    uint64_t dur = bus_time(NV_FRAM_CMD_BYTES, len);
    if (fram.cut_in_write != 0u && --fram.cut_in_write == 0u) {
        fram.cut_ns = start + dur * fram.cut_ppm / 1000000u;
    }
    if (!cut_by(start + dur)) {
        store(offset, src, len);
        fram.bus_ns = start + dur;
        fram.st.writes++;
        return 0;
    }
    /* The cut falls in this write: which data bit was on the wire then? */
    uint64_t cut = fram.cut_ns < start ? start : fram.cut_ns;
    uint64_t data_start = start + NV_FRAM_CS_NS + NV_FRAM_CMD_BYTES * (NV_FRAM_NS_PER_BYTE + NV_FRAM_CPU_NS_PER_BYTE);
    uint64_t per_byte = NV_FRAM_NS_PER_BYTE + NV_FRAM_CPU_NS_PER_BYTE;
    size_t good = cut <= data_start ? 0u : (size_t)((cut - data_start) / per_byte);
    if (good > len) {
        good = len;
    }
    store(offset, src, good);
    if (good < len && cut > data_start) {
        /* MSB first: the bits clocked in so far are new, the others old */
        uint64_t into = (cut - data_start) % per_byte;
        unsigned bits = (unsigned)(into * BITS_PER_BYTE / NV_FRAM_NS_PER_BYTE);
        if (bits > 0u && bits < BITS_PER_BYTE && fram.wear[offset + good] < NV_FRAM_ENDURANCE) {
            uint8_t new_mask = (uint8_t)(0xFFu << (BITS_PER_BYTE - bits));
            uint8_t *b = &fram.mem[offset + good];
            *b = (uint8_t)((src[good] & new_mask) | (*b & (uint8_t)~new_mask));
            wear(offset + (uint32_t)good, 1);
        }
    }
    fram.tear_offset = offset;
    fram.tear_good = (uint32_t)good;
    fram.st.torn++;
    die_at(cut);
    return -EIO;
}
