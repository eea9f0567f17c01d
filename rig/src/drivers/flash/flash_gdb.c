/*
 * flash_gdb.c — flashing an ARM ELF through a gdb remote stub (QEMU's -gdb,
 * OpenOCD's gdb server) with gdb-multiarch, in two gdb runs:
 *   1. target remote; load; compare-sections; the GNU build-id note read
 *      back from the target's memory; disconnect (the unit stays halted);
 *   2. only if the rig found all of that right: target remote; the stub's
 *      reset; detach, leaving the unit running from its vector table.
 * The decision between the two is the rig's, in C: gdb's command language
 * cannot make compare-sections' mismatch (a warning, not an error) stop a
 * script, and an unverified image must not be started.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock_internal.h"
#include "base/error_internal.h"
#include "drivers/flash/flash_internal.h"

/* What gdb says is kept up to this much (its tail): a load prints a line per
 * section, compare-sections another, so a few KiB is the usual size. */
#define GDB_OUTPUT_MAX 65536
/* gdb's wait for one packet's answer (its default is 2 s): a stub on a loaded
 * machine, or a probe erasing a flash page, may take longer; the whole run
 * is bounded by the caller's timeout anyway. */
#define GDB_REMOTE_TIMEOUT_S 5
/* The longest build-id desc accepted; GNU ld writes 16 (md5/uuid) or 20
 * (sha1) bytes. */
#define BUILD_ID_DESC_MAX ((RIG_FLASH_GDB_ID_MAX - 1) / 2)
/* The note as the target holds it: header, "GNU\0", desc. */
#define BUILD_ID_NOTE_MAX (12 + 4 + BUILD_ID_DESC_MAX)
/* A note section bigger than this is skipped (a build-id note is 36
 * bytes; a note section with other notes beside it, a few hundred). */
#define NOTE_SECTION_MAX 4096
/* What the rig's script echoes to say how far gdb got. */
#define MARK "@@rig:"

/* The image's build-id note: its bytes, where `load` puts them, its id. */
struct build_id_note {
    uint8_t bytes[BUILD_ID_NOTE_MAX];
    size_t len;
    uint32_t lma;
    char hex[RIG_FLASH_GDB_ID_MAX];
};

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool read_at(int fd, uint64_t offset, void *buf, size_t n)
{
    return offset <= (uint64_t)INT64_MAX && pread(fd, buf, n, (off_t)offset) == (ssize_t)n;
}

/* out holds 2 * n + 1. */
static void to_hex(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = digits[b[k] >> 4];
        out[2 * k + 1] = digits[b[k] & 0xf];
    }
    out[2 * n] = '\0';
}

/* The GNU build-id note in the n bytes of a note section found at file
 * offset sec_off, or false. Sets note's bytes and *file_off. */
static bool find_gnu_build_id(const uint8_t *sec, size_t n, uint64_t sec_off,
                              struct build_id_note *note, uint64_t *file_off)
{
    size_t at = 0;
    while (at + 12 <= n) {
        uint32_t namesz = le32(sec + at), descsz = le32(sec + at + 4), type = le32(sec + at + 8);
        size_t name_pad = ((size_t)namesz + 3) & ~(size_t)3;
        size_t desc_pad = ((size_t)descsz + 3) & ~(size_t)3;
        if (namesz > n || descsz > n || at + 12 + name_pad + descsz > n)
            return false;
        if (type == NT_GNU_BUILD_ID && namesz == 4 && memcmp(sec + at + 12, "GNU", 4) == 0 &&
            descsz > 0 && descsz <= BUILD_ID_DESC_MAX) {
            note->len = 12 + 4 + descsz;
            memcpy(note->bytes, sec + at, note->len);
            to_hex(sec + at + 16, descsz, note->hex);
            *file_off = sec_off + at;
            return true;
        }
        at += 12 + name_pad + desc_pad;
    }
    return false;
}

