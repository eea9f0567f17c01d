/*
 * med2_regmap.h — the public Modbus register map of the MED2 meters.
 *
 * The one header the firmware and the rig share, so both sides agree on
 * addresses, types, access, ranges and defaults by construction. Source:
 * user manual §5, the C80-1M-V3(CT) table (4 tariffs) and the B80-1M-V2(CT)
 * table (2 tariffs), with the resolutions of docs/modbus.md ("Manual
 * ambiguities"); see docs/modbus.md for the generated table and the notes.
 *
 * Addresses are 0-based register (PDU) addresses. Each entry:
 *   X(id, c80_address, b80_address, type, access, unit, min, max, default, description)
 *   address  MED2_NA where that map does not have the value
 *   type     MED2_T_U16 (1 register), MED2_T_U32 / MED2_T_FLOAT (2),
 *            MED2_T_DOUBLE (4), MED2_T_CHARS (2 registers of ASCII in the
 *            manual's fixed byte layout, never endian-swapped)
 *   access   MED2_A_R, MED2_A_W (write-only: reads are exception 02), MED2_A_RW
 *   min/max/default  for writable settings (read-only settings: their value);
 *            0/0/0 for measurements. Commands list their lowest and highest
 *            command value; the firmware checks the exact set.
 *
 * Notes on the manual's tables:
 *   - B80 lists CT/VT (824-830) as uint32_t with ranges "5.0 - 9999.0";
 *     both maps use the C80 types (float, uint32, float, float), so the same
 *     value reads the same on both families.
 *   - "Password 3-7" at 6002 holds characters 3..6 (7 digits in all).
 *   - The B80 table has no date/time (600-610) and no tariff schedule
 *     (836-895): 2-tariff models switch T1/T2 by command only.
 */
#ifndef MED2_REGMAP_H
#define MED2_REGMAP_H

enum med2_reg_type { MED2_T_U16 = 1, MED2_T_U32 = 2, MED2_T_FLOAT = 3, MED2_T_DOUBLE = 4, MED2_T_CHARS = 5 };
enum med2_reg_access { MED2_A_R = 1, MED2_A_W = 2, MED2_A_RW = 3 };

/* The two register maps of the manual. Models without RS485 have neither. */
enum med2_map { MED2_MAP_C80 = 0, MED2_MAP_B80 = 1, MED2_MAP_COUNT = 2 };

#define MED2_NA 0xFFFFu /* not in this map */

/* Pulse output 2's source (register 726, manual §5): the energy register it
 * follows. Its defaults are in the map below (import reactive, energy 1,
 * multiplier 3 = 1 varh per pulse, 100 ms). */
enum med2_pulse2_source {
    MED2_PULSE2_OFF = 0,
    MED2_PULSE2_IMPORT_ACTIVE = 1,
    MED2_PULSE2_EXPORT_ACTIVE = 2,
    MED2_PULSE2_IMPORT_REACTIVE = 3,
    MED2_PULSE2_EXPORT_REACTIVE = 4,
};

/* Registers one value of the type occupies. */
#define MED2_REG_WORDS(type) \
    ((type) == MED2_T_U16 ? 1u : (type) == MED2_T_DOUBLE ? 4u : 2u)

