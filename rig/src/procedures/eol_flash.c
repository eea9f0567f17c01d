/*
 * eol_flash.c — the first step of an EOL run: put the image on every unit
 * that is not sealed. A sealed unit is never flashed (a sealed meter's
 * legally relevant software must not change). Every probe flashes at once
 * (a thread and an OpenOCD each); positions that share a probe wait their
 * turn. On a simulated bench the rack's clock advances by what the probes
 * of a real one would take for the MCU image (rig_flash_seconds).
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procedures/eol_internal.h"
#include "rig/bench.h"
#include "rig/error.h"
#include "rig/flash.h"
#include "rig/modbus.h"

void eol_image_id(const char *path, char *out, size_t len)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        snprintf(out, len, "unknown");
        return;
    }
    /* FNV-1a 64, as benchd checks a flashed slot */
    uint64_t h = 0xcbf29ce484222325ull;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t k = 0; k < n; k++) {
            h ^= buf[k];
            h *= 0x100000001b3ull;
        }
    fclose(f);
    snprintf(out, len, "fnv1a64:%016llx", (unsigned long long)h);
}

/* Is position i on the probe that position lead leads? */
static bool same_probe(const struct rig_position *a, const struct rig_position *b);
static bool same_probe_or_self(const struct eol_ctx *c, unsigned lead, unsigned i)
{
    return i == lead || (c->u[i].pos && c->u[lead].pos && same_probe(c->u[lead].pos, c->u[i].pos));
}

static int probe_sealed(struct eol_ctx *c, struct eol_unit *u, void *arg)
{
    (void)c, (void)arg;
    /* Before flashing: a fresh unit has no firmware and says nothing, a
     * sealed one without RS485 neither; only a sealed answer counts. */
    rig_meter_set_timeout(u->m, EOL_PROBE_TIMEOUT_MS);
    uint32_t st = 0;
    if (rig_factory_status(u->m, &st) == 0 && (st & MED2_FACTORY_SEALED))
        u->sealed_before = true;
    rig_meter_set_timeout(u->m, 0);
    return 0;
}

/* Positions sharing an SWD probe are flashed one after another by one
 * OpenOCD; different probes at once. */
static bool same_probe(const struct rig_position *a, const struct rig_position *b)
{
    if (!a->swd || !b->swd || !a->swd[0] || !b->swd[0])
        return false; /* a simulated slot, or no probe: its own */
    return strcmp(a->swd, b->swd) == 0 &&
           strcmp(a->swd_serial ? a->swd_serial : "", b->swd_serial ? b->swd_serial : "") == 0;
}

struct probe_job {
    struct eol_ctx *c;
    const char *image;
    unsigned lead;      /* the first position on this probe (index) */
    double seconds;     /* probe time of the positions flashed */
    double each_s;      /* one position's probe time */
};

static void *flash_probe(void *p)
{
    struct probe_job *j = p;
    struct eol_ctx *c = j->c;
    for (unsigned i = j->lead; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (!u->usable || u->sealed_before || !same_probe_or_self(c, j->lead, i))
            continue;
        u->m = NULL; /* rig_flash restarts the unit: its client goes */
        if (rig_flash(c->bench, u->position, j->image) < 0) {
            u->usable = false;
            snprintf(u->err, sizeof u->err, "%s", rig_last_error());
        }
        j->seconds += j->each_s;
    }
    return NULL;
}

void eol_flash_units(struct eol_ctx *c, const char *image)
{
    eol_prepare(c);
    eol_for_units(c, eol_pick_usable, probe_sealed, NULL, NULL, NULL);
    /* What a real bench's probe takes for the image a real unit runs
     * (the MCU image; the simulated slot takes the host build at once). */
    char arm[4096];
    size_t bytes = 0;
    if (rig_flash_arm_image(arm, sizeof arm) < 0 || rig_flash_image_bytes(arm, &bytes) < 0)
        rig_flash_image_bytes(image, &bytes);
    struct probe_job *jobs = calloc(c->n ? c->n : 1, sizeof *jobs);
    pthread_t *th = calloc(c->n ? c->n : 1, sizeof *th);
    bool *started = calloc(c->n ? c->n : 1, sizeof *started);
    unsigned probes = 0;
    for (unsigned i = 0; jobs && th && started && i < c->n; i++) {
        bool lead = c->u[i].pos != NULL;
        for (unsigned k = 0; k < i && lead; k++)
            lead = !(c->u[k].pos && same_probe(c->u[k].pos, c->u[i].pos));
        if (!lead)
            continue;
        jobs[i] = (struct probe_job){c, image, i, 0.0, rig_flash_seconds(bytes)};
        started[i] = pthread_create(&th[i], NULL, flash_probe, &jobs[i]) == 0;
        if (!started[i])
            flash_probe(&jobs[i]);
        probes++;
    }
    double longest = 0.0;
    for (unsigned i = 0; jobs && th && started && i < c->n; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        longest = fmax(longest, jobs[i].seconds);
    }
    if (!jobs || !th || !started)
        for (unsigned i = 0; i < c->n; i++)
            if (c->u[i].usable && !c->u[i].sealed_before) {
                c->u[i].usable = false;
                snprintf(c->u[i].err, sizeof c->u[i].err, "out of memory");
            }
    free(jobs);
    free(th);
    free(started);
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (!u->pos || u->sealed_before || (!u->usable && !u->err[0]))
            continue;
        if (!u->usable) {
            eol_fail_unit(u, "flash: %s", u->err);
            eol_record(c, u, "eol.flash", 0, "", NAN, NAN, "FAIL");
        } else {
            eol_record(c, u, "eol.flash", 1, "", NAN, NAN, "PASS");
        }
    }
    c->flash_s += longest;
    c->pending_s += longest;
    fprintf(stderr, "eol: flashed on %u probe%s at once, %zu bytes each: %.1f s at the probes' "
                    "speed (rig_flash_seconds)\n",
            probes, probes == 1 ? "" : "s", bytes, longest);
    eol_prepare(c); /* the units restarted: fresh clients */
}
