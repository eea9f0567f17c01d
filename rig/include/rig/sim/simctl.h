/*
 * rig/sim/simctl.h — the client of benchd's control socket.
 *
 * Like rig/sim/simbench.h, for the bench driver, `rig sim` and tests only.
 *
 * One request per line, one reply line "OK ..." or "ERR <message>" (EDGES
 * adds n lines). The requests are listed in rig/sim/sim_control.c.
 */
#ifndef RIG_SIMCTL_H
#define RIG_SIMCTL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;
struct rig_simctl;

#define RIG_SIMCTL_TIMEOUT_MS 10000 /* any request but ADVANCE and FLASH */
#define RIG_SIMCTL_FLASH_TIMEOUT_MS 60000

struct rig_sim_edge {
    uint64_t t_ns;
    unsigned output; /* 1 or 2 */
    unsigned level;  /* 0 or 1 */
};

/*
 * rig_bench_simctl — the control client of a simulated bench, NULL (with a
 * last error) on hw. Owned by the bench.
 */
struct rig_simctl *rig_bench_simctl(struct rig_bench *bench);

/*
 * rig_simctl_open — connect to the control socket at path.
 * Returns 0 and *out, -ENOENT / -ECONNREFUSED (benchd not running),
 * -ENAMETOOLONG.
 */
int rig_simctl_open(const char *path, struct rig_simctl **out);

/* rig_simctl_close — disconnect and free; NULL is ignored. */
void rig_simctl_close(struct rig_simctl *ctl);

/*
 * rig_simctl_request — send the printf-formatted request, wait up to
 * timeout_ms (< 0: forever, until benchd answers or goes away) for the reply.
 * reply receives what follows "OK" (leading space removed).
 * Returns 0, -EREMOTEIO (ERR: the message quotes benchd), -ETIMEDOUT,
 * -ECONNRESET (benchd went away), -EPROTO, -EMSGSIZE.
 */
int rig_simctl_request(struct rig_simctl *ctl, int timeout_ms, char *reply, size_t reply_len,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* rig_simctl_ping — PING; Returns 0 or as rig_simctl_request. */
int rig_simctl_ping(struct rig_simctl *ctl);

/* rig_simctl_time — virtual time in ns. */
int rig_simctl_time(struct rig_simctl *ctl, uint64_t *t_ns);

/*
 * rig_simctl_advance — move virtual time on by seconds and wait (without a
 * time limit) until every unit has reached it. t_ns (may be NULL) receives
 * the new time.
 */
int rig_simctl_advance(struct rig_simctl *ctl, double seconds, uint64_t *t_ns);

/* rig_simctl_speed — SPEED x ("0" hold, "1" real time, "max"). */
int rig_simctl_speed(struct rig_simctl *ctl, const char *speed);

/* rig_simctl_count — COUNT: rising edges so far and the last edge times. */
int rig_simctl_count(struct rig_simctl *ctl, unsigned position, unsigned output,
                     uint64_t *rising, uint64_t *last_rise_ns, uint64_t *last_fall_ns);

/*
 * rig_simctl_edges — EDGES: drain position's queued edges into edges
 * (at most max; further ones are read and dropped). *n receives how many
 * were stored.
 */
int rig_simctl_edges(struct rig_simctl *ctl, unsigned position, struct rig_sim_edge *edges,
                     size_t max, size_t *n);

/*
 * rig_simctl_refconst — REFCONST: the reference standard's pulse constant of
 * wire (1 active, imp/kWh; 2 reactive, imp/kvarh). set > 0 sets it first
 * (restarting the wire's pulses). *constant (may be NULL) receives it.
 */
int rig_simctl_refconst(struct rig_simctl *ctl, unsigned wire, double set, double *constant);

/*
 * rig_simctl_refedges — REFEDGES: drain the reference wire's queued edges
 * (output = wire) into edges, at most max (further ones are read and
 * dropped); *n stored, *dropped (may be NULL) lost by benchd's queue.
 */
int rig_simctl_refedges(struct rig_simctl *ctl, unsigned wire, struct rig_sim_edge *edges,
                        size_t max, size_t *n, uint64_t *dropped);

/* rig_simctl_shutdown — SHUTDOWN: benchd stops its meters and exits. */
int rig_simctl_shutdown(struct rig_simctl *ctl);

#ifdef __cplusplus
}
#endif

#endif /* RIG_SIMCTL_H */
