/*
 * rig/comtrade.h — COMTRADE recordings (IEEE C37.111-1999 and -2013): a
 * .cfg describing the channels and sampling, and a .dat of samples (ASCII,
 * BINARY, BINARY32 or FLOAT32). The rig reads the analog channels a
 * power-quality analyzer recorded at a meter's terminals (rig/replay.h
 * replays them) and writes such recordings (tests, figures).
 *
 * Parsing is strict: a bad file is refused with "FILE:LINE: what" (or the
 * .dat's record and byte) and nothing of it is returned.
 */
#ifndef RIG_COMTRADE_H
#define RIG_COMTRADE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RIG_COMTRADE_MAX_CHANNELS 256u

/* The .dat's encoding (cfg "ft"). */
enum rig_comtrade_format {
    RIG_COMTRADE_ASCII,
    RIG_COMTRADE_BINARY,   /* int16 analog */
    RIG_COMTRADE_BINARY32, /* int32 analog (2013) */
    RIG_COMTRADE_FLOAT32,  /* IEEE float analog (2013) */
};

/* One analog channel: value = a * raw + b, in unit (V, kV, A, ...). */
struct rig_comtrade_channel {
    char name[65];
    char phase[3];
    char unit[33];
    double a, b;
    double skew_us;
    double primary, secondary;
    char ps; /* 'P' or 'S': the values are primary or secondary quantities */
};

/* A parsed recording; the samples are scaled (a * raw + b). */
struct rig_comtrade {
    unsigned rev_year;  /* 1999 or 2013 */
    char station[65];
    unsigned n_analog, n_digital;
    struct rig_comtrade_channel *analog;
    double line_freq_hz;
    enum rig_comtrade_format format;
    size_t n_samples;
    double *t_s;     /* n_samples times, seconds from the first sample */
    double *values;  /* n_samples x n_analog, row by row */
};

/*
 * rig_comtrade_load — read CFG_PATH and the .dat beside it (same name,
 * extension .dat or .DAT). Returns 0 and *out (free with rig_comtrade_free),
 * or -ENOENT (a file missing), -EINVAL (a malformed file: the message names
 * file and line, or record and byte of a binary .dat), -ENOTSUP (a revision
 * other than 1999/2013, an unknown data format), -ENOMEM.
 */
int rig_comtrade_load(const char *cfg_path, struct rig_comtrade **out);

/*
 * rig_comtrade_parse — the same from memory; cfg_name and dat_name are what
 * error messages call the two files.
 */
int rig_comtrade_parse(const char *cfg, size_t cfg_len, const char *cfg_name, const void *dat,
                       size_t dat_len, const char *dat_name, struct rig_comtrade **out);

/* rig_comtrade_free — NULL is ignored. */
void rig_comtrade_free(struct rig_comtrade *rec);

/*
 * rig_comtrade_find — the first analog channel whose unit is unit_prefix's
 * quantity ("V" matches V and kV, "A" matches A and kA); its values are
 * returned in V or A by rig_comtrade_value. Returns the index or -ENOENT.
 */
int rig_comtrade_find(const struct rig_comtrade *rec, char quantity);

/* rig_comtrade_value — sample i of channel ch, in V or A (kV, kA scaled). */
double rig_comtrade_value(const struct rig_comtrade *rec, size_t i, unsigned ch);

/* What rig_comtrade_write records: a voltage and a current channel. */
struct rig_comtrade_spec {
    unsigned rev_year;            /* 1999 or 2013 */
    enum rig_comtrade_format format;
    double rate_hz;               /* samples per second */
    size_t n_samples;
    const double *v, *i;          /* n_samples each, V and A */
    double v_full_scale, i_full_scale; /* peak magnitudes the scaling must cover */
};

/*
 * rig_comtrade_write — write base.cfg and base.dat (base without the
 * extension): station "MED2 RIG", channels "V" (V) and "I" (A), one digital
 * channel, the scaling chosen from the full scales. Returns 0 or -errno.
 */
int rig_comtrade_write(const char *base, const struct rig_comtrade_spec *spec);

#ifdef __cplusplus
}
#endif

#endif /* RIG_COMTRADE_H */