#define MED2_REGMAP(X) \
    X(VOLTAGE, 0, 0, MED2_T_FLOAT, MED2_A_R, "V", 0, 0, 0, "Voltage") \
    X(CURRENT, 2, 2, MED2_T_FLOAT, MED2_A_R, "A", 0, 0, 0, "Current") \
    X(ACTIVE_POWER, 4, 4, MED2_T_FLOAT, MED2_A_R, "W", 0, 0, 0, "Active power") \
    X(REACTIVE_POWER, 6, 6, MED2_T_FLOAT, MED2_A_R, "var", 0, 0, 0, "Reactive power") \
    X(APPARENT_POWER, 8, 8, MED2_T_FLOAT, MED2_A_R, "VA", 0, 0, 0, "Apparent power") \
    X(POWER_FACTOR, 10, 10, MED2_T_FLOAT, MED2_A_R, "", 0, 0, 0, "Power factor") \
    X(FREQUENCY, 12, 12, MED2_T_FLOAT, MED2_A_R, "Hz", 0, 0, 0, "Frequency") \
    X(THDV, 14, 14, MED2_T_FLOAT, MED2_A_R, "%", 0, 0, 0, "THD of voltage") \
    X(THDI, 16, 16, MED2_T_FLOAT, MED2_A_R, "%", 0, 0, 0, "THD of current") \
    X(PHASE_ANGLE, 18, 18, MED2_T_FLOAT, MED2_A_R, "deg", 0, 0, 0, "Phase angle V to I") \
    X(TOTAL_IMPORT_ACTIVE_ENERGY, 300, 300, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "Total import active energy") \
    X(T1_IMPORT_ACTIVE_ENERGY, 304, 304, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1 import active energy") \
    X(T1_1_IMPORT_ACTIVE_ENERGY, 308, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1-1 import active energy") \
    X(T1_2_IMPORT_ACTIVE_ENERGY, 312, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1-2 import active energy") \
    X(T1_3_IMPORT_ACTIVE_ENERGY, 316, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1-3 import active energy") \
    X(T1_4_IMPORT_ACTIVE_ENERGY, 320, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1-4 import active energy") \
    X(T2_IMPORT_ACTIVE_ENERGY, 324, 308, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T2 import active energy") \
    X(PARTIAL_IMPORT_ACTIVE_ENERGY, 328, 312, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "Partial import active energy") \
    X(TOTAL_EXPORT_ACTIVE_ENERGY, 332, 316, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "Total export active energy") \
    X(T1_EXPORT_ACTIVE_ENERGY, 336, 320, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1 export active energy") \
    X(T1_1_EXPORT_ACTIVE_ENERGY, 340, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1-1 export active energy") \
    X(T1_2_EXPORT_ACTIVE_ENERGY, 344, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1-2 export active energy") \
    X(T1_3_EXPORT_ACTIVE_ENERGY, 348, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1-3 export active energy") \
    X(T1_4_EXPORT_ACTIVE_ENERGY, 352, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T1-4 export active energy") \
    X(T2_EXPORT_ACTIVE_ENERGY, 356, 324, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "T2 export active energy") \
    X(PARTIAL_EXPORT_ACTIVE_ENERGY, 360, 328, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "Partial export active energy") \
    X(TOTAL_IMPORT_REACTIVE_ENERGY, 364, 332, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "Total import reactive energy") \
    X(T1_IMPORT_REACTIVE_ENERGY, 368, 336, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1 import reactive energy") \
    X(T1_1_IMPORT_REACTIVE_ENERGY, 372, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1-1 import reactive energy") \
    X(T1_2_IMPORT_REACTIVE_ENERGY, 376, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1-2 import reactive energy") \
    X(T1_3_IMPORT_REACTIVE_ENERGY, 380, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1-3 import reactive energy") \
    X(T1_4_IMPORT_REACTIVE_ENERGY, 384, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1-4 import reactive energy") \
    X(T2_IMPORT_REACTIVE_ENERGY, 388, 340, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T2 import reactive energy") \
    X(PARTIAL_IMPORT_REACTIVE_ENERGY, 392, 344, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "Partial import reactive energy") \
    X(TOTAL_EXPORT_REACTIVE_ENERGY, 396, 348, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "Total export reactive energy") \
    X(T1_EXPORT_REACTIVE_ENERGY, 400, 352, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1 export reactive energy") \
    X(T1_1_EXPORT_REACTIVE_ENERGY, 404, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1-1 export reactive energy") \
    X(T1_2_EXPORT_REACTIVE_ENERGY, 408, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1-2 export reactive energy") \
    X(T1_3_EXPORT_REACTIVE_ENERGY, 412, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1-3 export reactive energy") \
    X(T1_4_EXPORT_REACTIVE_ENERGY, 416, MED2_NA, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T1-4 export reactive energy") \
    X(T2_EXPORT_REACTIVE_ENERGY, 420, 356, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "T2 export reactive energy") \
    X(PARTIAL_EXPORT_REACTIVE_ENERGY, 424, 360, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "Partial export reactive energy") \
    X(BALANCE_ACTIVE_ENERGY, 428, 364, MED2_T_DOUBLE, MED2_A_R, "Wh", 0, 0, 0, "Balance active energy |import|-|export|") \
    X(BALANCE_REACTIVE_ENERGY, 432, 368, MED2_T_DOUBLE, MED2_A_R, "varh", 0, 0, 0, "Balance reactive energy |import|-|export|") \
    X(CURRENT_DEMAND, 500, 500, MED2_T_FLOAT, MED2_A_R, "A", 0, 0, 0, "Current demand") \
    X(IMPORT_ACTIVE_POWER_DEMAND, 502, 502, MED2_T_FLOAT, MED2_A_R, "W", 0, 0, 0, "Import active power demand") \
    X(EXPORT_ACTIVE_POWER_DEMAND, 504, 504, MED2_T_FLOAT, MED2_A_R, "W", 0, 0, 0, "Export active power demand") \
    X(IMPORT_REACTIVE_POWER_DEMAND, 506, 506, MED2_T_FLOAT, MED2_A_R, "var", 0, 0, 0, "Import reactive power demand") \
    X(EXPORT_REACTIVE_POWER_DEMAND, 508, 508, MED2_T_FLOAT, MED2_A_R, "var", 0, 0, 0, "Export reactive power demand") \
    X(APPARENT_POWER_DEMAND, 510, 510, MED2_T_FLOAT, MED2_A_R, "VA", 0, 0, 0, "Apparent power demand") \
    X(MAX_CURRENT_DEMAND, 512, 512, MED2_T_FLOAT, MED2_A_R, "A", 0, 0, 0, "Max. current demand") \
    X(MAX_IMPORT_ACTIVE_POWER_DEMAND, 514, 514, MED2_T_FLOAT, MED2_A_R, "W", 0, 0, 0, "Max. import active power demand") \
    X(MAX_EXPORT_ACTIVE_POWER_DEMAND, 516, 516, MED2_T_FLOAT, MED2_A_R, "W", 0, 0, 0, "Max. export active power demand") \
    X(MAX_IMPORT_REACTIVE_POWER_DEMAND, 518, 518, MED2_T_FLOAT, MED2_A_R, "var", 0, 0, 0, "Max. import reactive power demand") \
    X(MAX_EXPORT_REACTIVE_POWER_DEMAND, 520, 520, MED2_T_FLOAT, MED2_A_R, "var", 0, 0, 0, "Max. export reactive power demand") \
    X(MAX_APPARENT_POWER_DEMAND, 522, 522, MED2_T_FLOAT, MED2_A_R, "VA", 0, 0, 0, "Max. apparent power demand") \
    X(DAY, 600, MED2_NA, MED2_T_U32, MED2_A_RW, "", 1, 31, 1, "Day") \
    X(MONTH, 602, MED2_NA, MED2_T_U32, MED2_A_RW, "", 1, 12, 1, "Month") \
    X(YEAR, 604, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 99, 0, "Year") \
    X(HOUR, 606, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 23, 0, "Hour") \
    X(MINUTE, 608, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Minute") \
    X(SECOND, 610, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Second") \
    X(SLAVE_ID, 700, 700, MED2_T_U32, MED2_A_RW, "", 1, 247, 1, "Slave ID") \
    X(BAUDRATE, 702, 702, MED2_T_U32, MED2_A_RW, "", 0, 7, 5, "Baudrate 0=1200 1=2400 2=4800 3=9600 4=19200 5=38400 6=57600 7=115200") \
    X(PARITY, 704, 704, MED2_T_U32, MED2_A_RW, "", 0, 2, 0, "Parity 0=None 1=Odd 2=Even") \
    X(STOPBIT, 706, 706, MED2_T_U32, MED2_A_RW, "", 0, 1, 0, "Stop bits 0=1 1=2") \
    X(ENDIAN, 708, 708, MED2_T_U32, MED2_A_RW, "", 0, 3, 0, "Endian 0=BE 1=LE 2=BE byte swap 3=LE byte swap") \
    X(DEMAND_METHOD, 710, 710, MED2_T_U32, MED2_A_RW, "", 0, 2, 1, "Demand method 0=Fixed 1=Sliding 2=Rolling") \
    X(DEMAND_PERIOD, 712, 712, MED2_T_U32, MED2_A_RW, "min", 1, 60, 15, "Demand period, minutes") \
    X(SUB_INTERVAL, 714, 714, MED2_T_U32, MED2_A_RW, "min", 1, 60, 1, "Demand sub-interval, minutes") \
    X(PULSE1_SOURCE, 716, 716, MED2_T_U32, MED2_A_R, "", 1, 1, 1, "Pulse 1 source 1=Import active") \
    X(PULSE1_MODE, 718, 718, MED2_T_U32, MED2_A_R, "", 0, 0, 0, "Pulse 1 mode 0=Energy") \
    X(PULSE1_ENERGY, 720, 720, MED2_T_U32, MED2_A_R, "", 1, 1, 1, "Pulse 1 energy") \
    X(PULSE1_MULTIPLIER, 722, 722, MED2_T_U32, MED2_A_R, "", 3, 3, 3, "Pulse 1 multiplier 3=x1") \
    X(PULSE1_DURATION, 724, 724, MED2_T_U32, MED2_A_R, "ms", 100, 100, 100, "Pulse 1 duration, ms") \
    X(PULSE2_SOURCE, 726, 726, MED2_T_U32, MED2_A_RW, "", 0, 4, 3, "Pulse 2 source 0=Off 1=Import active 2=Export active 3=Import reactive 4=Export reactive") \
    X(PULSE2_MODE, 728, 728, MED2_T_U32, MED2_A_RW, "", 0, 0, 0, "Pulse 2 mode 0=Energy") \
    X(PULSE2_ENERGY, 730, 730, MED2_T_U32, MED2_A_RW, "", 1, 9, 1, "Pulse 2 energy") \
    X(PULSE2_MULTIPLIER, 732, 732, MED2_T_U32, MED2_A_RW, "", 0, 6, 3, "Pulse 2 multiplier 0=1/1000 1=1/100 2=1/10 3=1 4=10 5=100 6=1000") \
    X(PULSE2_DURATION, 734, 734, MED2_T_U32, MED2_A_RW, "ms", 50, 2500, 100, "Pulse 2 duration, ms") \
    X(CT_PRIMARY, 824, 824, MED2_T_FLOAT, MED2_A_R, "A", 5, 9999, 5, "CT primary") \
    X(CT_SECONDARY, 826, 826, MED2_T_U32, MED2_A_R, "", 0, 1, 1, "CT secondary 0=1 A 1=5 A") \
    X(VT_PRIMARY, 828, 828, MED2_T_FLOAT, MED2_A_R, "V", 100, 1000000, 100, "VT primary") \
    X(VT_SECONDARY, 830, 830, MED2_T_FLOAT, MED2_A_R, "V", 100, 500, 100, "VT secondary") \
    X(TARIFF_1, 836, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 1, "Tariff schedule entry 1: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_1, 838, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 1: start hour (24 only with minute 0)") \
    X(MINUTE_1, 840, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 1: start minute") \
    X(TARIFF_2, 842, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 0, "Tariff schedule entry 2: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_2, 844, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 2: start hour (24 only with minute 0)") \
    X(MINUTE_2, 846, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 2: start minute") \
    X(TARIFF_3, 848, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 0, "Tariff schedule entry 3: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_3, 850, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 3: start hour (24 only with minute 0)") \
    X(MINUTE_3, 852, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 3: start minute") \
    X(TARIFF_4, 854, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 0, "Tariff schedule entry 4: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_4, 856, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 4: start hour (24 only with minute 0)") \
    X(MINUTE_4, 858, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 4: start minute") \
    X(TARIFF_5, 860, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 0, "Tariff schedule entry 5: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_5, 862, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 5: start hour (24 only with minute 0)") \
    X(MINUTE_5, 864, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 5: start minute") \
    X(TARIFF_6, 866, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 0, "Tariff schedule entry 6: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_6, 868, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 6: start hour (24 only with minute 0)") \
    X(MINUTE_6, 870, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 6: start minute") \
    X(TARIFF_7, 872, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 0, "Tariff schedule entry 7: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_7, 874, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 7: start hour (24 only with minute 0)") \
    X(MINUTE_7, 876, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 7: start minute") \
    X(TARIFF_8, 878, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 0, "Tariff schedule entry 8: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_8, 880, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 8: start hour (24 only with minute 0)") \
    X(MINUTE_8, 882, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 8: start minute") \
    X(TARIFF_9, 884, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 1, "Tariff schedule entry 9: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_9, 886, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 9: start hour (24 only with minute 0)") \
    X(MINUTE_9, 888, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 9: start minute") \
    X(TARIFF_10, 890, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 4, 1, "Tariff schedule entry 10: 0=unused 1..4=T1-1..T1-4") \
    X(HOUR_10, 892, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 24, 0, "Tariff schedule entry 10: start hour (24 only with minute 0)") \
    X(MINUTE_10, 894, MED2_NA, MED2_T_U32, MED2_A_RW, "", 0, 59, 0, "Tariff schedule entry 10: start minute") \
    X(SYSTEM_COMMAND, 2000, 2000, MED2_T_U16, MED2_A_W, "", 100, 120, 0, "Command: 100 save configuration, 110 return to defaults, 120 restart") \
    X(COUNTER_COMMAND, 3000, 3000, MED2_T_U16, MED2_A_W, "", 200, 220, 0, "Command: 200 reset partial, 210 start/stop partial, 220 change active tariff") \
    X(PASSWORD_0_2, 6000, 6000, MED2_T_CHARS, MED2_A_RW, "", 0, 0, 0, "Password characters 0-2 (manual's byte layout, no endian swap)") \
    X(PASSWORD_3_6, 6002, 6002, MED2_T_CHARS, MED2_A_RW, "", 0, 0, 0, "Password characters 3-6 (manual's byte layout, no endian swap)")

/* Register ids, usable as array indices: MED2_REG_VOLTAGE, ... */
enum med2_reg_id {
#define MED2_REG_ENUM(id, c80, b80, type, access, unit, lo, hi, def, desc) MED2_REG_##id,
    MED2_REGMAP(MED2_REG_ENUM)
#undef MED2_REG_ENUM
    MED2_REG_COUNT
};

/* C80 addresses as constants: MED2_ADDR_VOLTAGE == 0, ... (runtime values,
 * demand, settings, commands and password are at the same address in both
 * maps; energy registers are not: use med2_reg_address()). */
enum med2_reg_addr {
#define MED2_REG_ADDR(id, c80, b80, type, access, unit, lo, hi, def, desc) MED2_ADDR_##id = (c80),
    MED2_REGMAP(MED2_REG_ADDR)
#undef MED2_REG_ADDR
};

struct med2_reg_info {
    const char *name; /* the id as text, e.g. "VOLTAGE" */
    unsigned short address[MED2_MAP_COUNT];
    enum med2_reg_type type;
    enum med2_reg_access access;
    const char *unit;
    double min;
    double max;
    double def;
    const char *description;
};

/* The table itself, indexed by enum med2_reg_id; one static copy per
 * translation unit that asks for it:
 *   static const struct med2_reg_info table[MED2_REG_COUNT] = MED2_REG_INFO_TABLE; */
#define MED2_REG_INFO_ENTRY(id, c80, b80, type, access, unit, lo, hi, def, desc) \
    {#id, {(c80), (b80)}, (type), (access), (unit), (lo), (hi), (def), (desc)},
#define MED2_REG_INFO_TABLE { MED2_REGMAP(MED2_REG_INFO_ENTRY) }

/*
 * The factory block: a private register block (not in the manual), used by
 * end-of-line calibration. Documented in docs/factory.md.
 *
 *   - Always big-endian (ABCD), whatever register 708 says: EOL tooling must
 *     not depend on a customer setting.
 *   - Reads are always allowed (identity and status).
 *   - Writes need the factory key written to FACTORY_KEY first (a wrong key
 *     locks again) and are refused with exception 01 once the unit is
 *     sealed; out-of-range values are exception 03 and change nothing.
 *   - Calibration and identity apply at once (so the rig can verify them)
 *     and persist, CRC-protected, on FACTORY_COMMAND 1. A corrupt record is
 *     reported in FACTORY_STATUS and the unit runs uncalibrated (identity).
 *   - FACTORY_COMMAND 2 seals: one-way, only with a saved, valid record.
 *   - Models without RS485 answer this block, and only this block, on their
 *     factory test port (38400 8N1); after sealing that port answers nothing.
 *
 * X(id, address, type, access, unit, min, max, default, description)
 */
#define MED2_FACTORY_KEY_VALUE 0x4D454432u /* "MED2": the simulated product's key */

/* FACTORY_STATUS bits */
#define MED2_FACTORY_UNLOCKED 0x01u
#define MED2_FACTORY_SEALED 0x02u
#define MED2_FACTORY_CAL_SAVED 0x04u   /* a valid calibration record is in NV */
#define MED2_FACTORY_CAL_CORRUPT 0x08u /* the record failed its CRC: running uncalibrated */
#define MED2_FACTORY_PULSE2_OVERFLOW 0x10u /* pulse output 2 dropped pulses (docs/metering.md) */
#define MED2_FACTORY_NV_FAULT 0x20u /* an NV record read back different from what was written
                                       (since power-up): the save failed with exception 04 */

/* FACTORY_COMMAND values */
#define MED2_FACTORY_CMD_SAVE 1u
#define MED2_FACTORY_CMD_SEAL 2u
#define MED2_FACTORY_CMD_LOCK 3u
#define MED2_FACTORY_CMD_RTC_TEST 4u     /* pulse output 1: a 100 ms pulse at every RTC second */
#define MED2_FACTORY_CMD_RTC_TEST_END 5u /* back to energy pulses (so does a restart) */
#define MED2_FACTORY_CMD_RTC_TEST_PULSE2 6u /* the RTC test on pulse output 2 (two-output models),
                                               so output 1 stays free for energy gates */

/* FACTORY_PULSE1_CONSTANT values: pulse output 1's (and the LED's) constant.
 * The test constant holds only while the unit is unsealed and the block
 * unlocked; it is never saved: locking, sealing and a restart give the
 * legal one (docs/factory.md, "The test constant"; firmware/core/pulse_test.h
 * says why 100 000). */
#define MED2_PULSE1_LEGAL_IMP_PER_KWH 1000u
#define MED2_PULSE1_TEST_IMP_PER_KWH 100000u

#define MED2_FACTORY_REGMAP(X) \
    X(FACTORY_KEY, 9000, MED2_T_U32, MED2_A_W, "", 0, 4294967295.0, 0, "Factory key: unlocks the block") \
    X(FACTORY_STATUS, 9002, MED2_T_U32, MED2_A_R, "", 0, 0, 0, "Status bits: 1 unlocked, 2 sealed, 4 calibration saved, 8 calibration corrupt, 16 pulse 2 overflow, 32 NV fault") \
    X(FACTORY_COMMAND, 9004, MED2_T_U16, MED2_A_W, "", 1, 6, 0, "Command: 1 save calibration and identity, 2 seal (one-way), 3 lock, 4 RTC test on pulse output 1, 5 end the RTC test, 6 RTC test on pulse output 2") \
    X(FACTORY_SERIAL, 9006, MED2_T_U32, MED2_A_RW, "", 1, 99999999, 0, "Serial number") \
    X(FACTORY_HW_VERSION, 9008, MED2_T_U32, MED2_A_RW, "", 0, 65535, 0, "Hardware version") \
    X(FACTORY_CAL_DATE, 9010, MED2_T_U32, MED2_A_RW, "", 20000101, 20991231, 0, "Calibration date YYYYMMDD") \
    X(FACTORY_V_GAIN, 9012, MED2_T_FLOAT, MED2_A_RW, "", 0.85, 1.15, 1, "Voltage gain") \
    X(FACTORY_I_GAIN, 9014, MED2_T_FLOAT, MED2_A_RW, "", 0.85, 1.15, 1, "Current gain") \
    X(FACTORY_PHASE_DEG, 9016, MED2_T_FLOAT, MED2_A_RW, "deg", -3, 3, 0, "Current phase correction, degrees the current is advanced") \
    X(FACTORY_V_OFFSET, 9018, MED2_T_FLOAT, MED2_A_RW, "V", -2, 2, 0, "Voltage rms offset") \
    X(FACTORY_I_OFFSET, 9020, MED2_T_FLOAT, MED2_A_RW, "A", -0.05, 0.05, 0, "Current rms offset") \
    X(FACTORY_P_OFFSET, 9022, MED2_T_FLOAT, MED2_A_RW, "W", -2, 2, 0, "Active power offset") \
    X(FACTORY_I_GAIN_SLOPE, 9024, MED2_T_FLOAT, MED2_A_RW, "1/decade", -0.01, 0.01, 0, "Current gain change per decade of current below Iref") \
    X(FACTORY_PHASE_SLOPE, 9026, MED2_T_FLOAT, MED2_A_RW, "deg/decade", -1, 1, 0, "Current phase advance per decade of current below Iref") \
    X(FACTORY_PULSE1_CONSTANT, 9028, MED2_T_U32, MED2_A_RW, "imp/kWh", 1000, 100000, 1000, "Pulse output 1 and LED constant: 1000 legal, 100000 factory test (not saved)")

enum med2_factory_id {
#define MED2_FACTORY_ENUM(id, addr, type, access, unit, lo, hi, def, desc) MED2_##id,
    MED2_FACTORY_REGMAP(MED2_FACTORY_ENUM)
#undef MED2_FACTORY_ENUM
    MED2_FACTORY_COUNT
};

enum med2_factory_addr {
#define MED2_FACTORY_ADDR(id, addr, type, access, unit, lo, hi, def, desc) MED2_ADDR_##id = (addr),
    MED2_FACTORY_REGMAP(MED2_FACTORY_ADDR)
#undef MED2_FACTORY_ADDR
};

/*
 * The event log and software id block (docs/power.md): a private extension
 * (not in the manual), WELMEC 7.2's audit trail and the legally relevant
 * software's identification. Always big-endian (ABCD) like the factory
 * block. Reads need no password; the one writable register, EVENT_SELECT,
 * only chooses which event 9506..9515 show (0: the newest) and needs none.
 * Every value is a uint32 (2 registers) but EVENT_KIND/EVENT_ITEM (one each).
 */
#define MED2_EVENTLOG_FIRST_ADDR 9500u
#define MED2_EVENT_COUNT_ADDR 9500u    /* events recorded since manufacture */
#define MED2_EVENT_CAPACITY_ADDR 9502u /* events the ring holds; older ones are overwritten */
#define MED2_EVENT_SELECT_ADDR 9504u   /* rw: sequence number to show, 0 = the newest */
#define MED2_EVENT_SEQ_ADDR 9506u      /* the shown event's sequence number (0: none) */
#define MED2_EVENT_TIME_ADDR 9508u     /* its RTC time, seconds since 2000-01-01 00:00 */
#define MED2_EVENT_KIND_ADDR 9510u     /* enum med2_event_kind */
#define MED2_EVENT_ITEM_ADDR 9511u     /* which: a setting's register address, a command, ... */
#define MED2_EVENT_OLD_ADDR 9512u      /* the value before */
#define MED2_EVENT_NEW_ADDR 9514u      /* the value after */
#define MED2_SWID_VERSION_ADDR 9520u   /* legal software version, major << 16 | minor */
#define MED2_SWID_CRC_ADDR 9522u       /* CRC-32 of the legal software's code, computed at run time */
#define MED2_EVENTLOG_END_ADDR 9524u   /* exclusive */

enum med2_event_kind {
    MED2_EVENT_NONE = 0,
    MED2_EVENT_POWER_DOWN = 1,   /* the power-fail warning (old: 0, new: 0) */
    MED2_EVENT_POWER_UP = 2,     /* the core started (new: the legal software's CRC) */
    MED2_EVENT_SETTING = 3,      /* item: register address; old, new: raw values */
    MED2_EVENT_PASSWORD = 4,     /* the password was changed (values never logged) */
    MED2_EVENT_CLEAR = 5,        /* item: the command (200 partial reset, 110 defaults), or
                                    MED2_EVENT_ITEM_CLEAR_DEMAND (the menu's Clear > Demand) */
    MED2_EVENT_TIME_SET = 6,     /* old, new: RTC seconds since 2000 */
    MED2_EVENT_CALIBRATION = 7,  /* a factory record saved; new: CRC-32 of its calibration */
    MED2_EVENT_SEAL = 8,         /* the unit was sealed */
    MED2_EVENT_FIRMWARE = 9,     /* the legal software changed: old, new: its CRC-32 */
    MED2_EVENT_CTVT = 10,        /* CT/VT ratios entered; item: register address; old, new
                                    (item 0: the entry confirmed, as at the first power-up) */
    MED2_EVENT_KIND_COUNT
};
/* A clear without a Modbus command: the first address of what it cleared. */
#define MED2_EVENT_ITEM_CLEAR_DEMAND 500u

#endif /* MED2_REGMAP_H */
