/*
 * eol_flash.c — the first step of an EOL run: put the image on every unit
 * that is not sealed. A sealed unit is never flashed (a sealed meter's
 * legally relevant software must not change).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "procedures/eol_internal.h"
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

void eol_flash_units(struct eol_ctx *c, const char *image)
{
    eol_prepare(c);
    eol_for_units(c, eol_pick_usable, probe_sealed, NULL, NULL, NULL);
    for (unsigned i = 0; i < c->n; i++) {
        struct eol_unit *u = &c->u[i];
        if (!u->usable || u->sealed_before)
            continue;
        if (rig_flash(c->bench, u->position, image) < 0) {
            u->usable = false;
            eol_fail_unit(u, "flash: %s", rig_last_error());
            eol_record(c, u, "eol.flash", 0, "", NAN, NAN, "FAIL");
            continue;
        }
        eol_record(c, u, "eol.flash", 1, "", NAN, NAN, "PASS");
    }
    fprintf(stderr, "eol: flashed\n");
    eol_prepare(c); /* the units restarted: fresh clients */
}
