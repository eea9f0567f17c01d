/*
 * meter_config.c — configuring a meter over Modbus (manual §5, docs/modbus.md
 * "Manual ambiguities"): the password that opens writing, the system
 * commands (save, defaults, restart), and the whole unlock-write-save-verify
 * transaction, including moving the client to the line settings it saved.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "base/error_internal.h"
#include "modbus/modbus_internal.h"

/* Manual §5, register 2000 (function 06). */
#define CMD_SAVE 100u
#define CMD_DEFAULTS 110u
#define CMD_RESTART 120u

/* Manual §5, register 702: baud codes 0..7. */
static const int baud_rates[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
#define BAUD_CODES (sizeof baud_rates / sizeof baud_rates[0])

int rig_baud_code(int baud)
{
    for (unsigned i = 0; i < BAUD_CODES; i++)
        if (baud_rates[i] == baud)
            return (int)i;
    return rig_error_set(-EINVAL, "%d baud is not one of the meter's rates (1200..115200)", baud);
}

int rig_line_from_settings(unsigned slave, unsigned baud_code, unsigned parity_code,
                           unsigned stop_code, struct rig_line *line)
{
    static const char parities[] = {'N', 'O', 'E'}; /* register 704: 0 None 1 Odd 2 Even */
    if (slave < 1 || slave > 247 || baud_code >= BAUD_CODES || parity_code > 2 || stop_code > 1)
        return rig_error_set(-EINVAL, "line settings slave %u, baud code %u, parity %u, stop %u "
                                      "are outside the manual's lists",
                             slave, baud_code, parity_code, stop_code);
    *line = (struct rig_line){(int)slave, baud_rates[baud_code], parities[parity_code],
                              (int)stop_code + 1};
    return 0;
}

int rig_meter_unlock(struct rig_meter *m, const char *password)
{
    uint16_t words[4];
    int rc = rig_password_words(password ? password : RIG_PASSWORD_DEFAULT, words);
    if (rc < 0)
        return rig_error_prefix(rc, "position %u", m->position);
    rc = rig_meter_write_registers(m, MED2_ADDR_PASSWORD_0_2, 4, words);
    return rc < 0 ? rig_error_prefix(rc, "entering the password") : 0;
}

static int system_command(struct rig_meter *m, unsigned command, const char *what)
{
    int rc = rig_meter_write_register(m, MED2_ADDR_SYSTEM_COMMAND, (uint16_t)command);
    return rc < 0 ? rig_error_prefix(rc, "%s (2000 <- %u)", what, command) : 0;
}

int rig_meter_save(struct rig_meter *m)
{
    return system_command(m, CMD_SAVE, "saving the configuration");
}

int rig_meter_defaults(struct rig_meter *m)
{
    return system_command(m, CMD_DEFAULTS, "returning to defaults");
}

int rig_meter_restart(struct rig_meter *m)
{
    return system_command(m, CMD_RESTART, "restarting");
}

int rig_meter_set_clock(struct rig_meter *m, const struct tm *t)
{
    enum med2_map map;
    int rc = rig_meter_map(m, &map);
    if (rc < 0)
        return rc;
    int addr = rig_reg_address(map, MED2_REG_DAY);
    if (addr < 0)
        return rig_error_set(-ENOENT, "the %s map has no clock registers", rig_regmap_name(map));
    /* manual §5, 600..610: day, month, year (two digits), hour, minute, second */
    const unsigned field[6] = {(unsigned)t->tm_mday, (unsigned)t->tm_mon + 1u,
                               (unsigned)t->tm_year % 100u, (unsigned)t->tm_hour,
                               (unsigned)t->tm_min, (unsigned)t->tm_sec};
    uint16_t words[12];
    for (int k = 0; k < 6; k++) {
        if ((rc = rig_encode_value(MED2_T_U32, field[k], rig_meter_endian(m), &words[2 * k])) < 0)
            return rig_error_set(rc, "clock field %d = %u cannot be coded", k, field[k]);
    }
    return rig_meter_write_registers(m, (uint16_t)addr, 12, words);
}

/* The value a setting will have once saved: the last write of it, else
 * what the unit has now (read, in the unit's current coding). */
static int final_value(struct rig_meter *m, const struct rig_setting *s, size_t n,
                       enum med2_reg_id id, unsigned *out)
{
    for (size_t i = n; i-- > 0;) {
        if (s[i].id == id) {
            *out = (unsigned)s[i].value;
            return 0;
        }
    }
    double v;
    int rc = rig_meter_read_reg(m, id, &v);
    if (rc == 0)
        *out = (unsigned)v;
    return rc;
}

/* After a save: talk to the unit with the slave id, line and endian mode it
 * now uses (the reply to the save still came with the old ones). */
static int follow_saved_line(struct rig_meter *m, const struct rig_setting *s, size_t n)
{
    bool line_changed = false, endian_changed = false;
    for (size_t i = 0; i < n; i++) {
        line_changed |= s[i].id == MED2_REG_SLAVE_ID || s[i].id == MED2_REG_BAUDRATE ||
                        s[i].id == MED2_REG_PARITY || s[i].id == MED2_REG_STOPBIT;
        endian_changed |= s[i].id == MED2_REG_ENDIAN;
    }
    if (endian_changed) {
        unsigned e = 0;
        final_value(m, s, n, MED2_REG_ENDIAN, &e); /* written, so no read needed */
        rig_meter_set_endian(m, (enum rig_endian)e);
    }
    if (!line_changed)
        return 0;
    /* Values not written are read first, with the settings still in use. */
    unsigned slave = 0, baud = 0, parity = 0, stop = 0;
    struct rig_line line;
    int rc;
    if ((rc = final_value(m, s, n, MED2_REG_SLAVE_ID, &slave)) < 0 ||
        (rc = final_value(m, s, n, MED2_REG_BAUDRATE, &baud)) < 0 ||
        (rc = final_value(m, s, n, MED2_REG_PARITY, &parity)) < 0 ||
        (rc = final_value(m, s, n, MED2_REG_STOPBIT, &stop)) < 0)
        return rc;
    if ((rc = rig_line_from_settings(slave, baud, parity, stop, &line)) < 0)
        return rig_error_prefix(rc, "position %u", m->position);
    return rig_meter_set_line(m, &line);
}

int rig_meter_configure(struct rig_meter *m, const char *password,
                        const struct rig_setting *settings, size_t n, bool save,
                        double *readback)
{
    enum med2_map map;
    int rc = rig_meter_map(m, &map);
    if (rc < 0)
        return rc;
    /* Check everything before anything is sent. */
    for (size_t i = 0; i < n; i++) {
        if ((rc = rig_reg_address(map, settings[i].id)) < 0 ||
            (rc = rig_reg_check_value(settings[i].id, settings[i].value)) < 0)
            return rig_error_prefix(rc, "position %u (%s)", m->position, m->model);
    }
    if ((rc = rig_meter_unlock(m, password)) < 0)
        return rc;

    /* What was written, plus (see below) the line values that were not. */
    struct rig_setting all[n + 4];
    size_t na = n;
    for (size_t i = 0; i < n; i++)
        all[i] = settings[i];
    for (size_t i = 0; i < n; i++) {
        if (rig_reg_is_command(settings[i].id))
            continue;
        if ((rc = rig_meter_write_reg(m, settings[i].id, settings[i].value)) < 0)
            return rc;
    }
    if (save) {
        /* If the save moves the line, the line values not being written are
         * read now, while the old settings still reach the unit. */
        static const enum med2_reg_id line_regs[] = {MED2_REG_SLAVE_ID, MED2_REG_BAUDRATE,
                                                     MED2_REG_PARITY, MED2_REG_STOPBIT};
        bool moves = false;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < 4; k++)
                moves |= settings[i].id == line_regs[k];
        for (size_t k = 0; moves && k < 4; k++) {
            bool written = false;
            for (size_t i = 0; i < n; i++)
                written |= settings[i].id == line_regs[k];
            if (written)
                continue;
            double v;
            if ((rc = rig_meter_read_reg(m, line_regs[k], &v)) < 0)
                return rc;
            all[na++] = (struct rig_setting){line_regs[k], v};
        }
        if ((rc = rig_meter_save(m)) < 0)
            return rc;
        if ((rc = follow_saved_line(m, all, na)) < 0)
            return rc;
    }
    /* Commands (restart, reset partial, ...) go last, in the order given. */
    for (size_t i = 0; i < n; i++) {
        if (!rig_reg_is_command(settings[i].id))
            continue;
        if ((rc = rig_meter_write_reg(m, settings[i].id, settings[i].value)) < 0)
            return rc;
    }
    /* Verify: every readable value written reads back as written. */
    for (size_t i = 0; i < n; i++) {
        double v = 0;
        if (!rig_reg_readable(settings[i].id)) {
            if (readback)
                readback[i] = settings[i].value;
            continue;
        }
        if ((rc = rig_meter_read_reg(m, settings[i].id, &v)) < 0)
            return rig_error_prefix(rc, "reading %s back", rig_reg_name(settings[i].id));
        if (readback)
            readback[i] = v;
        /* A later write of the same value wins. */
        double want = settings[i].value;
        for (size_t k = i + 1; k < n; k++)
            if (settings[k].id == settings[i].id)
                want = settings[k].value;
        /* Floats come back rounded to single precision. */
        double tolerance =
            rig_reg_info(settings[i].id)->type == MED2_T_FLOAT ? 1e-6 * fabs(want) : 0.0;
        if (fabs(v - want) > tolerance)
            return rig_error_set(-EIO, "position %u: %s reads %g after writing %g%s", m->position,
                                 rig_reg_name(settings[i].id), v, want,
                                 save ? " and saving" : " (staged, not saved)");
    }
    return 0;
}
