/*
 * test_simctl.c — the control-socket client against a scripted benchd
 * stand-in on a real AF_UNIX socket: replies, ERR, EDGES, benchd going away.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rig/error.h"
#include "rig/sim/simctl.h"

static char dir[64], sock_path[128];
static int listen_fd = -1;
static pthread_t thread;
static char received[8][64];
static int nreceived;

/* Answer requests from a script until the client hangs up or the script ends. */
static void *serve(void *arg)
{
    (void)arg;
    int fd = accept(listen_fd, NULL, NULL);
    char buf[512];
    size_t len = 0;
    static const char *const replies[] = {
        "OK benchd 1\n",
        "OK 1500000000\n",
        "OK 7 1400000000 1500000000\n",
        "OK 3\n100 1 1\n200 1 0\n300 2 1\n",
        "ERR no position 9\n",
        NULL, /* then hang up */
    };
    for (int i = 0; replies[i] && fd >= 0; i++) {
        char *nl;
        while (!(nl = memchr(buf, '\n', len))) {
            ssize_t n = read(fd, buf + len, sizeof buf - len);
            if (n <= 0)
                goto out;
            len += (size_t)n;
        }
        *nl = '\0';
        if (nreceived < 8)
            snprintf(received[nreceived++], sizeof received[0], "%.63s", buf);
        memmove(buf, nl + 1, len - (size_t)(nl + 1 - buf));
        len -= (size_t)(nl + 1 - buf);
        (void)!write(fd, replies[i], strlen(replies[i]));
    }
out:
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/rig-test-ctl-XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(sock_path, sizeof sock_path, "%s/control.sock", dir);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    cr_assert_lt(strlen(sock_path), sizeof a.sun_path);
    memcpy(a.sun_path, sock_path, strlen(sock_path) + 1);
    listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert_eq(bind(listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(listen_fd, 1), 0);
    cr_assert_eq(pthread_create(&thread, NULL, serve, NULL), 0);
}

static void teardown(void)
{
    pthread_join(thread, NULL);
    close(listen_fd);
    unlink(sock_path);
    rmdir(dir);
}

TestSuite(simctl, .init = setup, .fini = teardown);

Test(simctl, protocol)
{
    struct rig_simctl *ctl;
    uint64_t t = 0, rising = 0, rise = 0, fall = 0;
    struct rig_sim_edge edges[2];
    size_t n = 0;

    cr_assert_eq(rig_simctl_open(sock_path, &ctl), 0, "%s", rig_last_error());
    cr_assert_eq(rig_simctl_ping(ctl), 0, "%s", rig_last_error());
    cr_assert_eq(rig_simctl_advance(ctl, 1.5, &t), 0, "%s", rig_last_error());
    cr_expect_eq(t, 1500000000u);
    cr_assert_eq(rig_simctl_count(ctl, 1, 1, &rising, &rise, &fall), 0, "%s", rig_last_error());
    cr_expect_eq(rising, 7);
    cr_expect_eq(rise, 1400000000u);
    cr_expect_eq(fall, 1500000000u);
    /* three edges queued, room for two: the third is read and dropped */
    cr_assert_eq(rig_simctl_edges(ctl, 1, edges, 2, &n), 0, "%s", rig_last_error());
    cr_expect_eq(n, 2);
    cr_expect_eq(edges[1].t_ns, 200);
    cr_expect_eq(edges[1].output, 1);
    cr_expect_eq(edges[1].level, 0);
    cr_expect_eq(rig_simctl_count(ctl, 9, 1, &rising, NULL, NULL), -EREMOTEIO);
    cr_expect(strstr(rig_last_error(), "COUNT 9 1: no position 9"), "%s", rig_last_error());
    cr_expect_eq(rig_simctl_time(ctl, &t), -ECONNRESET);
    cr_expect(strstr(rig_last_error(), "benchd went away"), "%s", rig_last_error());
    rig_simctl_close(ctl);
    cr_expect_str_eq(received[0], "PING");
    cr_expect_str_eq(received[1], "ADVANCE 1.500000000");
    cr_expect_str_eq(received[2], "COUNT 1 1");
    cr_expect_str_eq(received[3], "EDGES 1");
}

Test(simctl, nobody_listening)
{
    struct rig_simctl *ctl = NULL;
    /* let the server thread finish: connect once and hang up */
    cr_assert_eq(rig_simctl_open(sock_path, &ctl), 0);
    rig_simctl_close(ctl);
    cr_expect_lt(rig_simctl_open("/tmp/rig-no-such-dir/control.sock", &ctl), 0);
    cr_expect(strstr(rig_last_error(), "is the simulated bench up"), "%s", rig_last_error());
}
