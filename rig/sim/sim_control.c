/*
 * sim_control.c — the bench's control socket: the rig's sim drivers and
 * `rig sim` talk to benchd here. One request per line, one reply line
 * "OK ..." or "ERR <message>" (EDGES adds its edge lines after the OK line).
 *
 *   PING                    OK benchd 1
 *   TIME                    OK <t_ns>
 *   ADVANCE <seconds>       OK <t_ns>            once every running unit reached it (a
 *                                                stopped one stays where it stopped); in
 *                                                steps: abandoned if the client goes away
 *   SPEED <x>               OK                   0 holds the clock
 *   COUNT <pos> <output>    OK <rising> <last_rise_ns> <last_fall_ns>
 *   EDGES <pos>             OK <n>, then n lines "<t_ns> <output> <level>"
 *   FLASH <pos> <image>     OK <hash>            after the unit restarted; an image that
 *                                                does not start: ERR, and the previous
 *                                                image runs again. After DEBUG: the image
 *                                                was loaded through the debug port; the
 *                                                slot keeps it, and the unit runs once it
 *                                                said hello
 *   DEBUG <pos>             OK unix:<socket>     (board = qemu) the unit halted, without an
 *                                                image, its gdb stub at <socket>: load the
 *                                                image there (rig_flash_gdb), then FLASH.
 *                          OK none              (native) no debug port: FLASH copies
 *   BOARD                   OK native | OK qemu  what the positions run
 *   TEMP <degC>             OK <degC>            the temperature around every unit,
 *                                                -40..85; the units get it at once,
 *                                                from their next sample on
 *   TEMP?                   OK <degC>            (23 until set: SIM_AMBIENT_DEFAULT_C)
 *   STATUS <pos>            OK running | OK stopped <why>   is the unit's process running?
 *   PRESS <pos> <next|enter> <ms>  OK <t_ns>     the button held ms (1..60000) of virtual
 *                                                time (the clock moves on for every unit),
 *                                                then released; once the unit has answered
 *   FRAME <pos>             OK <segments> <points> <blink> <light> <marks>   the latest
 *                                                frame, hex (sim_display_format)
 *   PNG <pos> <path>        OK                   the frame drawn as a PNG at an absolute path
 *   SHUTDOWN                OK                   then benchd exits
 *   REFCONST <wire> [<k>]   OK <k>               the reference standard's pulse constant,
 *                                                imp/kWh (wire 1, active) or imp/kvarh
 *                                                (wire 2, reactive); setting it restarts
 *                                                the wire's pulses (sim_reference.c)
 *   REFEDGES <wire>         OK <n> <dropped>, then n lines "<t_ns> <wire> <level>": the
 *                                                wire's edges since the last REFEDGES
 *   SUPPLY <pos> ON         OK on                the supply relay (docs/power.md); a
 *                                                powered-down unit starts from NV
 *   SUPPLY <pos> OFF [WARNED]  OK off warned <used_ns> <holdup_ns>   mains-fail warning
 *                                                now: the unit's save, in hold-up time
 *   SUPPLY <pos> OFF HARD [AT <s> | WRITE <n> <frac>]   OK off hard <t_ns> | OK armed ...
 *                                                a hard cut now, <s> seconds from now, or
 *                                                <frac> (0..1) into the unit's n-th next
 *                                                NV write
 *   POWER? <pos>            OK <on|off|armed> <warned> <hard> <torn> <ups> <last_used_ns>
 *                                                <max_used_ns> <holdup_ns> <last_down_ns>
 *   WAVE <pos> <path>       OK <pairs> <t_ns>    a recording (float32 pairs V, A at 4000/s)
 *                                                on the unit's AFE from now on (sim_waveform.c)
 *   NOISE <pos> <ber>       OK                   bit error rate on the unit's RS485 line
 *   LOADNV <pos> <dump>     OK                   a field unit's register dump (absolute
 *                                                path) into the unit's NV; it restarts
 *                                                from it (sim_nvdump.c); a bad dump: ERR
 *                                                <file:line: why>, NV unchanged
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim_bench.h"

#define MAX_ADVANCE_S (366.0 * 24 * 3600) /* a year of metering per request */
#define ADVANCE_STEP_NS 60000000000ull    /* a minute of virtual time per step */
/* The bench's temperature range: a climatic chamber's span, wider than the meter's operating range (manual §6:
 * -25..+55 degC) so a test can also go beyond it. */
