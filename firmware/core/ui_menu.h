/*
 * ui_menu.h — the menu tree of the manual's Section 3 as one table.
 *
 * Each node is a page: a group (a menu with pages under it), a value (a
 * measurement, shown with the marks that say which one), a setting (edited
 * with the buttons), an action (Clear, partial Start/Stop/Reset, Login) or
 * a page that only shows (Info, Network CT/VT, Date&Time). Which nodes a
 * model has is decided by the capability table (med2_models.h) through each
 * node's `need` bits. docs/ui.md is generated from this table
 * (firmware/tools/ui_doc.c) and a test fails when it is stale.
 */
#ifndef MED2_UI_MENU_H
#define MED2_UI_MENU_H

#include <stdbool.h>
#include <stdint.h>

#include "med2_lcd.h"
#include "model.h"

enum ui_kind { UI_GROUP = 0, UI_VALUE, UI_SETTING, UI_ACTION, UI_SHOW };

/* What a node needs of the model (all bits must hold). */
#define UI_NEED_TARIFF2 0x01u /* T1 and T2 */
#define UI_NEED_TARIFF4 0x02u /* T1-1..T1-4, the tariff clock: Date&Time */
#define UI_NEED_ALL 0x04u     /* more than "Only kWh" (B80-0W-01) */
#define UI_NEED_DEMAND 0x08u
#define UI_NEED_PARTIAL 0x10u
#define UI_NEED_RS485 0x20u
#define UI_NEED_PULSE2 0x40u  /* the adjustable pulse output */
#define UI_NEED_CT 0x80u

/* Words shown on the display, in both languages. */
#define UI_WORDS(X) \
    X(MEASURE, "MEASURE", "OLCUM") X(SET, "SET", "AYAR") X(DATE, "DATE", "TARIH") \
    X(INFO, "INFO", "BILGI") X(LOGIN, "LOGIN", "GIRIS") \
    X(IMPORT, "IMPORT", "ALINAN") X(EXPORT, "EXPORT", "VERILEN") \
    X(PARTIAL, "PARTIAL", "KISMI") X(BALANCE, "BALANCE", "DENGE") \
    X(INSTANT, "INSTANT", "ANLIK") X(DEMAND, "DEMAND", "TALEP") X(MAXDMD, "MAXDMD", "MAXTLP") \
    X(START, "START", "BASLA") X(STOP, "STOP", "DUR") X(RESET, "RESET", "SIFIRLA") \
    X(SERIAL, "SERIAL", "SERI") X(PULSE, "PULSE", "PALS") X(DEVICE, "DEVICE", "CIHAZ") \
    X(NETWORK, "NETWORK", "SEBEKE") X(SECURE, "SECURE", "GUVEN") X(CLEAR, "CLEAR", "SIL") \
    X(ADDR, "ADDR", "ADRES") X(BAUD, "BAUD", "HIZ") X(PARITY, "PARITY", "PARITE") \
    X(STOPBIT, "STOPBIT", "STOPBIT") X(DATA, "DATA", "VERI") \
    X(METHOD, "METHOD", "YONTEM") X(PERIOD, "PERIOD", "PERIYOT") X(SUBINT, "SUBINT", "ALTARA") \
    X(SOURCE, "SOURCE", "KAYNAK") X(ENERGY, "ENERGY", "ENERJI") X(MULT, "MULT", "CARPAN") \
    X(DURATION, "TIME", "SURE") X(LANG, "LANG", "DIL") X(LIGHT, "LIGHT", "ISIK") \
    X(LIGHTTIME, "LTIME", "ISURE") \
    X(YEAR, "YEAR", "YIL") X(MONTH, "MONTH", "AY") X(DAY, "DAY", "GUN") X(HOUR, "HOUR", "SAAT") \
    X(MINUTE, "MINUTE", "DAKIKA") X(SECOND, "SECOND", "SANIYE") \
    X(CTPRI, "CT-PRI", "CT-PRI") X(CTSEC, "CT-SEC", "CT-SEC") X(VTPRI, "VT-PRI", "VT-PRI") \
    X(VTSEC, "VT-SEC", "VT-SEC") X(PROTECT, "PROTECT", "KORUMA") X(PASS, "PASS", "SIFRE") \
    X(SETTINGS, "SETTING", "AYARLAR") X(ALL, "ALL", "HEPSI") \
    X(ORDER, "ORDER", "SIPARIS") X(SERIALNO, "SERNO", "SERINO") X(FIRMWARE, "FW", "YAZILIM") \
    X(HARDWARE, "HW", "DONANIM") X(MODBUS, "MODBUS", "MODBUS") \
    X(SUCCESS, "SUCCESS", "TAMAM") X(ERROR, "ERROR", "HATA") X(CONFIRM, "CONFIRM", "ONAY") \
    X(ON, "ON", "ACIK") X(OFF, "OFF", "KAPALI") X(TIMED, "TIMED", "SURELI") \
    X(NONE, "NONE", "YOK") X(ODD, "ODD", "TEK") X(EVEN, "EVEN", "CIFT") \
    X(ONE, "1", "1") X(TWO, "2", "2") X(FIVE, "5", "5") \
    X(BE, "BE", "BE") X(LE, "LE", "LE") X(BESWAP, "BE-SWAP", "BE-SWAP") X(LESWAP, "LE-SWAP", "LE-SWAP") \
    X(FIXED, "FIXED", "SABIT") X(SLIDE, "SLIDE", "KAYAN") X(ROLLING, "ROLLING", "DONER") \
    X(IMPACT, "IMP-A", "AL-A") X(EXPACT, "EXP-A", "VER-A") X(IMPREACT, "IMP-R", "AL-R") \
    X(EXPREACT, "EXP-R", "VER-R") \
    X(DIV1000, "DIV1000", "DIV1000") X(DIV100, "DIV100", "DIV100") X(DIV10, "DIV10", "DIV10") \
    X(MUL1, "1", "1") X(MUL10, "MUL10", "MUL10") X(MUL100, "MUL100", "MUL100") \
    X(MUL1000, "MUL1000", "MUL1000") \
    X(TURKISH, "TURKCE", "TURKCE") X(ENGLISH, "ENGLISH", "ENGLISH") \
    X(BAUD1200, "1200", "1200") X(BAUD2400, "2400", "2400") X(BAUD4800, "4800", "4800") \
    X(BAUD9600, "9600", "9600") X(BAUD19200, "19200", "19200") X(BAUD38400, "38400", "38400") \
    X(BAUD57600, "57600", "57600") X(BAUD115200, "115200", "115200")