/* Where `load` puts the file's bytes at file_off..+len: the load address of
 * the PT_LOAD segment that holds them. A note outside every segment never
 * reaches the target. */
static bool load_address(int fd, const Elf32_Ehdr *h, uint64_t file_off, size_t len, uint32_t *lma)
{
    for (unsigned k = 0; k < le16((const uint8_t *)&h->e_phnum); k++) {
        uint8_t p[sizeof(Elf32_Phdr)];
        uint64_t at = le32((const uint8_t *)&h->e_phoff) +
                      (uint64_t)k * le16((const uint8_t *)&h->e_phentsize);
        if (!read_at(fd, at, p, sizeof p))
            return false;
        uint32_t type = le32(p + offsetof(Elf32_Phdr, p_type));
        uint32_t off = le32(p + offsetof(Elf32_Phdr, p_offset));
        uint32_t filesz = le32(p + offsetof(Elf32_Phdr, p_filesz));
        if (type == PT_LOAD && file_off >= off && file_off + len <= (uint64_t)off + filesz) {
            *lma = le32(p + offsetof(Elf32_Phdr, p_paddr)) + (uint32_t)(file_off - off);
            return true;
        }
    }
    return false;
}

/* The ELF's allocated note sections, searched for the GNU build-id. */
static int read_build_id(int fd, const char *image, const Elf32_Ehdr *h,
                         struct build_id_note *note)
{
    const uint8_t *hb = (const uint8_t *)h;
    uint32_t shoff = le32(hb + offsetof(Elf32_Ehdr, e_shoff));
    unsigned shentsize = le16(hb + offsetof(Elf32_Ehdr, e_shentsize));
    unsigned shnum = le16(hb + offsetof(Elf32_Ehdr, e_shnum));
    for (unsigned k = 0; k < shnum; k++) {
        uint8_t s[sizeof(Elf32_Shdr)];
        if (!read_at(fd, shoff + (uint64_t)k * shentsize, s, sizeof s))
            return rig_error_set(-EINVAL, "%s: section headers cut short", image);
        uint32_t type = le32(s + offsetof(Elf32_Shdr, sh_type));
        uint32_t flags = le32(s + offsetof(Elf32_Shdr, sh_flags));
        uint32_t off = le32(s + offsetof(Elf32_Shdr, sh_offset));
        uint32_t size = le32(s + offsetof(Elf32_Shdr, sh_size));
        if (type != SHT_NOTE || !(flags & SHF_ALLOC) || size > NOTE_SECTION_MAX)
            continue;
        uint8_t sec[NOTE_SECTION_MAX];
        uint64_t note_off = 0;
        if (!read_at(fd, off, sec, size))
            return rig_error_set(-EINVAL, "%s: a note section is cut short", image);
        if (!find_gnu_build_id(sec, size, off, note, &note_off))
            continue;
        if (!load_address(fd, h, note_off, note->len, &note->lma))
            return rig_error_set(-EINVAL, "%s: its build-id note is in no loaded segment, so the "
                                          "unit would never hold it — keep .note.gnu.build-id in "
                                          "flash in the linker script",
                                 image);
        return 0;
    }
    return rig_error_set(-EINVAL, "%s has no GNU build-id note, which the flasher reads back from "
                                  "the unit — link it with -Wl,--build-id=sha1",
                         image);
}

/* image must be a 32-bit little-endian ARM ELF with a GNU build-id note in
 * a loaded segment: gdb loads it by its sections, and the note is how the
 * rig tells what runs on the unit. */
