/*
 * meter.h — the meter: what a board calls.
 *
 * The board owns `struct meter` (e.g. `static struct meter m;`), calls
 * meter_init() at power-up (and again after hal_request_restart(), which is
 * what an MCU reset does) and then the entry points as things happen. None
 * of them blocks; the core answers through hal.h only.
 */
#ifndef MED2_METER_H
#define MED2_METER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "demand.h"
#include "eventlog.h"
#include "energy.h"
#include "factory.h"
#include "metrology.h"
#include "modbus_slave.h"
#include "model.h"
#include "nvstore.h"
#include "pulse.h"
#include "pulse_source.h"
#include "pulse_test.h"
#include "settings.h"
#include "swid.h"
#include "tariff.h"
#include "ui.h"

/* Energy counters (and demand, demand_nv.h) are saved to NV every 10 s of
 * uptime, on the power-fail warning and on the commands that change them
 * or precede a reset (100, 110, 120, 200, 210, 220). A hard cut without the
 * warning therefore loses at most the last 10 s of energy: <= 56.2 Wh at
 * the largest load, 253 V x 80 A (manual §6). The NV part is an SPI FRAM
 * (docs/power.md; 10^12 accesses per byte): a save, its read-back included,
 * every 10 s touches each byte of a copy about 3.2e6 times a year. */
#define METER_ENERGY_SAVE_PERIOD_MS 10000u

/* minute_of_day before any selection: the next tick selects the sub-tariff. */
#define METER_MINUTE_NONE 0xFFFFFFFFu

/* Models without RS485: the factory test port (docs/factory.md),
 * fixed line settings and address whatever the settings say. */
#define METER_FACTORY_PORT_BAUD 38400u
#define METER_FACTORY_PORT_ADDRESS 1u

/* Password bytes at 6000..6003 (manual §5 example). */
#define METER_PASSWORD_BYTES 8u

struct meter_identity {
    enum med2_model model;
    uint32_t serial; /* the board's; a saved factory record's serial replaces it */
};

/* The Modbus session: the password state and the scratch of the request
 * being handled (filled by write_value, applied by write_commit). */
struct meter_session {
    bool unlocked;                           /* the right password was written */
    uint8_t password_entry[METER_PASSWORD_BYTES]; /* as last written to 6000..6003 */
    struct calendar_time now;                /* the clock at the request's start */
    /* scratch of the request being handled */
    bool touched_settings, touched_clock, touched_password;
    struct settings settings;
    struct calendar_time clock;
    uint8_t password[METER_PASSWORD_BYTES];
    uint16_t system_command;  /* 2000: 100/110/120, 0 = none */
    uint16_t counter_command; /* 3000: 200/210/220, 0 = none */
    /* after the reply */
    bool line_pending;        /* apply slave id and line settings */
    bool restart_pending;
    bool close_port_pending;  /* a factory test port was sealed: silent after the reply */
};

/* Strings of Read Device Identification (2B/0E). */
#define METER_DEVID_OBJECTS 8u /* the 7 of the manual's product, then the legal software id */
#define METER_DECIMAL_U32_LEN 11u /* "4294967295" + NUL */

struct meter {
    struct meter_identity id;
    const struct med2_model_info *info;
    uint64_t sample_time;     /* samples since meter_init (hal_pulse_write's clock) */
    uint64_t uptime_ms;       /* sum of meter_on_tick's elapsed_ms */
    struct metrology metrology;
    struct energy energy;
    struct pulse pulse1;      /* fixed: 1 Wh, 100 ms */
    struct pulse pulse2;      /* adjustable (726..734), models with two outputs */
    struct pulse_source pulse2_source;
    struct demand demand;
    struct mb_slave modbus;
    /* configuration: applied is what NV holds and the meter runs by;
     * staged is what Modbus reads and writes until "save" (docs/modbus.md) */
    struct settings applied;
    struct settings staged;
    struct tariff_schedule schedule; /* of `applied` */
    uint32_t minute_of_day;          /* of the last sub-tariff selection */
    struct nvstore nv;
    struct factory factory;          /* calibration, identity, seal (factory.h) */
    /* FACTORY_COMMAND 4 (docs/factory.md): pulse output 1 gives a 100 ms
     * pulse on the first sample of every new RTC second instead of energy
     * pulses, so the rig can time the RTC against its own clock; COMMAND 6
     * does it on pulse output 2 */
    bool rtc_test_running;
    uint32_t rtc_test_second;        /* the RTC second last seen */
    /* FACTORY_PULSE1_CONSTANT (pulse_test.h): the constant output 1 runs at */
    uint32_t pulse1_imp_per_kwh;
    struct pulse_test pulse_test;
    bool rtc_test_pulse2_applied;    /* COMMAND 6 seen: output 2 ticks seconds */
    uint32_t energy_save_countdown_ms;
    int last_energy_save;            /* 0 or the error of the last save */
    struct meter_session session;
    char order_number_text[METER_DECIMAL_U32_LEN];
    char serial_text[METER_DECIMAL_U32_LEN];
    struct mb_devid_object devid[METER_DEVID_OBJECTS];
    struct ui ui;                    /* the display and the buttons (ui.h) */
    /* the audit trail and the legal software's id (docs/power.md) */
    struct eventlog log;
    char swid_text[SWID_TEXT_LEN];
};

