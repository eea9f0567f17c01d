/*
 * sim_power.c — the supply relay of each simulated position (docs/power.md).
 *
 * benchd switches a unit's supply at the current virtual instant (every
 * unit has reached it), or arms a hard cut for a later instant or for the
 * inside of one of the unit's next NV writes; the unit carries the cut out
 * in its own virtual time (boards/native power.c) and reports what
 * happened: the CPU stopped (warned: with the hold-up time its power-fail
 * save used), an NV write torn, the core started again.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sim_bench.h"

/* A warned cut is answered once the unit has saved: it computes that at
 * once (the save takes virtual, not wall time). */
#define POWER_REPLY_TIMEOUT_MS 5000
#define PPM 1000000.0

static int send_to(struct sim_unit *unit, const struct sim_msg *msg)
{
    ssize_t n;
    do {
        n = send(unit->ctrl_fd, msg, sizeof(*msg), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(*msg) ? 0 : -EPIPE;
}

void sim_power_on_msg(struct sim_unit *unit, const struct sim_msg *msg)
{
    struct sim_supply *s = &unit->supply;
    switch (msg->type) {
    case SIM_MSG_POWER_DOWN:
        s->armed = false;
        s->off = true;
        s->last_down_ns = msg->t_ns;
        s->holdup_ns = msg->reserved;
        if (msg->value == 0u) {
            s->warned_cuts++;
            s->last_holdup_used_ns = msg->level;
            if (msg->level > s->max_holdup_used_ns) {
                s->max_holdup_used_ns = msg->level;
            }
        } else {
            s->hard_cuts++;
        }
        break;
    case SIM_MSG_NV_TORN:
        s->nv_torn++;
        break;
    case SIM_MSG_POWER_UP:
        s->power_ups++;
        break;
    default:
        break;
    }
}

static int switch_on(struct sim_unit *unit, char *reply, size_t reply_len)
{
    struct sim_msg m = {.type = SIM_MSG_SUPPLY, .value = 1u};
    if (send_to(unit, &m) != 0) {
        return -1;
    }
    unit->supply.off = unit->supply.armed = false;
    snprintf(reply, reply_len, "on");
    return 0;
}

static int warned(struct sim_unit *unit, char *reply, size_t reply_len, char *err, size_t err_len)
{
    if (unit->supply.off) {
        snprintf(reply, reply_len, "off already");
        return 0;
    }
    struct sim_msg m = {.type = SIM_MSG_SUPPLY_CUT, .value = 0u};
    if (send_to(unit, &m) != 0) {
        return -1;
    }
    struct sim_msg down;
    int r = sim_unit_wait_msg(unit, SIM_MSG_POWER_DOWN, &down, POWER_REPLY_TIMEOUT_MS);
    if (r != 0) {
        snprintf(err, err_len, "position %u did not report its power-fail save: %s", unit->position,
                 strerror(-r));
        return -1;
    }
    snprintf(reply, reply_len, "off warned %" PRIu32 " %" PRIu32, down.level, down.reserved);
    return 0;
}

static int hard(struct sim_bench *bench, struct sim_unit *unit, const struct sim_cut *cut,
                char *reply, size_t reply_len)
{
    if (unit->supply.off && !unit->supply.armed) {
        snprintf(reply, reply_len, "off already");
        return 0;
    }
    struct sim_msg m = {.type = SIM_MSG_SUPPLY_CUT, .value = 1u};
    if (cut->in_write > 0u) {
        m.level = cut->in_write;
        m.reserved = (uint32_t)lround(fmin(fmax(cut->write_frac, 0.0), 1.0 - 1.0 / PPM) * PPM);
    } else {
        m.t_ns = bench->now_ns + (uint64_t)llround(cut->at_s * 1e9);
    }
    if (send_to(unit, &m) != 0) {
        return -1;
    }
    unit->supply.off = true;
    if (cut->in_write == 0u && cut->at_s <= 0.0) {
        /* at once: the unit reports it before it does anything else */
        struct sim_msg down;
        sim_unit_wait_msg(unit, SIM_MSG_POWER_DOWN, &down, POWER_REPLY_TIMEOUT_MS);
        snprintf(reply, reply_len, "off hard %" PRIu64, bench->now_ns);
        return 0;
    }
    unit->supply.armed = true;
    if (cut->in_write > 0u) {
        snprintf(reply, reply_len, "armed write %u %.6f", cut->in_write, cut->write_frac);
    } else {
        snprintf(reply, reply_len, "armed %" PRIu64, m.t_ns);
    }
    return 0;
}

int sim_power_switch(struct sim_bench *bench, struct sim_unit *unit, bool on, const struct sim_cut *cut,
                     char *reply, size_t reply_len, char *err, size_t err_len)
{
    err[0] = '\0';
    sim_unit_drain(bench, unit);
    if (unit->ctrl_fd < 0) {
        snprintf(err, err_len, "position %u is not running (%s)", unit->position,
                 unit->stopped_why[0] ? unit->stopped_why : "not started");
        return -1;
    }
    int r = on ? switch_on(unit, reply, reply_len)
               : cut->hard ? hard(bench, unit, cut, reply, reply_len)
                           : warned(unit, reply, reply_len, err, err_len);
    if (r != 0 && err[0] == '\0') {
        snprintf(err, err_len, "position %u: its supply wire is broken", unit->position);
    }
    return r;
}

void sim_power_status(const struct sim_unit *unit, char *reply, size_t reply_len)
{
    const struct sim_supply *s = &unit->supply;
    snprintf(reply, reply_len,
             "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
             " %" PRIu64,
             s->armed ? "armed" : s->off ? "off" : "on", s->warned_cuts, s->hard_cuts, s->nv_torn,
             s->power_ups, s->last_holdup_used_ns, s->max_holdup_used_ns, s->holdup_ns,
             s->last_down_ns);
}