static int check_image(const char *image, struct build_id_note *note)
{
    int fd = open(image, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rig_error_set(-ENOENT, "cannot read image %s: %s", image, strerror(errno));
    Elf32_Ehdr h;
    memset(&h, 0, sizeof h);
    int rc = 0;
    ssize_t got = pread(fd, &h, sizeof h, 0);
    uint16_t machine = le16((const uint8_t *)&h.e_machine);
    if (got < (ssize_t)EI_NIDENT || memcmp(h.e_ident, ELFMAG, SELFMAG) != 0)
        rc = rig_error_set(-EINVAL, "%s is not an ELF file — gdb loads the MCU image as an ELF "
                                    "(firmware/mps2/med2-mps2.elf, firmware/cm4f/med2.elf)",
                           image);
    else if (machine != EM_ARM)
        rc = rig_error_set(-EINVAL, "%s is a host build (ELF machine %u), not the MCU image — "
                                    "flash the ARM image",
                           image, machine);
    else if (got != (ssize_t)sizeof h || h.e_ident[EI_CLASS] != ELFCLASS32 ||
             h.e_ident[EI_DATA] != ELFDATA2LSB)
        rc = rig_error_set(-EINVAL, "%s is not a 32-bit little-endian ARM ELF, as a Cortex-M "
                                    "image is",
                           image);
    else
        rc = read_build_id(fd, image, &h, note);
    close(fd);
    return rc;
}

/* The gdb to run: $RIG_GDB, or gdb-multiarch found in PATH (Debian's gdb
 * for the host only cannot load an ARM image). */
static int find_gdb(char *buf, size_t len)
{
    return rig_flash_find_tool("RIG_GDB", "gdb-multiarch", buf, len);
}

/* What gdb's "target remote" gets for endpoint: "unix:PATH" (QEMU's
 * spelling) becomes PATH, which gdb opens as a unix-domain socket when it is
 * one; the rest goes as it is. A line break would end the script's line. */
static int gdb_target(const char *endpoint, char *buf, size_t len)
{
    if (!endpoint || !*endpoint)
        return rig_error_set(-EINVAL, "no gdb endpoint — give host:port (OpenOCD's gdb_port, "
                                      "QEMU's -gdb tcp::PORT) or unix:PATH");
    for (const char *c = endpoint; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return rig_error_set(-EINVAL, "gdb endpoint '%s' has a control character", endpoint);
    const char *target = strncmp(endpoint, "unix:", 5) == 0 ? endpoint + 5 : endpoint;
    if (!*target)
        return rig_error_set(-EINVAL, "gdb endpoint '%s' names no socket", endpoint);
    if ((size_t)snprintf(buf, len, "%s", target) >= len)
        return rig_error_set(-ENAMETOOLONG, "gdb endpoint too long: %s", endpoint);
    return 0;
}

/* One run of gdb: what it said (the tail), how it ended. */
struct gdb_run {
    char out[GDB_OUTPUT_MAX + 1];
    size_t len;
    bool timed_out;
    int status;
};

static void keep_tail(struct gdb_run *run, const char *chunk, size_t n)
{
    if (n > GDB_OUTPUT_MAX) {
        chunk += n - GDB_OUTPUT_MAX;
        n = GDB_OUTPUT_MAX;
    }
    if (run->len + n > GDB_OUTPUT_MAX) {
        size_t drop = run->len + n - GDB_OUTPUT_MAX;
        memmove(run->out, run->out + drop, run->len - drop);
        run->len -= drop;
    }
    memcpy(run->out + run->len, chunk, n);
    run->len += n;
    run->out[run->len] = '\0';
}

/* The environment gdb runs in: ours with LC_ALL=C, as the rig reads gdb's
 * English ("MIS-MATCHED!"). NULL if out of memory. */
static char **c_locale_environ(void)
{
    extern char **environ;
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 2, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LC_ALL=", 7) != 0)
            env[k++] = environ[i];
    env[k++] = "LC_ALL=C";
    env[k] = NULL;
    return env;
}

/* Kill gdb and whatever it started ("target remote | cmd" runs a command),
 * and reap it. */
static void kill_gdb(pid_t pid, int *status)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
    }
}

/*
 * Run gdb -nx -batch (no gdbinit, no auto-loaded scripts) on script, with
 * image as its executable if not NULL, until it ends or deadline (then it is
 * killed). The script goes through a memfd: no file to leave behind, and
 * unlike /dev/stdin gdb can read it as a file. Returns 0 (see run) or
 * -errno (set up failed; the message says what).
 */
