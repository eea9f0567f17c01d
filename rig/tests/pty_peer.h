/*
 * pty_peer.h — test helper: a raw pseudo-terminal whose master side a test's
 * peer thread (fake instrument, libmodbus server) serves, while the code under
 * test opens the slave by name. The slave stays open here too, or a client's
 * close would leave the master in a POLLHUP loop.
 */
#ifndef RIG_TEST_PTY_PEER_H
#define RIG_TEST_PTY_PEER_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

struct pty_peer {
    int master;
    int slave;
    char path[64];
};

static inline int pty_peer_open(struct pty_peer *p)
{
    p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
        ptsname_r(p->master, p->path, sizeof p->path) != 0)
        return -1;
    p->slave = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->slave < 0)
        return -1;
    struct termios t;
    tcgetattr(p->slave, &t);
    cfmakeraw(&t); /* cooked mode would eat 0x03, Modbus function 03 */
    tcsetattr(p->slave, TCSANOW, &t);
    return 0;
}

static inline void pty_peer_close(struct pty_peer *p)
{
    close(p->slave);
    close(p->master);
}

#endif
