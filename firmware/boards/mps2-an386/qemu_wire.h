/*
 * qemu_wire.h — the wires between benchd and the meter firmware running on
 * QEMU's mps2-an386 (boards/mps2-an386; benchd's side: rig/sim/sim_qemu.c).
 *
 * Three CMSDK UARTs of the board and one shared memory:
 *   UART0  the RS485 line, bytes as they are (benchd relays its pty);
 *   UART1  benchd -> meter: the bench's events in time order, among them
 *          the doorbell of the sample ring;
 *   UART2  meter -> benchd: hello, pulse edges, "reached", NV changes;
 *   PSRAM  the board's 16 MiB at 0x21000000, backed by a memory file
 *          benchd maps too (struct qw_shared): the AFE's sample ring, in
 *          place of the SPI AFE (the same codes the native board's AFE model
 *          makes, computed by benchd), and the line's idle word.
 * The samples go through memory because a CMSDK UART in QEMU takes one byte
 * per main-loop turn: 24 kB/s of codes ran the meter at about real time.
 * A record is a type byte and a fixed payload, little-endian. The sample
 * stream is the meter's clock: sample n after the unit's hello is at
 * config.t0_ns + n * 250 us, exactly as on the native board, so the
 * firmware runs in step with benchd's clock whatever QEMU's own (icount)
 * time does.
 */
#ifndef MED2_QEMU_WIRE_H
#define MED2_QEMU_WIRE_H

#include "hal.h"

#define QW_VERSION 2u

/* benchd -> meter (UART1) */
#define QW_CONFIG 'C'  /* t0_ns u64, serial u32, model u8: answer to every hello */
#define QW_RING 'R'    /* n u32: n more samples are in the ring, after those before */
#define QW_SYNC 'Y'    /* seq u32: the meter answers QW_REACHED once all before it is done */
#define QW_SUPPLY 'P'  /* on u8 */
#define QW_WAKE 'W'    /* (nothing): look at the shared idle word (struct qw_shared) */
#define QW_COST 'Q'    /* (nothing): the meter answers QW_COST_IS */
#define QW_BUTTON 'B'  /* button u8 (1 next, 2 enter), pressed u8 */

/* meter -> benchd (UART2) */
#define QW_HELLO 'h'   /* version u32: the firmware (re)started and waits for QW_CONFIG */
#define QW_EDGE 'e'    /* output u8, level u8, sample u64 (samples since the hello) */
#define QW_REACHED 'r' /* seq u32 */
#define QW_NV 'n'      /* NV memory changed: benchd saves it back to the slot's file */
#define QW_IDLE_DONE 'i' /* (nothing) */
#define QW_LINE 'l'    /* baud u32, parity u8 ('N', 'O', 'E'), stop bits u8: the
                          UART's settings from now on (benchd drops what a
                          client sends with other settings, as a UART would) */
#define QW_FRAME 'f'   /* sample u64, then struct med2_lcd_frame as its bytes (both
                          ends little-endian with the same alignment) */
#define QW_COST_IS 'k' /* ticks u64, samples u64: SysTick ticks inside meter_on_samples */

#define QW_MAX_BLOCK 80u     /* samples per meter_on_samples call at most */

/*
 * The shared memory. The ring: benchd writes samples at [written % size]
 * and rings QW_RING; the meter reads them in order and publishes how many
 * it took in `consumed`, so benchd never overwrites one not yet read.
 * The idle word: the line has been silent for 3.5 characters after its
 * idle_at_count-th byte (counted since the hello). benchd writes
 * idle_at_count, then bumps idle_seq, then sends QW_WAKE; the meter acts
 * once it has read that many bytes, answers QW_IDLE_DONE, and benchd relays
 * nothing more until then. The word is memory, not a record, because a
 * record waits behind the samples rung before it, and the line's silence
 * is real time, not sample time.
 * The defect words: what QEMU does not model of a defective unit's parts
 * (boards/native/defects.h), set by benchd before the firmware starts: an
 * NV chip that acknowledges writes and keeps its old content, an RTC
 * crystal that gains rtc_gain_ppb. The pulse driver and RS485 defects act
 * on benchd's side of the wires.
 */
#define QW_SHM_ADDR 0x21000000u
#define QW_SHM_SIZE (16u << 20)  /* the machine's RAM size: QEMU wants them equal */
#define QW_RING_SAMPLES 65536u   /* 16.4 s of samples */
struct qw_shared {
    uint32_t idle_seq;
    uint32_t idle_at_count;
    uint32_t consumed; /* mod 2^32: one aligned word is never read half-written */
    uint32_t nv_write_fail;
    int32_t rtc_gain_ppb;
    uint32_t reserved;
    int32_t v[QW_RING_SAMPLES];
    int32_t i[QW_RING_SAMPLES];
};

/* Memory map (mps2-an386 in QEMU): code at 0, RAM at 0x20000000; NV is a
 * RAM region benchd preloads from the slot's NV file (loader device) and
 * saves back through QMP pmemsave. Its layout is the native board's NV
 * file: QW_NV_DATA_SIZE bytes of NV memory, then the RTC trailer. */
#define QW_NV_ADDR 0x203F0000u
#define QW_NV_DATA_SIZE HAL_NV_SIZE
#define QW_NV_FILE_SIZE (QW_NV_DATA_SIZE + 16u)
#define QW_RTC_MAGIC 0x31435452u /* "RTC1", as in the native board's NV file */

/* SysTick's clock in QEMU's mps2: the 25 MHz system clock. */
#define QW_SYSCLK_HZ 25000000u

#endif