#define TEMP_MIN_C (-40.0)
#define TEMP_MAX_C 85.0

int sim_control_listen(struct sim_bench *bench)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(bench->control_path) >= sizeof(addr.sun_path)) {
        return -ENAMETOOLONG;
    }
    strcpy(addr.sun_path, bench->control_path);
    unlink(bench->control_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 8) != 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    bench->control_fd = fd;
    for (unsigned k = 0; k < SIM_MAX_CLIENTS; k++) {
        bench->clients[k].fd = -1;
    }
    return 0;
}

void sim_control_accept(struct sim_bench *bench)
{
    int fd = accept4(bench->control_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        return;
    }
    for (unsigned k = 0; k < SIM_MAX_CLIENTS; k++) {
        if (bench->clients[k].fd < 0) {
            bench->clients[k].fd = fd;
            bench->clients[k].line_len = 0;
            return;
        }
    }
    static const char busy[] = "ERR benchd: too many control connections\n";
    ssize_t w = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
    (void)w;
    close(fd);
}

static void say(struct sim_client *client, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct sim_client *client, const char *fmt, ...)
{
    char buf[PATH_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    size_t n = sim_format_line(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    size_t done = 0;
    while (done < n) {
        ssize_t w = send(client->fd, buf + done, n - done, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        done += (size_t)w;
    }
}

static struct sim_unit *unit_arg(struct sim_bench *bench, struct sim_client *client,
                                 const char *arg)
{
    char *end;
    unsigned long pos = arg ? strtoul(arg, &end, 10) : 0;
    if (arg == NULL || *end != '\0' || pos < 1 || pos > bench->unit_count) {
        say(client, "ERR no position '%s' on this bench (it has 1..%u)", arg ? arg : "",
            bench->unit_count);
        return NULL;
    }
    return &bench->units[pos - 1];
}

/* Has the client closed its end (poll says readable and a peek reads 0)? */
static bool client_gone(const struct sim_client *client)
{
    struct pollfd p = {.fd = client->fd, .events = POLLIN};
    char c;
    if (poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLHUP | POLLERR))
        return true;
    return recv(client->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static void cmd_advance(struct sim_bench *bench, struct sim_client *client, const char *arg)
{
    char *end;
    double s = arg ? strtod(arg, &end) : NAN;
    if (arg == NULL || *end != '\0' || !isfinite(s) || s < 0.0 || s > MAX_ADVANCE_S) {
        say(client, "ERR ADVANCE wants seconds in 0..%.0f, got '%s'", MAX_ADVANCE_S,
            arg ? arg : "");
        return;
    }
    char err[256];
    uint64_t target = bench->now_ns + (uint64_t)llround(s * 1e9);
    /* In steps, so a client that gives up (an interrupted `rig sim advance`)
     * stops the advance within a step instead of holding the bench until
     * the whole span is computed. */
    while (bench->now_ns < target) {
        uint64_t step = target - bench->now_ns;
        if (step > ADVANCE_STEP_NS)
            step = ADVANCE_STEP_NS;
        if (sim_bench_advance_to(bench, bench->now_ns + step, err, sizeof(err)) != 0) {
            say(client, "ERR %s", err);
            return;
        }
        /* the source is served between steps too: an OUTP OFF sent during a
         * long advance (an interrupted client's safety net) takes effect at
         * once and is answered */
        struct pollfd src = {.fd = bench->source.pty.master, .events = POLLIN};
        if (poll(&src, 1, 0) > 0 && (src.revents & POLLIN) && sim_source_service(&bench->source))
            sim_units_send_terminals(bench);
        if (client_gone(client)) {
            fprintf(stderr, "benchd: ADVANCE abandoned at t = %.3f s: its client went away\n",
                    (double)bench->now_ns * 1e-9);
            break;
        }
    }
    bench->virtual_base_ns = bench->now_ns;
    bench->wall_base_ns = sim_wall_ns();
    say(client, "OK %" PRIu64, bench->now_ns);
}

static void cmd_speed(struct sim_bench *bench, struct sim_client *client, const char *arg)
{
    char *end;
    double x = NAN;
    if (arg && strcasecmp(arg, "max") == 0) {
        x = -1.0;
    } else if (arg) {
        x = strtod(arg, &end);
        if (*end != '\0' || x < 0.0) {
            x = NAN;
        }
    }
    if (!isfinite(x)) {
        say(client, "ERR SPEED wants a factor >= 0 or 'max', got '%s'", arg ? arg : "");
        return;
    }
    bench->speed = x;
    bench->virtual_base_ns = bench->now_ns;
    bench->wall_base_ns = sim_wall_ns();
    say(client, "OK");
}

static void cmd_count(struct sim_bench *bench, struct sim_client *client, char *pos, char *out)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL) {
        return;
    }
    unsigned o = out ? (unsigned)atoi(out) : 0;
    if (o < 1 || o > 2) {
        say(client, "ERR COUNT wants output 1 or 2, got '%s'", out ? out : "");
        return;
    }
    sim_unit_drain(bench, unit);
    say(client, "OK %" PRIu64 " %" PRIu64 " %" PRIu64, unit->rising[o], unit->last_rise_ns[o],
        unit->last_fall_ns[o]);
}

static void cmd_edges(struct sim_bench *bench, struct sim_client *client, char *pos)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL) {
        return;
    }
    sim_unit_drain(bench, unit);
    say(client, "OK %u", unit->edge_count);
    while (unit->edge_count > 0) {
        const struct sim_edge *e = &unit->edges[unit->edge_head];
        say(client, "%" PRIu64 " %u %u", e->t_ns, e->output, e->level);
        unit->edge_head = (unit->edge_head + 1) % SIM_EDGE_QUEUE;
        unit->edge_count--;
    }
}

