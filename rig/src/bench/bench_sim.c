/*
 * bench_sim.c — the simulated bench's driver: benchd's clock, its pulse
 * counters and timestamped edges, and its flash slots, over the control
 * socket (drivers/sim). The only file of the bench that knows benchd.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "base/lock.h"
#include "bench/bench_internal.h"
#include "drivers/display/display_internal.h"
#include "drivers/flash/flash_internal.h"
#include "drivers/lines/lines_internal.h"
#include "rig/sim/simbench.h"
#include "rig/sim/simctl.h"
#include "rig/source.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static int sim_sleep(struct rig_bench *b, double seconds)
{
    return rig_simctl_advance(b->ctl, seconds, NULL);
}

static int sim_time(struct rig_bench *b, double *seconds)
{
    uint64_t t;
    int rc = rig_simctl_time(b->ctl, &t);
    if (rc == 0)
        *seconds = (double)t / 1e9;
    return rc;
}

static int sim_pulse_input(struct rig_bench *b, unsigned position, unsigned output,
                           struct rig_pulse_input **out)
{
    return rig_pulse_input_open_sim(b->ctl, position, output, out);
}

static int sim_pulse_edges(struct rig_bench *b, unsigned position, struct rig_pulse_edge *edges,
                           size_t max, size_t *n)
{
    struct rig_sim_edge *batch = calloc(max ? max : 1, sizeof *batch);
    if (!batch)
        return rig_error_set(-ENOMEM, "out of memory");
    size_t got = 0;
    int rc = rig_simctl_edges(b->ctl, position, batch, max, &got);
    if (rc < 0) {
        free(batch);
        return rig_error_prefix(rc, "position %u: pulse edges", position);
    }
    for (size_t k = 0; k < got; k++)
        edges[k] = (struct rig_pulse_edge){batch[k].t_ns, batch[k].output, batch[k].level};
    *n = got;
    free(batch);
    return 0;
}

static int sim_reference_edges(struct rig_bench *b, unsigned wire, struct rig_pulse_edge *edges,
                               size_t max, size_t *n, uint64_t *dropped)
{
    struct rig_sim_edge *batch = calloc(max ? max : 1, sizeof *batch);
    if (!batch)
        return rig_error_set(-ENOMEM, "out of memory");
    size_t got = 0;
    int rc = rig_simctl_refedges(b->ctl, wire, batch, max, &got, dropped);
    if (rc < 0) {
        free(batch);
        return rig_error_prefix(rc, "reference wire %u", wire);
    }
    for (size_t k = 0; k < got; k++)
        edges[k] = (struct rig_pulse_edge){batch[k].t_ns, batch[k].output, batch[k].level};
    *n = got;
    free(batch);
    return 0;
}

static int sim_reference_constant(struct rig_bench *b, unsigned wire, double *imp_per_kwh)
{
    int rc = rig_simctl_refconst(b->ctl, wire, 0.0, imp_per_kwh);
    return rc < 0 ? rig_error_prefix(rc, "reference wire %u", wire) : 0;
}

static int sim_pulse_level(struct rig_bench *b, unsigned position, unsigned output,
                           unsigned *active)
{
    uint64_t rising, last_rise, last_fall;
    int rc = rig_simctl_count(b->ctl, position, output, &rising, &last_rise, &last_fall);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u: pulse output %u", position, output);
    *active = rising > 0 && last_rise >= last_fall;
    return 0;
}

static int sim_flash(struct rig_bench *b, unsigned position, const char *image)
{
    return rig_flash_sim(b->ctl, position, image, NULL, 0);
}

static int sim_unit_running(struct rig_bench *b, unsigned position, char *why, size_t len)
{
    char reply[128];
    int rc = rig_simctl_request(b->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "STATUS %u",
                                position);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u: asking benchd whether it runs", position);
    if (strcmp(reply, "running") == 0)
        return 1;
    snprintf(why, len, "%s", strncmp(reply, "stopped ", 8) == 0 ? reply + 8 : reply);
    return 0;
}

/* The image the positions run: the host build, or the mps2-an386 ELF on a
 * bench whose positions are QEMU instances. */
static int sim_default_image(struct rig_bench *b, char *buf, size_t len)
{
    char board[32];
    int rc = rig_simctl_request(b->ctl, RIG_SIMCTL_TIMEOUT_MS, board, sizeof board, "BOARD");
    if (rc < 0)
        return rig_error_prefix(rc, "asking benchd what its positions run");
    return strcmp(board, "qemu") == 0 ? rig_simbench_find_qemu_image(buf, len)
                                      : rig_simbench_find_image(buf, len);
}

