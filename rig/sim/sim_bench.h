/*
 * sim_bench.h — the state of one simulated bench (benchd): its clock, its
 * virtual source and its meter positions. One object per file beside it:
 * sim_pty.c (raw ptys), sim_source.c (the SCPI source), sim_unit.c (meter
 * processes and their wires), sim_slot.c (flash slots), sim_control.c (the
 * control socket), benchd.c (start-up and the event loop).
 */
#ifndef SIM_BENCH_H
#define SIM_BENCH_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "defect_spec.h"
#include "sim_wire.h"

#define SIM_MAX_UNITS 64
#define SIM_EDGE_QUEUE 4096 /* per position; older edges are dropped, counts stay exact */
#define SIM_MAX_CLIENTS 16
#define SIM_LINE_MAX 512
#define SIM_ERROR_QUEUE 16
/* The control socket lives in the bench dir and a unix socket path is at
 * most 107 bytes, so every path under the dir is short. */
#define SIM_DIR_MAX 96
#define SIM_PATH_MAX 160

/* A raw-mode pseudo-terminal; benchd keeps both sides open (see sim_pty.c). */
struct sim_pty {
    int master;
    int slave;
    char path[64];
};

int sim_pty_open(struct sim_pty *pty);
void sim_pty_close(struct sim_pty *pty);

struct sim_edge {
    uint64_t t_ns;
    uint8_t output;
    uint8_t level;
};

struct sim_unit {
    unsigned position;
    char model[32];
    char serial[24];
    int slave;
    int baud;
    /* the unit's factory defect as given (NAME[,PARAM], validated at start-up),
     * "" for a good unit; passed to every process the slot runs */
    char defect[SIM_DEFECT_SPEC_MAX];
    char slot_dir[SIM_PATH_MAX];
    char image_hash[17];
    struct sim_pty rs485;
    int ctrl_fd; /* benchd's end of the socketpair, -1 when not running */
    /* a QEMU unit halted on its debug port (DEBUG): its socketpair end until
     * the image loaded through the port says hello (FLASH), else -1 */
    int halted_fd;
    char debug_socket[SIM_PATH_MAX + 16];
    pid_t pid;
    bool waiting; /* a RUN_UNTIL is outstanding */
    char stopped_why[80]; /* why it is not running (STATUS), "" while it runs */
    uint64_t reached_ns;
    /* pulse outputs 1 and 2 (index 0 unused) */
    uint64_t rising[3];
    uint64_t last_rise_ns[3];
    uint64_t last_fall_ns[3];
    struct sim_edge edges[SIM_EDGE_QUEUE];
    unsigned edge_head; /* index of the oldest queued edge */
    unsigned edge_count;
    uint64_t edges_dropped;
    /* the supply (sim_power.c): what benchd switched and what the unit reported */
    struct sim_supply {
        bool off;       /* switched off (or cut) and not back on */
        bool armed;     /* a hard cut is armed and has not happened yet */
        uint64_t warned_cuts, hard_cuts, power_ups, nv_torn;
        uint64_t last_down_ns;
        uint64_t last_holdup_used_ns, max_holdup_used_ns, holdup_ns;
    } supply;
    /* the display: the latest frame the unit sent (sim_display.c) */
    struct med2_lcd_frame frame;
    uint64_t frame_ns;  /* when it appeared */
    bool has_frame;
};

/* The reference standard's pulse wires (sim_reference.c): 1 active energy,
 * 2 reactive energy; a pulse every 1/constant kWh of the exact integral. */
#define SIM_REF_WIRES 2
#define SIM_REF_QUEUE 65536 /* edges per wire between two REFEDGES; older ones are dropped */
#define SIM_REF_CONSTANT_DEFAULT 100000.0 /* imp/kWh until set */
#define SIM_REF_CONSTANT_MAX 1e9
struct sim_ref_wire {
    double constant;  /* imp/kWh (or imp/kvarh) */
    uint64_t halves;  /* half pulses emitted since the constant was set */
    double frac;      /* of the next half pulse, 0..1 */
    uint64_t rising;
    struct sim_edge edges[SIM_REF_QUEUE];
    unsigned head, count;
    uint64_t dropped;
};

