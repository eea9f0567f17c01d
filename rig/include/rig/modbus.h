/*
 * rig/modbus.h — the meters' Modbus RTU line (libmodbus): raw and typed
 * reads and writes, by the unit's register map (rig/regmap.h, derived from
 * med2_regmap.h), in the unit's endian mode; unlocking with the password,
 * staging, saving and verifying settings; moving to new line settings.
 *
 * Each request waits for its answer for RIG_METER_TIMEOUT_MS plus the time
 * the longest reply takes at the line's baud rate (the meter paces its
 * replies as a real UART would). After a timeout or a garbled answer the
 * line is waited out and flushed before one retry of a read: libmodbus would
 * otherwise take a late reply to the timed-out request as the answer to the
 * next one. Writes are never retried (a write whose answer was lost may
 * have been applied).
 *
 * Errors (every int function): 0 or a negative errno-style code with a
 * one-line message (rig_last_error()) naming the position, slave, tty and
 * line settings:
 *   -ETIMEDOUT   no answer (after the retry, for reads)
 *   -EBADMSG     garbled answers (CRC, length, wrong slave or function)
 *   -EREMOTEIO   the meter answered an exception: rig_meter_last_exception()
 *   -ENODEV      typed access on a unit whose model has no register map
 *   -ENOENT      the value is not in the unit's map
 *   -EINVAL      a bad argument, caught before anything was sent
 */
#ifndef RIG_MODBUS_H
#define RIG_MODBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "med2_regmap.h"
#include "rig/regmap.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;
struct rig_position;
struct rig_meter;

#define RIG_METER_TIMEOUT_MS 500

/* Registers 0..13 of the runtime block. */
struct rig_runtime {
    float voltage, current, active_power, reactive_power, apparent_power, power_factor,
        frequency;
};

/* A client's view of the unit's serial line. */
struct rig_line {
    int slave;     /* 1..247 (0: broadcast, writes only) */
    int baud;      /* 1200 .. 115200 */
    char parity;   /* 'N', 'O', 'E' */
    int stop_bits; /* 1 or 2 */
};

/* One value to write. */
struct rig_setting {
    enum med2_reg_id id;
    double value;
};

/*
 * rig_bench_meter — the Modbus client of position (1-based), owned by the
 * bench, opened on first use. Returns it, or NULL with a last error (no such
 * position, port cannot be opened).
 */
struct rig_meter *rig_bench_meter(struct rig_bench *bench, unsigned position);

/*
 * rig_meter_open — a client for the meter at pos (its rs485 tty, slave, line
 * settings; its model selects the register map, see rig_regmap_for_model:
 * a unit without one can still be opened for raw access).
 * Returns 0 and *out, or -ENOENT/-EACCES/-EBUSY (the port), -EINVAL (settings).
 */
int rig_meter_open(const struct rig_position *pos, struct rig_meter **out);

/* rig_meter_close — close and free; NULL is ignored. */
void rig_meter_close(struct rig_meter *m);

/*
 * rig_meter_set_timeout — response timeout in ms for every later request,
 * whatever the baud rate; timeout_ms <= 0 goes back to the default
 * (RIG_METER_TIMEOUT_MS plus the longest reply's time at the baud rate).
 */
void rig_meter_set_timeout(struct rig_meter *m, int timeout_ms);

/* rig_meter_timeout — the response timeout in force, ms. */
int rig_meter_timeout(const struct rig_meter *m);

/* rig_meter_set_endian — how 2- and 4-register values are coded (default BE). */
void rig_meter_set_endian(struct rig_meter *m, enum rig_endian endian);

/* rig_meter_endian — the endian mode the client codes values in. */
enum rig_endian rig_meter_endian(const struct rig_meter *m);

/*
 * rig_meter_detect_endian — read register 708 (which every mode encodes
 * distinctly, see rig_endian_from_708) and code values in that mode from now
 * on. Returns the mode (0..3), or an error as above, -EBADMSG for words that
 * are no mode.
 */
