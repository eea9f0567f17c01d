/*
 * med2_models.h — the seven MED2 models and what each one can do.
 *
 * The one table of model capabilities, shared by the firmware (core/model.c)
 * and the rig (the tests' class, connection and gating come from here, never
 * from a model's name). Source: user manual, product table (Section 1:
 * "Measurement Quality (EN 50470)", "Current Measurement", "Tariff",
 * "Demand", "Partial Counter", "RS485 Communication", "Pulse Output") and
 * technical specifications (Section 6: starting current).
 *
 * Each row:
 *   X(id, name, order number, ct, class_c, tariffs, demand, partial, rs485,
 *     all_measurements, pulse_outputs, starting current mA)
 *   ct                current through x/5 A transformers (6 A max), else 80 A direct
 *   class_c           EN 50470-3 class C, else class B (active energy); reactive
 *                     energy is IEC 62053-23 class 2 on every model (Section 6)
 *   all_measurements  false: "Only kWh" (B80-0W-01)
 *   pulse_outputs     1 (fixed) or 2 (fixed + adjustable). Output 2 is set over
 *                     RS485 (registers 726-734) or in the display's Settings >
 *                     Pulse menu (manual §3.2; docs/ui.md), also on a model
 *                     without RS485.
 *   Ist               Section 6: 20 mA direct, 10 mA CT
 */
#ifndef MED2_MODELS_H
#define MED2_MODELS_H

#define MED2_IST_DIRECT_MA 20u
#define MED2_IST_CT_MA 10u

#define MED2_MODELS(X) \
    /* id           name           order   ct     class_c tar demand partial rs485  all    pulses Ist */ \
    X(C80_1M_V3CT, "C80-1M-V3CT", 606363, true,  true,  4, true,  true,  true,  true,  2, MED2_IST_CT_MA) \
    X(B80_1M_V2CT, "B80-1M-V2CT", 606364, true,  false, 2, true,  true,  true,  true,  2, MED2_IST_CT_MA) \
    X(C80_1M_V3,   "C80-1M-V3",   606365, false, true,  4, true,  true,  true,  true,  2, MED2_IST_DIRECT_MA) \
    X(B80_1M_V2,   "B80-1M-V2",   606366, false, false, 2, true,  true,  true,  true,  2, MED2_IST_DIRECT_MA) \
    X(B80_0M_02,   "B80-0M-02",   606367, false, false, 1, false, false, false, true,  2, MED2_IST_DIRECT_MA) \
    X(B80_0M_02P,  "B80-0M-02P",  606368, false, false, 1, false, true,  false, true,  2, MED2_IST_DIRECT_MA) \
    X(B80_0W_01,   "B80-0W-01",   606369, false, false, 1, false, false, false, false, 1, MED2_IST_DIRECT_MA)

#endif /* MED2_MODELS_H */
