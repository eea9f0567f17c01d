/*
 * rig/replay.h — replaying what a meter saw in the field (fixtures/profiles/
 * README.md): a CSV profile of terminal conditions and events, or a
 * COMTRADE recording (rig/comtrade.h), applied to positions of a bench in
 * bench time, with a trace of registers, pulses and events and checks of
 * the energy registers against the reference integral of the profile.
 * On a simulated bench a replay is deterministic: the same firmware gives
 * the same trace, bit for bit.
 */
#ifndef RIG_REPLAY_H
#define RIG_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;
struct rig_comtrade;

#define RIG_REPLAY_MAX_HARMONICS 8u /* per step, voltage and current together */
#define RIG_REPLAY_MAX_POLL_REGS 8u
#define RIG_REPLAY_MAX_WRITES 8u

/* Terminal conditions from t_s on (until the next step). */
struct rig_replay_step {
    double t_s;
    double v_rms, i_rms, phase_deg, freq_hz;
    unsigned n_harm;
    struct {
        bool current;     /* else voltage */
        unsigned order;   /* 2..63 */
        double pct, phase_deg;
    } harm[RIG_REPLAY_MAX_HARMONICS];
    unsigned line;        /* in the profile, for messages */
};

enum rig_replay_event_kind {
    RIG_REPLAY_SUPPLY, /* supply off|on: every position's auxiliary supply (rig/power.h) */
    RIG_REPLAY_CLOCK,  /* clock YYYY-MM-DDTHH:MM:SS: the meter's clock set over Modbus */
    RIG_REPLAY_WRITE,  /* write NAME VALUE [NAME VALUE ...]: unlock, write, save */
    RIG_REPLAY_PRESS,  /* press next|enter [MS] */
    RIG_REPLAY_NOISE,  /* noise BER: RS485 bit error rate from now on (0: clean) */
    RIG_REPLAY_POLL,   /* poll PERIOD_S COUNT NAME[,NAME...]: a master's polling pattern */
    RIG_REPLAY_MARK,   /* mark [LABEL]: check the energy registers here */
};

struct rig_replay_event {
    double t_s;
    enum rig_replay_event_kind kind;
    unsigned line;
    char text[160];    /* as written in the profile, for the trace */
    bool on;           /* SUPPLY */
    int tm[6];         /* CLOCK: year, month, day, hour, minute, second */
    unsigned n_writes; /* WRITE */
    int write_reg[RIG_REPLAY_MAX_WRITES];
    double write_value[RIG_REPLAY_MAX_WRITES];
    unsigned button, hold_ms; /* PRESS (rig/buttons.h) */
    double ber;        /* NOISE */
    double period_s;   /* POLL */
    unsigned count, n_poll;
    int poll_reg[RIG_REPLAY_MAX_POLL_REGS];
};

/* A profile: steps and events in time order, or a recording. */
struct rig_profile {
    char *path;
    double end_s;                 /* the replay's length */
    size_t n_steps, n_events;
    struct rig_replay_step *steps;
    struct rig_replay_event *events;
    /* a COMTRADE profile: the recording, resampled to the AFE's rate
     * (n_wave pairs V, A at RIG_REPLAY_WAVE_RATE_HZ) for a simulated bench;
     * steps are its cycles (rms, phase, harmonics) for a real one */
    struct rig_comtrade *recording;
    float *wave;
    size_t n_wave;
    double recorded_wh;           /* the integral of v i over the recording */
};

#define RIG_REPLAY_WAVE_RATE_HZ 4000.0 /* the AFE's sample rate (firmware/include/hal.h) */

/*
 * rig_profile_load — read a profile: PATH.csv (fixtures/profiles/README.md)
 * or PATH.cfg (a COMTRADE recording with its .dat). Returns 0 and *out, or
 * -EINVAL (the message names file:line and what is wrong: a missing
 * column, a bad cell, times out of order), -ENOENT, -ENOTSUP, -ENOMEM.
 */
int rig_profile_load(const char *path, struct rig_profile **out);

/* rig_profile_free — NULL is ignored. */
void rig_profile_free(struct rig_profile *p);

/*
 * rig_profile_reference_wh — the import active energy of the profile from
 * its start to t_s, Wh: the integral of the steps' power (fundamental and
 * harmonic pairs, as a source delivers them) while the supply is on; of a
 * recording, the integral of v i up to t_s.
 */
double rig_profile_reference_wh(const struct rig_profile *p, double t_s);

