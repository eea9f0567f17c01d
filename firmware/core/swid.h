/*
 * swid.h — the software identification of the legally relevant part
 * (WELMEC 7.2 / MID Annex I 7.6, docs/power.md "Software id").
 *
 * The legal part is a fixed set of compilation units (firmware.mk
 * FW_LEGAL_SRCS: metrology, energy registers, demand, pulse outputs; the
 * display of the registers joins them where the UI exists). The build puts
 * their code into one section, `med2_legal`; at run time its CRC-32 is
 * computed over that section as it is in memory (the MCU: its flash
 * section; the native build: its own text). In a position-independent host
 * image the bytes that the linker fills with addresses outside the legal
 * part (calls into the C library or the board, references to constants)
 * depend on where everything else landed, so the build lists those
 * relocation sites (swid_mask, generated from the legal part's own object)
 * and the CRC counts them as zeros: a change elsewhere does not change the
 * id, a change in the legal part does.
 *
 * The id is "L<major>.<minor>-<CRC as 8 hex digits>", e.g. "L1.0-3A5F09C2".
 */
#ifndef MED2_SWID_H
#define MED2_SWID_H

#include <stddef.h>
#include <stdint.h>

/* The legal part's version: a change of its code needs a new version. */
#define SWID_VERSION_MAJOR 1u
#define SWID_VERSION_MINOR 0u
#define SWID_VERSION ((SWID_VERSION_MAJOR << 16) | SWID_VERSION_MINOR)

/* "L1.0-XXXXXXXX" and its NUL. */
#define SWID_TEXT_LEN 14u

/* One byte range of the legal section the CRC counts as zeros. */
struct swid_mask {
    uint32_t offset; /* from the section's start */
    uint32_t len;
};

/* CRC-32 of the legal part's code, computed on the first call (after that,
 * the same value). 0 if the image has no legal section (a build that does
 * not separate it). */
uint32_t swid_crc(void);

/* Bytes of the legal section (0: none). */
size_t swid_size(void);

/* The id as text, for the Info menu and Read Device Identification. */
void swid_text(char out[SWID_TEXT_LEN]);

#endif /* MED2_SWID_H */