int rig_meter_detect_endian(struct rig_meter *m);

/*
 * rig_meter_map — the unit's register map. Returns 0 and *map, -ENODEV (a
 * model without RS485) or -EINVAL (no or unknown model), with a last error
 * naming the position and the model.
 */
int rig_meter_map(const struct rig_meter *m, enum med2_map *map);

/* rig_meter_line — the line settings the client uses now. */
void rig_meter_line(const struct rig_meter *m, struct rig_line *line);

/*
 * rig_meter_set_line — talk to the unit with other line settings from now
 * on: the slave id is switched in place; a new baud rate, parity or stop
 * setting closes the port and opens it again with them.
 * Returns 0, -EINVAL (settings libmodbus refuses), -ENOENT/-EACCES/-EBUSY
 * (the port could not be opened again: the client is then unusable until a
 * later rig_meter_set_line succeeds).
 */
int rig_meter_set_line(struct rig_meter *m, const struct rig_line *line);

/* rig_meter_transactions — requests sent since open (retries included). */
unsigned long rig_meter_transactions(const struct rig_meter *m);

/*
 * rig_meter_line_seconds — how long the transactions since open keep a real
 * line busy: every request and reply frame at the line's baud and character
 * size (start, 8 data, parity, stop bits), the 3.5-character silence before
 * each frame (1.75 ms above 19200 baud, Modbus over Serial Line v1.02
 * §2.5.1.1), RIG_METER_TURNAROUND_S for the unit to answer and
 * RIG_METER_ADAPTER_LATENCY_S for a USB RS485 adapter to hand the reply
 * over; a timeout and the wait after it count as the time really waited.
 * A simulated line delivers bytes at once, so this is what a bench plan
 * adds for Modbus (the EOL's eol_plan_virtual_s).
 */
#define RIG_METER_TURNAROUND_S 0.002
#define RIG_METER_ADAPTER_LATENCY_S 0.001 /* an FTDI adapter with latency_timer = 1 ms */
double rig_meter_line_seconds(const struct rig_meter *m);

/*
 * rig_meter_read_registers — function 03, count (1..125) registers from
 * address, as they come. Retried once after a timeout or a garbled answer.
 */
int rig_meter_read_registers(struct rig_meter *m, uint16_t address, uint16_t count,
                             uint16_t *dest);

/* rig_meter_read_float / _double / _u32 — one value at address, in the
 * client's endian mode. */
int rig_meter_read_float(struct rig_meter *m, uint16_t address, float *value);
int rig_meter_read_double(struct rig_meter *m, uint16_t address, double *value);
int rig_meter_read_u32(struct rig_meter *m, uint16_t address, uint32_t *value);

/* rig_meter_read_runtime — registers 0..13 in one transaction. */
int rig_meter_read_runtime(struct rig_meter *m, struct rig_runtime *rt);

/* rig_meter_read_import_energy — total import active energy, Wh (register
 * 300 in both maps). */
int rig_meter_read_import_energy(struct rig_meter *m, double *wh);

/*
 * rig_meter_read_reg — the value id at its address in the unit's map,
 * decoded by its type in the client's endian mode (CHARS: see
 * rig_decode_value). -ENOENT if the map does not have it, -EPERM if it is
 * write-only.
 */
int rig_meter_read_reg(struct rig_meter *m, enum med2_reg_id id, double *value);

/*
 * rig_meter_read_regs — n values in the fewest transactions the map allows
 * (rig_regmap_plan); values[i] is the value of ids[i]. Errors as
 * rig_meter_read_reg; nothing is sent if a value is not readable in the map.
 */
int rig_meter_read_regs(struct rig_meter *m, const enum med2_reg_id *ids, size_t n,
                        double *values);

/*
 * rig_meter_read_map — every readable value of the unit's map (9
 * transactions for C80, 6 for B80). values[id] is set and present[id] true
 * for each value of the map, present[id] false for the others.
 */
