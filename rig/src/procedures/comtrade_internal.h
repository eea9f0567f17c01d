/*
 * comtrade_internal.h — what the .cfg parser (comtrade_cfg.c) hands to the
 * .dat reader (comtrade_dat.c), and the text helpers both use.
 */
#ifndef RIG_COMTRADE_INTERNAL_H
#define RIG_COMTRADE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rig/comtrade.h"

#define COMTRADE_MAX_RATES 64u
#define COMTRADE_MAX_FIELDS 16u
/* A bound on what one recording may hold (samples x analog channels), so a
 * hostile .cfg cannot ask for more memory than a field recording needs. */
#define COMTRADE_MAX_VALUES (64u * 1024u * 1024u)

/* The .cfg, parsed: the recording without its samples, plus how to read them. */
struct comtrade_cfg {
    struct rig_comtrade *rec; /* rev_year, station, channels, line freq, format */
    unsigned n_rates;
    double rate_hz[COMTRADE_MAX_RATES];
    uint64_t end_sample[COMTRADE_MAX_RATES];
    uint64_t n_samples;       /* the last endsamp */
    double timemult;
    unsigned counts_line;     /* the line of "TT,##A,##D", for messages */
    unsigned rates_line;      /* the line of the last "samp,endsamp" */
};

/* Parse the .cfg text; rec is allocated (rig_comtrade_free on failure too). */
int comtrade_cfg_parse(const char *text, size_t len, const char *name, struct comtrade_cfg *cfg);

/* Split line (modified in place) at commas into at most max fields, each
 * trimmed of blanks; returns the number of fields (max + 1 if there are more). */
unsigned comtrade_split(char *line, char **fields, unsigned max);

/* Parse a whole field as a finite double / an unsigned integer <= max. */
bool comtrade_number(const char *s, double *v);
bool comtrade_unsigned(const char *s, uint64_t max, uint64_t *v);

/* Copy the next line of text[*pos..len) into buf (without its \r\n); false at
 * the end. A line longer than size is cut (the parser then refuses it). */
bool comtrade_next_line(const char *text, size_t len, size_t *pos, char *buf, size_t size,
                        bool *cut);

#endif
