/*
 * transport_serialport.c — byte transport over a real serial port with
 * libserialport (USB-serial adapters, on-board UARTs). libserialport cannot
 * open a pseudo-terminal: it looks the port up under /sys/class/tty and uses
 * modem-control ioctls a pty does not have — transport_termios.c serves those.
 */
#include <errno.h>
#include <libserialport.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/error_internal.h"
#include "drivers/transport/transport_internal.h"

static int sp_errno(enum sp_return r)
{
    switch (r) {
    case SP_ERR_ARG: return -EINVAL;
    case SP_ERR_MEM: return -ENOMEM;
    case SP_ERR_SUPP: return -ENOTSUP;
    case SP_ERR_FAIL: return sp_last_error_code() > 0 ? -sp_last_error_code() : -EIO;
    default: return -EIO;
    }
}

static ssize_t sp_read_some(void *impl, void *buf, size_t n, int timeout_ms)
{
    struct sp_port *port = impl;
    /* Wait for the first byte, then take whatever else is already there. */
    enum sp_return r = sp_blocking_read_next(port, buf, n, timeout_ms < 0 ? 0 : (unsigned)timeout_ms);
    if (r < 0)
        return sp_errno(r);
    return (ssize_t)r;
}

static int sp_write_all(void *impl, const void *buf, size_t n, int timeout_ms)
{
    struct sp_port *port = impl;
    enum sp_return r = sp_blocking_write(port, buf, n, timeout_ms < 0 ? 0 : (unsigned)timeout_ms);
    if (r < 0)
        return sp_errno(r);
    return (size_t)r == n ? 0 : -ETIMEDOUT;
}

static void sp_discard(void *impl)
{
    sp_flush(impl, SP_BUF_INPUT);
}

static int sp_fd(const void *impl)
{
    int fd = -1;
    if (sp_get_port_handle((const struct sp_port *)impl, &fd) != SP_OK)
        return -1;
    return fd;
}

static void sp_close_free(void *impl)
{
    sp_close(impl);
    sp_free_port(impl);
}

static const struct rig_transport_ops serialport_ops = {
    .read_some = sp_read_some,
    .write_all = sp_write_all,
    .discard_input = sp_discard,
    .fd = sp_fd,
    .close = sp_close_free,
};

int rig_transport_serialport_open(const char *name, int baud,
                                  const struct rig_transport_ops **ops, void **impl)
{
    struct sp_port *port = NULL;
    enum sp_return r = sp_get_port_by_name(name, &port);
    if (r != SP_OK) {
        int code = r == SP_ERR_FAIL && sp_last_error_code() > 0 ? -sp_last_error_code() : -ENOENT;
        char *msg = sp_last_error_message();
        bool pty = strncmp(name, "/dev/pts/", 9) == 0;
        rig_error_set(code, "cannot open %s: %s — %s", name,
                      r == SP_ERR_FAIL && msg ? msg : strerror(-code),
                      pty ? "libserialport cannot open a pseudo-terminal: use transport = termios"
                          : "check the adapter is plugged in and the port name");
        sp_free_error_message(msg);
        return code;
    }
    r = sp_open(port, SP_MODE_READ_WRITE);
    if (r != SP_OK) {
        int code = sp_errno(r);
        sp_free_port(port);
        return rig_error_set(code, "cannot open %s: %s — %s", name, strerror(-code),
                             strncmp(name, "/dev/pts/", 9) == 0
                                 ? "libserialport cannot open a pseudo-terminal: use transport "
                                   "= termios"
                                 : "check permissions (dialout group) and that nothing else "
                                   "uses it");
    }
    if (sp_set_baudrate(port, baud) != SP_OK || sp_set_bits(port, 8) != SP_OK ||
        sp_set_parity(port, SP_PARITY_NONE) != SP_OK || sp_set_stopbits(port, 1) != SP_OK ||
        sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE) != SP_OK) {
        sp_close(port);
        sp_free_port(port);
        return rig_error_set(-EINVAL, "%s: cannot set %d 8N1 — check the baud rate", name, baud);
    }
    *ops = &serialport_ops;
    *impl = port;
    return 0;
}
