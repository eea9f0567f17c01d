/*
 * ui_menu.c — the menu tree of the manual's Section 3 (ui_menu.h).
 *
 * One row per page, children after their parent, in the order the `next`
 * button visits them. The manual's tables (§3.1 Measurement, §3.2 Settings,
 * §3.3 Date&Time, §3.4 Info, §3.5 Login) are the source; docs/ui.md shows
 * the tree per model and is generated from here.
 */
#include "ui_menu.h"

#include <stddef.h>

#include "med2_regmap.h"

#define M(x) MED2_LCD_BIT(MED2_LCD_MARK_##x)

enum node_id {
    N_MEASURE, N_IMP_ACT, N_EXP_ACT, N_IMP_REACT, N_EXP_REACT, N_PARTIAL, N_BALANCE, N_INSTANT,
    N_DEMAND, N_MAXDMD,
    N_SET, N_SERIAL, N_SETDMD, N_PULSE, N_DEVICE, N_SETDATE, N_NETWORK, N_SECURE, N_CLEAR,
    N_DATE, N_INFO, N_LOGIN,
    N_GROUPS
};

#define GROUP(id, par, need, w, marks, name) [id] = {par, UI_GROUP, need, UI_WORD_##w, 0, marks, name}
#define VALUE(par, need, reg, marks, name) {par, UI_VALUE, need, 0, MED2_REG_##reg, marks, name}
#define SETTING(par, need, w, s, marks, name) \
    {par, UI_SETTING, need, UI_WORD_##w, UI_SET_##s, marks, name}
#define ACTION(par, need, w, a, name) {par, UI_ACTION, need, UI_WORD_##w, UI_ACT_##a, 0, name}
#define SHOW(par, need, w, s, marks, name) {par, UI_SHOW, need, UI_WORD_##w, UI_SHOW_##s, marks, name}

/* The energy registers of one kind: Total, T1, T1-1..T1-4, T2. */
#define ENERGY_ROWS(par, need, dir, kind, unit, main)                                           \
    VALUE(par, need, TOTAL_##dir##_##kind##_ENERGY, M(ENERGY) | M(dir) | M(TOTAL) | M(unit) | main, "Total"), \
    VALUE(par, need | UI_NEED_TARIFF2, T1_##dir##_##kind##_ENERGY, M(ENERGY) | M(dir) | M(T1) | M(unit), "T1"), \
    VALUE(par, need | UI_NEED_TARIFF4, T1_1_##dir##_##kind##_ENERGY,                          \
          M(ENERGY) | M(dir) | M(T1) | M(SUB1) | M(unit), "T1-1"),                             \
    VALUE(par, need | UI_NEED_TARIFF4, T1_2_##dir##_##kind##_ENERGY,                          \
          M(ENERGY) | M(dir) | M(T1) | M(SUB2) | M(unit), "T1-2"),                             \
    VALUE(par, need | UI_NEED_TARIFF4, T1_3_##dir##_##kind##_ENERGY,                          \
          M(ENERGY) | M(dir) | M(T1) | M(SUB3) | M(unit), "T1-3"),                             \
    VALUE(par, need | UI_NEED_TARIFF4, T1_4_##dir##_##kind##_ENERGY,                          \
          M(ENERGY) | M(dir) | M(T1) | M(SUB4) | M(unit), "T1-4"),                             \
    VALUE(par, need | UI_NEED_TARIFF2, T2_##dir##_##kind##_ENERGY, M(ENERGY) | M(dir) | M(T2) | M(unit), "T2")

/* The six demand quantities (manual §3.1 "Demand", "Max Demand"), their
 * registers in the map's order. */
#define DEMAND_ROWS(par, extra, cur, imp, exp, impq, expq, app)                                   \
    VALUE(par, UI_NEED_DEMAND, cur, M(DEMAND) | extra | M(A), "Current"),                      \
    VALUE(par, UI_NEED_DEMAND, imp, M(DEMAND) | extra | M(IMPORT) | M(W), "Import Active Power"), \
    VALUE(par, UI_NEED_DEMAND, exp, M(DEMAND) | extra | M(EXPORT) | M(W), "Export Active Power"), \
    VALUE(par, UI_NEED_DEMAND, impq, M(DEMAND) | extra | M(IMPORT) | M(VAR), "Import Reactive Power"), \
    VALUE(par, UI_NEED_DEMAND, expq, M(DEMAND) | extra | M(EXPORT) | M(VAR), "Export Reactive Power"), \
    VALUE(par, UI_NEED_DEMAND, app, M(DEMAND) | extra | M(VA), "Apparent Power")

static const struct ui_node nodes[] = {
    /* the five main menus and their groups first, so a parent is an index */
    GROUP(N_MEASURE, UI_ROOT, 0, MEASURE, M(MEASURE), "Measurement"),
    GROUP(N_IMP_ACT, N_MEASURE, 0, IMPORT, M(ENERGY) | M(IMPORT) | M(KWH), "Import Active Energy"),
    GROUP(N_EXP_ACT, N_MEASURE, 0, EXPORT, M(ENERGY) | M(EXPORT) | M(KWH), "Export Active Energy"),
    GROUP(N_IMP_REACT, N_MEASURE, UI_NEED_ALL, IMPORT, M(ENERGY) | M(IMPORT) | M(KVARH),
          "Import Reactive Energy"),
    GROUP(N_EXP_REACT, N_MEASURE, UI_NEED_ALL, EXPORT, M(ENERGY) | M(EXPORT) | M(KVARH),
          "Export Reactive Energy"),
    GROUP(N_PARTIAL, N_MEASURE, UI_NEED_PARTIAL, PARTIAL, M(ENERGY) | M(PARTIAL), "Partial Counter"),
    GROUP(N_BALANCE, N_MEASURE, UI_NEED_ALL, BALANCE, M(ENERGY) | M(BALANCE), "Energy Balance"),
    GROUP(N_INSTANT, N_MEASURE, UI_NEED_ALL, INSTANT, M(INSTANT), "Runtime Values"),
    GROUP(N_DEMAND, N_MEASURE, UI_NEED_DEMAND, DEMAND, M(DEMAND), "Demand"),
    GROUP(N_MAXDMD, N_MEASURE, UI_NEED_DEMAND, MAXDMD, M(DEMAND) | M(MAX), "Max Demand"),
    GROUP(N_SET, UI_ROOT, 0, SET, M(SETTINGS), "Settings"),
    GROUP(N_SERIAL, N_SET, UI_NEED_RS485, SERIAL, M(SETTINGS) | M(COMM), "Serial Communication"),
    GROUP(N_SETDMD, N_SET, UI_NEED_DEMAND, DEMAND, M(SETTINGS) | M(DEMAND), "Demand"),
    GROUP(N_PULSE, N_SET, UI_NEED_PULSE2, PULSE, M(SETTINGS) | M(PULSE), "Pulse"),
    GROUP(N_DEVICE, N_SET, 0, DEVICE, M(SETTINGS), "Device Settings"),
    GROUP(N_SETDATE, N_SET, UI_NEED_TARIFF4, DATE, M(SETTINGS) | M(DATETIME), "Date and Time"),
    GROUP(N_NETWORK, N_SET, UI_NEED_CT, NETWORK, M(SETTINGS), "Network"),
    GROUP(N_SECURE, N_SET, 0, SECURE, M(SETTINGS) | M(LOCK), "Security"),
    GROUP(N_CLEAR, N_SET, 0, CLEAR, M(SETTINGS), "Clear"),
    GROUP(N_DATE, UI_ROOT, UI_NEED_TARIFF4, DATE, M(DATETIME), "Date&Time"),
    GROUP(N_INFO, UI_ROOT, 0, INFO, M(INFO), "Info"),
    [N_LOGIN] = {UI_ROOT, UI_ACTION, 0, UI_WORD_LOGIN, UI_ACT_LOGIN, M(INPUT), "Login"},

    /* §3.1 Measurement */
    /* the start page carries the main page icon (§2.4) */
    ENERGY_ROWS(N_IMP_ACT, 0, IMPORT, ACTIVE, KWH, M(MAIN)),
    ENERGY_ROWS(N_EXP_ACT, 0, EXPORT, ACTIVE, KWH, 0),
    ENERGY_ROWS(N_IMP_REACT, UI_NEED_ALL, IMPORT, REACTIVE, KVARH, 0),
    ENERGY_ROWS(N_EXP_REACT, UI_NEED_ALL, EXPORT, REACTIVE, KVARH, 0),
    VALUE(N_PARTIAL, UI_NEED_PARTIAL, PARTIAL_IMPORT_ACTIVE_ENERGY,
          M(ENERGY) | M(PARTIAL) | M(IMPORT) | M(KWH), "Import Active Energy"),
    VALUE(N_PARTIAL, UI_NEED_PARTIAL, PARTIAL_EXPORT_ACTIVE_ENERGY,
          M(ENERGY) | M(PARTIAL) | M(EXPORT) | M(KWH), "Export Active Energy"),
    VALUE(N_PARTIAL, UI_NEED_PARTIAL | UI_NEED_ALL, PARTIAL_IMPORT_REACTIVE_ENERGY,
          M(ENERGY) | M(PARTIAL) | M(IMPORT) | M(KVARH), "Import Reactive Energy"),
    VALUE(N_PARTIAL, UI_NEED_PARTIAL | UI_NEED_ALL, PARTIAL_EXPORT_REACTIVE_ENERGY,
          M(ENERGY) | M(PARTIAL) | M(EXPORT) | M(KVARH), "Export Reactive Energy"),
    ACTION(N_PARTIAL, UI_NEED_PARTIAL, START, PARTIAL_START_STOP, "Start / Stop"),
    ACTION(N_PARTIAL, UI_NEED_PARTIAL, RESET, PARTIAL_RESET, "Reset"),
    VALUE(N_BALANCE, UI_NEED_ALL, BALANCE_ACTIVE_ENERGY, M(ENERGY) | M(BALANCE) | M(KWH), "Active Energy"),
    VALUE(N_BALANCE, UI_NEED_ALL, BALANCE_REACTIVE_ENERGY, M(ENERGY) | M(BALANCE) | M(KVARH),
          "Reactive Energy"),
    VALUE(N_INSTANT, UI_NEED_ALL, VOLTAGE, M(INSTANT) | M(V), "Voltage"),
    VALUE(N_INSTANT, UI_NEED_ALL, CURRENT, M(INSTANT) | M(A), "Current"),
    VALUE(N_INSTANT, UI_NEED_ALL, ACTIVE_POWER, M(INSTANT) | M(W), "Active Power"),
    VALUE(N_INSTANT, UI_NEED_ALL, REACTIVE_POWER, M(INSTANT) | M(VAR), "Reactive Power"),
    VALUE(N_INSTANT, UI_NEED_ALL, APPARENT_POWER, M(INSTANT) | M(VA), "Apparent Power"),
    VALUE(N_INSTANT, UI_NEED_ALL, POWER_FACTOR, M(INSTANT) | M(PF), "PF"),
    VALUE(N_INSTANT, UI_NEED_ALL, FREQUENCY, M(INSTANT) | M(HZ), "Frequency"),
    DEMAND_ROWS(N_DEMAND, 0, CURRENT_DEMAND, IMPORT_ACTIVE_POWER_DEMAND, EXPORT_ACTIVE_POWER_DEMAND,
                IMPORT_REACTIVE_POWER_DEMAND, EXPORT_REACTIVE_POWER_DEMAND, APPARENT_POWER_DEMAND),
    DEMAND_ROWS(N_MAXDMD, M(MAX), MAX_CURRENT_DEMAND, MAX_IMPORT_ACTIVE_POWER_DEMAND,
                MAX_EXPORT_ACTIVE_POWER_DEMAND, MAX_IMPORT_REACTIVE_POWER_DEMAND,
                MAX_EXPORT_REACTIVE_POWER_DEMAND, MAX_APPARENT_POWER_DEMAND),

    /* §3.2 Settings */
    SETTING(N_SERIAL, UI_NEED_RS485, ADDR, SLAVE_ID, M(COMM), "Slave ID"),
    SETTING(N_SERIAL, UI_NEED_RS485, BAUD, BAUD, M(COMM), "Baudrate"),
    SETTING(N_SERIAL, UI_NEED_RS485, PARITY, PARITY, M(COMM), "Parity"),
    SETTING(N_SERIAL, UI_NEED_RS485, STOPBIT, STOPBIT, M(COMM), "Stop Bit"),
    SETTING(N_SERIAL, UI_NEED_RS485, DATA, ENDIAN, M(COMM), "Data Type"),
    SETTING(N_SETDMD, UI_NEED_DEMAND, METHOD, DEMAND_METHOD, M(DEMAND), "Method"),
    SETTING(N_SETDMD, UI_NEED_DEMAND, PERIOD, DEMAND_PERIOD, M(DEMAND), "Period"),
    SETTING(N_SETDMD, UI_NEED_DEMAND, SUBINT, SUB_INTERVAL, M(DEMAND), "Sub-interval"),
    SETTING(N_PULSE, UI_NEED_PULSE2, SOURCE, PULSE2_SOURCE, M(PULSE), "Source"),
    SETTING(N_PULSE, UI_NEED_PULSE2, ENERGY, PULSE2_ENERGY, M(PULSE), "Energy"),
    SETTING(N_PULSE, UI_NEED_PULSE2, MULT, PULSE2_MULTIPLIER, M(PULSE), "Multiplier"),
    SETTING(N_PULSE, UI_NEED_PULSE2, DURATION, PULSE2_DURATION, M(PULSE), "Duration"),
    SETTING(N_DEVICE, 0, LANG, LANGUAGE, 0, "Language"),
    SETTING(N_DEVICE, 0, LIGHT, BACKLIGHT, 0, "Backlight"),
    SETTING(N_DEVICE, 0, LIGHTTIME, BACKLIGHT_TIME, 0, "Time"),
    SETTING(N_SETDATE, UI_NEED_TARIFF4, YEAR, YEAR, M(DATETIME), "Year"),
    SETTING(N_SETDATE, UI_NEED_TARIFF4, MONTH, MONTH, M(DATETIME), "Month"),
    SETTING(N_SETDATE, UI_NEED_TARIFF4, DAY, DAY, M(DATETIME), "Day"),
    SETTING(N_SETDATE, UI_NEED_TARIFF4, HOUR, HOUR, M(DATETIME), "Hour"),
    SETTING(N_SETDATE, UI_NEED_TARIFF4, MINUTE, MINUTE, M(DATETIME), "Minute"),
    SETTING(N_SETDATE, UI_NEED_TARIFF4, SECOND, SECOND, M(DATETIME), "Second"),
    SHOW(N_NETWORK, UI_NEED_CT, CTPRI, CT_PRIMARY, M(A), "CT Primary"),
    SHOW(N_NETWORK, UI_NEED_CT, CTSEC, CT_SECONDARY, M(A), "CT Secondary"),
    SHOW(N_NETWORK, UI_NEED_CT, VTPRI, VT_PRIMARY, M(V), "VT Primary"),
    SHOW(N_NETWORK, UI_NEED_CT, VTSEC, VT_SECONDARY, M(V), "VT Secondary"),
    SETTING(N_SECURE, 0, PROTECT, PROTECTION, M(LOCK), "Protection"),
    SETTING(N_SECURE, 0, PASS, PASSWORD, M(LOCK), "Password"),
    ACTION(N_CLEAR, 0, SETTINGS, CLEAR_SETTINGS, "Settings"),
    ACTION(N_CLEAR, UI_NEED_PARTIAL, PARTIAL, CLEAR_PARTIAL, "Partial Counter"),
    ACTION(N_CLEAR, UI_NEED_DEMAND, DEMAND, CLEAR_DEMAND, "Demand"),
    ACTION(N_CLEAR, 0, ALL, CLEAR_ALL, "All"),

    /* §3.3 Date&Time, §3.4 Info */
    SHOW(N_DATE, UI_NEED_TARIFF4, DATE, DATE, M(DATETIME), "Date"),
    SHOW(N_DATE, UI_NEED_TARIFF4, DATE, TIME, M(DATETIME), "Time"),
    SHOW(N_INFO, 0, ORDER, ORDER, M(INFO), "Order Number"),
    SHOW(N_INFO, 0, SERIALNO, SERIAL, M(INFO), "Serial Number"),
    SHOW(N_INFO, 0, FIRMWARE, FIRMWARE, M(INFO), "Firmware Version"),
    SHOW(N_INFO, 0, HARDWARE, HARDWARE, M(INFO), "Hardware Version"),
    SHOW(N_INFO, 0, MODBUS, MODBUS, M(INFO), "Modbus Version"),
};

#define NODE_COUNT (sizeof(nodes) / sizeof(nodes[0]))
_Static_assert(NODE_COUNT < UI_ROOT, "node indices fit a byte below UI_ROOT");

/* The start page is the first row after the groups: Total Import Active Energy. */
#define START_NODE ((unsigned)N_GROUPS)

#define UI_WORD_TEXT(id, en, tr) {en, tr},
static const char *const words[UI_WORD_COUNT][2] = {UI_WORDS(UI_WORD_TEXT)};
#undef UI_WORD_TEXT

const char *ui_word_text(enum ui_word w, enum ui_language lang)
{
    if ((unsigned)w >= UI_WORD_COUNT) {
        return "";
    }
    return words[w][lang == UI_LANG_TURKISH ? 1 : 0];
}

const struct ui_node *ui_menu_node(unsigned index)
{
    return index < NODE_COUNT ? &nodes[index] : NULL;
}

unsigned ui_menu_count(void)
{
    return (unsigned)NODE_COUNT;
}

unsigned ui_menu_start(void)
{
    return START_NODE;
}

static bool has(uint8_t need, const struct med2_model_info *info)
{
    bool ok = true;
    ok &= !(need & UI_NEED_TARIFF2) || info->tariffs >= 2u;
    ok &= !(need & UI_NEED_TARIFF4) || info->tariffs >= 4u;
    ok &= !(need & UI_NEED_ALL) || info->all_measurements;
    ok &= !(need & UI_NEED_DEMAND) || info->has_demand;
    ok &= !(need & UI_NEED_PARTIAL) || info->has_partial;
    ok &= !(need & UI_NEED_RS485) || info->has_rs485;
    ok &= !(need & UI_NEED_PULSE2) || info->pulse_outputs >= 2u;
    ok &= !(need & UI_NEED_CT) || info->is_ct;
    return ok;
}

bool ui_menu_visible(unsigned index, const struct med2_model_info *info)
{
    while (index < NODE_COUNT) {
        if (!has(nodes[index].need, info)) {
            return false;
        }
        index = nodes[index].parent;
    }
    return true;
}

int ui_menu_first_child(unsigned index, const struct med2_model_info *info)
{
    for (unsigned k = 0; k < NODE_COUNT; k++) {
        if (nodes[k].parent == index && ui_menu_visible(k, info)) {
            return (int)k;
        }
    }
    return -1;
}

unsigned ui_menu_next_sibling(unsigned index, const struct med2_model_info *info)
{
    uint8_t parent = nodes[index].parent;
    for (unsigned k = index + 1u; k < NODE_COUNT; k++) {
        if (nodes[k].parent == parent && ui_menu_visible(k, info)) {
            return k;
        }
    }
    int first = ui_menu_first_child(parent, info);
    return first < 0 ? index : (unsigned)first;
}

bool ui_menu_is_leaf(unsigned index)
{
    return index < NODE_COUNT && nodes[index].kind != UI_GROUP;
}
