/*
 * lcd.c — hal_lcd_show, sent from the main loop; see lcd.h.
 *
 * hal_lcd_show runs inside the core's entry points and must not block:
 * it copies the frame; lcd_service sends it (0.6 ms of I2C) when the
 * core has returned. A frame the driver did not acknowledge is sent again
 * RETRY_MS later.
 */
#include "lcd.h"

#include <stdbool.h>

#include "board_pins.h"
#include "hal.h"
#include "i2c_master.h"
#include "pcf85176.h"

/* A driver that did not answer is tried again this much later, not on
 * every round of the main loop (each try polls the bus for ~1 ms). */
#define RETRY_MS 100u

static struct med2_lcd_frame shown;
static bool dirty;
static bool hidden; /* the blinking digits are blank now */
static uint32_t retry_at_ms;
static struct i2c_bus bus;

void lcd_init(uint32_t pclk_hz)
{
    (void)i2c_master_init(pclk_hz);
    bus = i2c_master_bus();
}

void hal_lcd_show(const struct med2_lcd_frame *frame)
{
    shown = *frame;
    dirty = true;
}

void lcd_service(uint32_t now_ms)
{
    bool hide = (now_ms / LCD_BLINK_HALF_MS) & 1u;
    if (shown.blink != 0u && hide != hidden) {
        dirty = true;
    }
    if (!dirty || (int32_t)(now_ms - retry_at_ms) < 0) {
        return;
    }
    hidden = hide;
    pin_write(BACKLIGHT_PORT, BACKLIGHT_PIN, shown.backlight != 0u);
    dirty = pcf85176_show(&bus, &shown, hidden) != 0;
    retry_at_ms = dirty ? now_ms + RETRY_MS : now_ms;
}

void lcd_dark(void)
{
    pin_write(BACKLIGHT_PORT, BACKLIGHT_PIN, false);
    dirty = true; /* if the mains comes back, the next service restores it */
}
