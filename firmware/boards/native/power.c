/*
 * power.c — the native board's supply; see power.h.
 */
#include "power.h"

#include "nv_fram.h"

static struct {
    struct power_board b;
    enum power_state state;
    uint64_t deadline_ns; /* HOLDUP: the CPU stops here */
    bool hard_armed;      /* a hard cut is armed in the NV emulation */
} pw;

void power_init(const struct power_board *board)
{
    pw.b = *board;
    pw.state = POWER_ON;
}

enum power_state power_state(void)
{
    return pw.state;
}

bool power_core_runs(void)
{
    return pw.state != POWER_OFF;
}

static void report_down(unsigned hard, uint64_t t_ns, uint64_t used_ns)
{
    struct sim_msg m = {
        .type = SIM_MSG_POWER_DOWN,
        .value = hard,
        .level = used_ns > UINT32_MAX ? UINT32_MAX : (uint32_t)used_ns,
        .reserved = (uint32_t)POWER_HOLDUP_NS,
        .t_ns = t_ns,
    };
    pw.b.send(&m);
}

static void report_tear(void)
{
    uint32_t off, good;
    nv_fram_last_tear(&off, &good);
    struct sim_msg m = {.type = SIM_MSG_NV_TORN, .value = off, .level = good, .t_ns = nv_fram_cut_time()};
    pw.b.send(&m);
}

/* The CPU stops: RAM is gone, outputs fall, the RTC notes its time. */
static void cpu_stops(void)
{
    pw.state = POWER_OFF;
    pw.hard_armed = false;
    pw.b.outputs_off();
    pw.b.rtc_note();
}

static void power_up(void)
{
    uint64_t t = pw.b.now_ns();
    nv_fram_power_up();
    pw.hard_armed = false;
    if (pw.state == POWER_HOLDUP) {
        pw.state = POWER_ON; /* back before the capacitor ran out: no reset */
        return;
    }
    if (pw.state == POWER_OFF) {
        pw.state = POWER_ON;
        nv_fram_begin(t);
        pw.b.core_start();
        struct sim_msg m = {.type = SIM_MSG_POWER_UP, .t_ns = t};
        pw.b.send(&m);
    }
}

/* The mains-fail interrupt: the core saves with the CPU dying at the end
 * of the hold-up time; a write that would run past it tears. */
static void warned_cut(void)
{
    if (pw.state != POWER_ON) {
        return;
    }
    uint64_t t = pw.b.now_ns();
    pw.deadline_ns = t + POWER_HOLDUP_NS;
    nv_fram_begin(t);
    nv_fram_arm_cut(pw.deadline_ns);
    pw.state = POWER_HOLDUP;
    pw.b.core_power_fail();
    uint64_t used = nv_fram_now() - t; /* from the interrupt: a busy bus counts too */
    if (nv_fram_cut_happened()) {
        report_tear();
        used = POWER_HOLDUP_NS;
    }
    report_down(0u, t, used);
    pw.b.rtc_note();
    if (nv_fram_cut_happened()) {
        cpu_stops();
    }
}

static void hard_cut(const struct sim_msg *msg)
{
    if (pw.state == POWER_OFF) {
        return;
    }
    uint64_t now = pw.b.now_ns();
    if (msg->level > 0u) {
        nv_fram_arm_cut_in_write(msg->level, msg->reserved);
    } else if (msg->t_ns <= now) {
        report_down(1u, now, 0);
        cpu_stops();
        return;
    } else {
        nv_fram_arm_cut(msg->t_ns);
    }
    pw.hard_armed = true;
}

void power_on_msg(const struct sim_msg *msg)
{
    if (msg->type == SIM_MSG_SUPPLY) {
        if (msg->value != 0u) {
            power_up();
        } else {
            warned_cut();
        }
    } else if (msg->type == SIM_MSG_SUPPLY_CUT) {
        if (msg->value == 0u) {
            warned_cut();
        } else {
            hard_cut(msg);
        }
    }
}

/* The next instant the supply acts on its own: the hold-up deadline or an
 * armed hard cut at a time. */
static uint64_t next_event_ns(void)
{
    return pw.state == POWER_HOLDUP ? pw.deadline_ns : pw.hard_armed ? nv_fram_armed_cut() : NV_FRAM_NO_CUT;
}

size_t power_clip_samples(size_t n, uint64_t ns_per_sample)
{
    uint64_t ev = next_event_ns();
    uint64_t now = pw.b.now_ns();
    if (ev == NV_FRAM_NO_CUT || pw.state == POWER_OFF) {
        return n;
    }
    if (ev <= now) {
        return 0;
    }
    uint64_t k = (ev - now + ns_per_sample - 1u) / ns_per_sample;
    return k < n ? (size_t)k : n;
}

void power_before_core(void)
{
    nv_fram_begin(pw.b.now_ns());
}

bool power_after_core(void)
{
    if (pw.state == POWER_OFF) {
        return true;
    }
    uint64_t now = pw.b.now_ns();
    if (nv_fram_cut_happened()) {
        /* a cut fell inside an NV access of the call that just returned */
        report_tear();
        if (pw.state == POWER_ON) {
            report_down(1u, nv_fram_cut_time(), 0);
        }
        cpu_stops();
        return true;
    }
    if (pw.state == POWER_HOLDUP && now >= pw.deadline_ns) {
        nv_fram_power_up(); /* nothing armed any more: the CPU is off */
        cpu_stops();
        return true;
    }
    if (pw.hard_armed && nv_fram_armed_cut() != NV_FRAM_NO_CUT && now >= nv_fram_armed_cut()) {
        uint64_t t = nv_fram_armed_cut();
        nv_fram_arm_cut(NV_FRAM_NO_CUT);
        report_down(1u, t, 0);
        cpu_stops();
        return true;
    }
    return false;
}

void power_quit(void)
{
    if (pw.state == POWER_ON) {
        warned_cut();
    }
    pw.b.rtc_note();
}
