/*
 * bench_json.c — reading DIR/bench.json, what a running simulated bench
 * (benchd) says about itself, with jansson:
 *   {"control": "<unix socket>", "source": {"tty": "<pty>"},
 *    "units": [{"position": 1, "model": "...", "serial": "...", "rs485": "<pty>",
 *               "slave": 1, "baud": 38400[, "defect": "NAME[,PARAM]"]}, ...]}
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench_config.h"
#include "base/error_internal.h"

#define SIM_SOURCE_BAUD 115200 /* a pty ignores it; what a real source would use */

static int bad(const char *path, const char *what)
{
    return rig_error_set(-EINVAL, "%s: %s — is benchd from the same build as this rig?", path,
                         what);
}

static int dup_string(json_t *obj, const char *key, char **out)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s || !*s)
        return -1;
    *out = strdup(s);
    return *out ? 0 : -1;
}

int rig_bench_config_load_json(const char *dir, struct rig_bench_config **out)
{
    char path[PATH_MAX];
    char what[128];
    json_error_t jerr;

    *out = NULL;
    if ((size_t)snprintf(path, sizeof path, "%s/bench.json", dir) >= sizeof path)
        return rig_error_set(-ENAMETOOLONG, "%s: path too long", dir);
    if (access(path, F_OK) != 0)
        return rig_error_set(-ENOENT, "no simulated bench in %s (no bench.json) — start one with "
                                      "rig sim up --dir %s",
                             dir, dir);
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root)
        return rig_error_set(-EINVAL, "%s:%d: %s — is benchd still writing it?", path, jerr.line,
                             jerr.text);

    struct rig_bench_config *cfg = calloc(1, sizeof *cfg);
    int rc = 0;
    if (!cfg || !(cfg->file = strdup(path)) || !(cfg->name = strdup("sim"))) {
        rc = rig_error_set(-ENOMEM, "%s: out of memory", path);
        goto out;
    }
    cfg->kind = RIG_BENCH_SIM;
    cfg->source_baud = SIM_SOURCE_BAUD;
    cfg->source_transport = RIG_TRANSPORT_TERMIOS;
    if (dup_string(root, "control", &cfg->control) < 0) {
        rc = bad(path, "\"control\" missing or not a string");
        goto out;
    }
    if (dup_string(json_object_get(root, "source"), "tty", &cfg->source_port) < 0) {
        rc = bad(path, "\"source\".\"tty\" missing or not a string");
        goto out;
    }
    json_t *units = json_object_get(root, "units");
    size_t n = json_array_size(units);
    if (!json_is_array(units) || n == 0 || n > RIG_MAX_POSITIONS) {
        rc = bad(path, "\"units\" missing, empty or too long");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *u = json_array_get(units, i);
        struct rig_bench_config_position *pos = &cfg->pos[i];
        json_int_t number = json_integer_value(json_object_get(u, "position"));
        if (number != (json_int_t)(i + 1)) {
            snprintf(what, sizeof what, "units[%zu].position is not %zu", i, i + 1);
            rc = bad(path, what);
            goto out;
        }
        if (dup_string(u, "model", &pos->model) < 0 || dup_string(u, "serial", &pos->serial) < 0 ||
            dup_string(u, "rs485", &pos->rs485) < 0 ||
            !json_is_integer(json_object_get(u, "slave")) ||
            !json_is_integer(json_object_get(u, "baud"))) {
            snprintf(what, sizeof what,
                     "units[%zu] lacks one of model, serial, rs485 (strings), slave, baud "
                     "(integers)", i);
            rc = bad(path, what);
            goto out;
        }
        const char *defect = json_string_value(json_object_get(u, "defect"));
        if (defect && !(pos->defect = strdup(defect))) {
            rc = rig_error_set(-ENOMEM, "out of memory");
            goto out;
        }
        pos->pub.number = (unsigned)(i + 1);
        pos->pub.slave = (int)json_integer_value(json_object_get(u, "slave"));
        pos->pub.baud = (int)json_integer_value(json_object_get(u, "baud"));
        pos->pub.parity = 'N';
        pos->pub.stop_bits = 1;
        pos->line = 1;
    }
    cfg->positions = (unsigned)n;
    rig_bench_config_finish(cfg);
out:
    json_decref(root);
    if (rc < 0) {
        rig_bench_config_free(cfg);
        return rc;
    }
    *out = cfg;
    return 0;
}
