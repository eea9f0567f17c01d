/*
 * sim_pty.c — raw-mode pseudo-terminals for the simulated bench's lines.
 *
 * Two facts measured on Linux ptys drive this file (README, "Pseudo-terminals"): a new pty is
 * in cooked mode, where byte 0x03 — Modbus function 03 — is eaten as Ctrl-C,
 * so raw mode is set before anyone can open it; and the creator keeps the
 * slave side open, or a client's close leaves the master in a POLLHUP busy
 * loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sim_bench.h"

int sim_pty_open(struct sim_pty *pty)
{
    pty->master = pty->slave = -1;
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) {
        return -errno;
    }
    if (grantpt(master) != 0 || unlockpt(master) != 0 ||
        ptsname_r(master, pty->path, sizeof(pty->path)) != 0) {
        int err = errno;
        close(master);
        return -err;
    }
    int slave = open(pty->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        int err = errno;
        close(master);
        return -err;
    }
    struct termios tio;
    if (tcgetattr(slave, &tio) != 0) {
        int err = errno;
        close(slave);
        close(master);
        return -err;
    }
    cfmakeraw(&tio);
    cfsetispeed(&tio, B38400);
    cfsetospeed(&tio, B38400);
    if (tcsetattr(slave, TCSANOW, &tio) != 0) {
        int err = errno;
        close(slave);
        close(master);
        return -err;
    }
    pty->master = master;
    pty->slave = slave;
    return 0;
}

void sim_pty_close(struct sim_pty *pty)
{
    if (pty->master >= 0) {
        close(pty->master);
    }
    if (pty->slave >= 0) {
        close(pty->slave);
    }
    pty->master = pty->slave = -1;
}
