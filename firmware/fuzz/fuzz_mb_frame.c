/*
 * fuzz_mb_frame.c — libFuzzer target: the meter's Modbus slave, whole
 * meter behind it (register layer, settings, password, commands, NV), fed
 * arbitrary frames, with this file as the board.
 *
 * Input: byte 0 picks the model (index into `models`, modulo), then chunks
 *   [ctl] [len] [len bytes]
 * ctl bit 0: append the frame's correct CRC (so the fuzzer gets past the
 *            CRC check and explores the PDUs; 0 = the bytes as they are)
 * ctl bit 1: deliver as the board does, meter_on_uart_rx + meter_on_uart_idle
 *            (bit 2 then splits the bytes over two rx calls); 0 = straight
 *            to mb_handle_frame
 * ctl bits 3..7: milliseconds of meter_on_tick after the chunk, x 64
 * so sequences like password, write, save, restart are reachable.
 *
 * Oracles beyond the sanitizers: every reply is a well-formed RTU frame
 * (5..256 bytes, good CRC, the request's slave address, its function code or
 * that code + 0x80 with exception 1..4), and a broadcast gets no reply.
 *
 * Deterministic: every input starts from erased NV, the same RTC, the same
 * power-on RAM pattern and a fresh meter_init.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crc16.h"
#include "hal.h"
#include "meter.h"
#include "model.h"

#define RTC_START 789000000u /* 2025-01-01, a fixed instant */
#define TICK_UNIT_MS 64u
#define NV_ERASED 0xFFu
#define RAM_AT_POWER_ON 0xA5u /* not zero: meter_init must set what it uses */

static const char *const models[] = {"C80-1M-V3", "B80-1M-V2", "C80-1M-V3CT", "B80-1M-V2CT",
                                     "B80-0M-02", "B80-0M-02P", "B80-0W-01"};

static struct meter meter;
static struct meter_identity identity;
static uint8_t nv[HAL_NV_SIZE];
static uint32_t rtc;
static int restart_requested;

/* What the request being delivered straight to the frame handler was. */
static int checking;     /* 1 while a direct mb_handle_frame call runs */
static uint8_t req_slave, req_function;

__attribute__((noreturn)) static void fail(void)
{
    __builtin_trap();
}

void hal_pulse_write(unsigned output, bool active, uint64_t sample_time)
{
    (void)output;
    (void)active;
    (void)sample_time;
}

void hal_uart_send(const uint8_t *frame, size_t len)
{
    if (len < 5 || len > MB_RTU_MAX_ADU)
        fail();
    uint16_t crc = (uint16_t)(frame[len - 2] | frame[len - 1] << 8);
    if (crc16_modbus(frame, len - 2) != crc)
        fail();
    if (!checking)
        return;
    if (req_slave == MB_ADDRESS_BROADCAST || frame[0] != req_slave)
        fail();
    if (frame[1] != req_function && frame[1] != (req_function | 0x80u))
        fail();
    if ((frame[1] & 0x80u) && (len != 5 || frame[2] < 1 || frame[2] > 4))
        fail();
}

void hal_uart_configure(uint32_t baud, char parity, unsigned stop_bits)
{
    (void)baud;
    if ((parity != 'N' && parity != 'O' && parity != 'E') || stop_bits < 1 || stop_bits > 2)
        fail();
}

int hal_nv_read(uint32_t offset, void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset)
        fail();
    memcpy(buf, &nv[offset], len);
    return 0;
}

int hal_nv_write(uint32_t offset, const void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset)
        fail();
    memcpy(&nv[offset], buf, len);
    return 0;
}

uint32_t hal_rtc_get(void)
{
    return rtc;
}

void hal_rtc_set(uint32_t seconds_since_2000)
{
    rtc = seconds_since_2000;
}

void hal_request_restart(void)
{
    restart_requested = 1;
}

void hal_lcd_show(const struct med2_lcd_frame *frame)
{
    (void)frame;
}

static void power_up(void)
{
    restart_requested = 0;
    meter_init(&meter, &identity);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t frame[MB_RTU_MAX_ADU + 2];

    if (size < 1)
        return 0;
    memset(nv, NV_ERASED, sizeof nv);
    rtc = RTC_START;
    if (med2_model_from_name(models[data[0] % (sizeof models / sizeof models[0])],
                             &identity.model) != 0)
        fail();
    identity.serial = 24110001u;
    /* Power-on RAM, the same for every input: nothing carries over from the
     * previous one (determinism), and a field meter_init forgets shows. */
    memset(&meter, RAM_AT_POWER_ON, sizeof meter);
    power_up();

    size_t at = 1;
    while (at + 2 <= size) {
        uint8_t ctl = data[at], len = data[at + 1];
        at += 2;
        if (len > size - at)
            len = (uint8_t)(size - at);
        size_t n = len;
        memcpy(frame, &data[at], n);
        at += len;
        if ((ctl & 1u) && n <= MB_RTU_MAX_ADU - 2) {
            uint16_t crc = crc16_modbus(frame, n);
            frame[n++] = (uint8_t)(crc & 0xFF);
            frame[n++] = (uint8_t)(crc >> 8);
        }
        if (ctl & 2u) {
            size_t first = (ctl & 4u) ? n / 2 : n;
            meter_on_uart_rx(&meter, frame, first);
            if (n > first)
                meter_on_uart_rx(&meter, frame + first, n - first);
            meter_on_uart_idle(&meter);
        } else {
            checking = 1;
            req_slave = n > 0 ? frame[0] : 0;
            req_function = n > 1 ? frame[1] : 0;
            (void)mb_handle_frame(&meter.modbus, frame, n);
            checking = 0; /* the slave ran meter_after_request itself (ops->end) */
        }
        if (restart_requested)
            power_up();
        uint32_t ms = (uint32_t)(ctl >> 3) * TICK_UNIT_MS;
        if (ms) {
            meter_on_tick(&meter, ms);
            rtc += ms / 1000u;
        }
        if (restart_requested)
            power_up();
    }
    return 0;
}
