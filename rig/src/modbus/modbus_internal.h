/*
 * modbus_internal.h — the Modbus client object, shared by the files that
 * implement rig/modbus.h: modbus_rtu.c (the line, reads and writes) and
 * meter_config.c (password, commands, configuration).
 */
#ifndef RIG_MODBUS_INTERNAL_H
#define RIG_MODBUS_INTERNAL_H

#include <modbus.h>

#include "rig/modbus.h"

struct rig_meter {
    modbus_t *ctx;           /* NULL after a failed rig_meter_set_line */
    unsigned position;
    char *tty;
    char *model;             /* NULL if the position names none */
    int map;                 /* enum med2_map, or the negative code of rig_regmap_for_model */
    struct rig_line line;
    char line_text[24];      /* "38400 8N1", for messages */
    int timeout_ms;          /* in force */
    bool timeout_fixed;      /* set by rig_meter_set_timeout, not derived from the baud */
    int last_exception;
    enum rig_endian endian;
    unsigned long transactions;
    double line_s;           /* the line's busy time by its model (rig_meter_line_seconds) */
};

#endif
