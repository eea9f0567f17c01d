/*
 * sim_defects.h — the factory defects a simulated unit can be given
 * (a bench file's `defect = NAME[,PARAM]`), one table for the bench file's
 * check, the simulator that injects them and the EOL that must catch them.
 *
 * Each row: X(id, name, default parameter, what the unit shows)
 */
#ifndef MED2_SIM_DEFECTS_H
#define MED2_SIM_DEFECTS_H

#define SIM_DEFECTS(X)                                                                         \
    X(WRONG_SHUNT, "wrong_shunt", 1.3, "current channel gain x PARAM (wrong shunt or CT)")      \
    X(REVERSED_POLARITY, "reversed_polarity", 0.0, "current inverted (terminals swapped)")      \
    X(BROKEN_DIVIDER, "broken_divider", 0.5, "voltage channel gain x PARAM (broken divider)")   \
    X(DEAD_PULSE1, "dead_pulse1", 0.0, "pulse output 1 never active")                          \
    X(PULSE1_STUCK_ON, "pulse1_stuck_on", 0.0, "pulse output 1 active from power-up, always") \
    X(DEAD_RS485, "dead_rs485", 0.0, "the unit never transmits on its line")                   \
    X(NV_WRITE_FAIL, "nv_write_fail", 0.0, "NV writes are lost (reported as done)")            \
    X(INTERMITTENT_CONTACT, "intermittent_contact", 0.05,                                      \
      "current opens in 20..200 ms bursts, PARAM of the time")                                 \
    X(AFE_SATURATION, "afe_saturation", 40.0, "current channel clips at sqrt2 x PARAM A")      \
    X(RTC_DRIFT, "rtc_drift", 300.0, "RTC crystal fast by PARAM ppm")                          \
    X(UNSTABLE_CAL, "unstable_cal", 2000.0, "current gain drifts PARAM ppm/K with temperature")

#define SIM_DEFECT_ENUM(id, name, param, what) SIM_DEFECT_##id,
/* SIM_DEFECT_NONE, then the classes 1..SIM_DEFECT_CLASSES in table order. */
enum sim_defect { SIM_DEFECT_NONE = 0, SIM_DEFECTS(SIM_DEFECT_ENUM) SIM_DEFECT_LIMIT_ };
#define SIM_DEFECT_CLASSES ((unsigned)SIM_DEFECT_LIMIT_ - 1u)
#undef SIM_DEFECT_ENUM

#endif /* MED2_SIM_DEFECTS_H */
