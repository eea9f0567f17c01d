/*
 * board.c — the meter on QEMU's mps2-an386 (Cortex-M4F): hal.h over the
 * board's UARTs and a RAM region for NV (qemu_wire.h for the wires).
 *
 * The firmware is driven by what arrives: Modbus bytes on UART0 go to the
 * core at once; samples rung in on UART1 and read from the shared ring are
 * the ADC (the sample count is the meter's clock: RTC, ticks and pulse edge
 * times all derive from it, as on the native board); between them the core
 * sleeps in WFI. Edges, "reached"
 * and NV changes go back on UART2. No interrupt handler runs: PRIMASK stays
 * set and the UARTs' receive interrupts only wake WFI (cmsdk_uart.c).
 */
#include <stdint.h>
#include <string.h>

#include "calendar.h"
#include "cmsdk_uart.h"
#include "hal.h"
#include "meter.h"
#include "qemu_wire.h"

#define NS_PER_SAMPLE (1000000000ull / HAL_SAMPLE_RATE_HZ)
#define NS_PER_S 1000000000ll
#define SAMPLES_PER_MS (HAL_SAMPLE_RATE_HZ / 1000u)
/* The RTC of a fresh unit: 2026-01-01 00:00:00 at virtual time 0 (as native). */
#define RTC_START_YEAR 2026u
/* SysTick (ARMv7-M ARM B3.3): free-running 24-bit down counter on the CPU clock. */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE_CPUCLK 0x5u
#define SYST_MASK 0xFFFFFFu

/* The largest record: QW_CONFIG. */
#define REC_MAX 16u
#define SHM ((volatile struct qw_shared *)QW_SHM_ADDR)

/* NV memory and the RTC trailer, laid out as the native board's NV file. */
struct nv_region {
    uint8_t data[QW_NV_DATA_SIZE];
    uint32_t rtc_magic;
    uint32_t reserved;
    int64_t rtc_offset_s;
};
#define NV ((volatile struct nv_region *)QW_NV_ADDR)

static struct mps2_board {
    struct meter_identity id;
    struct meter meter;
    uint64_t t0_ns;        /* bench time of sample 0 (QW_CONFIG) */
    uint64_t samples;      /* samples since the hello */
    uint64_t sample_base;  /* `samples` when the core was last (re)initialised */
    uint32_t tick_remainder;
    uint32_t rtc_epoch;
    bool configured;
    bool powered;
    bool restart_requested;
    bool pulse_active[3];
    uint32_t rx_count;      /* RS485 bytes read since the hello */
    uint32_t idle_seq;      /* the shared idle word's last sequence acted on */
    bool idle_pending;      /* an idle came; applies once rx_count reaches idle_at_count */
    uint32_t idle_at_count;
    uint32_t ring_left;     /* samples rung in and not yet read */
    uint64_t ring_read;     /* samples read from the ring since the hello */
    uint64_t cost_ticks, cost_samples;
    uint8_t rec[REC_MAX];
    size_t rec_len;
    int32_t v[QW_MAX_BLOCK], i[QW_MAX_BLOCK];
} board;

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        p[k] = (uint8_t)(v >> (8u * k));
    }
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++) {
        v |= (uint64_t)p[k] << (8u * k);
    }
    return v;
}

static void send_edge(unsigned output, bool active, uint64_t sample)
{
    uint8_t m[11] = {QW_EDGE, (uint8_t)output, active ? 1u : 0u};
    put_le(m + 3, sample, 8);
    cmsdk_uart_write(UART_BENCH_OUT, m, sizeof m);
}

static void send_nv_changed(void)
{
    uint8_t m = QW_NV;
    cmsdk_uart_write(UART_BENCH_OUT, &m, 1);
}

/* ---- hal.h ---- */

void hal_pulse_write(unsigned output, bool active, uint64_t sample_time)
{
    if (output < 3u) {
        board.pulse_active[output] = active;
    }
    send_edge(output, active, board.sample_base + sample_time);
}

void hal_uart_send(const uint8_t *frame, size_t len)
{
    cmsdk_uart_write(UART_RS485, frame, len);
}

void hal_uart_configure(uint32_t baud, char parity, unsigned stop_bits)
{
    /* The line is a pty relayed by benchd, which plays the UART's part:
     * it learns the settings here (after the reply queued before them). */
    uint8_t m[7] = {QW_LINE};
    put_le(m + 1, baud, 4);
    m[5] = (uint8_t)parity;
    m[6] = (uint8_t)stop_bits;
    cmsdk_uart_write(UART_BENCH_OUT, m, sizeof m);
}

int hal_nv_read(uint32_t offset, void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset) {
        return -22; /* EINVAL: newlib's errno.h is not the host's */
    }
    memcpy(buf, (const void *)&NV->data[offset], len);
    return 0;
}