/* The answer to FLASH once the new image was started (r: 0 or -errno). One
 * that does not start: as a real part's bootloader keeps the old
 * application when the new one fails its check, the unit runs what it ran
 * before. */
static void answer_flashed(struct sim_bench *bench, struct sim_client *client,
                           struct sim_unit *unit, int r, const char *what)
{
    if (r != 0) {
        bool back = sim_slot_restore_previous(unit) == 0 && sim_unit_start(bench, unit) == 0;
        say(client, "ERR position %u: %s does not start (%s): %s", unit->position, what,
            strerror(-r),
            back ? "the previous image runs again" : "no previous image to go back to");
        return;
    }
    say(client, "OK %s", unit->image_hash);
}

/* FLASH after DEBUG: what runs was loaded by the client's debugger; the
 * slot keeps the same image for the unit's next power-up, as the part's
 * flash would. If it never says hello, the previous image runs again. */
static void flash_through_debug_port(struct sim_bench *bench, struct sim_client *client,
                                     struct sim_unit *unit, const char *image)
{
    char err[PATH_MAX + 128];
    if (sim_slot_flash(unit, image, err, sizeof(err)) != 0) {
        sim_unit_stop(unit);
        sim_unit_start(bench, unit);
        say(client, "ERR %s", err);
        return;
    }
    answer_flashed(bench, client, unit, sim_unit_adopt(bench, unit),
                   "nothing loaded through the debug port");
}

static void cmd_debug(struct sim_bench *bench, struct sim_client *client, char *pos)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL) {
        return;
    }
    if (!bench->qemu) {
        say(client, "OK none");
        return;
    }
    int r = sim_unit_halt_for_debug(bench, unit);
    if (r != 0) {
        say(client, "ERR position %u: %s (%s)", unit->position, unit->stopped_why, strerror(-r));
        return;
    }
    say(client, "OK unix:%s", unit->debug_socket);
}