static void sim_release(struct rig_bench *b)
{
    if (b->benchd > 0)
        rig_simbench_stop(b->private_dir, b->benchd);
    rig_simctl_close(b->ctl);
    if (b->private_dir)
        nftw(b->private_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(b->private_dir);
    free(b->sim_dir);
}

/* The supply relay is benchd's SUPPLY; a warned cut answers with the
 * hold-up time the unit's save used (docs/power.md). */
static int sim_supply(struct rig_bench *b, unsigned position, bool on, double *holdup_used_s)
{
    char reply[128];
    int rc = rig_simctl_request(b->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof(reply), "SUPPLY %u %s",
                                position, on ? "ON" : "OFF WARNED");
    if (rc < 0)
        return rig_error_prefix(rc, "position %u: supply %s", position, on ? "on" : "off");
    unsigned long used = 0, holdup = 0;
    if (holdup_used_s != NULL) {
        *holdup_used_s = sscanf(reply, "off warned %lu %lu", &used, &holdup) == 2 ? (double)used * 1e-9 : 0.0;
    }
    return 0;
}

static int sim_press(struct rig_bench *b, unsigned position, unsigned button, unsigned ms)
{
    char reply[64];
    int rc = rig_simctl_request(b->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "PRESS %u %s %u",
                                position, button == 1 ? "next" : "enter", ms);
    return rc < 0 ? rig_error_prefix(rc, "position %u: pressing %s", position,
                                     button == 1 ? "next" : "enter")
                  : 0;
}

static int sim_frame(struct rig_bench *b, unsigned position, struct med2_lcd_frame *out)
{
    char reply[128];
    int rc = rig_simctl_request(b->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "FRAME %u",
                                position);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u: reading the display", position);
    return rig_display_parse_frame(reply, out);
}

static int sim_picture(struct rig_bench *b, unsigned position, const char *path)
{
    char reply[64];
    int rc = rig_simctl_request(b->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "PNG %u %s",
                                position, path);
    return rc < 0 ? rig_error_prefix(rc, "position %u: a picture of the display", position) : 0;
}

static int sim_waveform(struct rig_bench *b, unsigned position, const char *path)
{
    char reply[64];
    int rc = rig_simctl_request(b->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply, "WAVE %u %s",
                                position, path);
    return rc < 0 ? rig_error_prefix(rc, "position %u: a recording on its AFE", position) : 0;
}

static int sim_line_noise(struct rig_bench *b, unsigned position, double ber)
{
    char reply[64];
    int rc = rig_simctl_request(b->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply,
                                "NOISE %u %.9g", position, ber);
    return rc < 0 ? rig_error_prefix(rc, "position %u: noise on its RS485 line", position) : 0;
}

static int sim_load_nv(struct rig_bench *b, unsigned position, const char *dump)
{
    char reply[64];
    int rc = rig_simctl_request(b->ctl, RIG_SIMCTL_TIMEOUT_MS, reply, sizeof reply,
                                "LOADNV %u %s", position, dump);
    return rc < 0 ? rig_error_prefix(rc, "position %u: the register dump into NV", position) : 0;
}

static const struct rig_bench_driver sim_driver = {
    .sleep = sim_sleep,
    .time = sim_time,
    .pulse_input = sim_pulse_input,
    .pulse_edges = sim_pulse_edges,
    .pulse_level = sim_pulse_level,
    .flash = sim_flash,
    .unit_running = sim_unit_running,
    .default_image = sim_default_image,
    .release = sim_release,
    .press = sim_press,
    .frame = sim_frame,
    .picture = sim_picture,
    .reference_edges = sim_reference_edges,
    .reference_constant = sim_reference_constant,
    .supply = sim_supply,
    .waveform = sim_waveform,
    .line_noise = sim_line_noise,
    .load_nv = sim_load_nv,
};

int rig_bench_sim_attach(struct rig_bench *b, const char *dir)
{
    b->drv = &sim_driver;
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

/*
 * A private bench whose client was killed leaves its directory behind (its
 * benchd dies with the client). Before making a new one, remove the
 * leftovers: rig-bench-* directories older than a minute (never one being
 * made right now) whose lock nobody holds and whose benchd is gone.
 */
#define PRIVATE_PREFIX "rig-bench-"
#define LEFTOVER_AGE_S 60

static bool leftover(const char *dir)
{
    char path[PATH_MAX + 16];
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || time(NULL) - st.st_mtime < LEFTOVER_AGE_S)
        return false;
    if (rig_simbench_running(dir))
        return false;
    int fd;
    snprintf(path, sizeof path, "%s/bench.lock", dir);
    if (access(path, F_OK) == 0) {
        if (rig_lock_take(path, dir, 0.0, &fd) < 0)
            return false; /* a client has it */
        rig_lock_drop(fd);
    }
    return true;
}

static void sweep_leftovers(const char *tmp)
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char dir[PATH_MAX];
        if (strncmp(e->d_name, PRIVATE_PREFIX, strlen(PRIVATE_PREFIX)) != 0)
            continue;
        snprintf(dir, sizeof dir, "%s/%s", tmp, e->d_name);
        if (leftover(dir))
            nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    closedir(d);
}

