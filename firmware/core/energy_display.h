/*
 * energy_display.h — the energy registers as the display shows them: part
 * of the legally relevant software (swid.h), kept apart from the rest of
 * the display code so that the software id covers how a register is shown
 * (kWh with 3 decimals, the legal 1 Wh, truncated) and nothing else of the
 * menus.
 */
#ifndef MED2_ENERGY_DISPLAY_H
#define MED2_ENERGY_DISPLAY_H

#include <stdbool.h>

#include "energy.h"
#include "med2_lcd.h"
#include "med2_regmap.h"

/*
 * energy_display_draw — draw register id into f if it is an energy register
 * (the four directions per tariff, the partial counters, the balances).
 * Returns false, leaving f alone, for any other register.
 */
bool energy_display_draw(const struct energy *e, enum med2_reg_id id, struct med2_lcd_frame *f);

#endif /* MED2_ENERGY_DISPLAY_H */
