/*
 * board_pins.h — the meter board's pins on the STM32G431CB (LQFP48) and
 * what drives them; alternate function numbers from the STM32G431 datasheet
 * (DS12589, "Alternate functions").
 *
 *   PA1  USART2_DE (AF7)  RS485 transceiver DE and /RE (tied): the USART
 *   PA2  USART2_TX (AF7)  drives DE itself (CR3.DEM), so the line is
 *   PA3  USART2_RX (AF7)  released exactly DEDT after the last stop bit
 *   PA4  AFE /CS          ADS131M02 on SPI1, mode 1, 21.25 MHz
 *   PA5  SPI1_SCK (AF5)
 *   PA6  SPI1_MISO (AF5)
 *   PA7  SPI1_MOSI (AF5)
 *   PA8  I2C2_SDA (AF4)   PCF85176 LCD driver, 400 kHz, open drain
 *   PA9  I2C2_SCL (AF4)
 *   PA10 AFE /DRDY        EXTI10, falling edge: a sample is ready
 *   PA11 AFE /SYNC-RESET  held high (the AFE is reset by command)
 *   PA13, PA14            SWD (the EOL's flashing probe)
 *   PB0  button NEXT      to ground, internal pull-up
 *   PB1  button ENTER
 *   PB2  LCD backlight    high = lit
 *   PB7  PVD_IN           the supply's bulk capacitor through a divider:
 *                         below VREFINT = the mains has gone (power_fail.c)
 *   PB10 pulse output 1   opto-coupler LED and the front LED in series
 *   PB11 pulse output 2   opto-coupler LED
 *   PB12 FRAM /CS         MB85RS64V on SPI2, mode 0, 10.6 MHz
 *   PB13 SPI2_SCK (AF5)
 *   PB14 SPI2_MISO (AF5)
 *   PB15 SPI2_MOSI (AF5)
 *   PC14, PC15            LSE, 32.768 kHz crystal (the RTC, on VBAT)
 *   PF0, PF1              HSE, 8 MHz crystal
 * The AFE's CLKIN comes from its own 8.192 MHz oscillator: 170 MHz has no
 * divider that gives it, and the sample rate is the meter's time base.
 */
#ifndef BOARD_PINS_H
#define BOARD_PINS_H

#include <stdbool.h>
#include <stdint.h>

#include "stm32g4_regs.h"

#define AFE_CS_PORT GPIOA_BASE
#define AFE_CS_PIN 4u
#define AFE_DRDY_LINE 10u /* PA10: EXTI line 10 */
#define FRAM_CS_PORT GPIOB_BASE
#define FRAM_CS_PIN 12u
#define PULSE_PORT GPIOB_BASE
#define PULSE1_PIN 10u
#define PULSE2_PIN 11u
#define BUTTON_PORT GPIOB_BASE
#define BUTTON_NEXT_PIN 0u
#define BUTTON_ENTER_PIN 1u
#define BACKLIGHT_PORT GPIOB_BASE
#define BACKLIGHT_PIN 2u

/* Every pin its mode, pull, speed and alternate function; outputs low,
 * chip selects high. */
void pins_init(void);

static inline void pin_write(uint32_t port, unsigned pin, bool high)
{
    GPIO_BSRR(port) = high ? 1u << pin : 1u << (pin + 16u); /* atomic: no read-modify-write */
}

static inline bool pin_read(uint32_t port, unsigned pin)
{
    return (GPIO_IDR(port) >> pin) & 1u;
}

#endif /* BOARD_PINS_H */