struct sim_source {
    struct sim_pty pty;
    char line[SIM_LINE_MAX];
    size_t line_len;
    bool line_overflow;
    struct sim_terminals set; /* settings, applied while the output is on */
    bool output;
    double energy_wh;   /* reference standard: exact integral since MEAS:ENER:RES */
    double energy_varh;
    double ambient_c;   /* the bench's temperature, passed to the units with the terminals */
    int errors[SIM_ERROR_QUEUE];
    unsigned error_count;
    /* the reference standard's pulse output (sim_reference.c) */
    struct sim_ref_wire ref[SIM_REF_WIRES + 1]; /* [1] active, [2] reactive */
    /* Fluke 6100B/6105A dialect state (sim_source_fluke.c) */
    struct sim_fluke {
        double v_deg, i_deg;   /* phases of the fundamentals as set */
        bool energy_used;      /* an ENER: command was seen: wire 1 follows the energy function */
        unsigned energy_order; /* 0 none, 1 MUT source set, 2 + REF source, 3 + PSOU: pulsing */
        char mut[16], ref[16], psou[16];
        double mut_cons;       /* the meter's constant (ENER:MUT:CONS) */
        double out_cons;       /* ENER:OUTP:CONS */
        double out_unit;       /* imp/kWh per unit of out_cons (IPKWH 1, IPWH 1000) */
    } fluke;
};

struct sim_client {
    int fd;
    char line[SIM_LINE_MAX];
    size_t line_len;
};

struct sim_bench {
    char dir[SIM_DIR_MAX];
    char control_path[SIM_DIR_MAX + 16]; /* < 108, sun_path */
    int control_fd;
    struct sim_client clients[SIM_MAX_CLIENTS];
    struct sim_source source;
    struct sim_unit units[SIM_MAX_UNITS];
    unsigned unit_count;
    uint64_t now_ns;
    double speed;  /* virtual s per wall s; 0 = hold; < 0 = as fast as possible */
    uint64_t wall_base_ns;
    uint64_t virtual_base_ns;
    bool stopping;
    /* `--board qemu`: every position runs the ARM image under QEMU (sim_qemu.c) */
    bool qemu;
};

/* sim_line.c */
/* Format one reply line into buf, newline-terminated, truncated to fit;
 * returns its length (0 on a format error). */
size_t sim_format_line(char *buf, size_t size, const char *fmt, va_list ap);

/* sim_source.c */
void sim_source_init(struct sim_source *src);
/* Read what arrived on the source's tty and execute complete lines.
 * Returns true if the terminal conditions changed. */
bool sim_source_service(struct sim_source *src);
/* What the terminals carry now (zero while the output is off). */
void sim_source_terminals(const struct sim_source *src, struct sim_terminals *out);
/* Integrate the reference energy over dt seconds of constant conditions. */
void sim_source_integrate(struct sim_source *src, double dt_s);

/* Active and reactive power of the set conditions (delivered while the output is on). */
void sim_source_power(const struct sim_source *src, double *p, double *q);

/* sim_reference.c */
void sim_reference_init(struct sim_source *src);
/* Emit the reference pulse edges of (t0_ns, t1_ns] at the present conditions. */
void sim_reference_advance(struct sim_source *src, uint64_t t0_ns, uint64_t t1_ns);
/* Set wire's constant (imp/kWh); restarts its pulse count. 0 or -1 (out of range). */
int sim_reference_set_constant(struct sim_source *src, unsigned wire, double imp_per_kwh);

/* sim_unit.c */
int sim_unit_start(struct sim_bench *bench, struct sim_unit *unit);
/* Stop the unit and start a QEMU unit again halted, with no image, on a gdb
 * stub at unit->debug_socket (sim_qemu.c); it runs once what is loaded
 * there resets it, and sim_unit_adopt takes it in. 0 or -errno. */
int sim_unit_halt_for_debug(struct sim_bench *bench, struct sim_unit *unit);
/* Take in a unit halted for debug once its new image said hello (within the
 * hello timeout). 0 or -errno (the unit is stopped). */
int sim_unit_adopt(struct sim_bench *bench, struct sim_unit *unit);
/* If the unit's process has ended, collect it and say why in stopped_why. */
void sim_unit_reap(struct sim_unit *unit);
void sim_unit_stop(struct sim_unit *unit);
/* Every running unit computes up to t_ns; returns 0 or -1 with a message. */
int sim_units_run_until(struct sim_bench *bench, uint64_t t_ns, char *err, size_t err_len);
void sim_units_send_terminals(struct sim_bench *bench);
/* Handle messages a unit sent while nobody was waiting for it. */
void sim_unit_drain(struct sim_bench *bench, struct sim_unit *unit);

