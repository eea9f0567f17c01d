/*
 * test_transport.c — the byte transports: a missing port is a clear error
 * from both; termios lines over a real pty.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "pty_peer.h"
#include "rig/error.h"
#include "rig/transport.h"

Test(transport, missing_port_serialport)
{
    struct rig_transport *t = NULL;
    cr_assert_lt(rig_transport_open("/dev/ttyNOPE", 115200, RIG_TRANSPORT_SERIALPORT, &t), 0);
    cr_expect_null(t);
    cr_expect(strstr(rig_last_error(), "cannot open /dev/ttyNOPE"), "%s", rig_last_error());
}

Test(transport, missing_port_termios)
{
    struct rig_transport *t = NULL;
    cr_assert_eq(rig_transport_open("/dev/ttyNOPE", 115200, RIG_TRANSPORT_TERMIOS, &t), -ENOENT);
    cr_expect(strstr(rig_last_error(), "cannot open /dev/ttyNOPE: No such file or directory"),
              "%s", rig_last_error());
}

Test(transport, serialport_cannot_open_a_pty)
{
    struct pty_peer p;
    struct rig_transport *t = NULL;
    cr_assert_eq(pty_peer_open(&p), 0);
    int rc = rig_transport_open(p.path, 115200, RIG_TRANSPORT_SERIALPORT, &t);
    if (rc == 0) {
        rig_transport_close(t); /* a libserialport that learnt ptys: fine too */
    } else {
        cr_expect(strstr(rig_last_error(), "transport = termios"), "%s", rig_last_error());
    }
    pty_peer_close(&p);
}

Test(transport, termios_lines_over_a_pty)
{
    struct pty_peer p;
    struct rig_transport *t = NULL;
    char line[16];
    cr_assert_eq(pty_peer_open(&p), 0);
    cr_assert_eq(rig_transport_open(p.path, 115200, RIG_TRANSPORT_AUTO, &t), 0, "%s",
                 rig_last_error());
    cr_assert_eq(rig_transport_write(t, "PING\n", 5, 1000), 0);
    char got[8] = {0};
    cr_assert_eq(read(p.master, got, 5), 5);
    cr_expect_str_eq(got, "PING\n");
    cr_assert_eq(write(p.master, "one\r\ntwo\nthree", 14), 14);
    cr_assert_eq(rig_transport_read_line(t, line, sizeof line, 500), 3);
    cr_expect_str_eq(line, "one");
    cr_assert_eq(rig_transport_read_line(t, line, sizeof line, 500), 3);
    cr_expect_str_eq(line, "two");
    cr_expect_eq(rig_transport_read_line(t, line, sizeof line, 100), -ETIMEDOUT);
    cr_assert_eq(write(p.master, "-and-a-very-long-line\nok\n", 25), 25);
    cr_expect_eq(rig_transport_read_line(t, line, sizeof line, 500), -EMSGSIZE);
    cr_assert_eq(rig_transport_read_line(t, line, sizeof line, 500), 2);
    cr_expect_str_eq(line, "ok");
    rig_transport_close(t);
    pty_peer_close(&p);
}
