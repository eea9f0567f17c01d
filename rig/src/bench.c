/*
 * bench.c — the bench object: opening a bench (private simulated, attached
 * simulated, or hardware), its positions, its clock, and closing it safely
 * (source output off first, always).
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_internal.h"
#include "error_internal.h"
#include "rig/error.h"
#include "rig/lines.h"
#include "rig/modbus.h"
#include "rig/simbench.h"
#include "rig/simctl.h"
#include "rig/source.h"

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Attach to the benchd whose bench.json is in dir: config, control, source. */
static int attach_sim(struct rig_bench *b, const char *dir)
{
    int rc = rig_bench_config_load_json(dir, &b->cfg);
    if (rc < 0)
        return rc;
    if (!(b->sim_dir = strdup(dir)))
        return rig_error_set(-ENOMEM, "out of memory");
    if ((rc = rig_simctl_open(b->cfg->control, &b->ctl)) < 0)
        return rc;
    if ((rc = rig_simctl_ping(b->ctl)) < 0)
        return rc;
    return rig_source_open(b->cfg->source_port, b->cfg->source_baud, RIG_TRANSPORT_TERMIOS,
                           &b->source);
}

static int open_private_sim(struct rig_bench *b, struct rig_bench_config *file_cfg)
{
    char tmpl[PATH_MAX];
    const char *tmp = getenv("TMPDIR");
    struct rig_sim_unit units[RIG_MAX_POSITIONS];

    snprintf(tmpl, sizeof tmpl, "%s/rig-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmpl))
        return rig_error_set(-errno, "cannot create a directory for the simulated bench (%s): %s",
                             tmpl, strerror(errno));
    if (!(b->private_dir = strdup(tmpl))) {
        remove_tree(tmpl);
        return rig_error_set(-ENOMEM, "out of memory");
    }
    for (unsigned i = 0; i < file_cfg->positions; i++) {
        const struct rig_position *p = &file_cfg->pos[i].pub;
        units[i] = (struct rig_sim_unit){p->model, p->serial, p->slave, p->baud};
    }
    struct rig_simbench_options opt = {
        .dir = tmpl,
        .speed = "0", /* the clock moves only by rig_sleep */
        .units = units,
        .unit_count = file_cfg->positions,
        .detach = false,
    };
    int rc = rig_simbench_start(&opt, &b->benchd);
    if (rc < 0)
        return rig_error_prefix(rc, "%s", file_cfg->file);
    return attach_sim(b, tmpl);
}

static int open_hw(struct rig_bench *b)
{
    struct rig_bench_config *cfg = b->cfg;
    int rc = rig_source_open(cfg->source_port, cfg->source_baud, cfg->source_transport,
                             &b->source);
    if (rc < 0)
        return rig_error_prefix(rc, "%s", cfg->file);
    /* Pulse inputs count from now on, so they open with the bench. */
    for (unsigned i = 0; i < cfg->positions; i++) {
        for (unsigned o = 0; o < 2; o++) {
            const char *spec = cfg->pos[i].pulse[o];
            char consumer[32];
            if (!spec)
                continue;
            snprintf(consumer, sizeof consumer, "rig pos%u pulse%u", i + 1, o + 1);
            rc = rig_pulse_input_open_gpiod(spec, consumer, &b->pulses[i][o]);
            if (rc < 0)
                return rig_error_prefix(rc, "%s: position %u", cfg->file, i + 1);
        }
    }
    b->t0_ns = mono_ns();
    return 0;
}

static void release(struct rig_bench *b)
{
    for (unsigned i = 0; i < RIG_MAX_POSITIONS; i++) {
        rig_meter_close(b->meters[i]);
        rig_pulse_input_close(b->pulses[i][0]);
        rig_pulse_input_close(b->pulses[i][1]);
    }
    rig_source_close(b->source);
    if (b->benchd > 0)
        rig_simbench_stop(b->private_dir, b->benchd);
    rig_simctl_close(b->ctl);
    if (b->private_dir)
        remove_tree(b->private_dir);
    free(b->private_dir);
    free(b->sim_dir);
    rig_bench_config_free(b->cfg);
    free(b);
}

int rig_bench_open(const char *bench_file, struct rig_bench **out)
{
    struct rig_bench_config *file_cfg;
    *out = NULL;
    int rc = rig_bench_config_load(bench_file, &file_cfg);
    if (rc < 0)
        return rc;
    struct rig_bench *b = calloc(1, sizeof *b);
    if (!b) {
        rig_bench_config_free(file_cfg);
        return rig_error_set(-ENOMEM, "out of memory");
    }
    if (file_cfg->kind == RIG_BENCH_SIM) {
        rc = open_private_sim(b, file_cfg);
        if (b->cfg) {
            /* bench.json has the ptys; keep the bench file's name. */
            free(b->cfg->name);
            b->cfg->name = file_cfg->name;
            file_cfg->name = NULL;
        }
        rig_bench_config_free(file_cfg);
    } else {
        b->cfg = file_cfg;
        rc = open_hw(b);
    }
    if (rc < 0) {
        if (b->source)
            rig_source_output(b->source, false);
        release(b);
        return rc;
    }
    *out = b;
    return 0;
}

int rig_bench_attach(const char *sim_dir, struct rig_bench **out)
{
    *out = NULL;
    struct rig_bench *b = calloc(1, sizeof *b);
    if (!b)
        return rig_error_set(-ENOMEM, "out of memory");
    int rc = attach_sim(b, sim_dir);
    if (rc < 0) {
        release(b);
        return rc;
    }
    *out = b;
    return 0;
}

void rig_bench_close(struct rig_bench *bench)
{
    if (!bench)
        return;
    if (bench->source && rig_source_output(bench->source, false) < 0) {
        /* Retry once: a late reply or a glitch must not leave it energised. */
        if (rig_source_output(bench->source, false) < 0)
            fprintf(stderr, "rig: WARNING: could not switch the source output off: %s\n",
                    rig_last_error());
    }
    release(bench);
}

void rig_bench_release(struct rig_bench *bench)
{
    if (bench)
        release(bench);
}

bool rig_bench_is_simulated(const struct rig_bench *bench)
{
    return bench->cfg->kind == RIG_BENCH_SIM;
}

const char *rig_bench_name(const struct rig_bench *bench)
{
    return bench->cfg->name;
}

const char *rig_bench_dir(const struct rig_bench *bench)
{
    return bench->sim_dir;
}

unsigned rig_bench_position_count(const struct rig_bench *bench)
{
    return bench->cfg->positions;
}

const struct rig_position *rig_bench_position(const struct rig_bench *bench, unsigned number)
{
    if (number < 1 || number > bench->cfg->positions)
        return NULL;
    return &bench->cfg->pos[number - 1].pub;
}

struct rig_source *rig_bench_source(struct rig_bench *bench)
{
    if (!bench->source)
        rig_error_set(-ENODEV, "bench %s has no source", bench->cfg->name);
    return bench->source;
}

struct rig_simctl *rig_bench_simctl(struct rig_bench *bench)
{
    if (!bench->ctl)
        rig_error_set(-ENOTSUP, "bench %s is not simulated: no benchd controls", bench->cfg->name);
    return bench->ctl;
}

struct rig_meter *rig_bench_meter(struct rig_bench *bench, unsigned position)
{
    const struct rig_position *pos = rig_bench_position(bench, position);
    if (!pos) {
        rig_error_set(-EINVAL, "no position %u on bench %s (it has %u)", position,
                      bench->cfg->name, bench->cfg->positions);
        return NULL;
    }
    if (!bench->meters[position - 1] && rig_meter_open(pos, &bench->meters[position - 1]) < 0)
        return NULL;
    return bench->meters[position - 1];
}

void rig_bench_forget_meter(struct rig_bench *bench, unsigned position)
{
    if (position >= 1 && position <= RIG_MAX_POSITIONS) {
        rig_meter_close(bench->meters[position - 1]);
        bench->meters[position - 1] = NULL;
    }
}

int rig_sleep(struct rig_bench *bench, double seconds)
{
    if (!isfinite(seconds) || seconds < 0)
        return rig_error_set(-EINVAL, "rig_sleep: %g is not a duration", seconds);
    if (bench->ctl)
        return rig_simctl_advance(bench->ctl, seconds, NULL);
    struct timespec ts = {(time_t)seconds, (long)((seconds - floor(seconds)) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
    return 0;
}

int rig_bench_time(struct rig_bench *bench, double *seconds)
{
    if (bench->ctl) {
        uint64_t t;
        int rc = rig_simctl_time(bench->ctl, &t);
        if (rc == 0)
            *seconds = (double)t / 1e9;
        return rc;
    }
    *seconds = (double)(mono_ns() - bench->t0_ns) / 1e9;
    return 0;
}
