/*
 * fuzz_comtrade.c — libFuzzer target on the COMTRADE parser
 * (rig_comtrade_parse): an input is a .cfg, a NUL byte, then the .dat. The
 * parser must refuse or accept every input without a memory error, and an
 * accepted recording must hold what its .cfg declares.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rig/comtrade.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t cfg_len = nul ? (size_t)(nul - data) : size;
    const uint8_t *dat = nul ? nul + 1 : data + size;
    size_t dat_len = nul ? size - cfg_len - 1 : 0;
    struct rig_comtrade *rec = NULL;
    if (rig_comtrade_parse((const char *)data, cfg_len, "fuzz.cfg", dat, dat_len, "fuzz.dat",
                           &rec) == 0) {
        /* touch every value and time: the sizes must be what was allocated */
        double sum = 0;
        for (size_t i = 0; i < rec->n_samples; i++) {
            sum += rec->t_s[i];
            for (unsigned k = 0; k < rec->n_analog; k++)
                sum += rig_comtrade_value(rec, i, k);
        }
        if (sum != sum && rec->n_samples > 0 && rec->n_analog > 0)
            abort(); /* a NaN got through the parser's checks */
        rig_comtrade_free(rec);
    } else if (rec != NULL) {
        abort(); /* a refusal returns nothing */
    }
    return 0;
}
