/*
 * sim_slot.c — flash slots of the simulated units.
 *
 * "Flashing" a simulated unit copies the built native image into the unit's
 * slot directory and checks that the copy hashes the same as the image, as
 * OpenOCD's `verify` does on a real part. Non-volatile memory lives in the
 * same slot and survives a flash.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim_bench.h"

/* FNV-1a, 64 bit: an integrity check of a local copy, not a signature. */
#define FNV64_OFFSET 0xcbf29ce484222325ull
#define FNV64_PRIME 0x100000001b3ull

static int hash_file(const char *path, uint64_t *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    uint64_t h = FNV64_OFFSET;
    unsigned char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        for (ssize_t k = 0; k < n; k++) {
            h = (h ^ buf[k]) * FNV64_PRIME;
        }
    }
    int err = n < 0 ? -errno : 0;
    close(fd);
    *out = h;
    return err;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        return -errno;
    }
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (out < 0) {
        int err = -errno;
        close(in);
        return err;
    }
    unsigned char buf[65536];
    ssize_t n;
    int err = 0;
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0) {
                err = -errno;
                break;
            }
            done += w;
        }
        if (err) {
            break;
        }
    }
    if (n < 0) {
        err = -errno;
    }
    if (fsync(out) != 0 && err == 0) {
        err = -errno;
    }
    close(out);
    close(in);
    return err;
}

const char *sim_slot_image_path(const struct sim_unit *unit, char *buf, size_t len)
{
    snprintf(buf, len, "%s/image", unit->slot_dir);
    return buf;
}

int sim_slot_flash(struct sim_unit *unit, const char *image, char *err, size_t err_len)
{
    char staged[SIM_PATH_MAX + 16];
    char final[SIM_PATH_MAX + 16];
    snprintf(staged, sizeof(staged), "%s/image.new", unit->slot_dir);
    sim_slot_image_path(unit, final, sizeof(final));

    struct stat st;
    if (stat(image, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "position %u: image %s: %s — build it with `make firmware`",
                 unit->position, image, errno ? strerror(errno) : "not a regular file");
        return -1;
    }
    uint64_t want, got;
    int r = hash_file(image, &want);
    if (r == 0) {
        r = copy_file(image, staged);
    }
    if (r == 0) {
        r = hash_file(staged, &got);
    }
    if (r != 0) {
        snprintf(err, err_len, "position %u: copying %s into slot %s: %s", unit->position, image,
                 unit->slot_dir, strerror(-r));
        unlink(staged);
        return -1;
    }
    if (got != want) {
        snprintf(err, err_len, "position %u: verify failed: slot copy hashes %016" PRIx64
                 ", image %016" PRIx64, unit->position, got, want);
        unlink(staged);
        return -1;
    }
    /* the image it ran until now, so a flash that does not start can be undone */
    char previous[SIM_PATH_MAX + 16];
    snprintf(previous, sizeof(previous), "%s/image.prev", unit->slot_dir);
    unlink(previous);
    if (link(final, previous) != 0 && errno != ENOENT) {
        snprintf(err, err_len, "position %u: keeping the previous image in %s: %s",
                 unit->position, unit->slot_dir, strerror(errno));
        unlink(staged);
        return -1;
    }
    if (rename(staged, final) != 0) {
        snprintf(err, err_len, "position %u: installing image in %s: %s", unit->position,
                 unit->slot_dir, strerror(errno));
        unlink(staged);
        return -1;
    }
    snprintf(unit->image_hash, sizeof(unit->image_hash), "%016" PRIx64, got);
    return 0;
}

int sim_slot_restore_previous(struct sim_unit *unit)
{
    char previous[SIM_PATH_MAX + 16], final[SIM_PATH_MAX + 16];
    snprintf(previous, sizeof(previous), "%s/image.prev", unit->slot_dir);
    sim_slot_image_path(unit, final, sizeof(final));
    if (rename(previous, final) != 0) {
        return -errno;
    }
    uint64_t h;
    if (hash_file(final, &h) == 0) {
        snprintf(unit->image_hash, sizeof(unit->image_hash), "%016" PRIx64, h);
    }
    return 0;
}
