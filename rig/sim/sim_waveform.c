/*
 * sim_waveform.c — field replay on the simulated bench: a recorded waveform
 * on a unit's AFE inputs (WAVE) and bit errors on its RS485 line (NOISE).
 * The recording is the rig's file of native float32 pairs (V, A) at the
 * AFE's 4000 samples/s; benchd copies it into the unit's slot, where the
 * unit reads it (firmware/boards/native/afe_waveform.h), and tells the unit
 * to start it at the bench's present time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim_bench.h"

#define WAVE_PAIR_BYTES (2u * sizeof(float))
#define WAVE_MAX_PAIRS (4000u * 3600u) /* firmware/boards/native/afe_waveform.h */
#define NOISE_PPB 1e9

int sim_waveform_start(struct sim_bench *bench, struct sim_unit *unit, const char *path,
                       char *err, size_t err_len)
{
    struct stat st;
    if (path == NULL || path[0] != '/' || stat(path, &st) != 0) {
        snprintf(err, err_len, "WAVE wants the absolute path of a recording, got '%s'%s",
                 path ? path : "", path && path[0] == '/' ? ": no such file" : "");
        return -1;
    }
    size_t pairs = (size_t)st.st_size / WAVE_PAIR_BYTES;
    if ((size_t)st.st_size % WAVE_PAIR_BYTES != 0 || pairs == 0 || pairs > WAVE_MAX_PAIRS) {
        snprintf(err, err_len, "%s: %lld bytes is not 1..%u float32 pairs (V, A)", path,
                 (long long)st.st_size, WAVE_MAX_PAIRS);
        return -1;
    }
    sim_unit_drain(bench, unit);
    if (unit->ctrl_fd < 0) {
        snprintf(err, err_len, "position %u is not running: no AFE to feed", unit->position);
        return -1;
    }
    char dst[SIM_PATH_MAX + 32];
    snprintf(dst, sizeof dst, "%s/waveform.f32", unit->slot_dir);
    FILE *in = fopen(path, "rb"), *out = fopen(dst, "wb");
    char buf[1 << 15];
    size_t n, total = 0;
    while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0)
        total += fwrite(buf, 1, n, out);
    int bad = !in || !out || (in && ferror(in));
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        bad = 1;
    if (bad || total != (size_t)st.st_size) {
        snprintf(err, err_len, "copying %s into position %u's slot failed", path, unit->position);
        return -1;
    }
    struct sim_msg msg = {.type = SIM_MSG_WAVEFORM, .value = (uint32_t)pairs,
                          .t_ns = bench->now_ns};
    if (sim_unit_send(unit, &msg) != 0 || sim_unit_sync(unit) != 0) {
        snprintf(err, err_len, "position %u stopped while taking the recording", unit->position);
        return -1;
    }
    return (int)pairs;
}

int sim_noise_set(struct sim_bench *bench, struct sim_unit *unit, const char *ber_arg,
                  char *err, size_t err_len)
{
    char *end;
    double ber = ber_arg ? strtod(ber_arg, &end) : -1;
    if (ber_arg == NULL || *end != '\0' || !(ber >= 0 && ber <= 0.5)) {
        snprintf(err, err_len, "NOISE wants a bit error rate 0..0.5, got '%s'",
                 ber_arg ? ber_arg : "");
        return -1;
    }
    sim_unit_drain(bench, unit);
    struct sim_msg msg = {.type = SIM_MSG_NOISE, .value = (uint32_t)(ber * NOISE_PPB + 0.5)};
    if (sim_unit_send(unit, &msg) != 0 || sim_unit_sync(unit) != 0) {
        snprintf(err, err_len, "position %u is not running: no line to disturb", unit->position);
        return -1;
    }
    return 0;
}