static void cmd_flash(struct sim_bench *bench, struct sim_client *client, char *pos, char *image)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL) {
        return;
    }
    if (image == NULL || image[0] != '/') {
        say(client, "ERR FLASH wants an absolute image path");
        return;
    }
    char err[PATH_MAX + 128];
    if (unit->halted_fd >= 0) {
        flash_through_debug_port(bench, client, unit, image);
        return;
    }
    sim_unit_stop(unit);
    if (sim_slot_flash(unit, image, err, sizeof(err)) != 0) {
        /* the old image is still in the slot: bring the unit back on it */
        sim_unit_start(bench, unit);
        say(client, "ERR %s", err);
        return;
    }
    answer_flashed(bench, client, unit, sim_unit_start(bench, unit), image);
}

static void cmd_status(struct sim_bench *bench, struct sim_client *client, char *pos)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL) {
        return;
    }
    sim_unit_drain(bench, unit);
    if (unit->ctrl_fd >= 0) {
        say(client, "OK running");
    } else {
        /* its end of the line closes a moment before it can be collected */
        for (int k = 0; k < 50 && unit->pid > 0; k++) {
            sim_unit_reap(unit);
            if (unit->pid > 0)
                usleep(2000);
        }
        say(client, "OK stopped %s", unit->stopped_why[0] ? unit->stopped_why : "(not started)");
    }
}

static void cmd_temp(struct sim_bench *bench, struct sim_client *client, const char *arg)
{
    char *end;
    double c = arg ? strtod(arg, &end) : NAN;
    if (arg == NULL || end == arg || *end != '\0' || !isfinite(c) || c < TEMP_MIN_C ||
        c > TEMP_MAX_C) {
        say(client, "ERR TEMP wants the bench temperature in degC, %.0f..%.0f, got '%s'",
            TEMP_MIN_C, TEMP_MAX_C, arg ? arg : "");
        return;
    }
    bench->source.ambient_c = c;
    /* with the terminal conditions, so every running unit has it before it
     * computes its next sample */
    sim_units_send_terminals(bench);
    say(client, "OK %g", bench->source.ambient_c);
}

/* SUPPLY <pos> ON|OFF [WARNED|HARD [AT <s> | WRITE <n> <frac>]] */
static void cmd_supply(struct sim_bench *bench, struct sim_client *client, char *pos, char *state,
                       char *how, char **save)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL) {
        return;
    }
    static const char usage[] = "SUPPLY wants <pos> ON | OFF [WARNED | HARD [AT <seconds> | WRITE <n> <frac>]]";
    bool on = state != NULL && strcasecmp(state, "ON") == 0;
    if (state == NULL || (!on && strcasecmp(state, "OFF") != 0)) {
        say(client, "ERR %s, got '%s'", usage, state ? state : "");
        return;
    }
    struct sim_cut cut = {0};
    char *when = how ? strtok_r(NULL, " \t", save) : NULL;
    char *a = when ? strtok_r(NULL, " \t", save) : NULL;
    char *b = a ? strtok_r(NULL, " \t", save) : NULL;
    char *end = NULL;
    bool bad = on && how != NULL;
    if (!on && how != NULL) {
        cut.hard = strcasecmp(how, "HARD") == 0;
        bad = !cut.hard && strcasecmp(how, "WARNED") != 0;
        if (!bad && when != NULL) {
            if (!cut.hard) {
                bad = true;
            } else if (strcasecmp(when, "AT") == 0 && a != NULL && b == NULL) {
                cut.at_s = strtod(a, &end);
                bad = *end != '\0' || !isfinite(cut.at_s) || cut.at_s < 0.0 || cut.at_s > MAX_ADVANCE_S;
            } else if (strcasecmp(when, "WRITE") == 0 && a != NULL && b != NULL) {
                long n = strtol(a, &end, 10);
                bad = *end != '\0' || n < 1 || n > 1000000;
                cut.in_write = bad ? 0u : (unsigned)n;
                cut.write_frac = strtod(b, &end);
                bad = bad || *end != '\0' || !(cut.write_frac >= 0.0 && cut.write_frac < 1.0);
            } else {
                bad = true;
            }
        }
    }
    if (bad) {
        say(client, "ERR %s", usage);
        return;
    }
    char reply[128], err[256];
    if (sim_power_switch(bench, unit, on, &cut, reply, sizeof(reply), err, sizeof(err)) != 0) {
        say(client, "ERR %s", err);
        return;
    }
    say(client, "OK %s", reply);
}

