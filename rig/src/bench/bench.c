/*
 * bench.c — the bench object: opening a bench (private simulated, attached
 * simulated, or hardware), its positions, its clock and pulse lines, flashing,
 * and closing it safely (source output off first, always). What differs
 * between the kinds is in the driver (bench_sim.c, bench_hw.c).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "base/lock.h"
#include "bench/bench_internal.h"
#include "drivers/lines/lines_internal.h"
#include "rig/error.h"
#include "rig/factory.h"
#include "rig/flash.h"
#include "rig/modbus.h"
#include "rig/records.h"
#include "rig/source.h"

static void release(struct rig_bench *b)
{
    for (unsigned i = 0; i < RIG_MAX_POSITIONS; i++) {
        rig_meter_close(b->meters[i]);
        rig_pulse_input_close(b->pulses[i][0]);
        rig_pulse_input_close(b->pulses[i][1]);
    }
    rig_pulse_input_close(b->reference[1]);
    rig_pulse_input_close(b->reference[2]);
    free(b->source_error);
    rig_source_close(b->source);
    if (b->drv)
        b->drv->release(b);
    rig_records_close(b->own_records); /* and with it a PostgreSQL bench lock */
    rig_lock_drop(b->lock_fd);
    free(b->lock_path);
    rig_bench_config_free(b->cfg);
    free(b);
}

static const struct rig_bench_options defaults;

/* Take lock file path for the bench called name. */
static int take_lock(struct rig_bench *b, const char *path, const char *name,
                     const struct rig_bench_options *opt)
{
    char what[300];
    snprintf(what, sizeof what, "bench %s", name);
    int rc = rig_lock_take(path, what, opt->lock_wait_s, &b->lock_fd);
    if (rc == 0 && !(b->lock_path = strdup(path)))
        rc = rig_error_set(-ENOMEM, "out of memory");
    return rc;
}

static struct rig_bench *new_bench(void)
{
    struct rig_bench *b = calloc(1, sizeof *b);
    if (b)
        b->lock_fd = -1;
    else
        rig_error_set(-ENOMEM, "out of memory");
    return b;
}

/* A real bench's lock, taken before any instrument is touched. */
static int lock_hw(struct rig_bench *b, const struct rig_bench_options *opt)
{
    char path[4096];
    int rc = rig_bench_lock_path(b->cfg, NULL, path, sizeof path);
    return rc < 0 ? rc : take_lock(b, path, b->cfg->name, opt);
}

/*
 * The bench file's records store: every client writes there; a PostgreSQL
 * store also holds the bench across the rack (an advisory lock on its own
 * connection, freed when this client's connection ends however it ends) —
 * not a private simulated bench, which nobody else can reach.
 */
static int open_records(struct rig_bench *b, const char *url, const struct rig_bench_options *opt,
                        bool lock)
{
    char holder[160] = "";
    int rc = rig_records_open(url, b->cfg->name, &b->own_records);
    if (rc == 0 && lock)
        rc = rig_records_lock_bench(b->own_records, b->cfg->name, opt->lock_wait_s, holder,
                                    sizeof holder);
    if (rc == -EBUSY)
        return rig_error_set(-EBUSY, "bench %s in use by %s (its records store's lock)",
                             b->cfg->name, holder);
    if (rc == 0)
        b->records = b->own_records;
    return rc;
}

