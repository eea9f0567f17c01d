/*
 * board_pins.c — the pin table of board_pins.h, applied at reset.
 */
#include "board_pins.h"

enum pin_mode { MODE_INPUT = 0, MODE_OUTPUT = 1, MODE_AF = 2, MODE_ANALOG = 3 };
enum pin_pull { PULL_NONE = 0, PULL_UP = 1 };

struct pin_config {
    uint32_t port;
    uint8_t pin;
    uint8_t mode;
    uint8_t af;
    uint8_t pull;
    bool open_drain;
    bool high;      /* an output's level from reset on */
};

static const struct pin_config pins[] = {
    {GPIOA_BASE, 1, MODE_AF, 7, PULL_NONE, false, false},   /* USART2_DE */
    {GPIOA_BASE, 2, MODE_AF, 7, PULL_NONE, false, false},   /* USART2_TX */
    {GPIOA_BASE, 3, MODE_AF, 7, PULL_UP, false, false},     /* USART2_RX: idle high with no transceiver */
    {AFE_CS_PORT, AFE_CS_PIN, MODE_OUTPUT, 0, PULL_NONE, false, true}, /* AFE /CS */
    {GPIOA_BASE, 5, MODE_AF, 5, PULL_NONE, false, false},   /* SPI1_SCK */
    {GPIOA_BASE, 6, MODE_AF, 5, PULL_NONE, false, false},   /* SPI1_MISO */
    {GPIOA_BASE, 7, MODE_AF, 5, PULL_NONE, false, false},   /* SPI1_MOSI */
    {GPIOA_BASE, 8, MODE_AF, 4, PULL_NONE, true, false},    /* I2C2_SDA, external pull-up */
    {GPIOA_BASE, 9, MODE_AF, 4, PULL_NONE, true, false},    /* I2C2_SCL */
    {GPIOA_BASE, AFE_DRDY_LINE, MODE_INPUT, 0, PULL_UP, false, false}, /* AFE /DRDY */
    {GPIOA_BASE, 11, MODE_OUTPUT, 0, PULL_NONE, false, true}, /* AFE /SYNC-RESET */
    {BUTTON_PORT, BUTTON_NEXT_PIN, MODE_INPUT, 0, PULL_UP, false, false},
    {BUTTON_PORT, BUTTON_ENTER_PIN, MODE_INPUT, 0, PULL_UP, false, false},
    {BACKLIGHT_PORT, BACKLIGHT_PIN, MODE_OUTPUT, 0, PULL_NONE, false, false},
    {GPIOB_BASE, 7, MODE_ANALOG, 0, PULL_NONE, false, false}, /* PVD_IN */
    {PULSE_PORT, PULSE1_PIN, MODE_OUTPUT, 0, PULL_NONE, false, false}, /* opto off */
    {PULSE_PORT, PULSE2_PIN, MODE_OUTPUT, 0, PULL_NONE, false, false},
    {FRAM_CS_PORT, FRAM_CS_PIN, MODE_OUTPUT, 0, PULL_NONE, false, true}, /* FRAM /CS */
    {GPIOB_BASE, 13, MODE_AF, 5, PULL_NONE, false, false},  /* SPI2_SCK */
    {GPIOB_BASE, 14, MODE_AF, 5, PULL_NONE, false, false},  /* SPI2_MISO */
    {GPIOB_BASE, 15, MODE_AF, 5, PULL_NONE, false, false},  /* SPI2_MOSI */
};

#define OSPEED_HIGH 0x2u /* the SPI clocks: edges clean at 21 MHz */

void pins_init(void)
{
    RCC_AHB2ENR |= RCC_AHB2ENR_GPIOAEN | RCC_AHB2ENR_GPIOBEN;
    (void)RCC_AHB2ENR; /* the clock is on before the first GPIO access */
    for (unsigned k = 0; k < sizeof pins / sizeof pins[0]; k++) {
        const struct pin_config *p = &pins[k];
        unsigned two = 2u * p->pin;
        if (p->mode == MODE_OUTPUT) {
            pin_write(p->port, p->pin, p->high); /* the level before the pin drives */
        }
        GPIO_OTYPER(p->port) = (GPIO_OTYPER(p->port) & ~(1u << p->pin)) | ((uint32_t)p->open_drain << p->pin);
        GPIO_OSPEEDR(p->port) = (GPIO_OSPEEDR(p->port) & ~(3u << two)) | (OSPEED_HIGH << two);
        GPIO_PUPDR(p->port) = (GPIO_PUPDR(p->port) & ~(3u << two)) | ((uint32_t)p->pull << two);
        unsigned afr = p->pin / 8u, four = 4u * (p->pin % 8u);
        GPIO_AFR(p->port, afr) = (GPIO_AFR(p->port, afr) & ~(0xFu << four)) | ((uint32_t)p->af << four);
        GPIO_MODER(p->port) = (GPIO_MODER(p->port) & ~(3u << two)) | ((uint32_t)p->mode << two);
    }
}