/* Send one message to a running unit: 0 or -EPIPE (it is gone). */
int sim_unit_send(struct sim_unit *unit, const struct sim_msg *msg);
/* Wait until the unit has handled everything sent to it so far (its reply
 * messages, e.g. a new frame, are then in): 0 or -1 if it is not running. */
int sim_unit_sync(struct sim_unit *unit);

/* sim_display.c */
/* Render frame as a PNG at path (cairo): 0, or -1 with a message in err. */
int sim_display_png(const struct med2_lcd_frame *frame, const char *path, char *err, size_t err_len);
/* The frame as the FRAME reply shows it: "SSSSSSSSSSSSSS PP BB L MMMMMMMMMMMMMMMM" (hex). */
void sim_display_format(const struct med2_lcd_frame *frame, char *buf, size_t len);

/* Wait up to timeout_ms for a message of `type` from the unit, handling
 * the others as they come (edges); 0 and *out, or -errno. */
int sim_unit_wait_msg(struct sim_unit *unit, uint32_t type, struct sim_msg *out, int timeout_ms);

/* sim_power.c: the supply of each position (docs/power.md) */
/* How to cut. */
struct sim_cut {
    bool hard;
    double at_s;       /* hard: seconds from now (0: now) */
    unsigned in_write; /* hard: in the n-th next NV write (0: by time) */
    double write_frac; /* how far into that write, 0..1 */
};
/* Switch the supply on, or cut it as `cut` says; reply: the line after "OK ".
 * Returns 0, or -1 with a message in err. */
int sim_power_switch(struct sim_bench *bench, struct sim_unit *unit, bool on, const struct sim_cut *cut,
                     char *reply, size_t reply_len, char *err, size_t err_len);
/* A supply message from the unit (SIM_MSG_POWER_DOWN, _NV_TORN, _POWER_UP). */
void sim_power_on_msg(struct sim_unit *unit, const struct sim_msg *msg);
/* POWER? reply: state and counts. */
void sim_power_status(const struct sim_unit *unit, char *reply, size_t reply_len);

/* sim_nvdump.c: stop the unit, its image writes its NV from the register
 * dump at the absolute path `dump`, start it again. 0, or -1 with the
 * image's message (file:line) in err; on -1 the NV is unchanged. */
int sim_unit_load_dump(struct sim_bench *bench, struct sim_unit *unit, const char *dump,
                       char *err, size_t err_len);

/* sim_qemu.c */
/* In the unit's forked child: run the slot's ARM ELF as a QEMU instance and
 * be its wires to benchd (ctrl_fd, sim_wire.h); never returns. */
void sim_qemu_unit(const struct sim_unit *unit, const char *elf, int ctrl_fd, uint64_t t0_ns)
    __attribute__((noreturn));
/* The same, but QEMU starts halted with no image and a gdb stub on
 * unit->debug_socket: the firmware runs once a debugger loaded it and
 * reset the core. */
void sim_qemu_unit_halted(const struct sim_unit *unit, int ctrl_fd, uint64_t t0_ns)
    __attribute__((noreturn));

/* sim_slot.c */
/* Copy image into the unit's slot, verify the copy's hash, record it. */
/* Put back the image the slot ran before the last sim_slot_flash (after a
 * flashed image did not start). Returns 0 or -errno (no previous image). */
int sim_slot_restore_previous(struct sim_unit *unit);
int sim_slot_flash(struct sim_unit *unit, const char *image, char *err, size_t err_len);
const char *sim_slot_image_path(const struct sim_unit *unit, char *buf, size_t len);

/* sim_waveform.c: field replay. Start the recording at path (float32 pairs
 * V, A at 4000/s) on unit's AFE at the bench's present time: the number of
 * pairs, or -1 with a message. Set its RS485 bit error rate (text 0..0.5):
 * 0 or -1 with a message. */
int sim_waveform_start(struct sim_bench *bench, struct sim_unit *unit, const char *path,
                       char *err, size_t err_len);
int sim_noise_set(struct sim_bench *bench, struct sim_unit *unit, const char *ber, char *err,
                  size_t err_len);

/* sim_control.c */
int sim_control_listen(struct sim_bench *bench);
void sim_control_accept(struct sim_bench *bench);
void sim_control_service(struct sim_bench *bench, struct sim_client *client);

/* benchd.c */
/* Move virtual time to t_ns: source energy and all units. */
int sim_bench_advance_to(struct sim_bench *bench, uint64_t t_ns, char *err, size_t err_len);
uint64_t sim_wall_ns(void);

#endif /* SIM_BENCH_H */
