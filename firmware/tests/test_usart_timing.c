/*
 * test_usart_timing.c — the RS485 USART's arithmetic (boards/stm32g4/
 * usart_timing.c): every baud rate of the manual (1200..115200) from the
 * 170 MHz kernel clock within 1 % and with BRR in its range, character
 * lengths, and a receiver timeout that is 3.5 characters, never less
 * than 1.75 ms, and not a bit more than needed.
 */
#include <criterion/criterion.h>

#include "usart_timing.h"

#define KERNEL_HZ 170000000u

Test(usart_timing, every_manual_baud_rate_within_one_percent)
{
    /* manual §5 register 702 */
    static const uint32_t bauds[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
    for (unsigned k = 0; k < sizeof bauds / sizeof bauds[0]; k++) {
        struct usart_divider d;
        cr_assert_eq(usart_divider(KERNEL_HZ, bauds[k], &d), 0, "%u baud", bauds[k]);
        cr_assert(d.brr >= 16u && d.brr <= 0xFFFFu, "BRR %u at %u baud", d.brr, bauds[k]);
        double actual = (double)KERNEL_HZ / d.presc_div / d.brr;
        double error = actual / bauds[k] - 1.0;
        cr_assert(error < 0.01 && error > -0.01, "%u baud: %.1f (%.3f %%)", bauds[k], actual,
                  100.0 * error);
    }
}

Test(usart_timing, slow_rates_need_the_prescaler)
{
    struct usart_divider d;
    cr_assert_eq(usart_divider(KERNEL_HZ, 1200u, &d), 0);
    cr_assert_gt(d.presc_div, 1u, "170 MHz / 1200 does not fit 16 bits");
    cr_assert_eq(usart_divider(KERNEL_HZ, 115200u, &d), 0);
    cr_assert_eq(d.presc_div, 1u, "the finest BRR where it fits");
    cr_assert_eq(usart_divider(KERNEL_HZ, 20000000u, &d), -1, "faster than clock / 16");
}

Test(usart_timing, character_length)
{
    cr_assert_eq(usart_char_bits('N', 1), 10u);
    cr_assert_eq(usart_char_bits('E', 1), 11u);
    cr_assert_eq(usart_char_bits('O', 2), 12u);
}

Test(usart_timing, the_frame_silence)
{
    static const uint32_t bauds[] = {1200, 9600, 19200, 38400, 115200};
    static const char parities[] = {'N', 'E'};
    for (unsigned k = 0; k < sizeof bauds / sizeof bauds[0]; k++) {
        for (unsigned p = 0; p < 2u; p++) {
            for (unsigned stop = 1; stop <= 2u; stop++) {
                uint32_t bits = usart_rto_bits(bauds[k], parities[p], stop);
                double s = (double)bits / bauds[k];
                double chars35 = 3.5 * usart_char_bits(parities[p], stop) / bauds[k];
                double want = chars35 > 1.75e-3 ? chars35 : 1.75e-3;
                cr_assert(s >= want - 1e-12, "%u baud: %.6f s < %.6f s", bauds[k], s, want);
                cr_assert(s < want + 1.0 / bauds[k], "%u baud: %.6f s, one bit past %.6f s",
                          bauds[k], s, want);
            }
        }
    }
    /* 9600 8N1: 35 bits = 3.65 ms; 38400 8N1: 1.75 ms = 67.2 bits -> 68 */
    cr_assert_eq(usart_rto_bits(9600u, 'N', 1), 35u);
    cr_assert_eq(usart_rto_bits(38400u, 'N', 1), 68u);
}