#define UI_WORD_ENUM(id, en, tr) UI_WORD_##id,
enum ui_word { UI_WORDS(UI_WORD_ENUM) UI_WORD_COUNT };
#undef UI_WORD_ENUM

enum ui_language { UI_LANG_TURKISH = 0, UI_LANG_ENGLISH = 1 };

/* A word in a language. */
const char *ui_word_text(enum ui_word w, enum ui_language lang);

/* The settings the menu edits. */
enum ui_setting {
    UI_SET_SLAVE_ID, UI_SET_BAUD, UI_SET_PARITY, UI_SET_STOPBIT, UI_SET_ENDIAN,
    UI_SET_DEMAND_METHOD, UI_SET_DEMAND_PERIOD, UI_SET_SUB_INTERVAL,
    UI_SET_PULSE2_SOURCE, UI_SET_PULSE2_ENERGY, UI_SET_PULSE2_MULTIPLIER, UI_SET_PULSE2_DURATION,
    UI_SET_LANGUAGE, UI_SET_BACKLIGHT, UI_SET_BACKLIGHT_TIME,
    UI_SET_YEAR, UI_SET_MONTH, UI_SET_DAY, UI_SET_HOUR, UI_SET_MINUTE, UI_SET_SECOND,
    UI_SET_PROTECTION, UI_SET_PASSWORD,
    UI_SET_CT_SECONDARY, /* only in the CT/VT entry (ui_ctvt.c): 1 A or 5 A, register 826's 0/1 */
    UI_SET_COUNT
};

#define UI_NO_REG 0xFFFFu

/* How a setting is edited: digits (width > 0) or one of `choices`. */
struct ui_setting_info {
    uint16_t reg;          /* enum med2_reg_id it writes, UI_NO_REG for the display's own */
    uint8_t width;         /* digits of a numeric edit, 0 for a choice */
    uint8_t choice_count;  /* values first .. first + choice_count - 1 */
    uint8_t first;
    const uint8_t *choices; /* enum ui_word per value */
    uint64_t marks;        /* unit shown with the value */
    uint32_t min, max;     /* the display's own settings; registers use the map */
};

const struct ui_setting_info *ui_setting_info(enum ui_setting s);

enum ui_action {
    UI_ACT_PARTIAL_START_STOP, UI_ACT_PARTIAL_RESET,
    UI_ACT_CLEAR_SETTINGS, UI_ACT_CLEAR_PARTIAL, UI_ACT_CLEAR_DEMAND, UI_ACT_CLEAR_ALL,
    UI_ACT_LOGIN,
};

/* What a UI_SHOW page shows. */
enum ui_show {
    UI_SHOW_DATE, UI_SHOW_TIME, UI_SHOW_ORDER, UI_SHOW_SERIAL, UI_SHOW_FIRMWARE,
    UI_SHOW_HARDWARE, UI_SHOW_MODBUS, UI_SHOW_CT_PRIMARY, UI_SHOW_CT_SECONDARY,
    UI_SHOW_VT_PRIMARY, UI_SHOW_VT_SECONDARY,
};

#define UI_ROOT 0xFFu

struct ui_node {
    uint8_t parent;   /* node index, UI_ROOT for the five main menus */
    uint8_t kind;     /* enum ui_kind */
    uint8_t need;     /* UI_NEED_* */
    uint8_t word;     /* enum ui_word: the page's name (groups, settings, actions) */
    uint16_t item;    /* VALUE: enum med2_reg_id; SETTING: enum ui_setting;
                         ACTION: enum ui_action; SHOW: enum ui_show */
    uint64_t marks;   /* shown on the page */
    const char *name; /* the manual's name, for docs/ui.md */
};

/* The table and its size; node 0 is the first main menu. */
const struct ui_node *ui_menu_node(unsigned index);
unsigned ui_menu_count(void);

/* The start page: Total Import Active Energy (MID, manual §3.1). */
unsigned ui_menu_start(void);

/* Whether the model has node `index` (and all its parents). */
bool ui_menu_visible(unsigned index, const struct med2_model_info *info);

/* The first visible child of `index` (UI_ROOT: the first main menu), or -1. */
int ui_menu_first_child(unsigned index, const struct med2_model_info *info);

/* The next visible sibling after `index`, wrapping to the first. */
unsigned ui_menu_next_sibling(unsigned index, const struct med2_model_info *info);

/* Whether node `index` is a leaf (not a group). */
bool ui_menu_is_leaf(unsigned index);

#endif /* MED2_UI_MENU_H */