int rig_meter_read_map(struct rig_meter *m, double values[MED2_REG_COUNT],
                       bool present[MED2_REG_COUNT]);

/*
 * rig_meter_write_register / rig_meter_write_registers — functions 06 / 10
 * (1..123 registers), words as given. Not retried.
 */
int rig_meter_write_register(struct rig_meter *m, uint16_t address, uint16_t value);
int rig_meter_write_registers(struct rig_meter *m, uint16_t address, uint16_t count,
                              const uint16_t *src);

/*
 * rig_meter_write_reg — write value to id in the unit's map: function 06
 * for a single-register command (2000, 3000; manual §5), function 10 with
 * the value coded in the client's endian mode otherwise. The value is
 * checked against the map first (rig_reg_check_value): -EPERM read-only,
 * -EINVAL out of range, nothing sent. The unit must be unlocked.
 */
int rig_meter_write_reg(struct rig_meter *m, enum med2_reg_id id, double value);

/*
 * rig_meter_unlock — enter password (7 digits; NULL: RIG_PASSWORD_DEFAULT)
 * into 6000..6003 with function 10, in the manual's byte layout
 * (rig_password_words). A wrong password is accepted by the meter but
 * unlocks nothing: later writes answer exception 01.
 */
int rig_meter_unlock(struct rig_meter *m, const char *password);

/*
 * rig_meter_save / rig_meter_defaults / rig_meter_restart — system commands
 * (register 2000 with function 06): 100 save configuration (persist and
 * apply the staged settings; new line settings apply after this reply),
 * 110 return to defaults, 120 restart (unsaved changes are lost). The
 * client's own line settings are not changed: see rig_meter_configure.
 */
int rig_meter_save(struct rig_meter *m);
int rig_meter_defaults(struct rig_meter *m);
int rig_meter_restart(struct rig_meter *m);

struct tm;
/*
 * rig_meter_set_clock — set the meter's clock to t (tm_mday, tm_mon,
 * tm_year, tm_hour, tm_min, tm_sec) with one function-10 request over
 * 600..611, so the meter checks the date as a whole and applies it at once
 * (docs/modbus.md). The unit must be unlocked. Returns 0, -ENOENT (its map
 * has no clock: B80), or the errors of rig_meter_write_registers.
 */
int rig_meter_set_clock(struct rig_meter *m, const struct tm *t);

/*
 * rig_meter_configure — the whole configuration transaction: unlock with
 * password (NULL: the default), write each setting (checked first; nothing
 * is sent if one is out of range), then, if save, save configuration and
 * move the client to the saved slave id, baud, parity, stop bits and endian
 * mode; finally read every readable setting back (saved or staged) into
 * readback[i] (may be NULL) and compare.
 * Returns 0, the errors above, or -EIO if a value reads back differently
 * (the message names it, what was written and what was read).
 */
int rig_meter_configure(struct rig_meter *m, const char *password,
                        const struct rig_setting *settings, size_t n, bool save,
                        double *readback);

/* rig_meter_last_exception — the exception code (1..11) of the last
 * -EREMOTEIO, else 0. */
int rig_meter_last_exception(const struct rig_meter *m);

/*
 * rig_line_from_settings — the line settings that register values mean
 * (manual §5: 700 slave id, 702 baud code 0..7 = 1200..115200, 704 parity
 * 0 None 1 Odd 2 Even, 706 stop 0 = 1 bit, 1 = 2 bits). Returns 0, or
 * -EINVAL for a code outside the manual's lists.
 */
int rig_line_from_settings(unsigned slave, unsigned baud_code, unsigned parity_code,
                           unsigned stop_code, struct rig_line *line);

/* rig_baud_code — the register-702 code of a baud rate, or -EINVAL. */
int rig_baud_code(int baud);

#ifdef __cplusplus
}
#endif

#endif /* RIG_MODBUS_H */
