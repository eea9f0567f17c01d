/*
 * flash_openocd.c — flashing a real unit over SWD with OpenOCD:
 *   openocd -f <cfg> [-f <cfg>...] [-c "adapter serial S"]
 *           -c "program {IMAGE} verify reset exit"
 * The -f files come from the position's swd key in the bench file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "drivers/flash/flash_internal.h"
#include "rig/flash.h"

#define OPENOCD_MAX_CFG 8
#define OPENOCD_OUTPUT_MAX 8192

/* The openocd to run: $RIG_OPENOCD, or "openocd" found in PATH. */
static int find_openocd(char *buf, size_t len)
{
    return rig_flash_find_tool("RIG_OPENOCD", "openocd", buf, len);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    return s;
}

/* The last non-empty line of text. */
static const char *last_line(char *text)
{
    char *last = "(no output)";
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (*trim(l))
            last = trim(l);
    return last;
}

int rig_flash_openocd(unsigned position, const char *swd, const char *adapter_serial,
                      const char *image_path)
{
    char openocd[PATH_MAX];
    char cfgs[1024];
    char program[PATH_MAX + 64];
    char serial_cmd[128];
    char *argv[2 * OPENOCD_MAX_CFG + 6];
    size_t argc = 0;

    if (!swd || !*swd)
        return rig_error_set(-EINVAL, "position %u: no swd in the bench file — add swd = "
                                      "interface/<probe>.cfg, target/<mcu>.cfg",
                             position);
    if (access(image_path, R_OK) != 0)
        return rig_error_set(-ENOENT, "position %u: cannot read image %s: %s", position,
                             image_path, strerror(errno));
    int mcu = rig_flash_check_mcu_image(image_path);
    if (mcu < 0)
        return rig_error_prefix(mcu, "position %u", position);
    if (strpbrk(image_path, "{}"))
        return rig_error_set(-EINVAL, "position %u: image path %s contains braces, which OpenOCD's "
                                      "Tcl would misread",
                             position, image_path);
    int rc = find_openocd(openocd, sizeof openocd);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u", position);

    argv[argc++] = openocd;
    snprintf(cfgs, sizeof cfgs, "%s", swd);
    for (char *save = NULL, *c = strtok_r(cfgs, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        c = trim(c);
        if (!*c)
            continue;
        if (argc >= 2 * OPENOCD_MAX_CFG)
            return rig_error_set(-EINVAL, "position %u: more than %d swd files", position,
                                 OPENOCD_MAX_CFG);
        argv[argc++] = "-f";
        argv[argc++] = c;
    }
    if (argc == 1)
        return rig_error_set(-EINVAL, "position %u: swd = '%s' names no config file", position, swd);
    if (adapter_serial && *adapter_serial) {
        snprintf(serial_cmd, sizeof serial_cmd, "adapter serial %s", adapter_serial);
        argv[argc++] = "-c";
        argv[argc++] = serial_cmd;
    }
    snprintf(program, sizeof program, "program {%s} verify reset exit", image_path);
    argv[argc++] = "-c";
    argv[argc++] = program;
    argv[argc] = NULL;

    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return rig_error_set(-errno, "position %u: pipe: %s", position, strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(out[0]);
        close(out[1]);
        return rig_error_set(-e, "position %u: cannot run openocd: %s", position, strerror(e));
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        execv(openocd, argv);
        dprintf(2, "cannot run %s: %s\n", openocd, strerror(errno));
        _exit(127);
    }
    close(out[1]);

    /* Keep the tail of what it says, for the message. */
    char *text = calloc(1, OPENOCD_OUTPUT_MAX + 1);
    size_t len = 0;
    char chunk[1024];
    ssize_t n;
    while ((n = read(out[0], chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (!text)
            continue;
        if (len + (size_t)n > OPENOCD_OUTPUT_MAX) {
            size_t drop = len + (size_t)n - OPENOCD_OUTPUT_MAX;
            if (drop > len)
                drop = len;
            memmove(text, text + drop, len - drop);
            len -= drop;
        }
        size_t take = (size_t)n > OPENOCD_OUTPUT_MAX ? OPENOCD_OUTPUT_MAX : (size_t)n;
        memcpy(text + len, chunk + (size_t)n - take, take);
        len += take;
        text[len] = '\0';
    }
    close(out[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        free(text);
        return 0;
    }
    rc = rig_error_set(-EIO, "position %u: openocd failed (%s %d): %s — check the SWD probe, its "
                             "wiring and the unit's supply",
                       position, WIFEXITED(status) ? "exit" : "signal",
                       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                       text ? last_line(text) : "(no output)");
    free(text);
    return rc;
}
