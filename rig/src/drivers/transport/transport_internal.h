/*
 * transport_internal.h — what a byte transport implementation provides
 * (transport_termios.c, transport_serialport.c); transport.c adds line
 * buffering on top.
 */
#ifndef RIG_TRANSPORT_INTERNAL_H
#define RIG_TRANSPORT_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

struct rig_transport_ops {
    /* Read what is there, waiting up to timeout_ms for the first byte.
     * Returns bytes read (> 0), 0 on timeout, -errno. */
    ssize_t (*read_some)(void *impl, void *buf, size_t n, int timeout_ms);
    /* Write all of buf within timeout_ms. Returns 0, -ETIMEDOUT, -errno. */
    int (*write_all)(void *impl, const void *buf, size_t n, int timeout_ms);
    void (*discard_input)(void *impl);
    int (*fd)(const void *impl);
    void (*close)(void *impl);
};

/* Each returns 0 with *ops and *impl set, or -errno with the last error set
 * to "cannot open PORT: reason — what to check". */
int rig_transport_termios_open(const char *port, int baud, const struct rig_transport_ops **ops,
                               void **impl);
int rig_transport_serialport_open(const char *port, int baud,
                                  const struct rig_transport_ops **ops, void **impl);

#endif