static void cmd_power_status(struct sim_bench *bench, struct sim_client *client, char *pos)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL) {
        return;
    }
    sim_unit_drain(bench, unit);
    char reply[256];
    sim_power_status(unit, reply, sizeof(reply));
    say(client, "OK %s", reply);
}

#define PRESS_MAX_MS 60000

/* A button of the unit's display, pressed for ms of virtual time. */
static void cmd_press(struct sim_bench *bench, struct sim_client *client, char *pos, char *button,
                      char *ms_arg)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL)
        return;
    unsigned which = button == NULL                       ? 0
                     : strcasecmp(button, "next") == 0  ? 1u
                     : strcasecmp(button, "enter") == 0 ? 2u
                                                          : 0;
    char *end;
    long ms = ms_arg ? strtol(ms_arg, &end, 10) : -1;
    if (which == 0) {
        say(client, "ERR PRESS wants a button next or enter, got '%s'", button ? button : "");
        return;
    }
    if (ms_arg == NULL || *end != '\0' || ms < 1 || ms > PRESS_MAX_MS) {
        say(client, "ERR PRESS wants the press time in ms, 1..%d, got '%s'", PRESS_MAX_MS,
            ms_arg ? ms_arg : "");
        return;
    }
    sim_unit_drain(bench, unit);
    struct sim_msg msg = {.type = SIM_MSG_BUTTON, .value = which, .level = 1};
    if (sim_unit_send(unit, &msg) != 0) {
        say(client, "ERR position %u is not running: no button to press", unit->position);
        return;
    }
    char err[256];
    if (sim_bench_advance_to(bench, bench->now_ns + (uint64_t)ms * 1000000ull, err, sizeof err) != 0) {
        say(client, "ERR %s", err);
        return;
    }
    bench->virtual_base_ns = bench->now_ns;
    bench->wall_base_ns = sim_wall_ns();
    msg.level = 0;
    if (sim_unit_send(unit, &msg) != 0 || sim_unit_sync(unit) != 0) {
        say(client, "ERR position %u stopped while its button was pressed", unit->position);
        return;
    }
    say(client, "OK %" PRIu64, bench->now_ns);
}

/* A field recording on a unit's AFE (sim_waveform.c). */
static void cmd_wave(struct sim_bench *bench, struct sim_client *client, char *pos, char *path)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    char err[256];
    if (unit == NULL)
        return;
    int pairs = sim_waveform_start(bench, unit, path, err, sizeof err);
    if (pairs < 0)
        say(client, "ERR %s", err);
    else
        say(client, "OK %d %" PRIu64, pairs, bench->now_ns);
}

/* Bit errors on a unit's RS485 line (sim_waveform.c). */
static void cmd_noise(struct sim_bench *bench, struct sim_client *client, char *pos, char *ber)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    char err[256];
    if (unit == NULL)
        return;
    if (sim_noise_set(bench, unit, ber, err, sizeof err) < 0)
        say(client, "ERR %s", err);
    else
        say(client, "OK");
}

/* Is there a frame to give? A unit whose process is not running has no display. */
static bool frame_of(struct sim_bench *bench, struct sim_client *client, struct sim_unit *unit)
{
    sim_unit_drain(bench, unit);
    if (unit->ctrl_fd < 0) {
        say(client, "ERR position %u is not running (%s): its display is dark", unit->position,
            unit->stopped_why[0] ? unit->stopped_why : "not started");
        return false;
    }
    if (!unit->has_frame) {
        say(client, "ERR position %u has shown no frame yet", unit->position);
        return false;
    }
    return true;
}