/* Power-up (or reset): settings and energy from NV, or the defaults. */
void meter_init(struct meter *m, const struct meter_identity *id);

/* A block of simultaneous V and I ADC codes, n samples (any n >= 1). */
void meter_on_samples(struct meter *m, const int32_t *v, const int32_t *i, size_t n);

/* Bytes received on the RS485 UART, in order. */
void meter_on_uart_rx(struct meter *m, const uint8_t *data, size_t n);

/* The line has been silent for >= 3.5 character times: a frame ends here. */
void meter_on_uart_idle(struct meter *m);

/* Periodic tick for timers; elapsed_ms since the previous call. */
void meter_on_tick(struct meter *m, uint32_t elapsed_ms);

/* The supply is failing (the board's power-fail warning): save now. */
void meter_on_power_fail(struct meter *m);

/* A button of the display went down (pressed) or up (ui.h: enum ui_button). */
void meter_on_button(struct meter *m, unsigned button, bool pressed);

/* Read-only view of the latest published measurements (for tests/boards). */
const struct metrology_values *meter_values(const struct meter *m);

/* Total import active energy register, mWh. */
uint64_t meter_import_active_mwh(const struct meter *m);

/* Which of the manual's register maps a model answers: the C80 table for
 * 4-tariff models, the B80 table for the others. */
enum med2_map meter_register_map(const struct med2_model_info *info);

/* ---- used by the Modbus register layer (meter_regs.c) ---- */

/* The Modbus slave's view of the meter. */
extern const struct mb_slave_ops meter_mb_ops;

/* Save the energy counters to NV now; 0 or a negative error. */
int meter_save_energy(struct meter *m);

/* "Save configuration": persist `staged`, then run by it (the slave id and
 * line settings after the reply: session.line_pending). 0 or a negative
 * error, in which case nothing changed. */
int meter_save_configuration(struct meter *m);

/* After the reply to a request went out: new line settings, a restart. */
void meter_after_request(struct meter *m);

/* The factory block changed (factory_write returned MB_OK): run by its
 * calibration, report its saved serial, close a sealed factory test port
 * after the reply. */
void meter_factory_changed(struct meter *m);

/* ---- the display's way to the settings (ui_edit.c, ui.c, ui_ctvt.c) ----
 * The same code a Modbus write runs (meter_regs.c): validation, staging,
 * "save configuration"; only the password check of the Modbus session is
 * not asked (the display has its own, manual §3.2 "Security"). */

/* Manual §5, command registers 2000 and 3000. */
#define METER_CMD_SAVE_CONFIGURATION 100u
#define METER_CMD_RETURN_TO_DEFAULTS 110u
#define METER_CMD_RESTART 120u
#define METER_CMD_RESET_PARTIAL 200u
#define METER_CMD_START_STOP_PARTIAL 210u
#define METER_CMD_CHANGE_TARIFF 220u

/* Write one uint32 register as a Modbus write of it would (date/time set the
 * clock; a setting is staged and then saved, command 100). MB_OK or the
 * exception a Modbus write would get; nothing changes on a refusal. */
enum mb_status meter_local_write(struct meter *m, enum med2_reg_id id, uint32_t value);

/* Run a command of register 2000 or 3000 as a Modbus write of it would. */
enum mb_status meter_local_command(struct meter *m, enum med2_reg_id id, uint16_t value);

/* Stage `next` (settings without a register: language, backlight,
 * protection, password) and save it like command 100: MB_OK, or
 * MB_EX_ILLEGAL_VALUE when it is not a valid configuration. */
enum mb_status meter_local_save(struct meter *m, const struct settings *next);

/* The one-time CT/VT entry of a CT model (manual §3.2 "Network"): the four
 * values within the register map's ranges, stored and marked confirmed.
 * MB_EX_ILLEGAL_FUNCTION on a direct model or when already confirmed. */
enum mb_status meter_local_commission(struct meter *m, float ct_primary, uint32_t ct_secondary,
                                      float vt_primary, float vt_secondary);

/* The value of a runtime (0..18) or demand (500..522) register, as Modbus
 * reads it: what the display shows of the same quantity. */
float meter_measurement(const struct meter *m, enum med2_reg_id id);

/* Clear > Demand: demand and maximum demand start again. */
void meter_clear_demand(struct meter *m);

#endif /* MED2_METER_H */