/* How to replay. */
struct rig_replay_options {
    const unsigned *positions;    /* which positions (NULL: position 1) */
    size_t n_positions;
    double trace_every_s;         /* a trace row every N s (0: 60) */
    FILE *trace;                  /* where the CSV trace goes, or NULL */
    const char *password;         /* for writes and the clock (NULL: the default 0000001) */
    double limit_pct;             /* a check passes within this % of the reference
                                     (0: the model's class limit, EN 50470-3) */
};

/* One check of a position's energy against the reference. */
struct rig_replay_check {
    double t_s;
    unsigned position;
    char label[48];               /* the mark's label, or "end" */
    double meter_wh, reference_wh;
    double error_pct;             /* (meter - reference) / reference, % */
    double limit_pct;
    bool pass;
};

#define RIG_REPLAY_MAX_CHECKS 64u

/* One trace row (kept for comparing replays, rig_replay_diff). */
struct rig_replay_row {
    double t_s;
    unsigned position;
    double *values;               /* one per traced register (NAN: not read) */
    long pulses;                  /* pulse output 1's rising edges so far (-1: not wired) */
    char *events;                 /* what happened since the previous row ("" none) */
};

struct rig_replay_result {
    size_t n_checks;
    struct rig_replay_check checks[RIG_REPLAY_MAX_CHECKS];
    bool pass;                    /* every check passed */
    size_t n_regs;                /* the traced registers (rig/regmap.h ids) */
    int regs[32];
    size_t n_rows;
    struct rig_replay_row *rows;
    double wall_s;                /* wall time the replay took */
};

/*
 * rig_replay_run — replay p on the bench: everything it needs is checked
 * first (positions, registers of the model's map, a supply relay for
 * supply events, waveform input for a recording on a simulated bench), so
 * bad input applies nothing. Then the source follows the steps (output on
 * for the replay, off at the end), events happen at their times, a trace
 * row per position every trace_every_s and at every event, and the checks
 * run at marks and at the end. An event that fails on the unit (a write
 * refused, a poll lost to noise) is traced, not fatal.
 * Returns 0 (result says whether the checks passed; free with
 * rig_replay_result_free), or -errno with the message (the source is off).
 */
int rig_replay_run(struct rig_bench *bench, const struct rig_profile *p,
                   const struct rig_replay_options *opt, struct rig_replay_result *result);

/*
 * rig_replay_validate — the checks rig_replay_run makes before it touches
 * the bench, alone (e.g. before calibrating units for a replay).
 * Returns 0 or the error rig_replay_run would return.
 */
int rig_replay_validate(struct rig_bench *bench, const struct rig_profile *p,
                        const struct rig_replay_options *opt);

/* rig_replay_result_free — the rows; the struct itself is the caller's. */
void rig_replay_result_free(struct rig_replay_result *result);

/* What differs between two positions' traces (rig ab). */
struct rig_replay_diff {
    size_t rows_compared;
    size_t values_differing;      /* register values that differ, over all rows */
    double first_divergence_s;    /* the first row's time with a difference, -1: none */
    char first_register[48];      /* the first register that differs there ("pulses", "events") */
    long pulses_a, pulses_b;      /* at the end */
    size_t events_differing;      /* rows whose events differ */
    size_t reg_differing[32];     /* per traced register: rows where it differs */
};

/*
 * rig_replay_diff — compare position a's rows with position b's in one
 * result, register by register. Returns 0 or -EINVAL (no rows of one).
 */
int rig_replay_diff(const struct rig_replay_result *r, unsigned a, unsigned b,
                    struct rig_replay_diff *d);

/*
 * rig_bench_waveform — put the recording of n pairs (V, A at
 * RIG_REPLAY_WAVE_RATE_HZ, native float32) on position's AFE from the
 * bench's present time on. Simulated bench only: -ENOTSUP on a real one.
 * Returns 0, -EINVAL (no such position), -EIO.
 */
int rig_bench_waveform(struct rig_bench *bench, unsigned position, const float *vi, size_t n);

/*
 * rig_bench_line_noise — bit error rate ber (0..0.5) on position's RS485
 * line from now on. Simulated bench only (-ENOTSUP on a real one: put a
 * noise source on the line by hand). Returns 0, -EINVAL, -EIO.
 */
int rig_bench_line_noise(struct rig_bench *bench, unsigned position, double ber);

#ifdef __cplusplus
}
#endif

#endif /* RIG_REPLAY_H */
