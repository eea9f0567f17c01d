/*
 * board.c — the meter on the STM32G431 board: reset, the main loop that
 * hands the core what the interrupts gathered, SysTick and the buttons,
 * the unit's identity, the UART's and the restart's hal.h calls.
 *
 * The core is not reentrant, so only the main loop calls it; interrupts
 * only collect (samples: afe_sampler.c, bytes and silences:
 * usart_rs485.c, milliseconds and button changes: here, the mains-fail
 * warning: power_fail.c) and the loop passes it all on, the warning first.
 * Between rounds the CPU sleeps in WFI; the AFE's 4 kHz interrupt and
 * SysTick wake it at least every 250 us.
 *
 * Why an STM32G431CB: a Cortex-M4F at 170 MHz (the core's metrology is
 * single-precision float, a few percent of the CPU at 4000 samples/s);
 * 128 KiB of flash for a 71 kB image (the 64 KiB G431C8 would not hold
 * it) and 32 KiB of RAM for 12 KiB of statics and stack; and everything
 * this board needs on chip: a USART that drives RS485's DE and times the
 * frame silence itself, two SPIs (the AFE's frames must not wait behind an
 * NV save), I2C, an RTC in a VBAT domain, a PVD with an external input,
 * an OTP area for the unit's identity. It is the smallest, cheapest G4
 * that has them in 48 pins; a G474 adds high-resolution timers and memory
 * the meter has no use for.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "afe_sampler.h"
#include "board_pins.h"
#include "clock.h"
#include "clock_plan.h"
#include "debounce.h"
#include "hal.h"
#include "lcd.h"
#include "meter.h"
#include "nv.h"
#include "power_fail.h"
#include "pulse_out.h"
#include "rtc.h"
#include "stm32g4_regs.h"
#include "usart_rs485.h"

#define TICK_HZ 1000u
#define SYSTICK_PRIORITY 2u
/* The AFE's own oscillator (board_pins.h): 8.192 MHz / 2 / 1024 = 4 kHz. */
#define AFE_CLKIN_HZ 8192000u
/* PGA gains that make afe.h's full scales: the voltage divider gives
 * 1.2 V at 500 V peak (gain 1); a direct unit's 150 uOhm shunt gives
 * 18.75 mV at 125 A peak (gain 64: 1.2 V / 64); a CT unit's internal
 * 2000:1 transformer into 15 Ohm gives 75 mV at 10 A peak (gain 16). */
#define AFE_GAIN_V 1u
#define AFE_GAIN_I_DIRECT 64u
#define AFE_GAIN_I_CT 16u
#define AFE_RETRY_MS 1000u
#define RX_CHUNK 64u
#define BUTTON_EVENTS 8u /* power of two */
/* The unit's identity, programmed into the OTP area at manufacture: the
 * serial, then the model with "M2" in the top half. Blank OTP reads all
 * ones: serial 0, the core's default model. */
#define OTP_SERIAL REG32(FLASH_OTP_BASE)
#define OTP_MODEL REG32(FLASH_OTP_BASE + 4u)
#define OTP_MODEL_MARK_MASK 0xFFFF0000u
#define OTP_MODEL_MARK 0x4D320000u

static struct meter meter;
static struct meter_identity identity;
static uint64_t core_samples;      /* samples given to the core since meter_init */
static bool afe_running;
static uint32_t afe_retry_ms;
static bool restart_requested;
static bool line_pending;
static struct {
    uint32_t baud;
    char parity;
    unsigned stop_bits;
} line_next;

static volatile uint32_t tick_ms;  /* milliseconds not yet given to the core */
static volatile uint32_t uptime_ms;
static struct debounce buttons;
static volatile uint8_t button_event[BUTTON_EVENTS]; /* button | BUTTON_PRESSED */
static volatile uint32_t button_head;
static uint32_t button_tail;
#define BUTTON_PRESSED 0x80u

/* ---- hal.h: the UART and the restart (the rest: pulse_out.c, nv.c,
 * rtc.c, lcd.c) ---- */

void hal_uart_send(const uint8_t *frame, size_t len)
{
    (void)rs485_send(frame, len); /* the core sends one reply per request: it fits */
}

void hal_uart_configure(uint32_t baud, char parity, unsigned stop_bits)
{
    /* after the reply queued before it has gone out (main loop) */
    line_next.baud = baud;
    line_next.parity = parity;
    line_next.stop_bits = stop_bits;
    line_pending = true;
}

void hal_request_restart(void)
{
    restart_requested = true;
}

/* ---- SysTick: the core's milliseconds and the buttons ---- */

void SysTick_Handler(void)
{
    tick_ms = tick_ms + 1u;
    uptime_ms = uptime_ms + 1u;
    /* a pressed button pulls its pin low; bit b is button b + 1 (ui.h) */
    uint8_t raw = (uint8_t)((pin_read(BUTTON_PORT, BUTTON_NEXT_PIN) ? 0u : 1u << (UI_BUTTON_NEXT - 1)) |
                            (pin_read(BUTTON_PORT, BUTTON_ENTER_PIN) ? 0u : 1u << (UI_BUTTON_ENTER - 1)));
    uint8_t changed = debounce_sample(&buttons, raw);
    for (unsigned b = 0; changed != 0u; b++, changed >>= 1) {
        if ((changed & 1u) && button_head - button_tail < BUTTON_EVENTS) {
            bool pressed = (buttons.stable >> b) & 1u;
            button_event[button_head % BUTTON_EVENTS] = (uint8_t)((b + 1u) | (pressed ? BUTTON_PRESSED : 0u));
            button_head = button_head + 1u;
        }
    }
}