static int run_gdb(unsigned position, const char *gdb, const char *image, const char *script,
                   int64_t deadline, struct gdb_run *run)
{
    run->len = 0;
    run->out[0] = '\0';
    run->timed_out = false;
    run->status = 0;

    int sfd = memfd_create("rig-flash-gdb", MFD_CLOEXEC);
    if (sfd < 0)
        return rig_error_set(-errno, "position %u: memfd_create: %s", position, strerror(errno));
    size_t slen = strlen(script);
    if (write(sfd, script, slen) != (ssize_t)slen) {
        int e = errno ? errno : EIO;
        close(sfd);
        return rig_error_set(-e, "position %u: cannot write gdb's script: %s", position,
                             strerror(e));
    }
    char script_path[64], se[PATH_MAX + 8];
    snprintf(script_path, sizeof script_path, "/proc/self/fd/%d", sfd);
    snprintf(se, sizeof se, "--se=%s", image ? image : "");
    /* -iex: before the image is read, and an error there (an older gdb
     * without debuginfod) does not stop the script */
    char *argv[] = {(char *)gdb, "-nx", "-batch", "-iex", "set auto-load off", "-iex",
                    "set debuginfod enabled off", "-x", script_path, image ? se : NULL, NULL};
    char **env = c_locale_environ();
    int out[2];
    if (!env || pipe2(out, O_CLOEXEC) < 0) {
        int e = env ? errno : ENOMEM;
        free(env);
        close(sfd);
        return rig_error_set(-e, "position %u: cannot run gdb: %s", position, strerror(e));
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        free(env);
        close(sfd);
        close(out[0]);
        close(out[1]);
        return rig_error_set(-e, "position %u: cannot run gdb: %s", position, strerror(e));
    }
    if (pid == 0) {
        /* its own process group, so a timeout kills what it started too;
         * and it goes if the rig goes */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        fcntl(sfd, F_SETFD, 0);
        execve(gdb, argv, env);
        dprintf(2, "cannot run %s: %s\n", gdb, strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid); /* as the child does: whichever runs first */
    free(env);
    close(sfd);
    close(out[1]);

    char chunk[4096];
    for (;;) {
        struct pollfd p = {.fd = out[0], .events = POLLIN};
        int left = rig_ms_left(deadline);
        int r = left > 0 ? poll(&p, 1, left) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            run->timed_out = true;
            break;
        }
        ssize_t n = read(out[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        keep_tail(run, chunk, (size_t)n);
    }
    close(out[0]);
    /* gdb closed its output: it is about to exit; give it until the deadline */
    while (!run->timed_out) {
        pid_t w = waitpid(pid, &run->status, WNOHANG);
        if (w == pid)
            return 0;
        if (w < 0 && errno != EINTR)
            break;
        if (rig_ms_left(deadline) == 0)
            run->timed_out = true;
        else
            nanosleep(&(struct timespec){0, 5000000L}, NULL);
    }
    kill_gdb(pid, &run->status);
    return 0;
}

/* The last line gdb said that is not the rig's own marker nor gdb's "Error
 * in sourced command file:" preamble, trimmed, into buf. */
static void last_said(const struct gdb_run *run, char *buf, size_t len)
{
    snprintf(buf, len, "(gdb said nothing more)");
    const char *s = run->out;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        while (n && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
            n--;
        if (n && strncmp(s, MARK, strlen(MARK)) != 0 &&
            !(n >= 30 && memcmp(s + n - 30, "Error in sourced command file:", 30) == 0))
            snprintf(buf, len, "%.*s", (int)n, s);
        if (!e)
            break;
        s = e + 1;
    }
}

/* The output after the last marker MARK step, or NULL. */
static const char *after_mark(const struct gdb_run *run, const char *step)
{
    char m[64];
    snprintf(m, sizeof m, MARK "%s\n", step);
    const char *found = NULL;
    for (const char *s = strstr(run->out, m); s; s = strstr(s + 1, m))
        found = s + strlen(m);
    return found;
}

/* How far the script got: the last marker's step, into buf. */
static void last_step(const struct gdb_run *run, char *buf, size_t len)
{
    snprintf(buf, len, "start");
    for (const char *s = strstr(run->out, MARK); s; s = strstr(s + 1, MARK)) {
        size_t n = strcspn(s + strlen(MARK), "\n");
        snprintf(buf, len, "%.*s", (int)n, s + strlen(MARK));
    }
}

/* The message for a gdb run that failed or ran out of time; context goes
 * in front of it ("" for the flash, what was done already for the reset). */
static int run_failed(unsigned position, const char *endpoint, const struct gdb_run *run,
                      unsigned timeout_ms, const char *context)
{
    char said[512], step[32];
    last_said(run, said, sizeof said);
    last_step(run, step, sizeof step);
    if (run->timed_out)
        return rig_error_set(-ETIMEDOUT, "position %u: %sgdb got no further with %s within %u ms "
                                         "(at step %s), killed it: %s — check that the gdb stub "
                                         "there answers",
                             position, context, endpoint, timeout_ms, step, said);
    char how[32];
    if (WIFEXITED(run->status))
        snprintf(how, sizeof how, "exit %d", WEXITSTATUS(run->status));
    else
        snprintf(how, sizeof how, "signal %d", WIFSIGNALED(run->status) ? WTERMSIG(run->status) : 0);
    if (strcmp(step, "start") == 0)
        return rig_error_set(-EIO, "position %u: %sgdb did not run its script (%s): %s — check "
                                   "RIG_GDB or the gdb-multiarch package",
                             position, context, how, said);
    if (strcmp(step, "connect") == 0)
        return rig_error_set(-EIO, "position %u: %sno gdb stub answers at %s: %s — check that "
                                   "QEMU (-gdb) or OpenOCD (gdb_port) is running there",
                             position, context, endpoint, said);
    return rig_error_set(-EIO, "position %u: %sgdb failed with %s at step %s (%s): %s", position,
                         context, endpoint, step, how, said);
}

/* compare-sections' verdicts after MARK compare: how many sections matched,
 * and the names of those that did not (", "-separated) in bad. */
static unsigned compare_verdicts(const char *text, const char *end, char *bad, size_t len,
                                 unsigned *mismatched)
{
    unsigned matched = 0;
    *mismatched = 0;
    bad[0] = '\0';
    for (const char *s = strstr(text, "Section "); s && s < end; s = strstr(s + 1, "Section ")) {
        const char *eol = strchr(s, '\n');
        if (!eol || eol > end)
            eol = end;
        const char *name = s + 8, *comma = strstr(name, ", range ");
        if (!comma || comma > eol)
            continue;
        const char *verdict = strstr(comma, ": ");
        if (!verdict || verdict > eol)
            continue;
        if (strncmp(verdict + 2, "matched.", 8) == 0) {
            matched++;
        } else if (strncmp(verdict + 2, "MIS-MATCHED", 11) == 0) {
            size_t used = strlen(bad);
            snprintf(bad + used, len - used, "%s%.*s", *mismatched ? ", " : "",
                     (int)(comma - name), name);
            (*mismatched)++;
        }
    }
    return matched;
}

/* The bytes of "x/Nxb ADDR" between text and end: each line is
 * "ADDR[ <sym+off>]:\t0xHH\t0xHH...", so the data follow the line's last
 * colon. Returns how many were read, at most max. */
static size_t x_bytes(const char *text, const char *end, uint8_t *b, size_t max)
{
    size_t n = 0;
    const char *s = text;
    while (s < end && n < max) {
        const char *eol = memchr(s, '\n', (size_t)(end - s));
        if (!eol)
            eol = end;
        const char *colon = NULL;
        for (const char *c = s; c < eol; c++)
            if (*c == ':')
                colon = c;
        for (const char *c = colon ? colon + 1 : eol; c < eol && n < max;) {
            char *next;
            if (c[0] == '0' && c[1] == 'x') {
                unsigned long v = strtoul(c, &next, 16);
                if (next > c && v <= 0xff)
                    b[n++] = (uint8_t)v;
                c = next > c ? next : c + 1;
            } else {
                c++;
            }
        }
        s = eol + 1;
    }
    return n;
}

/* Run 1's output, judged: every section matched and the build-id read from
 * the target is the file's. */
static int check_verified(unsigned position, const char *endpoint, const char *image,
                          const struct gdb_run *run, const struct build_id_note *note,
                          char *target_hex)
{
    const char *cmp = after_mark(run, "compare"), *id = after_mark(run, "id"),
               *done = after_mark(run, "verified");
    if (!cmp || !id || !done || id < cmp || done < id)
        return rig_error_set(-EIO, "position %u: gdb's output at %s is not what the rig expects "
                                   "(no compare-sections or build-id read) — check RIG_GDB is a "
                                   "gdb",
                             position, endpoint);
    char bad[512];
    unsigned mismatched;
    unsigned matched = compare_verdicts(cmp, id, bad, sizeof bad, &mismatched);
    if (mismatched)
        return rig_error_set(-EIO, "position %u: after load the unit's memory does not match %s "
                                   "in section %s (compare-sections) — the unit was not started; "
                                   "check the flash (protected, worn) or the image's addresses",
                             position, image, bad);
    if (!matched)
        return rig_error_set(-EIO, "position %u: compare-sections at %s compared no section of %s",
                             position, endpoint, image);
    uint8_t got[BUILD_ID_NOTE_MAX] = {0};
    size_t n = x_bytes(id, done, got, note->len);
    if (n != note->len)
        return rig_error_set(-EIO, "position %u: read %zu of the build-id note's %zu bytes back "
                                   "from the unit at 0x%08x",
                             position, n, note->len, (unsigned)note->lma);
    to_hex(got + 16, n - 16, target_hex);
    if (memcmp(got, note->bytes, n) != 0)
        return rig_error_set(-EIO, "position %u: the unit holds build-id %s at 0x%08x, the image "
                                   "%s has %s — the unit was not started",
                             position, target_hex, (unsigned)note->lma, image, note->hex);
    return 0;
}

static const char *reset_command(enum rig_gdb_stub stub)
{
    return stub == RIG_GDB_STUB_QEMU ? "system_reset" : "reset run";
}

/* Run 2's monitor command, judged: QEMU's stub answers a command its
 * monitor does not know with the monitor's "unknown command" as text and
 * no error, so gdb goes on; the unit was then never reset (a bench file
 * naming the wrong kind of stub). OpenOCD refuses one with an error. */
static int check_reset(unsigned position, const char *endpoint, enum rig_gdb_stub stub,
                       const struct gdb_run *run, const char *context)
{
    const char *from = after_mark(run, "reset"), *to = after_mark(run, "detach");
    const char *unknown = from ? strstr(from, "unknown command") : NULL;
    if (unknown && (!to || unknown < to)) {
        size_t n = strcspn(unknown, "\n");
        return rig_error_set(-EIO, "position %u: %sthe stub at %s does not take \"monitor %s\" "
                                   "(%.*s), so the unit was not reset — is it %s?",
                             position, context, endpoint, reset_command(stub), (int)n, unknown,
                             stub == RIG_GDB_STUB_QEMU ? "QEMU" : "OpenOCD");
    }
    return 0;
}

int rig_flash_gdb(unsigned position, const char *endpoint, enum rig_gdb_stub stub,
                  const char *image_path, unsigned timeout_ms, char *build_id,
                  size_t build_id_len)
{
    char target[PATH_MAX];
    char gdb[PATH_MAX];
    struct build_id_note note;
    int rc = gdb_target(endpoint, target, sizeof target);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u", position);
    if (!image_path || !*image_path)
        return rig_error_set(-ENOENT, "position %u: no image to flash", position);
    if (strlen(image_path) >= PATH_MAX)
        return rig_error_set(-ENAMETOOLONG, "position %u: image path too long", position);
    if (stub != RIG_GDB_STUB_QEMU && stub != RIG_GDB_STUB_OPENOCD)
        return rig_error_set(-EINVAL, "position %u: unknown gdb stub kind %d", position, (int)stub);
    /* the image is judged before any gdb runs: a host build never reaches
     * a unit */
    rc = check_image(image_path, &note);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u", position);
    if (build_id && build_id_len <= strlen(note.hex))
        return rig_error_set(-EINVAL, "position %u: %zu bytes cannot hold build-id %s", position,
                             build_id_len, note.hex);
    rc = find_gdb(gdb, sizeof gdb);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u", position);
    if (timeout_ms == 0)
        timeout_ms = RIG_FLASH_GDB_TIMEOUT_MS;
    int64_t deadline = rig_now_ms() + timeout_ms;

    /* Run 1: everything but starting the unit. Any error ends the script
     * (gdb -batch -x); "disconnect" leaves the unit halted where "detach"
     * would let it run. auto-retry off: a refused connection is no stub,
     * said at once rather than after gdb's 15 s of retries. */
    char script[PATH_MAX + 512];
    snprintf(script, sizeof script,
             "set tcp auto-retry off\n"
             "set remotetimeout %d\n"
             "echo " MARK "connect\\n\n"
             "target remote %s\n"
             "echo " MARK "load\\n\n"
             "load\n"
             "echo " MARK "compare\\n\n"
             "compare-sections\n"
             "echo " MARK "id\\n\n"
             "x/%zuxb 0x%08x\n"
             "echo " MARK "verified\\n\n"
             "disconnect\n",
             GDB_REMOTE_TIMEOUT_S, target, note.len, (unsigned)note.lma);
    struct gdb_run *run = malloc(sizeof *run);
    if (!run)
        return rig_error_set(-ENOMEM, "position %u: out of memory", position);
    rc = run_gdb(position, gdb, image_path, script, deadline, run);
    char target_hex[RIG_FLASH_GDB_ID_MAX];
    if (rc == 0 && (run->timed_out || !WIFEXITED(run->status) || WEXITSTATUS(run->status) != 0))
        rc = run_failed(position, endpoint, run, timeout_ms, "");
    else if (rc == 0)
        rc = check_verified(position, endpoint, image_path, run, &note, target_hex);
    if (rc < 0) {
        free(run);
        return rc;
    }

    /* Run 2: restart the unit from its vector table — the state a
     * power-up gives it, where "load" left the PC at the ELF's entry with
     * whatever stack pointer the unit had. QEMU's stub passes "monitor" to
     * its HMP monitor (system_reset); OpenOCD's reset run resets and lets
     * the core go. detach then leaves it running. */
    snprintf(script, sizeof script,
             "set tcp auto-retry off\n"
             "set remotetimeout %d\n"
             "echo " MARK "connect\\n\n"
             "target remote %s\n"
             "echo " MARK "reset\\n\n"
             "monitor %s\n"
             "echo " MARK "detach\\n\n"
             "detach\n"
             "echo " MARK "running\\n\n",
             GDB_REMOTE_TIMEOUT_S, target, reset_command(stub));
    rc = run_gdb(position, gdb, NULL, script, deadline, run);
    const char *context = "the image is flashed and verified, but ";
    if (rc == 0 && (run->timed_out || !WIFEXITED(run->status) || WEXITSTATUS(run->status) != 0 ||
                    !after_mark(run, "running")))
        rc = run_failed(position, endpoint, run, timeout_ms, context);
    else if (rc == 0)
        rc = check_reset(position, endpoint, stub, run, context);
    free(run);
    if (rc < 0)
        return rc;
    if (build_id)
        snprintf(build_id, build_id_len, "%s", target_hex);
    return 0;
}
