/*
 * bench_config.h — a bench's description, from a bench file (bench_file.c)
 * or from a running simulated bench's bench.json (bench_json.c).
 */
#ifndef RIG_BENCH_CONFIG_H
#define RIG_BENCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "rig/bench.h"
#include "rig/source.h"
#include "rig/transport.h"

#define RIG_MAX_POSITIONS 64

enum rig_bench_kind { RIG_BENCH_SIM = 1, RIG_BENCH_HW = 2 };

struct rig_bench_config_position {
    struct rig_position pub; /* string members point at the owned copies below */
    char *model, *serial, *rs485, *pulse[2], *supply, *swd, *swd_serial, *defect;
    char *button[2], *camera; /* the display's relays and camera (docs/ui.md) */
    int line;                /* of its [position N] header, 0 if not seen */
    unsigned keys_seen;      /* bit per known key, to catch duplicates */
};

struct rig_bench_config {
    char *file;              /* bench file or bench.json path */
    char *name;
    enum rig_bench_kind kind;
    unsigned positions;
    char *source_port;       /* "sim" in a kind = sim bench file */
    int source_baud;
    enum rig_transport_kind source_transport;
    char *control;           /* bench.json: benchd's control socket */
    char *records;           /* [bench] records = URL, or NULL */
    struct rig_bench_config_position pos[RIG_MAX_POSITIONS]; /* pos[0] is position 1 */
    /* [source] driver: the instrument's dialect (rig/source.h) */
    enum rig_source_dialect source_dialect;
    /* [reference]: the reference standard's pulse output, [1] active
     * energy (line, constant imp/kWh), [2] reactive (reactive_line,
     * reactive_constant imp/kvarh); NULL / 0 when not given */
    char *reference_line[3];
    double reference_constant[3];
    int reference_line_no;   /* of [reference], 0 if not seen */
    /* how GPIO inputs are requested: [reference] and [lines] (the meters'
     * pulse outputs) bias, active_low, debounce_us */
    struct rig_bench_line_opts {
        int bias;            /* enum rig_gpiod_bias */
        bool active_low;
        unsigned debounce_us;
    } reference_opts, pulse_opts;
    /* [bench] board = qemu: benchd runs every position as a QEMU instance of
     * the mps2-an386 image (kind = sim only) */
    bool board_qemu;
};

/*
 * rig_bench_config_load — parse and check a bench file.
 * Returns 0 and *out, or -ENOENT (no file), -EINVAL (the message names
 * file:line and the key).
 */
int rig_bench_config_load(const char *file, struct rig_bench_config **out);

/*
 * rig_bench_config_load_json — read DIR/bench.json of a running simulated bench.
 * Returns 0 and *out, -ENOENT (no bench.json), -EINVAL (not understood).
 */
int rig_bench_config_load_json(const char *dir, struct rig_bench_config **out);

/* rig_bench_config_free — free; NULL is ignored. */
void rig_bench_config_free(struct rig_bench_config *cfg);

/*
 * rig_bench_check_defect — is spec "NAME[,PARAM]" a defect the simulator
 * knows, with a parameter in its range? The simulator's own parser
 * (firmware/boards/native/defect_spec.c), so the bench file, benchd and the
 * unit agree. Returns 0, or -EINVAL with why (and the known names) in why.
 */
int rig_bench_check_defect(const char *spec, char *why, size_t len);

/*
 * rig_bench_line_opt — one of bias, active_low, debounce_us (key) of a
 * [reference] or [lines] section into o (bench_line_opts.c). Returns 0, or
 * -EINVAL with "KEY = 'VALUE' — expected ..." in why.
 */
int rig_bench_line_opt(struct rig_bench_line_opts *o, const char *key, const char *value,
                       char *why, size_t len);

/* Point each position's public strings at its owned copies (after loading). */
void rig_bench_config_finish(struct rig_bench_config *cfg);

#endif
