/*
 * gpiod_spec.c — the bench file's "CHIP:OFFSET" line names, shared by both
 * libgpiod backends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "drivers/lines/gpiod_backend.h"

int rig_gpiod_parse_spec(const char *role, const char *spec, char *chip, size_t size,
                         unsigned *offset)
{
    const char *colon = spec ? strrchr(spec, ':') : NULL;
    char *end = NULL;
    long off = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == spec || (size_t)(colon - spec) >= size || !end || end == colon + 1 ||
        *end || off < 0 || off > 65535)
        return rig_error_set(-EINVAL, "%s '%s': expected CHIP:LINE, e.g. gpiochip0:17 — "
                                      "check the bench file",
                             role, spec ? spec : "(null)");
    snprintf(chip, size, "%.*s", (int)(colon - spec), spec);
    *offset = (unsigned)off;
    return 0;
}
