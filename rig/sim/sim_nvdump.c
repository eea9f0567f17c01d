/*
 * sim_nvdump.c — LOADNV: a field unit's register dump into a position's NV.
 *
 * The unit's process is stopped (as on a real bench, where the NV part is
 * written with the unit unpowered), the slot's own image writes the NV file
 * from the dump (`med2-native --nv-from-dump`, so the records are in the
 * layout of the firmware that will read them), and the unit starts again
 * from that NV. The image checks the whole dump before it writes anything:
 * on a bad dump the NV is as it was and the unit restarts on it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim_bench.h"

/* Run the slot's image on the dump; its first stderr line into err. */
static int write_nv(struct sim_unit *unit, const char *dump, char *err, size_t err_len)
{
    char image[SIM_PATH_MAX + 16], nv[SIM_PATH_MAX + 16];
    sim_slot_image_path(unit, image, sizeof(image));
    snprintf(nv, sizeof(nv), "%s/nv.bin", unit->slot_dir);
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        snprintf(err, err_len, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, err_len, "fork: %s", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        char *argv[] = {image, "--nv-from-dump", (char *)dump, nv, NULL};
        execv(image, argv);
        fprintf(stderr, "cannot run %s: %s\n", image, strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    char msg[512];
    size_t n = 0;
    ssize_t r;
    while ((r = read(pipefd[0], msg + n, sizeof(msg) - 1 - n)) > 0 || (r < 0 && errno == EINTR)) {
        n += r > 0 ? (size_t)r : 0u;
        if (n == sizeof(msg) - 1) {
            break;
        }
    }
    close(pipefd[0]);
    msg[n] = '\0';
    msg[strcspn(msg, "\n")] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return 0;
    }
    snprintf(err, err_len, "%s", msg[0] ? msg : "the image cannot load a dump (--nv-from-dump)");
    return -1;
}

int sim_unit_load_dump(struct sim_bench *bench, struct sim_unit *unit, const char *dump,
                       char *err, size_t err_len)
{
    sim_unit_stop(unit);
    int rc = write_nv(unit, dump, err, err_len);
    int r = sim_unit_start(bench, unit);
    if (rc == 0 && r != 0) {
        snprintf(err, err_len, "position %u does not start after the load: %s", unit->position,
                 strerror(-r));
        return -1;
    }
    return rc;
}
