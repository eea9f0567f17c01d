/*
 * energy_display.c — the energy registers on the display (energy_display.h).
 */
#include "energy_display.h"

#include "ui_lcd.h"

bool energy_display_draw(const struct energy *e, enum med2_reg_id id, struct med2_lcd_frame *f)
{
    if (id >= MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY && id <= MED2_REG_PARTIAL_EXPORT_REACTIVE_ENERGY) {
        unsigned k = (unsigned)(id - MED2_REG_TOTAL_IMPORT_ACTIVE_ENERGY);
        uint64_t mwh = energy_register_mwh(e, (enum energy_kind)(k / ENERGY_SLOT_COUNT),
                                           (enum energy_slot)(k % ENERGY_SLOT_COUNT));
        /* whole Wh, truncated: what the register's legal resolution shows */
        ui_lcd_fixed(f, (int64_t)(mwh / ENERGY_MWH_PER_WH), 3);
        return true;
    }
    if (id == MED2_REG_BALANCE_ACTIVE_ENERGY || id == MED2_REG_BALANCE_REACTIVE_ENERGY) {
        int64_t mwh = energy_balance_mwh(e, id == MED2_REG_BALANCE_REACTIVE_ENERGY);
        ui_lcd_fixed(f, mwh / (int64_t)ENERGY_MWH_PER_WH, 3);
        return true;
    }
    return false;
}
