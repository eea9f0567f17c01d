/*
 * rig/transport.h — a byte transport for line-oriented instruments (SCPI).
 *
 * Two implementations behind one interface:
 *   termios     any tty the kernel can open, including pseudo-terminals (the
 *               simulated bench's source); transport_termios.c
 *   serialport  libserialport, for real serial ports (USB adapters, UARTs);
 *               transport_serialport.c. libserialport cannot open a
 *               pseudo-terminal: it needs a /sys/class/tty entry and the
 *               modem-control ioctls, which a pty lacks.
 */
#ifndef RIG_TRANSPORT_H
#define RIG_TRANSPORT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum rig_transport_kind {
    RIG_TRANSPORT_AUTO = 0,   /* termios for /dev/pts/N and non-tty paths, else serialport */
    RIG_TRANSPORT_TERMIOS,
    RIG_TRANSPORT_SERIALPORT,
};

struct rig_transport;

/*
 * rig_transport_open — open port at baud, 8N1, raw, no flow control.
 * Returns 0 and *out, or -errno: -ENOENT/-EACCES/-EBUSY (cannot open),
 * -EINVAL (unsupported baud or kind). The message names the port.
 */
int rig_transport_open(const char *port, int baud, enum rig_transport_kind kind,
                       struct rig_transport **out);

/* rig_transport_close — close and free; NULL is ignored. */
void rig_transport_close(struct rig_transport *t);

/*
 * rig_transport_write — write all n bytes within timeout_ms.
 * Returns 0, -ETIMEDOUT or -EIO.
 */
int rig_transport_write(struct rig_transport *t, const void *buf, size_t n, int timeout_ms);

/*
 * rig_transport_read_line — read one line ending in '\n' within timeout_ms;
 * the terminator (and a '\r' before it) is removed and the line is
 * NUL-terminated. Returns the line's length, -ETIMEDOUT (nothing complete in
 * time), -EMSGSIZE (longer than len - 1; the rest of it is discarded) or -EIO.
 */
int rig_transport_read_line(struct rig_transport *t, char *line, size_t len, int timeout_ms);

/* rig_transport_discard_input — drop whatever has arrived and is unread. */
void rig_transport_discard_input(struct rig_transport *t);

/*
 * rig_transport_fd — the OS file descriptor, for an async-signal-safe
 * write(2) from a signal handler (switching a source off). -1 if none.
 */
int rig_transport_fd(const struct rig_transport *t);

/* rig_transport_port — the port name it was opened with. */
const char *rig_transport_port(const struct rig_transport *t);

#ifdef __cplusplus
}
#endif

#endif /* RIG_TRANSPORT_H */
