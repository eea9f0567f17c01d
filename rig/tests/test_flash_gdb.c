/*
 * test_flash_gdb.c — the gdb flasher against a real QEMU mps2-an386 started
 * here with -S and no -kernel: the firmware reaches the board only through
 * gdb, and it runs (its hello on UART2, qemu_wire.h) only once flashed,
 * verified and reset. Its gdb socket is a listening socket made here and
 * handed to QEMU, so gdb never races QEMU's start. Error paths: an image
 * the board's memory does not take, no stub, a silent stub, gdb missing,
 * and the images refused before gdb runs.
 *
 * Needs the mps2 image: $RIG_QEMU_IMAGE, else the build tree's
 * firmware/mps2/med2-mps2.elf (rig.mk builds it before this test).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/exe_dir.h"
#include "drivers/flash/flash_internal.h"
#include "qemu_wire.h"
#include "rig/error.h"

/* Generous for a loaded 2-core machine: one flash takes well under a
 * second on an idle one. */
#define FLASH_TIMEOUT_MS 30000u
#define HELLO_WAIT_MS 10000
/* Where the test's broken image puts its .data: UART0's registers on the
 * mps2-an386 (0x40004000), which do not keep what a debugger writes. */
#define NOT_MEMORY 0x40004000u

static char dir[64];
static pid_t qemu;
static int uart2 = -1;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/rig-test-gdb-XXXXXX");
    cr_assert(mkdtemp(dir));
    qemu = 0;
    uart2 = -1;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* One test points PATH at an empty directory: no rm from there. */
static void teardown(void)
{
    if (qemu > 0) {
        kill(qemu, SIGKILL);
        waitpid(qemu, NULL, 0);
    }
    if (uart2 >= 0)
        close(uart2);
    nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* A flash and a firmware start on a loaded machine take seconds; this only
 * stops a hung test. */
TestSuite(flash_gdb, .init = setup, .fini = teardown, .timeout = 120);

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The mps2 ELF, absolute, or the test fails saying how to get it. */
static void mps2_image(char *buf, size_t len)
{
    char path[PATH_MAX + 64], exe[PATH_MAX];
    const char *env = getenv("RIG_QEMU_IMAGE");
    if (env && *env) {
        snprintf(path, sizeof path, "%s", env);
    } else {
        cr_assert_eq(rig_exe_dir(exe, sizeof exe), 0);
        /* this test is <build>/rig/tests/test_flash_gdb */
        snprintf(path, sizeof path, "%s/../../firmware/mps2/med2-mps2.elf", exe);
    }
    cr_assert(realpath(path, buf) && strlen(buf) < len,
              "no mps2 image at %s — build it (make firmware) or set "
              "RIG_QEMU_IMAGE",
              path);
}

/* The image's build-id as binutils' readelf sees it: the flasher's own ELF
 * reading is not the judge of itself. */
static void readelf_build_id(const char *image, char *hex, size_t len)
{
    char cmd[PATH_MAX + 64], line[256];
    snprintf(cmd, sizeof cmd, "readelf -n '%s'", image);
    FILE *p = popen(cmd, "r");
    cr_assert(p, "readelf");
    hex[0] = '\0';
    while (fgets(line, sizeof line, p)) {
        const char *at = strstr(line, "Build ID: ");
        if (at)
            sscanf(at + 10, "%128s", hex);
    }
    pclose(p);
    cr_assert(hex[0] && strlen(hex) < len, "readelf found no build-id in %s", image);
}

/* A listening TCP socket on a free port of 127.0.0.1. */
static int tcp_listener(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 1) == 0 &&
              getsockname(fd, (struct sockaddr *)&a, &alen) == 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static int unix_listener(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    cr_assert_lt(strlen(path), sizeof a.sun_path, "%s", path);
    memcpy(a.sun_path, path, strlen(path) + 1);
    cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 1) == 0);
    return fd;
}

/*
 * qemu-system-arm ($RIG_QEMU overrides, as for benchd) halted (-S) with an
 * empty board, its gdb stub on the listening socket gdb_fd, UART0 and UART1
 * on nothing, UART2 on a socketpair whose other end is left in uart2.
 */
