/*
 * clock.h — the STM32G431's clocks at reset: SYSCLK 170 MHz from the 8 MHz
 * crystal through the PLL (HSI16 if the crystal does not start), range 1
 * boost mode, 4 flash wait states with prefetch and caches, APB1 and APB2
 * undivided; and a microsecond busy wait.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLOCK_HSE_HZ 8000000u
#define CLOCK_HSI16_HZ 16000000u
#define CLOCK_SYSCLK_HZ 170000000u

/* Bring the clock tree up; returns whether the crystal runs it. */
bool clock_init(void);

/* Busy-wait at least `us` microseconds (the CPU's cycle counter). */
void clock_delay_us(uint32_t us);

#endif /* CLOCK_H */