static void systick_init(void)
{
    SYST_RVR = clock_systick_reload(CLOCK_SYSCLK_HZ, TICK_HZ);
    SYST_CVR = 0;
    SCB_SHPR3 = (SCB_SHPR3 & 0x00FFFFFFu) | ((uint32_t)NVIC_PRIORITY(SYSTICK_PRIORITY) << 24);
    SYST_CSR = SYST_CSR_CLKSOURCE_CPU | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

static uint32_t take_ticks(void)
{
    __asm volatile("cpsid i" ::: "memory");
    uint32_t ms = tick_ms;
    tick_ms = 0;
    __asm volatile("cpsie i" ::: "memory");
    return ms;
}

/* ---- the unit ---- */

static void read_identity(void)
{
    uint32_t model = OTP_MODEL;
    bool programmed = (model & OTP_MODEL_MARK_MASK) == OTP_MODEL_MARK;
    identity.serial = programmed ? OTP_SERIAL : 0u;
    identity.model = programmed ? (enum med2_model)(model & 0xFFu) : MED2_MODEL_C80_1M_V3;
}

static bool start_afe(void)
{
    const struct med2_model_info *info = med2_model_info(identity.model);
    const struct ads131m02_config cfg = {
        .clkin_hz = AFE_CLKIN_HZ,
        .rate_hz = HAL_SAMPLE_RATE_HZ,
        .gain_ch0 = AFE_GAIN_V,
        .gain_ch1 = info != NULL && info->is_ct ? AFE_GAIN_I_CT : AFE_GAIN_I_DIRECT,
    };
    return afe_sampler_start(&cfg) == ADS131M02_OK;
}

static void core_start(void)
{
    pulse_out_all_off();
    core_samples = 0;
    pulse_out_set_offset(afe_sampler_count());
    meter_init(&meter, &identity);
}

/* hal_request_restart: once the reply to the restart command is out. */
static void after_core_call(void)
{
    if (!restart_requested) {
        return;
    }
    while (!rs485_tx_idle()) {
    }
    pulse_out_all_off();
    __asm volatile("dsb" ::: "memory");
    SCB_AIRCR = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ;
    __asm volatile("dsb" ::: "memory");
    for (;;) {
    }
}

/* The mains has gone: the core saves; then either the hold-up time runs
 * out and the CPU stops here, or the mains comes back within it and the
 * meter goes on (as the native board rides through a dip). */
static void on_power_fail(void)
{
    meter_on_power_fail(&meter);
    pulse_out_all_off();
    lcd_dark();
    while (power_fail_supply_low()) {
        __asm volatile("wfi");
    }
}

/* ---- the main loop ---- */

static void pass_samples(void)
{
    const struct afe_block *b;
    while ((b = afe_sampler_take()) != NULL) {
        pulse_out_set_offset(b->first_sample - core_samples);
        meter_on_samples(&meter, b->v, b->i, AFE_BLOCK_SAMPLES);
        core_samples += AFE_BLOCK_SAMPLES;
        afe_sampler_release(b);
        after_core_call();
    }
}

static void pass_line(void)
{
    uint8_t rx[RX_CHUNK];
    bool silence;
    size_t n;
    while ((n = rs485_receive(rx, sizeof rx, &silence)) > 0u || silence) {
        if (n > 0u) {
            meter_on_uart_rx(&meter, rx, n);
            after_core_call();
        }
        if (silence) {
            meter_on_uart_idle(&meter);
            after_core_call();
        }
    }
    if (line_pending && rs485_tx_idle()) {
        line_pending = false;
        rs485_configure(line_next.baud, line_next.parity, line_next.stop_bits);
    }
}

static void pass_buttons_and_time(void)
{
    while (button_tail != button_head) {
        uint8_t e = button_event[button_tail % BUTTON_EVENTS];
        button_tail++;
        meter_on_button(&meter, e & ~BUTTON_PRESSED, (e & BUTTON_PRESSED) != 0u);
        after_core_call();
    }
    uint32_t ms = take_ticks();
    if (ms == 0u) {
        return;
    }
    meter_on_tick(&meter, ms);
    after_core_call();
    if (!afe_running && (afe_retry_ms += ms) >= AFE_RETRY_MS) {
        afe_retry_ms = 0;
        afe_running = start_afe(); /* an AFE that did not answer at reset */
    }
}

int main(void)
{
    (void)clock_init();
    pins_init();
    systick_init();
    power_fail_init();
    while (power_fail_supply_low()) {
        __asm volatile("wfi"); /* the bulk capacitor is still charging */
    }
    (void)power_fail_take();
    rtc_init();
    (void)nv_init(); /* a FRAM that does not answer fails every save: the core reports it */
    lcd_init(CLOCK_SYSCLK_HZ);
    rs485_init(CLOCK_SYSCLK_HZ);
    pulse_out_init();
    read_identity();
    afe_running = start_afe();
    core_start();
    for (;;) {
        if (power_fail_take()) {
            on_power_fail();
        }
        pass_samples();
        pass_line();
        pass_buttons_and_time();
        lcd_service(uptime_ms);
        /* an interrupt between the checks above and here is seen at the
         * next wake-up, at most one AFE sample (250 us) later */
        __asm volatile("wfi");
    }
}
