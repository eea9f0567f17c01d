/*
 * swid.c — the legal part's CRC-32 over its own code; see swid.h.
 */
#include "swid.h"

#include "crc32.h"

/* Bounds of the legal section (the linker defines them for a section named
 * like a C identifier) and the build's list of relocation sites in it.
 * Weak: an image that does not separate the legal part links without them
 * and reports 0. */
extern const uint8_t __start_med2_legal[] __attribute__((weak));
extern const uint8_t __stop_med2_legal[] __attribute__((weak));
extern const struct swid_mask swid_masks[] __attribute__((weak));
extern const uint32_t swid_mask_count __attribute__((weak));

static uint32_t cached;
static int computed;

size_t swid_size(void)
{
    if (__start_med2_legal == NULL || __stop_med2_legal == NULL) {
        return 0;
    }
    /* two linker symbols, not one object: compare them as addresses */
    return (size_t)((uintptr_t)__stop_med2_legal - (uintptr_t)__start_med2_legal);
}

/* Copy code bytes out of the legal section. Not instrumented: under
 * AddressSanitizer the section's constants carry poisoned redzones, which
 * are part of the section as linked, not an overflow; volatile, so the loop
 * is not turned into an (intercepted) memcpy. */
__attribute__((no_sanitize("address"))) static void copy_code(uint8_t *dst, const volatile uint8_t *src,
                                                              size_t n)
{
    for (size_t k = 0; k < n; k++) {
        dst[k] = src[k];
    }
}

/* Is byte `pos` in a mask? `k` walks the sorted masks as pos grows. */
static int masked(size_t pos, uint32_t *k, uint32_t n)
{
    while (*k < n && (size_t)swid_masks[*k].offset + swid_masks[*k].len <= pos) {
        (*k)++;
    }
    return *k < n && swid_masks[*k].offset <= pos;
}

static uint32_t compute(void)
{
    size_t size = swid_size();
    if (size == 0u) {
        return 0u;
    }
    uint32_t n = &swid_mask_count != NULL && swid_masks != NULL ? swid_mask_count : 0u;
    uint32_t k = 0;
    uint8_t buf[64];
    uint32_t crc = CRC32_INIT;
    for (size_t at = 0; at < size; at += sizeof(buf)) {
        size_t len = size - at < sizeof(buf) ? size - at : sizeof(buf);
        copy_code(buf, __start_med2_legal + at, len);
        for (size_t b = 0; b < len; b++) {
            if (masked(at + b, &k, n)) {
                buf[b] = 0; /* a relocation site: counts as zero */
            }
        }
        crc = crc32_update(crc, buf, len);
    }
    return crc32_final(crc);
}

uint32_t swid_crc(void)
{
    if (!computed) {
        cached = compute();
        computed = 1;
    }
    return cached;
}

void swid_text(char out[SWID_TEXT_LEN])
{
    static const char hex[] = "0123456789ABCDEF";
    uint32_t crc = swid_crc();
    out[0] = 'L';
    out[1] = (char)('0' + SWID_VERSION_MAJOR % 10u);
    out[2] = '.';
    out[3] = (char)('0' + SWID_VERSION_MINOR % 10u);
    out[4] = '-';
    for (unsigned k = 0; k < 8u; k++) {
        out[5u + k] = hex[(crc >> (28u - 4u * k)) & 0xFu];
    }
    out[13] = '\0';
}
