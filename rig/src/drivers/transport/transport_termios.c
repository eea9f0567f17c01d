/*
 * transport_termios.c — byte transport over any tty the kernel opens, with
 * plain termios: the simulated source's pseudo-terminal in particular, which
 * libserialport cannot open (no /sys/class/tty entry, no modem-control
 * ioctls). A new pty is in cooked mode — 0x03 would be eaten as Ctrl-C — so
 * the line is put in raw mode here.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/clock_internal.h"
#include "base/error_internal.h"
#include "drivers/transport/termios_baud.h"
#include "drivers/transport/transport_internal.h"

struct termios_impl {
    int fd;
};

static ssize_t tio_read_some(void *impl, void *buf, size_t n, int timeout_ms)
{
    struct termios_impl *t = impl;
    struct pollfd p = {.fd = t->fd, .events = POLLIN};

    for (;;) {
        int rc = poll(&p, 1, timeout_ms);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return -errno;
        if (rc == 0)
            return 0;
        ssize_t got = read(t->fd, buf, n);
        if (got > 0)
            return got;
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (got == 0 || errno == EIO)
            return -EIO; /* the other side of the line is gone */
        return -errno;
    }
}

static int tio_write_all(void *impl, const void *buf, size_t n, int timeout_ms)
{
    struct termios_impl *t = impl;
    const char *p = buf;
    int64_t deadline = rig_now_ms() + timeout_ms;

    while (n > 0) {
        ssize_t w = write(t->fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return -errno;
        struct pollfd pf = {.fd = t->fd, .events = POLLOUT};
        int left = rig_ms_left(deadline);
        if (left == 0 || poll(&pf, 1, left) == 0)
            return -ETIMEDOUT;
    }
    return 0;
}

static void tio_discard_input(void *impl)
{
    struct termios_impl *t = impl;
    char junk[256];

    tcflush(t->fd, TCIFLUSH);
    while (read(t->fd, junk, sizeof junk) > 0) {
    }
}

static int tio_fd(const void *impl)
{
    return ((const struct termios_impl *)impl)->fd;
}

static void tio_close(void *impl)
{
    struct termios_impl *t = impl;
    close(t->fd);
    free(t);
}

static const struct rig_transport_ops termios_ops = {
    .read_some = tio_read_some,
    .write_all = tio_write_all,
    .discard_input = tio_discard_input,
    .fd = tio_fd,
    .close = tio_close,
};

int rig_transport_termios_open(const char *port, int baud, const struct rig_transport_ops **ops,
                               void **impl)
{
    speed_t speed = rig_termios_speed(baud);
    if (speed == B0)
        return rig_error_set(-EINVAL, "%s: baud %d is not supported — use 1200..921600", port,
                             baud);

    int fd = open(port, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return rig_error_set(-e, "cannot open %s: %s — check the port name and permissions",
                             port, strerror(e));
    }
    struct termios tio;
    if (tcgetattr(fd, &tio) < 0) {
        int e = errno;
        close(fd);
        return rig_error_set(-e, "%s is not a serial line (%s) — check the port name", port,
                             strerror(e));
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, speed);
    cfsetospeed(&tio, speed);
    if (tcsetattr(fd, TCSANOW, &tio) < 0) {
        int e = errno;
        close(fd);
        return rig_error_set(-e, "%s: cannot set %d 8N1 raw: %s", port, baud, strerror(e));
    }
    struct termios_impl *t = malloc(sizeof *t);
    if (!t) {
        close(fd);
        return rig_error_set(-ENOMEM, "%s: out of memory", port);
    }
    t->fd = fd;
    *ops = &termios_ops;
    *impl = t;
    return 0;
}