static void cmd_frame(struct sim_bench *bench, struct sim_client *client, char *pos)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL)
        return;
    if (!frame_of(bench, client, unit))
        return;
    char text[96];
    sim_display_format(&unit->frame, text, sizeof text);
    say(client, "OK %s", text);
}

static void cmd_png(struct sim_bench *bench, struct sim_client *client, char *pos, char *path)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL)
        return;
    if (path == NULL || path[0] != '/') {
        say(client, "ERR PNG wants an absolute path for the picture");
        return;
    }
    if (!frame_of(bench, client, unit))
        return;
    char err[PATH_MAX + 128];
    if (sim_display_png(&unit->frame, path, err, sizeof err) != 0) {
        say(client, "ERR %s", err);
        return;
    }
    say(client, "OK");
}

static struct sim_ref_wire *wire_arg(struct sim_bench *bench, struct sim_client *client,
                                     const char *arg, unsigned *wire)
{
    char *end;
    unsigned long w = arg ? strtoul(arg, &end, 10) : 0;
    if (arg == NULL || *end != '\0' || w < 1 || w > SIM_REF_WIRES) {
        say(client, "ERR no reference wire '%s' (1 active, 2 reactive)", arg ? arg : "");
        return NULL;
    }
    *wire = (unsigned)w;
    return &bench->source.ref[w];
}

static void cmd_refconst(struct sim_bench *bench, struct sim_client *client, const char *wire_s,
                         const char *k_s)
{
    unsigned wire;
    struct sim_ref_wire *r = wire_arg(bench, client, wire_s, &wire);
    if (r == NULL) {
        return;
    }
    if (k_s != NULL) {
        char *end;
        double k = strtod(k_s, &end);
        if (end == k_s || *end != '\0' || sim_reference_set_constant(&bench->source, wire, k) != 0) {
            say(client, "ERR REFCONST wants a constant in imp/kWh, > 0 and <= %g, got '%s'",
                SIM_REF_CONSTANT_MAX, k_s);
            return;
        }
    }
    say(client, "OK %.17g", r->constant);
}

static void cmd_refedges(struct sim_bench *bench, struct sim_client *client, const char *wire_s)
{
    unsigned wire;
    struct sim_ref_wire *r = wire_arg(bench, client, wire_s, &wire);
    if (r == NULL) {
        return;
    }
    say(client, "OK %u %" PRIu64, r->count, r->dropped);
    r->dropped = 0;
    while (r->count > 0) {
        const struct sim_edge *e = &r->edges[r->head];
        say(client, "%" PRIu64 " %u %u", e->t_ns, e->output, e->level);
        r->head = (r->head + 1) % SIM_REF_QUEUE;
        r->count--;
    }
}

static void cmd_loadnv(struct sim_bench *bench, struct sim_client *client, char *pos, char *dump)
{
    struct sim_unit *unit = unit_arg(bench, client, pos);
    if (unit == NULL) {
        return;
    }
    if (dump == NULL || dump[0] != '/') {
        say(client, "ERR LOADNV wants an absolute dump path");
        return;
    }
    char err[600];
    if (sim_unit_load_dump(bench, unit, dump, err, sizeof(err)) != 0) {
        say(client, "ERR %s", err);
        return;
    }
    say(client, "OK");
}