static void start_qemu(int gdb_fd)
{
    int sp[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
    char gdb_chr[96], uart_chr[64], log[96];
    /* nodelay as QEMU's own -gdb tcp: has it: without it each packet waits
     * for the peer's delayed ack and a load takes seconds */
    snprintf(gdb_chr, sizeof gdb_chr, "socket,id=gdb,fd=%d,server=on,wait=off,nodelay=on", gdb_fd);
    snprintf(uart_chr, sizeof uart_chr, "socket,id=u2,fd=%d", sp[1]);
    snprintf(log, sizeof log, "%s/qemu.log", dir);
    const char *bin = getenv("RIG_QEMU") ? getenv("RIG_QEMU") : "qemu-system-arm";
    char *argv[] = {(char *)bin, "-M", "mps2-an386", "-nographic", "-nodefaults", "-nic", "none",
                    "-monitor", "none", "-S", "-chardev", gdb_chr, "-gdb", "chardev:gdb",
                    "-serial", "null", "-serial", "null", "-chardev", uart_chr,
                    "-serial", "chardev:u2", NULL};
    qemu = fork();
    cr_assert(qemu >= 0);
    if (qemu == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        fcntl(gdb_fd, F_SETFD, 0);
        fcntl(sp[1], F_SETFD, 0);
        int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        execvp(bin, argv);
        dprintf(2, "cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(sp[1]);
    close(gdb_fd);
    uart2 = sp[0];
}

/* Up to n bytes from UART2 within ms; how many came. */
static size_t uart2_read(uint8_t *buf, size_t n, int ms)
{
    size_t got = 0;
    double end = now_s() + ms / 1000.0;
    while (got < n) {
        int left = (int)((end - now_s()) * 1000.0);
        struct pollfd p = {.fd = uart2, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) <= 0)
            break;
        ssize_t r = read(uart2, buf + got, n - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

/* The firmware's hello record: it (re)started from its vector table. */
static void expect_hello(void)
{
    uint8_t m[5] = {0};
    size_t got = uart2_read(m, sizeof m, HELLO_WAIT_MS);
    cr_assert_eq(got, sizeof m, "no hello on UART2 within %d ms (%zu bytes)", HELLO_WAIT_MS, got);
    cr_expect_eq(m[0], QW_HELLO);
    cr_expect_eq((uint32_t)m[1] | (uint32_t)m[2] << 8 | (uint32_t)m[3] << 16 |
                     (uint32_t)m[4] << 24,
                 QW_VERSION);
}

Test(flash_gdb, tcp_flashes_verifies_and_runs)
{
    char image[PATH_MAX], expect[RIG_FLASH_GDB_ID_MAX], id[RIG_FLASH_GDB_ID_MAX] = "";
    mps2_image(image, sizeof image);
    readelf_build_id(image, expect, sizeof expect);
    unsigned port;
    start_qemu(tcp_listener(&port));
    char endpoint[32];
    snprintf(endpoint, sizeof endpoint, "127.0.0.1:%u", port);

    double t0 = now_s();
    int rc = rig_flash_gdb(1, endpoint, RIG_GDB_STUB_QEMU, image, FLASH_TIMEOUT_MS, id, sizeof id);
    double took = now_s() - t0;
    cr_assert_eq(rc, 0, "%s", rig_last_error());
    cr_expect_str_eq(id, expect);
    expect_hello();
    /* the flash time, for the record (make check shows the test's output) */
    fprintf(stderr, "flash_gdb: %s over tcp in %.2f s wall\n", strrchr(image, '/') + 1, took);
}

/* QEMU's -gdb unix:PATH form; and a unit that runs is flashed again (gdb
 * halts it, the reset restarts it). */
Test(flash_gdb, unix_socket_and_a_running_unit)
{
    char image[PATH_MAX], sock[128], endpoint[160], id[RIG_FLASH_GDB_ID_MAX] = "";
    char expect[RIG_FLASH_GDB_ID_MAX];
    mps2_image(image, sizeof image);
    readelf_build_id(image, expect, sizeof expect);
    snprintf(sock, sizeof sock, "%s/gdb.sock", dir);
    start_qemu(unix_listener(sock));

    snprintf(endpoint, sizeof endpoint, "unix:%s", sock);
    cr_assert_eq(rig_flash_gdb(1, endpoint, RIG_GDB_STUB_QEMU, image, FLASH_TIMEOUT_MS, id,
                               sizeof id),
                 0, "%s", rig_last_error());
    cr_expect_str_eq(id, expect);
    expect_hello();

    /* the bare path: gdb sees a socket there */
    cr_assert_eq(rig_flash_gdb(1, sock, RIG_GDB_STUB_QEMU, image, FLASH_TIMEOUT_MS, NULL, 0), 0,
                 "%s", rig_last_error());
    expect_hello();
}

/* The whole of file path, in a buffer to free; its size in *size. */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *in = fopen(path, "rb");
    cr_assert(in, "%s", path);
    cr_assert_eq(fseek(in, 0, SEEK_END), 0);
    long n = ftell(in);
    rewind(in);
    uint8_t *b = malloc((size_t)n);
    cr_assert(n > 0 && b && fread(b, 1, (size_t)n, in) == (size_t)n);
    fclose(in);
    *size = (size_t)n;
    return b;
}

static void spill(const char *path, const uint8_t *b, size_t n)
{
    FILE *out = fopen(path, "wb");
    cr_assert(out && fwrite(b, 1, n, out) == n, "%s", path);
    fclose(out);
}

/* A bench file naming the wrong kind of stub: QEMU's monitor answers
 * OpenOCD's "reset run" with text, not an error, and the unit would sit
 * halted. */
Test(flash_gdb, wrong_stub_kind)
{
    char image[PATH_MAX], endpoint[32];
    mps2_image(image, sizeof image);
    unsigned port;
    start_qemu(tcp_listener(&port));
    snprintf(endpoint, sizeof endpoint, "127.0.0.1:%u", port);

    cr_assert_eq(rig_flash_gdb(1, endpoint, RIG_GDB_STUB_OPENOCD, image, FLASH_TIMEOUT_MS, NULL,
                               0),
                 -EIO);
    cr_expect(strstr(rig_last_error(), "does not take \"monitor reset run\""), "%s",
              rig_last_error());
    cr_expect(strstr(rig_last_error(), "is it OpenOCD?"), "%s", rig_last_error());
}

/* A copy of the image with the .data segment's load address moved to
 * addr: gdb "loads" it there, but the board keeps none of it. The ELF's
 * fields are little-endian like this host's. */
static void image_with_data_at(const char *src, const char *dst, uint32_t addr)
{
    size_t size;
    uint8_t *b = slurp(src, &size);
    uint32_t phoff;
    uint16_t phentsize, phnum;
    memcpy(&phoff, b + 28, 4);
    memcpy(&phentsize, b + 42, 2);
    memcpy(&phnum, b + 44, 2);
    int patched = 0;
    for (unsigned k = 0; k < phnum; k++) {
        uint8_t *ph = b + phoff + k * phentsize;
        uint32_t type, vaddr, paddr, filesz;
        memcpy(&type, ph, 4);
        memcpy(&vaddr, ph + 8, 4);
        memcpy(&paddr, ph + 12, 4);
        memcpy(&filesz, ph + 16, 4);
        /* RAM with bytes loaded from flash (the stack's segment has none) */
        if (type == 1 /* PT_LOAD */ && vaddr != paddr && filesz > 0) {
            memcpy(ph + 12, &addr, 4);
            patched++;
        }
    }
    cr_assert_eq(patched, 1, "the image has no .data segment loaded from flash");
    spill(dst, b, size);
    free(b);
}

/* A copy of the image whose GNU build-id note has another type: an ARM ELF
 * without a build-id. */
static void image_without_build_id(const char *src, const char *dst)
{
    size_t size;
    uint8_t *b = slurp(src, &size);
    int found = 0;
    for (size_t k = 0; k + 16 <= size && !found; k += 4)
        if (memcmp(b + k, "\x04\0\0\0", 4) == 0 && memcmp(b + k + 8, "\x03\0\0\0GNU", 8) == 0) {
            b[k + 8] = 0x7f; /* was NT_GNU_BUILD_ID */
            found = 1;
        }
    cr_assert(found, "no build-id note in %s", src);
    spill(dst, b, size);
    free(b);
}

Test(flash_gdb, memory_that_does_not_take_the_image)
{
    char image[PATH_MAX], bad[128], endpoint[32];
    mps2_image(image, sizeof image);
    snprintf(bad, sizeof bad, "%s/bad.elf", dir);
    image_with_data_at(image, bad, NOT_MEMORY);
    unsigned port;
    start_qemu(tcp_listener(&port));
    snprintf(endpoint, sizeof endpoint, "127.0.0.1:%u", port);

    cr_assert_eq(rig_flash_gdb(3, endpoint, RIG_GDB_STUB_QEMU, bad, FLASH_TIMEOUT_MS, NULL, 0),
                 -EIO);
    cr_expect(strstr(rig_last_error(), "position 3: after load the unit's memory does not match"),
              "%s", rig_last_error());
    cr_expect(strstr(rig_last_error(), "in section .data (compare-sections)"), "%s",
              rig_last_error());
    /* and what did not verify was not started */
    uint8_t m[5];
    cr_expect_eq(uart2_read(m, sizeof m, 1000), 0, "the unverified image was started");
}

Test(flash_gdb, no_stub_listening)
{
    char image[PATH_MAX], endpoint[160];
    mps2_image(image, sizeof image);
    /* a port held but not listening: connections to it are refused */
    int held = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    cr_assert(held >= 0 && bind(held, (struct sockaddr *)&a, sizeof a) == 0 &&
              getsockname(held, (struct sockaddr *)&a, &alen) == 0);
    snprintf(endpoint, sizeof endpoint, "127.0.0.1:%u", ntohs(a.sin_port));

    double t0 = now_s();
    cr_assert_eq(rig_flash_gdb(2, endpoint, RIG_GDB_STUB_OPENOCD, image, FLASH_TIMEOUT_MS, NULL, 0),
                 -EIO);
    /* at once, not at the timeout nor after gdb's own retries (15 s) */
    cr_expect_lt(now_s() - t0, 10.0);
    cr_expect(strstr(rig_last_error(), "position 2: no gdb stub answers at 127.0.0.1:"), "%s",
              rig_last_error());
    cr_expect(strstr(rig_last_error(), "Connection refused"), "%s", rig_last_error());
    close(held);

    snprintf(endpoint, sizeof endpoint, "unix:%s/no.sock", dir);
    cr_assert_eq(rig_flash_gdb(2, endpoint, RIG_GDB_STUB_QEMU, image, FLASH_TIMEOUT_MS, NULL, 0),
                 -EIO);
    cr_expect(strstr(rig_last_error(), "No such file or directory"), "%s", rig_last_error());
}

Test(flash_gdb, silent_stub_times_out)
{
    char image[PATH_MAX], endpoint[32];
    mps2_image(image, sizeof image);
    /* listening, never accepting: the kernel completes the connection and
     * nothing ever answers gdb */
    unsigned port;
    int fd = tcp_listener(&port);
    snprintf(endpoint, sizeof endpoint, "127.0.0.1:%u", port);

    double t0 = now_s();
    cr_assert_eq(rig_flash_gdb(1, endpoint, RIG_GDB_STUB_QEMU, image, 2000, NULL, 0), -ETIMEDOUT,
                 "%s", rig_last_error());
    double took = now_s() - t0;
    cr_expect(took > 1.9 && took < 10.0, "took %.1f s", took);
    /* the step it names is "connect", or "start" on a machine so loaded
     * that gdb had not got that far */
    cr_expect(strstr(rig_last_error(), "within 2000 ms (at step ") &&
                  strstr(rig_last_error(), "), killed it"),
              "%s", rig_last_error());
    close(fd);
}

Test(flash_gdb, gdb_missing)
{
    char image[PATH_MAX], nothing[128];
    mps2_image(image, sizeof image);
    snprintf(nothing, sizeof nothing, "%s/gdb-multiarch", dir);
    setenv("RIG_GDB", nothing, 1);
    cr_assert_eq(rig_flash_gdb(1, "127.0.0.1:1", RIG_GDB_STUB_QEMU, image, 0, NULL, 0), -ENOENT);
    cr_expect(strstr(rig_last_error(), "position 1: gdb-multiarch not found at"), "%s",
              rig_last_error());
    cr_expect(strstr(rig_last_error(), "install gdb-multiarch"), "%s", rig_last_error());

    unsetenv("RIG_GDB");
    setenv("PATH", dir, 1); /* nothing called gdb-multiarch in there */
    cr_assert_eq(rig_flash_gdb(1, "127.0.0.1:1", RIG_GDB_STUB_QEMU, image, 0, NULL, 0), -ENOENT);
    cr_expect(strstr(rig_last_error(), "gdb-multiarch not found in PATH — install"), "%s",
              rig_last_error());
}

/* Refused before gdb runs: RIG_GDB points nowhere, so reaching gdb would
 * be -ENOENT. */
Test(flash_gdb, images_refused_before_gdb)
{
    char path[160], image[PATH_MAX];
    snprintf(path, sizeof path, "%s/nothing", dir);
    setenv("RIG_GDB", path, 1);

    cr_assert_eq(rig_flash_gdb(1, "127.0.0.1:1", RIG_GDB_STUB_QEMU, path, 0, NULL, 0), -ENOENT);
    cr_expect(strstr(rig_last_error(), "cannot read image"), "%s", rig_last_error());

    /* the host build: this test program is one */
    cr_assert_eq(rig_flash_gdb(1, "127.0.0.1:1", RIG_GDB_STUB_QEMU, "/proc/self/exe", 0, NULL, 0),
                 -EINVAL);
    cr_expect(strstr(rig_last_error(), "is a host build"), "%s", rig_last_error());

    snprintf(path, sizeof path, "%s/med2.hex", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(":00000001FF\n", f);
    fclose(f);
    cr_assert_eq(rig_flash_gdb(1, "127.0.0.1:1", RIG_GDB_STUB_QEMU, path, 0, NULL, 0), -EINVAL);
    cr_expect(strstr(rig_last_error(), "is not an ELF file"), "%s", rig_last_error());

    /* an ARM image without its build-id note */
    mps2_image(image, sizeof image);
    snprintf(path, sizeof path, "%s/no-id.elf", dir);
    image_without_build_id(image, path);
    cr_assert_eq(rig_flash_gdb(1, "127.0.0.1:1", RIG_GDB_STUB_QEMU, path, 0, NULL, 0), -EINVAL);
    cr_expect(strstr(rig_last_error(), "has no GNU build-id note"), "%s", rig_last_error());

    /* and a build-id buffer too short for the id */
    char small[8], hex[RIG_FLASH_GDB_ID_MAX];
    readelf_build_id(image, hex, sizeof hex);
    cr_assert_eq(rig_flash_gdb(1, "127.0.0.1:1", RIG_GDB_STUB_QEMU, image, 0, small, sizeof small),
                 -EINVAL);
    cr_expect(strstr(rig_last_error(), hex), "%s", rig_last_error());
}

Test(flash_gdb, no_endpoint)
{
    char image[PATH_MAX];
    mps2_image(image, sizeof image);
    cr_assert_eq(rig_flash_gdb(1, "", RIG_GDB_STUB_QEMU, image, 0, NULL, 0), -EINVAL);
    cr_expect(strstr(rig_last_error(), "no gdb endpoint"), "%s", rig_last_error());
    cr_assert_eq(rig_flash_gdb(1, "127.0.0.1:1\nmonitor quit", RIG_GDB_STUB_QEMU, image, 0, NULL,
                               0),
                 -EINVAL);
    cr_expect(strstr(rig_last_error(), "control character"), "%s", rig_last_error());
}