int hal_nv_write(uint32_t offset, const void *buf, size_t len)
{
    if (offset > HAL_NV_SIZE || len > HAL_NV_SIZE - offset) {
        return -22;
    }
    if (SHM->nv_write_fail != 0u) {
        return 0; /* the failed cell array acknowledges the write and keeps its old content */
    }
    memcpy((void *)&NV->data[offset], buf, len);
    send_nv_changed();
    return 0;
}

/* Seconds the RTC's crystal has counted since bench time 0: bench time,
 * unless the crystal gains (qemu_wire.h's defect words; in integers, as
 * this runs per sample on a core without double-precision hardware). */
static int64_t rtc_count_at(uint64_t samples)
{
    int64_t t = (int64_t)(board.t0_ns + samples * NS_PER_SAMPLE);
    int64_t ppb = SHM->rtc_gain_ppb;
    if (ppb != 0) {
        t += t / NS_PER_S * ppb + t % NS_PER_S * ppb / NS_PER_S;
    }
    return t / NS_PER_S;
}

static int64_t rtc_count_s(void)
{
    return rtc_count_at(board.samples);
}

uint32_t hal_rtc_get(void)
{
    int64_t offset = NV->rtc_magic == QW_RTC_MAGIC ? NV->rtc_offset_s : 0;
    int64_t s = (int64_t)board.rtc_epoch + offset + rtc_count_s();
    return s < 0 ? 0u : s > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

void hal_rtc_set(uint32_t seconds_since_2000)
{
    NV->rtc_offset_s = (int64_t)seconds_since_2000 - board.rtc_epoch - rtc_count_s();
    NV->rtc_magic = QW_RTC_MAGIC;
    send_nv_changed();
}

void hal_lcd_show(const struct med2_lcd_frame *frame)
{
    uint8_t m[9 + sizeof *frame] = {QW_FRAME};
    put_le(m + 1, board.samples, 8);
    memcpy(m + 9, frame, sizeof *frame);
    cmsdk_uart_write(UART_BENCH_OUT, m, sizeof m);
}

void hal_request_restart(void)
{
    board.restart_requested = true;
}

/* ---- power and resets ---- */

static void release_pulse_outputs(void)
{
    for (unsigned o = 1; o < 3u; o++) {
        if (board.pulse_active[o]) {
            board.pulse_active[o] = false;
            send_edge(o, false, board.samples);
        }
    }
}

/* Power-up or MCU reset: outputs inactive, the core starts from NV. */
static void core_start(void)
{
    release_pulse_outputs();
    board.sample_base = board.samples;
    board.tick_remainder = 0;
    board.restart_requested = false;
    meter_init(&board.meter, &board.id);
}

static void after_core_call(void)
{
    if (board.restart_requested) {
        core_start();
    }
}

static void set_supply(bool on)
{
    if (on && !board.powered) {
        board.powered = true;
        core_start();
    } else if (!on && board.powered) {
        meter_on_power_fail(&board.meter);
        board.powered = false;
        release_pulse_outputs();
    }
}

/* ---- the sample stream ---- */

/* Samples of the next block: at most QW_MAX_BLOCK of those rung in, and
 * none past the RTC's next second (as the native board cuts: the second
 * then starts on its own sample, not up to a block late). */
static size_t next_block(void)
{
    size_t n = board.ring_left < QW_MAX_BLOCK ? board.ring_left : QW_MAX_BLOCK;
    if (SHM->rtc_gain_ppb != 0) {
        /* a crystal that gains: its own seconds, found sample by sample */
        int64_t second = rtc_count_s();
        for (size_t k = 1; k < n; k++) {
            if (rtc_count_at(board.samples + k) != second) {
                return k;
            }
        }
        return n;
    }
    uint64_t now = board.t0_ns + board.samples * NS_PER_SAMPLE;
    uint64_t to_second = NS_PER_S - now % NS_PER_S;
    uint64_t before = (to_second + NS_PER_SAMPLE - 1u) / NS_PER_SAMPLE;
    return before < n ? (size_t)before : n;
}

static void on_samples(size_t n)
{
    __asm volatile("" ::: "memory"); /* the ring is read after its doorbell */
    for (size_t k = 0; k < n; k++) {
        size_t at = (size_t)((board.ring_read + k) % QW_RING_SAMPLES);
        board.v[k] = SHM->v[at];
        board.i[k] = SHM->i[at];
    }
    board.ring_read += n;
    board.ring_left -= (uint32_t)n;
    SHM->consumed = (uint32_t)board.ring_read;
    if (!board.powered) {
        board.samples += n; /* time runs, the meter does not */
        return;
    }
    /* SysTick runs only here: under QEMU with sleep=off a running timer
     * would make an idle board warp its clock from deadline to deadline */
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE_CPUCLK;
    uint32_t before = SYST_CVR;
    meter_on_samples(&board.meter, board.v, board.i, n);
    board.cost_ticks += (before - SYST_CVR) & SYST_MASK;
    SYST_CSR = 0;
    board.cost_samples += n;
    board.samples += n;
    after_core_call();
    board.tick_remainder += (uint32_t)n;
    uint32_t ms = board.tick_remainder / SAMPLES_PER_MS;
    if (ms > 0u) {
        board.tick_remainder -= ms * SAMPLES_PER_MS;
        meter_on_tick(&board.meter, ms);
        after_core_call();
    }
}

/* Bytes of a record of this type (0: unknown). */
static size_t record_size(const uint8_t *rec)
{
    switch (rec[0]) {
    case QW_CONFIG: return 1u + 8u + 4u + 1u;
    case QW_RING: return 5u;
    case QW_SYNC: return 5u;
    case QW_SUPPLY: return 2u;
    case QW_WAKE: return 1u;
    case QW_COST: return 1u;
    case QW_BUTTON: return 3u;
    default: return 0u;
    }
}

static void on_record(const uint8_t *r)
{
    switch (r[0]) {
    case QW_CONFIG:
        board.t0_ns = get_le(r + 1, 8);
        board.id.serial = (uint32_t)get_le(r + 9, 4);
        board.id.model = (enum med2_model)r[13];
        board.configured = true;
        break;
    case QW_RING:
        board.ring_left += (uint32_t)get_le(r + 1, 4);
        break;
    case QW_SYNC: {
        uint8_t m[5] = {QW_REACHED};
        memcpy(m + 1, r + 1, 4);
        cmsdk_uart_write(UART_BENCH_OUT, m, sizeof m);
        break;
    }
    case QW_SUPPLY:
        set_supply(r[1] != 0u);
        break;
    case QW_WAKE:
        break; /* the idle word is looked at every turn of the main loop */
    case QW_BUTTON:
        if (board.powered) {
            meter_on_button(&board.meter, r[1], r[2] != 0u);
            after_core_call();
        }
        break;
    case QW_COST: {
        uint8_t m[17] = {QW_COST_IS};
        put_le(m + 1, board.cost_ticks, 8);
        put_le(m + 9, board.cost_samples, 8);
        cmsdk_uart_write(UART_BENCH_OUT, m, sizeof m);
        break;
    }
    default:
        break;
    }
}

/* Feed one byte of UART1; returns true when it completed a record. */
static bool bench_byte(uint8_t b)
{
    board.rec[board.rec_len++] = b;
    size_t want = record_size(board.rec);
    if (want == 0u || want > REC_MAX) {
        board.rec_len = 0; /* not a record: drop it, the next byte starts over */
        return false;
    }
    if (board.rec_len < want) {
        return false;
    }
    on_record(board.rec);
    board.rec_len = 0;
    return true;
}

static void hello(void)
{
    uint8_t m[5] = {QW_HELLO};
    put_le(m + 1, QW_VERSION, 4);
    cmsdk_uart_write(UART_BENCH_OUT, m, sizeof m);
}

int main(void)
{
    __asm volatile("cpsid i"); /* see the top: nothing is handled by interrupt */
    const struct calendar_time start = {.year = RTC_START_YEAR, .month = 1, .day = 1};
    board.rtc_epoch = calendar_to_seconds(&start);
    SYST_RVR = SYST_MASK;
    cmsdk_uart_init(UART_RS485);
    cmsdk_uart_init(UART_BENCH_IN);
    cmsdk_uart_init(UART_BENCH_OUT);
    SHM->consumed = 0;
    board.idle_seq = SHM->idle_seq;
    hello();
    for (;;) {
        bool busy = false;
        uint8_t b;
        while (cmsdk_uart_getc(UART_RS485, &b)) {
            busy = true;
            board.rx_count++;
            if (board.powered) {
                meter_on_uart_rx(&board.meter, &b, 1);
                after_core_call();
            }
        }
        uint32_t seq = SHM->idle_seq;
        if (seq != board.idle_seq) {
            __asm volatile("" ::: "memory"); /* the count is written before the sequence */
            board.idle_seq = seq;
            board.idle_at_count = SHM->idle_at_count;
            board.idle_pending = true;
        }
        if (board.idle_pending && board.rx_count >= board.idle_at_count) {
            /* the silence came after exactly these bytes (benchd holds the
             * next ones back until QW_IDLE_DONE) */
            board.idle_pending = false;
            if (board.powered) {
                meter_on_uart_idle(&board.meter);
                after_core_call();
            }
            uint8_t m = QW_IDLE_DONE;
            cmsdk_uart_write(UART_BENCH_OUT, &m, 1);
        }
        if (board.ring_left > 0u) {
            /* a block at a time, so a Modbus request is not held up by a
             * long run; the records after the doorbell wait their turn */
            on_samples(next_block());
            continue;
        }
        /* a record at a time, for the same reason */
        while (cmsdk_uart_getc(UART_BENCH_IN, &b)) {
            busy = true;
            bool was_configured = board.configured;
            if (bench_byte(b)) {
                if (!was_configured && board.configured) {
                    board.powered = true;
                    core_start();
                }
                break;
            }
        }
        if (!busy) {
            cmsdk_uart_wait_rx();
        }
    }
}