static void execute(struct sim_bench *bench, struct sim_client *client, char *line)
{
    char *save = NULL;
    char *verb = strtok_r(line, " \t", &save);
    char *a1 = strtok_r(NULL, " \t", &save);
    char *a2 = strtok_r(NULL, " \t", &save);
    char *a3 = strtok_r(NULL, " \t", &save);
    if (verb == NULL) {
        return;
    }
    if (strcasecmp(verb, "PING") == 0) {
        say(client, "OK benchd 1");
    } else if (strcasecmp(verb, "TIME") == 0) {
        say(client, "OK %" PRIu64, bench->now_ns);
    } else if (strcasecmp(verb, "ADVANCE") == 0) {
        cmd_advance(bench, client, a1);
    } else if (strcasecmp(verb, "SPEED") == 0) {
        cmd_speed(bench, client, a1);
    } else if (strcasecmp(verb, "COUNT") == 0) {
        cmd_count(bench, client, a1, a2);
    } else if (strcasecmp(verb, "EDGES") == 0) {
        cmd_edges(bench, client, a1);
    } else if (strcasecmp(verb, "FLASH") == 0) {
        cmd_flash(bench, client, a1, a2);
    } else if (strcasecmp(verb, "DEBUG") == 0) {
        cmd_debug(bench, client, a1);
    } else if (strcasecmp(verb, "BOARD") == 0) {
        say(client, "OK %s", bench->qemu ? "qemu" : "native");
    } else if (strcasecmp(verb, "STATUS") == 0) {
        cmd_status(bench, client, a1);
    } else if (strcasecmp(verb, "TEMP?") == 0) {
        say(client, "OK %g", bench->source.ambient_c);
    } else if (strcasecmp(verb, "TEMP") == 0) {
        cmd_temp(bench, client, a1);
    } else if (strcasecmp(verb, "PRESS") == 0) {
        cmd_press(bench, client, a1, a2, a3);
    } else if (strcasecmp(verb, "FRAME") == 0) {
        cmd_frame(bench, client, a1);
    } else if (strcasecmp(verb, "PNG") == 0) {
        cmd_png(bench, client, a1, a2);
    } else if (strcasecmp(verb, "REFCONST") == 0) {
        cmd_refconst(bench, client, a1, a2);
    } else if (strcasecmp(verb, "REFEDGES") == 0) {
        cmd_refedges(bench, client, a1);
    } else if (strcasecmp(verb, "SUPPLY") == 0) {
        cmd_supply(bench, client, a1, a2, a3, &save);
    } else if (strcasecmp(verb, "POWER?") == 0) {
        cmd_power_status(bench, client, a1);
    } else if (strcasecmp(verb, "WAVE") == 0) {
        cmd_wave(bench, client, a1, a2);
    } else if (strcasecmp(verb, "NOISE") == 0) {
        cmd_noise(bench, client, a1, a2);
    } else if (strcasecmp(verb, "LOADNV") == 0) {
        cmd_loadnv(bench, client, a1, a2);
    } else if (strcasecmp(verb, "SHUTDOWN") == 0) {
        say(client, "OK");
        bench->stopping = true;
    } else {
        say(client, "ERR unknown request '%s' (PING TIME ADVANCE SPEED COUNT EDGES FLASH DEBUG BOARD STATUS TEMP TEMP? "
            "PRESS FRAME PNG SHUTDOWN REFCONST REFEDGES SUPPLY POWER? WAVE NOISE LOADNV)",
            verb);
    }
}

void sim_control_service(struct sim_bench *bench, struct sim_client *client)
{
    char buf[512];
    ssize_t n = recv(client->fd, buf, sizeof(buf), 0);
    if (n <= 0) {
        if (n < 0 && errno == EINTR) {
            return;
        }
        close(client->fd);
        client->fd = -1;
        return;
    }
    for (ssize_t k = 0; k < n && client->fd >= 0; k++) {
        if (buf[k] == '\n') {
            client->line[client->line_len] = '\0';
            if (client->line_len > 0 && client->line[client->line_len - 1] == '\r') {
                client->line[client->line_len - 1] = '\0';
            }
            execute(bench, client, client->line);
            client->line_len = 0;
        } else if (client->line_len + 1 < sizeof(client->line)) {
            client->line[client->line_len++] = buf[k];
        } else {
            say(client, "ERR request longer than %zu bytes", sizeof(client->line) - 1);
            client->line_len = 0;
        }
    }
}