int rig_bench_open_with(const char *bench_file, const struct rig_bench_options *opt,
                        struct rig_bench **out)
{
    struct rig_bench_config *file_cfg;
    *out = NULL;
    if (!opt)
        opt = &defaults;
    int rc = rig_bench_config_load(bench_file, &file_cfg);
    if (rc < 0)
        return rc;
    struct rig_bench *b = new_bench();
    if (!b) {
        rig_bench_config_free(file_cfg);
        return -ENOMEM;
    }
    if (file_cfg->kind == RIG_BENCH_SIM) {
        /* a private bench of its own: its lock is never contended, but it
         * is the same object any client of a directory bench takes */
        rc = rig_bench_sim_open(b, file_cfg);
        char path[4096];
        if (rc == 0 && (rc = rig_bench_lock_path(b->cfg, b->sim_dir, path, sizeof path)) == 0)
            rc = take_lock(b, path, b->cfg->name, opt);
        if (rc == 0 && file_cfg->records)
            rc = open_records(b, file_cfg->records, opt, false);
        rig_bench_config_free(file_cfg);
    } else {
        b->cfg = file_cfg;
        rc = lock_hw(b, opt);
        if (rc == 0 && b->cfg->records)
            rc = open_records(b, b->cfg->records, opt, true);
        if (rc == 0)
            rc = rig_bench_hw_open(b);
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

int rig_bench_open(const char *bench_file, struct rig_bench **out)
{
    return rig_bench_open_with(bench_file, NULL, out);
}

int rig_bench_attach_with(const char *sim_dir, const struct rig_bench_options *opt,
                          struct rig_bench **out)
{
    *out = NULL;
    if (!opt)
        opt = &defaults;
    struct rig_bench *b = new_bench();
    if (!b)
        return -ENOMEM;
    /* The lock first: nothing of the bench is touched while another holds it. */
    char path[4096];
    struct rig_bench_config named = {.name = (char *)sim_dir};
    int rc = rig_bench_lock_path(&named, sim_dir, path, sizeof path);
    if (rc == 0 && access(sim_dir, F_OK) == 0)
        rc = take_lock(b, path, sim_dir, opt);
    if (rc == 0)
        rc = rig_bench_sim_attach(b, sim_dir);
    if (rc < 0) {
        release(b);
        return rc;
    }
    *out = b;
    return 0;
}

int rig_bench_attach(const char *sim_dir, struct rig_bench **out)
{
    return rig_bench_attach_with(sim_dir, NULL, out);
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

static int no_position(const struct rig_bench *bench, unsigned position)
{
    return rig_error_set(-EINVAL, "no position %u on bench %s (it has %u)", position,
                         bench->cfg->name, bench->cfg->positions);
}

struct rig_source *rig_bench_source(struct rig_bench *bench)
{
    if (!bench->source && bench->source_error)
        rig_error_set(-ENODEV, "bench %s opened without its source: %s", bench->cfg->name,
                      bench->source_error);
    else if (!bench->source)
        rig_error_set(-ENODEV, "bench %s has no source", bench->cfg->name);
    return bench->source;
}

struct rig_meter *rig_bench_meter(struct rig_bench *bench, unsigned position)
{
    const struct rig_position *pos = rig_bench_position(bench, position);
    if (!pos) {
        no_position(bench, position);
        return NULL;
    }
    if (!bench->meters[position - 1] && rig_meter_open(pos, &bench->meters[position - 1]) < 0)
        return NULL;
    return bench->meters[position - 1];
}

struct rig_meter *rig_bench_factory(struct rig_bench *bench, unsigned position)
{
    struct rig_meter *m = rig_bench_meter(bench, position);
    if (!m)
        return NULL;
    enum med2_map map;
    if (rig_meter_map(m, &map) == -ENODEV) {
        /* No RS485: the factory test port, whatever the bench file says. */
        struct rig_line now, want = {.baud = RIG_FACTORY_PORT_BAUD, .parity = 'N', .stop_bits = 1};
        rig_meter_line(m, &now);
        want.slave = now.slave;
        if ((now.baud != want.baud || now.parity != want.parity ||
             now.stop_bits != want.stop_bits) &&
            rig_meter_set_line(m, &want) < 0)
            return NULL;
    }
    return m;
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
    return bench->drv->sleep(bench, seconds);
}

int rig_bench_time(struct rig_bench *bench, double *seconds)
{
    return bench->drv->time(bench, seconds);
}

int rig_bench_spend(struct rig_bench *bench, double seconds)
{
    if (!rig_bench_is_simulated(bench) || seconds <= 0.0)
        return 0;
    return rig_sleep(bench, seconds);
}

int rig_pulse_count(struct rig_bench *bench, unsigned position, unsigned output,
                    uint64_t *count)
{
    if (!rig_bench_position(bench, position))
        return no_position(bench, position);
    if (output < 1 || output > 2)
        return rig_error_set(-EINVAL, "position %u: pulse output %u — outputs are 1 and 2",
                             position, output);
    struct rig_pulse_input **slot = &bench->pulses[position - 1][output - 1];
    if (!*slot) {
        int rc = bench->drv->pulse_input(bench, position, output, slot);
        if (rc < 0)
            return rc;
    }
    return rig_pulse_input_count(*slot, count);
}

int rig_pulse_edges(struct rig_bench *bench, unsigned position, struct rig_pulse_edge *edges,
                    size_t max, size_t *n)
{
    *n = 0;
    if (!rig_bench_position(bench, position))
        return no_position(bench, position);
    return bench->drv->pulse_edges(bench, position, edges, max, n);
}

int rig_pulse_edges_discard(struct rig_bench *bench, unsigned position)
{
    struct rig_pulse_edge one;
    size_t n;
    return rig_pulse_edges(bench, position, &one, 1, &n); /* the rest are dropped */
}

int rig_pulse_level(struct rig_bench *bench, unsigned position, unsigned output,
                    unsigned *active)
{
    if (!rig_bench_position(bench, position))
        return no_position(bench, position);
    if (output < 1 || output > 2)
        return rig_error_set(-EINVAL, "position %u: pulse output %u — outputs are 1 and 2",
                             position, output);
    return bench->drv->pulse_level(bench, position, output, active);
}

int rig_flash(struct rig_bench *bench, unsigned position, const char *image_path)
{
    char image[PATH_MAX];
    if (!rig_bench_position(bench, position))
        return no_position(bench, position);
    if (!image_path || !realpath(image_path, image))
        return rig_error_set(-ENOENT, "position %u: image %s not found — build it (make firmware) "
                                      "or check the path",
                             position, image_path ? image_path : "(none)");
    /* The unit restarts: its Modbus client starts afresh afterwards. */
    rig_bench_forget_meter(bench, position);
    return bench->drv->flash(bench, position, image);
}

int rig_bench_share_lock(struct rig_bench *bench)
{
    if (bench->lock_fd < 0)
        return 0; /* inherited, or a bench without one: nothing to pass on */
    return rig_lock_pass_down(bench->lock_fd, bench->lock_path);
}

int rig_bench_unit_running(struct rig_bench *bench, unsigned position, char *why, size_t len)
{
    if (!rig_bench_position(bench, position))
        return no_position(bench, position);
    return bench->drv->unit_running(bench, position, why, len);
}

int rig_flash_default_image(struct rig_bench *bench, char *buf, size_t len)
{
    return bench->drv->default_image(bench, buf, len);
}

int rig_bench_check_position(struct rig_bench *bench, unsigned position)
{
    unsigned n = rig_bench_position_count(bench);
    if (position < 1 || position > n)
        return rig_error_set(-EINVAL, "bench %s has no position %u (it has 1..%u)",
                             rig_bench_name(bench), position, n);
    return 0;
}