int rig_bench_sim_open(struct rig_bench *b, const struct rig_bench_config *file_cfg)
{
    char tmpl[PATH_MAX];
    const char *tmp = getenv("TMPDIR");
    struct rig_sim_unit units[RIG_MAX_POSITIONS];

    b->drv = &sim_driver;
    if (!tmp || !*tmp)
        tmp = "/tmp";
    sweep_leftovers(tmp);
    snprintf(tmpl, sizeof tmpl, "%s/" PRIVATE_PREFIX "XXXXXX", tmp);
    if (!mkdtemp(tmpl))
        return rig_error_set(-errno, "cannot create a directory for the simulated bench (%s): %s",
                             tmpl, strerror(errno));
    if (!(b->private_dir = strdup(tmpl))) {
        nftw(tmpl, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        return rig_error_set(-ENOMEM, "out of memory");
    }
    for (unsigned i = 0; i < file_cfg->positions; i++) {
        const struct rig_position *p = &file_cfg->pos[i].pub;
        units[i] = (struct rig_sim_unit){p->model, p->serial, p->slave, p->baud, p->defect};
    }
    struct rig_simbench_options opt = {
        .dir = tmpl,
        .speed = "0", /* the clock moves only by rig_sleep */
        .units = units,
        .unit_count = file_cfg->positions,
        .detach = false,
        /* board = qemu in the file, or $RIG_SIM_BOARD for every simulated
         * bench (make test-qemu runs the suites so) */
        .board = file_cfg->board_qemu ? "qemu" : getenv("RIG_SIM_BOARD"),
    };
    int rc = rig_simbench_start(&opt, &b->benchd);
    if (rc < 0)
        return rig_error_prefix(rc, "%s", file_cfg->file);
    if ((rc = rig_bench_sim_attach(b, tmpl)) < 0)
        return rc;
    /* bench.json has the ptys; keep the bench file's name. */
    char *name = strdup(file_cfg->name);
    if (!name)
        return rig_error_set(-ENOMEM, "out of memory");
    free(b->cfg->name);
    b->cfg->name = name;
    /* the bench file's reference constants, and its source's dialect (the
     * virtual source speaks both) */
    for (unsigned w = 1; w <= 2; w++)
        if (file_cfg->reference_constant[w] > 0.0 &&
            (rc = rig_simctl_refconst(b->ctl, w, file_cfg->reference_constant[w], NULL)) < 0)
            return rig_error_prefix(rc, "%s: [reference]", file_cfg->file);
    if (file_cfg->source_dialect != RIG_SOURCE_SCPI) {
        rig_source_close(b->source);
        b->source = NULL;
        if ((rc = rig_source_open_dialect(b->cfg->source_port, b->cfg->source_baud,
                                          RIG_TRANSPORT_TERMIOS, file_cfg->source_dialect,
                                          &b->source)) < 0)
            return rc;
    }
    /* what only the bench file knows of its positions */
    for (unsigned i = 0; i < file_cfg->positions && i < b->cfg->positions; i++) {
        struct rig_position *to = &b->cfg->pos[i].pub;
        const struct rig_position *from = &file_cfg->pos[i].pub;
        to->golden = from->golden;
        to->golden_error = from->golden_error;
        to->golden_window = from->golden_window;
    }
    return 0;
}

/* For rig/sim/simctl.h: the control client of a simulated bench. */
struct rig_simctl *rig_bench_simctl(struct rig_bench *bench)
{
    if (!bench->ctl)
        rig_error_set(-ENOTSUP, "bench %s is not simulated: no benchd controls", bench->cfg->name);
    return bench->ctl;
}
