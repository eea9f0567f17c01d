/*
 * fuzz_comtrade_seeds.c — writes the seed corpus of fuzz_comtrade: small
 * recordings from the rig's COMTRADE writer in each revision and format,
 * each as one file in fuzz_comtrade.c's input format (.cfg, NUL, .dat).
 *
 *   fuzz_comtrade_seeds DIR
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rig/comtrade.h"
#include "rig/error.h"

#define N 12 /* samples: a seed stays small so mutations reach every field */

static int append(FILE *out, const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    int c;
    while ((c = fgetc(in)) != EOF)
        fputc(c, out);
    fclose(in);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_comtrade_seeds DIR\n");
        return 2;
    }
    double v[N], i[N];
    for (int k = 0; k < N; k++) {
        v[k] = 325 * sin(2 * M_PI * k / N);
        i[k] = 7 * sin(2 * M_PI * k / N - 0.5);
    }
    static const struct {
        unsigned rev;
        enum rig_comtrade_format fmt;
    } kinds[] = {{1999, RIG_COMTRADE_ASCII},    {1999, RIG_COMTRADE_BINARY},
                 {2013, RIG_COMTRADE_ASCII},    {2013, RIG_COMTRADE_BINARY32},
                 {2013, RIG_COMTRADE_FLOAT32}};
    for (unsigned k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char base[4096], path[4200];
        snprintf(base, sizeof base, "%s/tmp", argv[1]);
        struct rig_comtrade_spec s = {.rev_year = kinds[k].rev, .format = kinds[k].fmt,
                                      .rate_hz = 600, .n_samples = N, .v = v, .i = i,
                                      .v_full_scale = 400, .i_full_scale = 10};
        if (rig_comtrade_write(base, &s) < 0) {
            fprintf(stderr, "fuzz_comtrade_seeds: %s\n", rig_last_error());
            return 1;
        }
        snprintf(path, sizeof path, "%s/seed-%u", argv[1], k);
        FILE *out = fopen(path, "wb");
        char cfg[4200], dat[4200];
        snprintf(cfg, sizeof cfg, "%s.cfg", base);
        snprintf(dat, sizeof dat, "%s.dat", base);
        if (!out || append(out, cfg) < 0 || fputc(0, out) == EOF || append(out, dat) < 0 ||
            fclose(out) != 0) {
            fprintf(stderr, "fuzz_comtrade_seeds: cannot write %s\n", path);
            return 1;
        }
        remove(cfg);
        remove(dat);
    }
    return 0;
}
